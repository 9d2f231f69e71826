"""The Darknet YOLO wrapper on the real Yolo-Fastest 1.1 weights and the darknet sample photos."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from cvcourse import assets, yolo
from cvcourse.images import read_image
from cvcourse.nms import non_max_suppression

CFG, WEIGHTS, NAMES = (
    "yolo_fastest/yolo-fastest-1.1.cfg",
    "yolo_fastest/yolo-fastest-1.1.weights",
    "yolo_fastest/coco.names",
)
PHOTOS = ("detection_images/dog.jpg", "detection_images/person.jpg", "faces_group/2008_002079.jpg")


@pytest.fixture
def detector(real_asset):
    return yolo.YoloDetector(real_asset(CFG), real_asset(WEIGHTS), real_asset(NAMES))


def test_network_and_raw_output(detector, real_asset):
    assert detector.output_names == ["yolo_121", "yolo_130"] and len(detector.class_names) == 80
    outputs = detector.forward(read_image(real_asset("detection_images/dog.jpg")), 320)
    # two scales, 3 anchors per cell: 10×10 and 20×20 grids; rows = cx, cy, w, h, objectness, 80
    # scores
    assert [o.shape for o in outputs] == [(300, 85), (1200, 85)]
    rows = np.concatenate(outputs)
    assert 0 <= rows[:, :5].min() and rows[:, :2].max() <= 1
    best = rows[rows[:, 5:].max(axis=1).argmax()]
    assert (
        detector.class_names[best[5:].argmax()] == "car" and best[4] >= best[5:].max()
    )  # score = objectness × P(class)


def test_dog_photo(detector, real_asset):
    image = read_image(real_asset("detection_images/dog.jpg"))
    found = detector.detect(image, confidence=0.25, nms_iou=0.45, input_size=320)
    assert yolo.count_classes(found) == {"car": 2, "bicycle": 1, "dog": 1, "person": 1}
    centres = {d.class_name: (d.box[0] + d.box[2] / 2, d.box[1] + d.box[3] / 2) for d in found}
    # checked by eye on the 768×576 photo: dog bottom left, bicycle middle, the truck top right
    assert abs(centres["dog"][0] - 244) < 25 and abs(centres["dog"][1] - 367) < 25, centres["dog"]
    assert abs(centres["bicycle"][0] - 416) < 40 and abs(centres["bicycle"][1] - 304) < 40, centres[
        "bicycle"
    ]
    assert max(d.confidence for d in found if d.class_name == "car") > 0.85
    assert [d.confidence for d in found] == sorted((d.confidence for d in found), reverse=True)
    per_class = yolo.count_classes(detector.detect(image, 0.25, 0.45, 320, per_class=True))
    assert (
        per_class["cat"] == 1 and per_class["bicycle"] == 2
    )  # kept when only same-class boxes suppress


@pytest.mark.parametrize("size", [224, 320, 416])
@pytest.mark.parametrize("per_class", [False, True])
def test_same_detections_as_opencv_detection_model(detector, real_asset, size, per_class):
    model = cv2.dnn_DetectionModel(
        detector.net
    )  # the same net, used in turns: no input scaling may linger
    model.setInputParams(scale=1 / 255, size=(size, size), swapRB=True)
    model.setNmsAcrossClasses(not per_class)
    total = 0
    for name in PHOTOS:
        image = read_image(real_asset(name))
        class_ids, scores, boxes = model.detect(image, 0.25, 0.45)
        theirs = sorted(
            (int(c), tuple(int(v) for v in b), round(float(s), 5))
            for c, s, b in zip(class_ids, scores, boxes)
        )
        ours = sorted(
            (d.class_id, d.box, round(d.confidence, 5))
            for d in detector.detect(image, 0.25, 0.45, size, per_class)
        )
        assert ours == theirs, name
        total += len(ours)
    assert total >= 10


def test_decode_one_row_by_hand():
    row = np.zeros((1, 85), np.float32)
    row[0, :5] = [0.5, 0.25, 0.2, 0.1, 0.9]
    row[0, 5 + 16] = 0.72  # class 16 (dog in COCO)
    boxes, scores, class_ids = yolo.decode([row], (640, 480), 0.5)
    assert boxes.tolist() == [[256, 96, 128, 48]] and class_ids.tolist() == [16]
    assert scores.tolist() == pytest.approx([0.72])
    assert len(yolo.decode([row], (640, 480), 0.8)[0]) == 0
    row[0, :4] = [0.01, 0.99, 0.2, 0.1]  # boxes are clipped into the image
    assert yolo.decode([row], (640, 480), 0.5)[0].tolist() == [[0, 451, 128, 29]]


@pytest.mark.parametrize(
    "bad, error, message",
    [
        (None, TypeError, "cv2.imread"),
        (np.zeros((10, 10, 3), bool), ValueError, "dtype bool"),
        (np.zeros((0, 10, 3), np.uint8), ValueError, "empty"),
        ("dog.jpg", TypeError, "numpy array"),
    ],
)
def test_bad_images_get_the_course_error(detector, bad, error, message):
    with pytest.raises(error, match=message):
        detector.detect(bad)
    with pytest.raises(error, match=message):
        yolo.draw_detections(bad, [])


def test_gray_and_alpha_images_work(detector, real_asset):
    image = read_image(real_asset("detection_images/person.jpg"))
    gray = detector.detect(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))
    assert "person" in yolo.count_classes(gray)
    assert detector.detect(cv2.cvtColor(image, cv2.COLOR_BGR2BGRA)) == detector.detect(image)


def test_input_size_must_be_a_multiple_of_32(detector, real_asset):
    with pytest.raises(ValueError, match="multiple of 32"):
        detector.detect(read_image(real_asset("detection_images/dog.jpg")), input_size=300)


def test_missing_files(real_asset, tmp_path):
    with pytest.raises(FileNotFoundError, match="no Darknet cfg file"):
        yolo.YoloDetector(tmp_path / "none.cfg", real_asset(WEIGHTS), real_asset(NAMES))
    with pytest.raises(FileNotFoundError, match="no Darknet weights file"):
        yolo.YoloDetector(real_asset(CFG), tmp_path / "none.weights", real_asset(NAMES))
    with pytest.raises(FileNotFoundError, match="class-names"):
        yolo.YoloDetector(real_asset(CFG), real_asset(WEIGHTS), tmp_path / "none.names")


def test_missing_full_course_model_names_its_url(monkeypatch, tmp_path):
    monkeypatch.setenv("CVCOURSE_ASSETS", str(tmp_path))
    monkeypatch.setenv("CVCOURSE_DOWNLOAD_DIR", str(tmp_path))
    monkeypatch.setattr(assets, "REPO_ROOT", tmp_path)
    with pytest.raises(assets.AssetNotFoundError, match="yolov4/yolov4.cfg.*\n.*AlexeyAB/darknet"):
        yolo.load_yolo("yolov4", download=False)
    with pytest.raises(KeyError, match="yolo_fastest, yolov4"):
        yolo.load_yolo("yolov9")


def test_cfg_that_does_not_match_the_weights(real_asset, tmp_path):
    cfg = real_asset(CFG).read_text()
    # a first layer with 16 filters instead of 8: OpenCV alone would load this and detect garbage
    wider = tmp_path / "wider.cfg"
    wider.write_text(
        cfg.replace("filters=8\nsize=3\npad=1\nstride=2", "filters=16\nsize=3\npad=1\nstride=2", 1)
    )
    assert wider.read_text() != cfg
    with pytest.raises(yolo.DarknetMismatchError, match="belong to different models"):
        yolo.YoloDetector(wider, real_asset(WEIGHTS), real_asset(NAMES))
    short = tmp_path / "short.weights"
    short.write_bytes(real_asset(WEIGHTS).read_bytes()[:100_000])
    with pytest.raises(yolo.DarknetMismatchError, match="cut short"):
        yolo.YoloDetector(real_asset(CFG), short, real_asset(NAMES))
    names = tmp_path / "voc.names"
    names.write_text("\n".join(real_asset(NAMES).read_text().split()[:20]))
    with pytest.raises(
        yolo.DarknetMismatchError, match=r"classes=\[80\] but voc.names lists 20 names"
    ):
        yolo.YoloDetector(real_asset(CFG), real_asset(WEIGHTS), names)


def test_draw_and_count(detector, real_asset):
    image = read_image(real_asset("detection_images/person.jpg"))
    found = detector.detect(image)
    drawn = yolo.draw_detections(image, found)
    assert drawn.shape == image.shape and not np.array_equal(drawn, image)
    x, y, w, h = next(d.box for d in found if d.class_name == "person")
    assert tuple(drawn[y + h // 2, x]) == yolo.class_color(
        0
    )  # the person box's left edge, in the person colour
    assert np.array_equal(yolo.draw_detections(image, []), image)
    assert yolo.count_classes(found) == {"dog": 1, "person": 1, "sheep": 1}


def test_raw_outputs_and_detections_do_not_disturb_each_other(detector, real_asset):
    image = read_image(real_asset("detection_images/dog.jpg"))
    raw = np.concatenate(detector.forward(image, 416))
    found = detector.detect(image, 0.25, 0.45, 320)
    assert np.array_equal(np.concatenate(detector.forward(image, 416)), raw)
    assert detector.detect(image, 0.25, 0.45, 320) == found
    boxes, scores, class_ids = yolo.decode(
        detector.forward(image, 320), (image.shape[1], image.shape[0]), 0.25
    )
    assert sorted(d.box for d in found) == sorted(
        tuple(boxes[i].tolist()) for i in non_max_suppression(boxes, scores, 0.0, 0.45)
    )


def test_wrapper_costs_at_most_10_percent_more_than_plain_opencv(detector, real_asset):
    """The wrapper's own work (its NMS in numpy, checks, Detection objects) adds little: CPU time
    of one thread (``time.process_time`` counts only this process's work, unlike wall-clock time
    on a shared machine), both run interleaved on the same photos, the paired ratios' median."""
    import time

    images = [read_image(real_asset(name)) for name in PHOTOS]
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        for size in (224, 320, 416):
            plain = cv2.dnn_DetectionModel(detector.net)
            plain.setInputParams(scale=1 / 255, size=(size, size), swapRB=True)
            plain.setNmsAcrossClasses(True)
            runs = {
                "wrapper": lambda im: detector.detect(im, 0.25, 0.45, size),
                "plain": lambda im: plain.detect(im, 0.25, 0.45),
            }
            seconds = {name: [] for name in runs}
            for repeat in range(11):  # round 0 only warms up; who goes first alternates
                for image in images:
                    for name in ["wrapper", "plain"] if repeat % 2 else ["plain", "wrapper"]:
                        start = time.process_time()
                        runs[name](image)
                        if repeat:
                            seconds[name].append(time.process_time() - start)
            ratio = np.median(np.array(seconds["wrapper"]) / np.array(seconds["plain"]))
            assert ratio <= 1.10, (
                f"{size}×{size}: the wrapper takes {ratio:.2f}× plain OpenCV's CPU time"
            )
    finally:
        cv2.setNumThreads(threads)
