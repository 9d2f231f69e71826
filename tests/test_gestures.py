"""Gesture rules on constructed keypoints, action counting on signals, and both on real frames."""

from __future__ import annotations

import numpy as np
import pytest

from cvcourse import gestures, pose
from cvcourse.pose import BODY_POINTS, Keypoint


def make_pose(**points: tuple[float, float]) -> pose.Pose:
    """A pose with the given points (keyword names with '_' for ' ', e.g. Right_wrist)."""
    result = {name: None for name in BODY_POINTS}
    for key, (x, y) in points.items():
        result[key.replace("_", " ")] = Keypoint(x, y, 0.9)
    return result


STANDING = dict(
    Head=(100, 50),
    Neck=(100, 80),
    Right_shoulder=(80, 85),
    Left_shoulder=(120, 85),
    Right_elbow=(75, 130),
    Left_elbow=(125, 130),
)


def test_arms_up_when_both_wrists_are_above_the_head():
    assert gestures.arms_up(make_pose(**STANDING, Right_wrist=(70, 20), Left_wrist=(130, 25)))


@pytest.mark.parametrize(
    "wrists",
    [
        dict(Right_wrist=(70, 170), Left_wrist=(130, 170)),  # arms down
        dict(Right_wrist=(70, 20), Left_wrist=(130, 170)),  # only one arm up
        dict(
            Right_wrist=(70, 60), Left_wrist=(130, 60)
        ),  # wrists at chin height: below the head point
        dict(Right_wrist=(70, 20)),  # left wrist not found: no guess
    ],
)
def test_arms_up_is_false_otherwise(wrists):
    assert not gestures.arms_up(make_pose(**STANDING, **wrists))


def test_margin_and_missing_head():
    up = make_pose(**STANDING, Right_wrist=(70, 45), Left_wrist=(130, 45))
    assert gestures.arms_up(up) and not gestures.arms_up(up, margin=10)
    up["Head"] = None
    assert not gestures.arms_up(up)
    assert gestures.is_above(up, "Right wrist", "Head") is None
    with pytest.raises(KeyError, match="not an MPII body point"):
        gestures.is_above(up, "Right hand", "Head")


def test_joint_angle():
    assert gestures.joint_angle((0, 0), (1, 0), (2, 0)) == pytest.approx(180)
    assert gestures.joint_angle((1, 0), (0, 0), (0, 5)) == pytest.approx(90)
    assert gestures.joint_angle((1, 0), (0, 0), (1, 1)) == pytest.approx(45)
    with pytest.raises(ValueError, match="distinct"):
        gestures.joint_angle((0, 0), (0, 0), (1, 1))


def test_synthetic_pose_has_the_asked_elbow_angle():
    for angle in (170, 90, 40):
        p = gestures.synthetic_pose((100, 100), angle)
        assert gestures.pose_angle(p, *gestures.ELBOW["Right"]) == pytest.approx(angle)
    assert (
        gestures.pose_angle(gestures.synthetic_pose((100, 100), 90), *gestures.ELBOW["Left"])
        is None
    )
    folded = gestures.synthetic_pose((100, 100), 90)
    folded["Right wrist"] = folded["Right elbow"]  # two points in one heat-map cell: no angle
    assert gestures.pose_angle(folded, *gestures.ELBOW["Right"]) is None


def test_episodes():
    flags = [0, 1, 1, 0, 1, 0, 0, 1, 1, 1]
    assert gestures.episodes(flags) == [(1, 3), (4, 5), (7, 10)]
    assert gestures.episodes(flags, min_length=2) == [(1, 3), (7, 10)]
    assert gestures.episodes([]) == []


def test_count_repetitions_with_hysteresis_and_gaps():
    rng = np.random.default_rng(0)
    curls = np.concatenate([np.linspace(170, 40, 10), np.linspace(40, 170, 10)] * 3)
    noisy = curls + rng.normal(0, 5, curls.size)
    assert gestures.count_repetitions(noisy, low=70, high=140) == 3
    jitter = np.array([150, 75, 65, 75, 65, 75, 150])  # noise around one threshold counts once
    assert gestures.count_repetitions(jitter, low=70, high=140) == 1
    with_gaps = curls.copy()
    with_gaps[::4] = np.nan
    assert gestures.count_repetitions(with_gaps, low=70, high=140) == 3
    with pytest.raises(ValueError, match="low < high"):
        gestures.count_repetitions(curls, low=140, high=70)


def test_angle_signal_marks_missing_points():
    poses = [gestures.synthetic_pose((100, 100), a) for a in (160, 90)] + [make_pose(**STANDING)]
    signal = gestures.angle_signal(poses, *gestures.ELBOW["Right"])
    assert signal[:2] == pytest.approx([160, 90]) and np.isnan(signal[2])


def test_real_standing_person_has_no_arms_up(real_asset):
    from cvcourse.images import read_image

    model_file = real_asset(pose.MOVENET_MODEL)
    person = pose.MoveNetPose(model_file).estimate(
        read_image(real_asset("detection_images/person.jpg"))
    )
    assert not gestures.arms_up(person)
    angle = gestures.pose_angle(person, *gestures.ELBOW["Right"])
    assert angle is not None and 140 < angle < 180  # arms hanging almost straight
