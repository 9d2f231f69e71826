"""Gestures and actions from MPII body points: rules on one pose, signals over many.

A *gesture* is a rule on one :data:`cvcourse.pose.Pose` (``arms_up``: both wrists above the
head). An *action* is a pattern over time: a joint angle per frame (:func:`angle_signal`),
turned into episodes (:func:`episodes`) or repetitions (:func:`count_repetitions`).
Image coordinates: ``y`` grows **downwards**, so "above" means a smaller ``y``.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from cvcourse.pose import BODY_POINTS, Keypoint, Pose


def _point(pose: Pose, name: str) -> Keypoint | None:
    """``pose[name]``, with a clear error for a name that is not an MPII body point."""
    if name not in BODY_POINTS:
        raise KeyError(f"{name!r} is not an MPII body point; choose from {', '.join(BODY_POINTS)}")
    return pose.get(name)


def is_above(pose: Pose, point: str, reference: str, margin: float = 0.0) -> bool | None:
    """True when ``point`` is more than ``margin`` pixels above ``reference``; None if either is
    missing."""
    p, r = _point(pose, point), _point(pose, reference)
    if p is None or r is None:
        return None
    return p.y < r.y - margin


def arms_up(pose: Pose, margin: float = 0.0) -> bool:
    """The course's gesture: both wrists above the head (by more than ``margin`` pixels).

    A missing wrist or head means the gesture is not recognised (False), never a guess.
    """
    return all(
        is_above(pose, wrist, "Head", margin) is True for wrist in ("Right wrist", "Left wrist")
    )


def joint_angle(a: Sequence[float], b: Sequence[float], c: Sequence[float]) -> float:
    """The angle ``a-b-c`` at ``b`` in degrees (0–180), e.g. shoulder-elbow-wrist → elbow angle."""
    v1 = np.subtract(a[:2], b[:2], dtype=float)
    v2 = np.subtract(c[:2], b[:2], dtype=float)
    n1, n2 = np.linalg.norm(v1), np.linalg.norm(v2)
    if n1 == 0 or n2 == 0:
        raise ValueError("joint_angle needs three distinct points")
    return math.degrees(math.acos(float(np.clip(v1 @ v2 / (n1 * n2), -1.0, 1.0))))


def pose_angle(pose: Pose, a: str, b: str, c: str) -> float | None:
    """:func:`joint_angle` of three named body points of ``pose``; None if any is missing or
    ``a`` or ``c`` falls on ``b`` (coarse heat maps can put two points in one cell: no angle)."""
    points = [_point(pose, name) for name in (a, b, c)]
    if (
        any(p is None for p in points)
        or points[0][:2] == points[1][:2]
        or points[2][:2] == points[1][:2]
    ):
        return None
    return joint_angle(*points)


ELBOW = {
    "Right": ("Right shoulder", "Right elbow", "Right wrist"),
    "Left": ("Left shoulder", "Left elbow", "Left wrist"),
}


def angle_signal(poses: Sequence[Pose], a: str, b: str, c: str) -> np.ndarray:
    """The angle ``a-b-c`` for each pose, ``nan`` where a point is missing (plots leave a gap)."""
    return np.array(
        [np.nan if (v := pose_angle(p, a, b, c)) is None else v for p in poses], dtype=float
    )


def episodes(flags: Sequence[bool], min_length: int = 1) -> list[tuple[int, int]]:
    """Runs of consecutive True values as ``(start, stop)`` index pairs (stop exclusive).

    Runs shorter than ``min_length`` frames are dropped (one-frame flickers of a detector).
    """
    if min_length < 1:
        raise ValueError("min_length must be >= 1")
    runs, start = [], None
    for i, flag in enumerate(list(flags) + [False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            if i - start >= min_length:
                runs.append((start, i))
            start = None
    return runs


def count_repetitions(signal: Sequence[float], low: float, high: float) -> int:
    """Repetitions in a signal with hysteresis: one each time it goes below ``low`` after having
    been above ``high`` (e.g. an elbow angle: arm straight > high, bent < low).

    The gap between the thresholds stops noise around one threshold from counting twice;
    ``nan`` (missing point) changes nothing.
    """
    if not low < high:
        raise ValueError(f"need low < high, got low={low}, high={high}")
    count, extended = 0, False
    for value in signal:
        if np.isnan(value):
            continue
        if value > high:
            extended = True
        elif value < low and extended:
            count += 1
            extended = False
    return count


def synthetic_pose(
    shoulder: tuple[float, float],
    elbow_angle: float,
    upper_arm: float = 60.0,
    forearm: float = 50.0,
    side: str = "Right",
) -> Pose:
    """A constructed pose (for tests and demos): head, neck, one arm hanging from ``shoulder`` with
    the given elbow angle (180 = straight down, smaller = forearm raised forwards/up)."""
    sx, sy = shoulder
    ex, ey = sx, sy + upper_arm
    turn = math.radians(180.0 - elbow_angle)
    wx, wy = ex + forearm * math.sin(turn), ey + forearm * math.cos(turn)
    pose: Pose = {name: None for name in BODY_POINTS}
    pose["Head"] = Keypoint(sx - 30, sy - 60, 1.0)
    pose["Neck"] = Keypoint(sx - 30, sy, 1.0)
    pose[f"{side} shoulder"] = Keypoint(sx, sy, 1.0)
    pose[f"{side} elbow"] = Keypoint(ex, ey, 1.0)
    pose[f"{side} wrist"] = Keypoint(wx, wy, 1.0)
    return pose
