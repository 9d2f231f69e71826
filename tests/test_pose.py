"""Pose backends on real images: MoveNet keypoints land on the body parts checked by eye."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from cvcourse import assets, pose
from cvcourse.images import read_image
from cvcourse.video import read_frames

PERSON = "detection_images/person.jpg"
CLIP = "videos/clip_01_tears_of_steel.mp4"

# Positions read by eye on zoomed, gridded crops (pixels of the original image), 2026-11-29.
# person.jpg (640 x 424): a woman in a blue jacket seen from behind, full body, head to boots.
PERSON_BY_EYE = {
    "Right wrist": ((264, 236), 6),  # where the right sleeve ends and the grey glove begins
    "Right elbow": ((258, 190), 8),  # the bend of the right arm's outline
    "Left ankle": ((218, 350), 10),  # inside the left rubber boot, above the foot
    "Right ankle": ((238, 356), 10),  # inside the right rubber boot, above the foot
}
PERSON_HEAD_BOX = (
    219,
    99,
    252,
    134,
)  # the beanie-covered head: x 220-250, y 100-133 (centre ~ (235, 118))
# Frame 40 of the Tears of Steel clip (640 x 360): the young man in profile, facing right.
FRAME40_COCO_BY_EYE = {"right_eye": ((252, 64), 5), "right_ear": ((225, 68), 7)}


@pytest.fixture(scope="module")
def movenet():
    path = assets.locate(pose.MOVENET_MODEL)
    if path is None:
        pytest.skip(f"asset {pose.MOVENET_MODEL} not found locally (set CVCOURSE_ASSETS)")
    return pose.MoveNetPose(path)


def test_mpii_table_and_skeleton():
    assert (
        len(pose.MPII_POINTS) == 16
        and pose.MPII_POINTS[0] == "Head"
        and pose.MPII_POINTS[14] == "Chest"
    )
    assert pose.MPII_POINTS[15] == "Background" and pose.MPII_POINTS[2] == "Right shoulder"
    assert not any("Righth" in name for name in pose.MPII_POINTS)
    assert len(pose.POSE_PAIRS) == 14  # a tree over the 15 body points: 14 bones
    assert {i for pair in pose.POSE_PAIRS for i in pair} == set(range(15))


def test_movenet_keypoints_land_on_the_body_checked_by_eye(movenet, real_asset):
    image = read_image(real_asset(PERSON))
    result = movenet.estimate(image)
    for name, ((x, y), tolerance) in PERSON_BY_EYE.items():
        point = result[name]
        assert point is not None, f"{name} missing"
        distance = math.hypot(point.x - x, point.y - y)
        assert distance <= tolerance, (
            f"{name} at ({point.x:.0f}, {point.y:.0f}), {distance:.1f} px from ({x}, {y})"
        )
    # MPII's Head comes from the face points found; seen from behind only her right eye and ear
    # pass the threshold, so it sits on the right half of the head, still on the head.
    x0, y0, x1, y1 = PERSON_HEAD_BOX
    assert x0 <= result["Head"].x <= x1 and y0 <= result["Head"].y <= y1, result["Head"]


def test_movenet_on_the_clip_frame_checked_by_eye(movenet, real_asset):
    real_asset(CLIP)
    frame = read_frames(CLIP, start=40, stop=41)[0]
    coco = movenet.coco_keypoints(frame)
    for name, ((x, y), tolerance) in FRAME40_COCO_BY_EYE.items():
        px, py, score = coco[pose.COCO_KEYPOINTS.index(name)]
        assert score > 0.3 and math.hypot(px - x, py - y) <= tolerance, (name, px, py, score)


def test_letterbox_round_trip_is_exact():
    image = np.zeros((424, 640, 3), np.uint8)
    rgb, box = pose.letterbox(image, 192)
    assert rgb.shape == (192, 192, 3) and (box.side, box.pad_x, box.pad_y) == (640, 0, 108)
    x, y = box.to_image(np.array([0.0, 1.0, 0.5]), np.array([108 / 640, 532 / 640, 0.5]))
    np.testing.assert_allclose(x, [0, 640, 320])
    np.testing.assert_allclose(y, [0, 424, 212])
    tall = pose.letterbox(np.zeros((300, 100), np.uint8), 192)[1]
    assert (tall.side, tall.pad_x, tall.pad_y) == (300, 100, 0)


def test_a_shifted_image_shifts_the_keypoints(movenet, real_asset):
    """The pre/post-processing inverts the padding: the same person lower in a taller canvas
    gives the same keypoints moved down by exactly the offset (up to the model's rounding)."""
    image = read_image(real_asset(PERSON))
    canvas = np.zeros((image.shape[0] + 216, image.shape[1], 3), np.uint8)
    canvas[216:] = image
    a, b = movenet.coco_keypoints(image), movenet.coco_keypoints(canvas)
    strong = (a[:, 2] > 0.4) & (b[:, 2] > 0.4)
    assert strong.sum() >= 5
    shift = np.median(b[strong, 1] - a[strong, 1])
    assert abs(shift - 216) < 8, shift


def test_movenet_heatmaps_peak_where_the_model_looks(movenet, real_asset):
    image = read_image(real_asset(PERSON))
    heatmaps, area = movenet.heatmaps(image)
    assert heatmaps.shape == (17, 48, 48) and 0 <= heatmaps.min() and heatmaps.max() <= 1
    assert area == (0, -108, 640, 640)
    coco = movenet.coco_keypoints(image)
    peaks = pose.heatmaps_to_keypoints(heatmaps, area, threshold=0.0)
    cell = 640 / 48
    near = [math.hypot(p.x - c[0], p.y - c[1]) <= 1.5 * cell for p, c in zip(peaks, coco)]
    assert sum(near) >= 14, near  # the model refines its chosen cell by an offset of under a cell


def test_coco_to_mpii_mapping():
    coco = np.zeros((17, 3))
    named = {n: i for i, n in enumerate(pose.COCO_KEYPOINTS)}
    for name, (x, y) in {
        "left_shoulder": (120, 100),
        "right_shoulder": (80, 100),
        "left_hip": (116, 200),
        "right_hip": (84, 200),
        "nose": (100, 60),
        "left_eye": (104, 56),
    }.items():
        coco[named[name]] = (x, y, 0.9)
    coco[named["right_eye"]] = (96, 56, 0.1)  # too weak: left out of the head
    result = pose.coco_to_mpii(coco, threshold=0.3)
    assert result["Neck"] == (100, 100, 0.9)
    assert result["Chest"] == (100, 150, 0.9)
    assert result["Head"] == (102, 58, 0.9)
    assert result["Right shoulder"] == (80, 100, 0.9)
    assert result["Right wrist"] is None and result["Left ankle"] is None
    assert set(result) == set(pose.BODY_POINTS)
    coco[named["left_hip"], 2] = 0.2  # one hip missing → no chest
    assert pose.coco_to_mpii(coco)["Chest"] is None


def test_heatmaps_to_keypoints_uses_the_maximum_and_threshold():
    maps = np.zeros((2, 46, 46), np.float32)
    maps[0, 10, 30] = 0.8
    maps[1, 5, 5] = 0.05
    a, b = pose.heatmaps_to_keypoints(maps, (0, 0, 460, 920), threshold=0.1)
    assert a == pytest.approx((305, 210, 0.8)) and b is None
    assert pose.heatmaps_to_keypoints(maps, (-5, 10, 460, 920))[0] == pytest.approx((300, 220, 0.8))
    with pytest.raises(ValueError, match="K x H x W"):
        pose.heatmaps_to_keypoints(np.zeros((46, 46)), (10, 10))


def test_openpose_path_through_cv_dnn(tmp_path):
    """The OpenPose code path (blob, forward, maps → keypoints) on a weightless Caffe net whose
    16 'heat maps' are the image's brightness, pooled like OpenPose's stride-8 output."""
    proto = tmp_path / "bright.prototxt"
    proto.write_text(
        'input: "image"\ninput_dim: 1\ninput_dim: 3\ninput_dim: 368\ninput_dim: 368\n'
        'layer { name: "pool" type: "Pooling" bottom: "image" top: "pool" '
        "pooling_param { pool: AVE kernel_size: 8 stride: 8 } }\n"
        'layer { name: "out" type: "Concat" '
        + 'bottom: "pool" ' * 6
        + 'top: "out" concat_param { axis: 1 } }\n'
    )
    model = pose.OpenPoseMPII(cv2.dnn.readNetFromCaffe(str(proto)), threshold=0.5)
    image = np.zeros((300, 500, 3), np.uint8)
    cv2.circle(image, (400, 60), 12, (255, 255, 255), -1)
    maps, area = model.heatmaps(image)
    assert maps.shape == (16, 46, 46) and area == (0, 0, 500, 300)
    result = model.estimate(image)
    assert all(math.hypot(p.x - 400, p.y - 60) < 6 for p in result.values()), result["Head"]
    assert all(p is None for p in model.estimate(np.zeros((300, 500, 3), np.uint8)).values())


def test_missing_openpose_files_name_the_mirrors(tmp_path, monkeypatch):
    monkeypatch.delenv(assets.ENV_DIRS, raising=False)
    monkeypatch.setenv(assets.ENV_OFFLINE, "1")
    monkeypatch.setenv(assets.ENV_DOWNLOAD_DIR, str(tmp_path / "downloads"))
    monkeypatch.setattr(assets, "REPO_ROOT", tmp_path / "repo")
    with pytest.raises(
        assets.AssetNotFoundError, match="(?s)posefs1.*drive.google.com.*MoveNetPose"
    ):
        pose.load_pose_model(full_course=True)
    with pytest.raises(FileNotFoundError, match="no OpenPose file"):
        pose.OpenPoseMPII.from_files(tmp_path / "a.prototxt", tmp_path / "b.caffemodel")


@pytest.mark.parametrize(
    "bad, error",
    [
        (None, TypeError),
        (np.zeros((0, 5, 3), np.uint8), ValueError),
        (np.zeros((5, 5, 3), bool), ValueError),
        (np.zeros((5, 5, 3), np.float32), ValueError),
    ],
)
def test_bad_images_get_the_clear_error(movenet, bad, error):
    with pytest.raises(error, match="image"):
        movenet.estimate(bad)


def test_skeleton_drawing_skips_missing_points(real_asset):
    image = read_image(real_asset(PERSON))
    partial = {name: None for name in pose.BODY_POINTS}
    partial["Neck"] = pose.Keypoint(300, 150, 0.9)
    partial["Head"] = pose.Keypoint(300, 100, 0.9)
    out = pose.draw_skeleton(image, partial)
    assert out.shape == image.shape and not np.array_equal(out, image)
    assert (out != image).any(axis=2)[100:150, 295:305].sum() > 20  # the head-neck bone
    assert "missing" in pose.format_pose(partial) and pose.format_pose(partial).count("\n") == 14


def test_heatmap_overlay_puts_the_peak_on_the_keypoint():
    image = np.zeros((100, 200, 3), np.uint8)
    heatmap = np.zeros((10, 10), np.float32)
    heatmap[4, 7] = 1.0
    area = (0, -50, 200, 200)  # a square map over a letterboxed 200 x 100 image
    (point,) = pose.heatmaps_to_keypoints(heatmap[None], area)
    out = pose.heatmap_overlay(image, heatmap, area)
    ys, xs = np.nonzero(out[:, :, 2] == out[:, :, 2].max())  # the hottest (red) pixels
    assert abs(xs.mean() - point.x) < 4 and abs(ys.mean() - point.y) < 4, (
        xs.mean(),
        ys.mean(),
        point,
    )
