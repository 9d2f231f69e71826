"""The course's numpy NMS against OpenCV's NMSBoxes, on real YOLO candidate boxes."""

from __future__ import annotations

import functools

import cv2
import numpy as np
import pytest

from cvcourse.evaluation import iou
from cvcourse.images import read_image
from cvcourse.nms import iou_with, non_max_suppression
from cvcourse.yolo import YoloDetector, decode


def test_iou_with_agrees_with_evaluation_iou():
    rng = np.random.default_rng(0)
    boxes = np.column_stack([rng.integers(0, 50, (200, 2)), rng.integers(0, 40, (200, 2))])
    box = (20, 15, 30, 25)
    assert np.allclose(iou_with(box, boxes), [iou(box, b) for b in boxes])
    assert iou_with((0, 0, 10, 10), [(5, 0, 10, 10)])[0] == pytest.approx(50 / 150)


def test_hand_example():
    boxes = [(0, 0, 10, 10), (1, 1, 10, 10), (20, 20, 5, 5), (0, 0, 8, 10)]
    scores = [0.8, 0.9, 0.7, 0.3]
    # box 1 is best; box 0 overlaps it (IoU 81/119 = 0.68) and goes; box 3 overlaps box 1 by 63/117
    # = 0.54
    assert non_max_suppression(boxes, scores, 0.1, 0.5) == [1, 2]
    assert non_max_suppression(boxes, scores, 0.1, 0.6) == [1, 2, 3]  # 0.54 <= 0.6: kept
    assert non_max_suppression(boxes, scores, 0.75, 0.5) == [1]  # only scores > 0.75 take part
    assert non_max_suppression(boxes, scores, 0.1, 0.5, class_ids=[0, 1, 0, 1]) == [1, 0, 2]
    assert non_max_suppression([], [], 0.1, 0.5) == []


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="2 scores for 1 boxes"):
        non_max_suppression([(0, 0, 1, 1)], [0.5, 0.4], 0.1, 0.5)
    with pytest.raises(ValueError, match=r"N rows of \(x, y, w, h\)"):
        non_max_suppression([(0, 0, 1)], [0.5], 0.1, 0.5)
    with pytest.raises(ValueError, match="iou_threshold"):
        non_max_suppression([(0, 0, 1, 1)], [0.5], 0.1, 1.5)


@functools.lru_cache(maxsize=1)
def _candidates(cfg, weights, names, images):
    detector = YoloDetector(cfg, weights, names)
    found = []
    for file in images:
        image = read_image(file)
        for size in (224, 320, 416):
            found.append(
                decode(detector.forward(image, size), (image.shape[1], image.shape[0]), 0.1)
            )
    return found


@pytest.fixture
def candidates(real_asset):
    """Real YOLO candidate boxes (before NMS) of three photos at three input sizes."""
    return _candidates(
        real_asset("yolo_fastest/yolo-fastest-1.1.cfg"),
        real_asset("yolo_fastest/yolo-fastest-1.1.weights"),
        real_asset("yolo_fastest/coco.names"),
        tuple(
            real_asset(n)
            for n in (
                "detection_images/dog.jpg",
                "detection_images/person.jpg",
                "faces_group/2008_002079.jpg",
            )
        ),
    )


@pytest.mark.parametrize("score_threshold, iou_threshold", [(0.1, 0.45), (0.25, 0.3), (0.5, 0.6)])
def test_same_boxes_as_opencv_on_real_detections(candidates, score_threshold, iou_threshold):
    suppressed = 0
    for boxes, scores, class_ids in candidates:
        ours = non_max_suppression(boxes, scores, score_threshold, iou_threshold)
        theirs = cv2.dnn.NMSBoxes(boxes.tolist(), scores.tolist(), score_threshold, iou_threshold)
        assert ours == np.asarray(theirs, int).reshape(-1).tolist()
        ours = non_max_suppression(boxes, scores, score_threshold, iou_threshold, class_ids)
        theirs = cv2.dnn.NMSBoxesBatched(
            boxes.tolist(), scores.tolist(), class_ids.tolist(), score_threshold, iou_threshold
        )
        assert sorted(ours) == sorted(np.asarray(theirs, int).reshape(-1).tolist())
        suppressed += int((scores > score_threshold).sum()) - len(ours)
    assert suppressed > 20, "the test images should give NMS overlapping boxes to remove"
