"""YOLO object detection with Darknet weights in OpenCV's DNN module (no darknet build needed).

One code path serves every Darknet YOLO (the default Yolo-Fastest 1.1 and the course's YOLOv4):
the output layers come from the network (``getUnconnectedOutLayersNames``), the input size and
the thresholds are arguments.

Each row of a YOLO output layer (as OpenCV returns it) is one box prediction::

    [cx, cy, w, h, objectness, score_0, ..., score_79]

with the centre and size as fractions of the image and ``score_c = objectness × P(class c |
object)``. :func:`decode` turns the rows into pixel boxes exactly as ``cv2.dnn.DetectionModel``
does (same integer rounding and clipping): it is the readable reference, checked against OpenCV
in the unit tests. :meth:`YoloDetector.detect` lets OpenCV's ``DetectionModel`` decode in C++
with its NMS switched off, and applies the course's numpy NMS (:mod:`cvcourse.nms`): the wrapper
finds exactly what plain OpenCV finds, and costs only the NMS and the ``Detection`` objects more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import cv2
import numpy as np

from cvcourse import assets
from cvcourse.display import draw_boxes
from cvcourse.images import check_image
from cvcourse.nms import non_max_suppression
from cvcourse.validation import check_file, check_fraction, check_model, check_uint8, opencv_reason

CONFIDENCE = 0.25  # darknet's default detection threshold
NMS_IOU = 0.45  # darknet's default NMS threshold


@dataclass(frozen=True)
class YoloModel:
    """The registry names of one Darknet model's files and its usual input size."""

    cfg: str
    weights: str
    names: str
    input_size: int


MODELS = {
    "yolo_fastest": YoloModel(
        "yolo_fastest/yolo-fastest-1.1.cfg",
        "yolo_fastest/yolo-fastest-1.1.weights",
        "yolo_fastest/coco.names",
        320,
    ),
    "yolov4": YoloModel("yolov4/yolov4.cfg", "yolov4/yolov4.weights", "yolov4/coco.names", 416),
}


class DarknetMismatchError(ValueError):
    """A cfg, weights and class-names file that do not belong together."""


@dataclass(frozen=True)
class Detection:
    """One detected object: ``box`` is ``(x, y, w, h)`` in image pixels."""

    box: tuple[int, int, int, int]
    class_name: str
    confidence: float
    class_id: int


def read_class_names(path: str | Path) -> list[str]:
    """Class names, one per line (``coco.names``)."""
    path = check_file(path, "names", "class-names file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(
            f"{path} is not a class-names file: not UTF-8 text (one class name a line)"
        ) from None
    return [line.strip() for line in text.splitlines() if line.strip()]


def weights_count(path: str | Path) -> int:
    """How many float32 numbers a Darknet ``.weights`` file holds after its header.

    The header is major, minor, revision (int32) and the number of images seen in training
    (int64 from format 0.2 on, int32 before).
    """
    path = check_file(path, "path", "Darknet weights file")
    if path.stat().st_size < 16:
        raise DarknetMismatchError(
            f"{path.name} is not a Darknet weights file ({path.stat().st_size} bytes, "
            f"shorter than its 16-byte header)"
        )
    major, minor, _ = np.fromfile(path, dtype=np.int32, count=3)
    header = 20 if major * 10 + minor >= 2 and major < 1000 and minor < 1000 else 16
    body = path.stat().st_size - header
    if body < 0 or body % 4:
        raise DarknetMismatchError(
            f"{path.name} is not a Darknet weights file ({path.stat().st_size} bytes)"
        )
    return body // 4


def network_weight_count(net: cv2.dnn.Net) -> int:
    """How many numbers the layers of a loaded Darknet network read from its weights file.

    Convolutions (kernels, or biases without batch norm) and batch norms (scale, bias, mean,
    variance); the YOLO layers' anchors come from the cfg, not the weights.
    """
    check_model(
        net, "net", ("getLayerNames", "getLayer"), "a cv2.dnn network (cv2.dnn.readNetFromDarknet)"
    )
    total = 0
    for name in net.getLayerNames():
        layer = net.getLayer(name)
        if layer.type in ("Convolution", "BatchNorm", "InnerProduct"):
            total += sum(blob.size for blob in layer.blobs)
    return total


