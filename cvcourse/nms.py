"""Non-maximum suppression (NMS): keep the best of each group of overlapping boxes.

A detector such as YOLO predicts many boxes around one object (neighbouring grid cells and
anchors all "see" it). Greedy NMS sorts the boxes by score, keeps the best one, drops every
remaining box that overlaps it by more than an IoU threshold, and repeats with what is left.

The rules follow ``cv2.dnn.NMSBoxes`` exactly, so the two agree box for box (unit-tested on real
YOLO detections): a box needs ``score > score_threshold``; equal scores keep their input order;
a box is dropped when its IoU with a kept box is *greater than* ``iou_threshold``.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

Box = Sequence[float]  # (x, y, w, h)


def _as_boxes(boxes: np.ndarray | Sequence[Box], name: str = "boxes") -> np.ndarray:
    """``boxes`` as an (N, 4) float array of ``(x, y, w, h)`` rows; raise on anything else."""
    if boxes is None or isinstance(boxes, (str, bytes)):
        raise TypeError(f"{name} must be (x, y, w, h) numbers, not {type(boxes).__name__}")
    try:
        array = np.asarray(boxes, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be rows of four numbers (x, y, w, h), got {boxes!r:.80}"
        ) from None
    if not np.isfinite(array).all():
        raise ValueError(f"{name} holds NaN or infinite values")
    if array.size == 0:
        return array.reshape(0, 4)
    if array.ndim != 2 or array.shape[1] != 4:
        raise ValueError(f"{name} must be N rows of (x, y, w, h), got shape {array.shape}")
    if (array[:, 2:] < 0).any():
        raise ValueError(f"{name} must have non-negative width and height")
    return array


def iou_with(box: Box, boxes: np.ndarray | Sequence[Box]) -> np.ndarray:
    """IoU of one ``(x, y, w, h)`` box with each of ``boxes`` (vectorised ``evaluation.iou``)."""
    x, y, w, h = _as_boxes([box], "box")[0]
    others = _as_boxes(boxes)
    iw = np.clip(
        np.minimum(x + w, others[:, 0] + others[:, 2]) - np.maximum(x, others[:, 0]), 0, None
    )
    ih = np.clip(
        np.minimum(y + h, others[:, 1] + others[:, 3]) - np.maximum(y, others[:, 1]), 0, None
    )
    inter = iw * ih
    union = w * h + others[:, 2] * others[:, 3] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def pairwise_iou(boxes: np.ndarray | Sequence[Box]) -> np.ndarray:
    """The N × N matrix of IoUs between ``(x, y, w, h)`` boxes."""
    b = _as_boxes(boxes)
    top_left = np.maximum(b[:, None, :2], b[None, :, :2])
    bottom_right = np.minimum(b[:, None, :2] + b[:, None, 2:], b[None, :, :2] + b[None, :, 2:])
    inter = np.prod(np.clip(bottom_right - top_left, 0, None), axis=2)
    area = b[:, 2] * b[:, 3]
    union = area[:, None] + area[None] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def non_max_suppression(
    boxes: np.ndarray | Sequence[Box],
    scores: np.ndarray | Sequence[float],
    score_threshold: float,
    iou_threshold: float,
    class_ids: np.ndarray | Sequence[int] | None = None,
) -> list[int]:
    """Indices of the boxes greedy NMS keeps, best score first (as ``cv2.dnn.NMSBoxes``).

    With ``class_ids``, boxes only suppress boxes of their own class (as darknet does and
    ``cv2.dnn.NMSBoxesBatched``); without, a dog box can suppress a cat box on the same animal.
    The IoUs of all pairs are computed at once; the greedy loop then only reads them.
    """
    boxes = _as_boxes(boxes)
    scores = np.asarray(scores, dtype=float).reshape(-1)
    if len(scores) != len(boxes):
        raise ValueError(f"{len(scores)} scores for {len(boxes)} boxes")
    if not 0 <= iou_threshold <= 1:
        raise ValueError(f"iou_threshold must be in [0, 1], got {iou_threshold}")
    if class_ids is not None and len(class_ids) != len(boxes):
        raise ValueError(f"{len(class_ids)} class ids for {len(boxes)} boxes")
    order = np.argsort(-scores, kind="stable")  # best first; equal scores keep their order
    order = order[scores[order] > score_threshold]
    if len(order) < 2:
        return order.tolist()
    drop = pairwise_iou(boxes[order]) > iou_threshold
    if class_ids is not None:  # only boxes of the same class suppress each other
        groups = np.asarray(class_ids).reshape(-1)[order]
        drop &= groups[:, None] == groups[None]
    suppressed = np.zeros(len(order), bool)
    keep: list[int] = []
    for i in range(len(order)):
        if not suppressed[i]:
            keep.append(int(order[i]))
            suppressed |= drop[i]  # everything this box overlaps too much
    return keep
