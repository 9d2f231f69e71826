"""Tracker factory, tracking loop and reference track, on the real traffic clip."""

from __future__ import annotations

import types

import pytest

from cvcourse import tracking, video
from cvcourse.evaluation import iou

CLIP = "videos/slow_traffic_small.mp4"


@pytest.fixture(scope="module")
def clip_frames():
    """Frames 0–40 of the traffic clip (skipped when the asset is absent)."""
    from cvcourse import assets

    if assets.locate(CLIP) is None:
        pytest.skip(f"asset {CLIP} not found locally (set CVCOURSE_ASSETS)")
    return video.read_frames(CLIP, stop=41)


def test_reference_track_loads_and_is_plausible():
    reference = tracking.load_reference()
    frames = list(reference)
    assert frames[0] == 0 and frames[-1] == 140 and len(frames) == 29
    assert all(b - a == 5 for a, b in zip(frames, frames[1:]))
    for x, y, w, h in reference.values():
        assert 0 <= x and 0 <= y and x + w <= 640 and y + h <= 360
    widths = [w for _, _, w, _ in reference.values()]
    assert widths == sorted(widths) and widths[-1] > 2 * widths[0]  # the car comes closer: it grows
    # neighbouring boxes overlap a lot: no typo jumps
    boxes = list(reference.values())
    assert min(iou(a, b) for a, b in zip(boxes, boxes[1:])) > 0.75


def test_reference_ships_with_the_package_and_is_hash_checked():
    from cvcourse import assets

    file = tracking.reference_file(download=False)
    assert file.parent.name == assets.COURSE_DATA_FOLDER and file.parent.parent.name == "cvcourse"
    assert assets.sha256sum(file) == assets.get(tracking.REFERENCE_ASSET).sha256, (
        "update the registry row with the CSV"
    )


def test_bad_reference_files_are_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="reference track"):
        tracking.load_reference(tmp_path / "none.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("# note\nframe,x,y,w\n0,1,2,3\n")
    with pytest.raises(ValueError, match="frame,x,y,w,h"):
        tracking.load_reference(bad)
    bad.write_text("frame,x,y,w,h\n0,1,2,3,0\n")
    with pytest.raises(ValueError, match="frame 0"):
        tracking.load_reference(bad)


@pytest.mark.parametrize("name", ["KCF", "CSRT", "kcf"])
def test_factory_tracks_the_car_against_the_reference(clip_frames, name):
    reference = tracking.load_reference()
    result = tracking.track(tracking.create_tracker(name), clip_frames, reference[0])
    assert len(result.boxes) == len(clip_frames) and result.boxes[0] == reference[0]
    ious = tracking.iou_per_frame(result.boxes, reference)
    assert sorted(ious) == [0, 5, 10, 15, 20, 25, 30, 35, 40]
    assert min(v for k, v in ious.items() if k <= 20) > 0.8, ious
    assert min(ious.values()) > 0.65, ious  # KCF's box keeps its size while the car grows
    assert result.fps > 0
    found, box = result.tracker.update(clip_frames[-1])  # the live tracker goes on
    assert found and iou(box, reference[40]) > 0.65


def test_the_wrapper_matches_opencv_directly(clip_frames):
    import cv2

    box = tracking.load_reference()[0]
    raw = cv2.TrackerCSRT_create()
    raw.init(clip_frames[0], box)
    ours = tracking.create_tracker("CSRT")
    ours.init(clip_frames[0], box)
    for frame in clip_frames[1:6]:
        ok, expected = raw.update(frame)
        assert ours.update(frame) == (ok, tuple(expected))


def test_legacy_trackers_work_through_the_same_calls(clip_frames):
    reference = tracking.load_reference()
    for name in ("MOSSE", "MedianFlow"):
        if name not in tracking.available_trackers():
            pytest.skip(f"{name} needs opencv-contrib-python")
        result = tracking.track(name, clip_frames[:11], reference[0])
        assert tracking.iou_per_frame(result.boxes, reference)[10] > 0.6
        assert all(isinstance(v, int) for v in result.boxes[-1])


def test_unknown_name_and_bad_boxes_fail_clearly(clip_frames):
    with pytest.raises(ValueError, match="unknown tracker 'KFC': choose one of KCF, CSRT"):
        tracking.create_tracker("KFC")
    tracker = tracking.create_tracker("KCF")
    frame = clip_frames[0]
    with pytest.raises(ValueError, match=r"outside the 640×360 frame"):
        tracker.init(frame, (600, 300, 100, 70))
    with pytest.raises(ValueError, match="outside the 640×360 frame"):
        tracker.init(frame, (-5, 10, 50, 50))
    with pytest.raises(ValueError, match="no area"):
        tracker.init(frame, (10, 10, 0, 50))
    with pytest.raises(ValueError, match="four numbers"):
        tracker.init(frame, (10, 10, 50))
    with pytest.raises(RuntimeError, match="before update"):
        tracker.update(frame)
    with pytest.raises(TypeError, match="frame is None"):
        tracker.init(None, (10, 10, 50, 50))


def test_missing_contrib_build_says_what_to_install(monkeypatch):
    plain = types.SimpleNamespace(
        __version__="4.8.0", TrackerMIL_create=lambda: None
    )  # opencv-python: no KCF, no legacy
    monkeypatch.setattr(tracking, "cv2", plain)
    with pytest.raises(
        tracking.TrackerNotAvailableError, match="pip install opencv-contrib-python"
    ):
        tracking.create_tracker("KCF")
    assert tracking.available_trackers() == ["MIL"]


def test_model_trackers_need_their_files(tmp_path):
    with pytest.raises(
        FileNotFoundError, match="GOTURN is a neural network and needs its model files"
    ):
        tracking.create_tracker("GOTURN")
    with pytest.raises(FileNotFoundError, match="net=PATH"):
        tracking.create_tracker("Vit", net=str(tmp_path / "missing.onnx"))


def test_parameters_are_checked(clip_frames):
    tracker = tracking.create_tracker("CSRT", use_segmentation=False)
    tracker.init(clip_frames[0], tracking.load_reference()[0])
    with pytest.raises(ValueError, match="no parameter 'speed'"):
        tracking.create_tracker("KCF", speed=2)


def test_iou_and_frames_before_loss():
    reference = {0: (0, 0, 10, 10), 5: (5, 0, 10, 10), 10: (10, 0, 10, 10)}
    kept = [(0, 0, 10, 10)] + [(f, 0, 10, 10) for f in range(1, 11)]
    ious = tracking.iou_per_frame(kept, reference)
    assert ious == {0: 1.0, 5: 1.0, 10: 1.0}
    assert tracking.frames_before_loss(ious) == (10, False)
    drifting = [(0, 0, 10, 10)] * 11  # stays put while the target moves right
    ious = tracking.iou_per_frame(drifting, reference)
    assert ious[5] == pytest.approx(50 / 150) and ious[10] == 0.0
    assert tracking.frames_before_loss(ious, 0.3) == (10, True)
    assert tracking.frames_before_loss(ious, 0.5) == (5, True)
    lost = [(0, 0, 10, 10), None, None, None, None, None]
    assert tracking.iou_per_frame(lost, reference) == {0: 1.0, 5: 0.0}
    assert tracking.iou_per_frame(kept[:6], reference, start=5) == {
        5: pytest.approx(1 / 3),
        10: pytest.approx(50 / 150),
    }
    with pytest.raises(ValueError, match="no IoU"):
        tracking.frames_before_loss({})