def cfg_classes(cfg: str | Path) -> set[int]:
    """The ``classes=`` values of a cfg's ``[yolo]``/``[region]`` sections.

    A file with no ``[net]`` section or no ``classes=`` line is not a Darknet YOLO cfg:
    ``ValueError``.
    """
    cfg = check_file(cfg, "cfg", "Darknet cfg file")
    text = cfg.read_text(encoding="utf-8", errors="replace")
    classes = {int(n) for n in re.findall(r"^\s*classes\s*=\s*(\d+)", text, flags=re.MULTILINE)}
    if not re.search(r"^\s*\[(net|network)\]", text, flags=re.MULTILINE) or not classes:
        raise DarknetMismatchError(
            f"{cfg} is not a Darknet YOLO cfg: it needs a [net] section and [yolo] "
            f"(or [region]) sections with classes="
        )
    return classes


def decode(
    outputs: Sequence[np.ndarray], image_size: tuple[int, int], confidence: float = CONFIDENCE
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Boxes ``(x, y, w, h)`` in pixels, scores and class ids of the rows scoring ≥ ``confidence``.

    ``image_size`` is ``(width, height)``. The arithmetic is ``cv2.dnn.DetectionModel``'s: a row's
    score is its best class score, the centre and size are scaled and truncated to integers,
    the top-left corner is clipped into the image and the size to its border.
    """
    # a class score is objectness × a probability, so rows whose objectness is already below the
    # threshold cannot pass: skipping them first saves most of the work
    rows = np.concatenate(
        [o[o[:, 4] >= confidence] for o in (o.reshape(-1, o.shape[-1]) for o in outputs)]
    )
    class_ids = rows[:, 5:].argmax(axis=1)
    scores = rows[np.arange(len(rows)), 5 + class_ids]
    chosen = scores >= confidence
    rows, class_ids, scores = rows[chosen], class_ids[chosen], scores[chosen]
    width, height = image_size
    cx, cy, w, h = (
        (rows[:, :4] * np.array([width, height, width, height], np.float32)).astype(np.int32).T
    )
    left = np.clip(cx - np.trunc(w / 2).astype(np.int32), 0, width - 1)
    top = np.clip(cy - np.trunc(h / 2).astype(np.int32), 0, height - 1)
    w = np.maximum(1, np.minimum(w, width - left))
    h = np.maximum(1, np.minimum(h, height - top))
    return np.stack([left, top, w, h], axis=1), scores, class_ids


class YoloDetector:
    """A Darknet YOLO network read by ``cv2.dnn.readNetFromDarknet``, checked against its weights.

    Raises ``FileNotFoundError`` for a missing file and :class:`DarknetMismatchError` when the
    cfg does not describe the network the weights were trained for (OpenCV itself would load
    such a pair silently and detect garbage) or the class names do not match the cfg.
    """

    def __init__(
        self, cfg: str | Path, weights: str | Path, names: str | Path, input_size: int = 320
    ):
        cfg = check_file(cfg, "cfg", "Darknet cfg file")
        weights = check_file(weights, "weights", "Darknet weights file")
        self.class_names = read_class_names(names)
        try:
            self.net = cv2.dnn.readNetFromDarknet(str(cfg), str(weights))
        except cv2.error as exc:
            raise DarknetMismatchError(
                f"OpenCV cannot read {cfg.name} + {weights.name} as a Darknet network "
                f"({opencv_reason(exc)}): is {cfg.name} a Darknet .cfg file?"
            ) from None
        in_file, in_net = weights_count(weights), network_weight_count(self.net)
        if in_file != in_net:
            raise DarknetMismatchError(
                f"{weights.name} holds {in_file:,} weights but {cfg.name} describes a network with "
                f"{in_net:,}: the cfg and the weights belong to different models (or a file is cut "
                "short). Use the cfg the weights were trained with."
            )
        classes = cfg_classes(cfg)
        if classes != {len(self.class_names)}:
            raise DarknetMismatchError(
                f"{cfg.name} has classes={sorted(classes)} but {Path(names).name} "
                f"lists {len(self.class_names)} names"
            )
        self.output_names = list(self.net.getUnconnectedOutLayersNames())
        self.input_size = check_input_size(input_size)
        self._model = cv2.dnn_DetectionModel(self.net)  # the same network, for decoding in C++
        self._model_size = 0

    def forward(self, image: np.ndarray, input_size: int | None = None) -> list[np.ndarray]:
        """The raw output rows of every YOLO layer for a BGR uint8 image (see the module
        docstring)."""
        image = _network_input(image)
        size = check_input_size(input_size or self.input_size)
        blob = cv2.dnn.blobFromImage(image, 1 / 255, (size, size), swapRB=True, crop=False)
        self.net.setInput(blob)  # scale 1: an earlier setInput's scale factor must not linger
        return list(self.net.forward(self.output_names))

    def detect(
        self,
        image: np.ndarray,
        confidence: float = CONFIDENCE,
        nms_iou: float = NMS_IOU,
        input_size: int | None = None,
        per_class: bool = False,
    ) -> list[Detection]:
        """Objects in a BGR image, best first: ``Detection(box, class_name, confidence, class_id)``.

        ``per_class=True`` suppresses overlaps only within a class (darknet's way); the default
        suppresses across classes (one label per object, as the usual ``cv2.dnn.NMSBoxes`` code).
        ``image`` must be uint8 (0-255), as ``cv2.imread`` gives it; ``confidence`` and ``nms_iou``
        are between 0 and 1.
        """
        image = _network_input(image)
        confidence, nms_iou = (
            check_fraction(confidence, "confidence"),
            check_fraction(nms_iou, "nms_iou"),
        )
        size = check_input_size(input_size or self.input_size)
        if size != self._model_size:
            self._model.setInputParams(scale=1 / 255, size=(size, size), swapRB=True)
            self._model_size = size
        # OpenCV's C++ decoding (what decode() does in numpy); threshold 0 switches its NMS off
        class_ids, scores, boxes = self._model.detect(image, confidence, 0.0)
        class_ids, scores = np.ravel(class_ids).astype(int), np.ravel(scores)
        boxes = np.reshape(boxes, (-1, 4))
        keep = non_max_suppression(boxes, scores, 0.0, nms_iou, class_ids if per_class else None)
        names = self.class_names
        return [
            Detection(
                tuple(boxes[i].tolist()), names[class_ids[i]], float(scores[i]), int(class_ids[i])
            )
            for i in keep
        ]


def load_yolo(
    model: str = "yolo_fastest", input_size: int | None = None, download: bool | None = None
) -> YoloDetector:
    """The YOLO ``model`` of :data:`MODELS` from the asset registry (downloaded if allowed)."""
    if model not in MODELS:
        raise KeyError(f"unknown YOLO model {model!r}; choose one of {', '.join(MODELS)}")
    files = MODELS[model]
    return YoloDetector(
        assets.path(files.cfg, download),
        assets.path(files.weights, download),
        assets.path(files.names, download),
        input_size or files.input_size,
    )


def check_input_size(size: int) -> int:
    """``size`` if it is a positive multiple of 32 (YOLO downsamples by 32), else ``ValueError``."""
    if not isinstance(size, (int, np.integer)) or size <= 0 or size % 32:
        raise ValueError(
            f"YOLO input size must be a positive multiple of 32 (e.g. 224, 320, 416), got {size!r}"
        )
    return int(size)


def _network_input(image: np.ndarray) -> np.ndarray:
    """A 3-channel BGR uint8 view of ``image``: the network scales 0-255 pixels to 0-1 itself, so
    0-1 floats would look black to it and 16-bit pixels like noise (it finds nothing, or
    carrots)."""
    return _bgr(check_uint8(check_image(image), "image", "YOLO"))


def _bgr(image: np.ndarray) -> np.ndarray:
    """A 3-channel BGR view of a checked image (gray is expanded, alpha dropped)."""
    image = check_image(image)
    if image.ndim == 2 or image.shape[2] == 1:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    return image[:, :, :3] if image.shape[2] == 4 else image


def class_color(class_id: int) -> tuple[int, int, int]:
    """A fixed, distinct BGR colour per class id."""
    hue = (class_id * 47) % 180
    color = cv2.cvtColor(np.uint8([[[hue, 200, 255]]]), cv2.COLOR_HSV2BGR)[0, 0]
    return tuple(int(c) for c in color)


def draw_detections(
    image: np.ndarray, detections: Iterable[Detection], thickness: int = 2
) -> np.ndarray:
    """A copy of ``image`` with each detection's box and ``class confidence`` label, one colour per
    class."""
    out = _bgr(image)
    by_class: dict[int, list[Detection]] = {}
    for d in detections:
        by_class.setdefault(d.class_id, []).append(d)
    for class_id, group in by_class.items():
        out = draw_boxes(
            out,
            [d.box for d in group],
            [f"{d.class_name} {d.confidence:.2f}" for d in group],
            color=class_color(class_id),
            thickness=thickness,
        )
    return out if by_class else out.copy()


def count_classes(detections: Iterable[Detection]) -> dict[str, int]:
    """How many detections of each class, most frequent first."""
    counts: dict[str, int] = {}
    for d in detections:
        counts[d.class_name] = counts.get(d.class_name, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
