"""Single-object tracking: OpenCV's trackers by name on any 4.x build, a tracking loop, and
scoring a track against a hand-checked reference track (per-frame IoU).

OpenCV moved its trackers around during 4.x: up to 4.5.0 every tracker was ``cv2.TrackerX_create``;
since 4.5.1 KCF, CSRT and MIL keep that name (a new API: ``init`` returns nothing, boxes are
ints) and MOSSE, MedianFlow, TLD and Boosting live on in ``cv2.legacy`` (``init`` returns a bool,
boxes are floats). KCF, CSRT and the legacy ones come only with the *contrib* build
(``opencv-contrib-python``). :func:`create_tracker` hides all of that behind one name.
"""

from __future__ import annotations

import csv
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import cv2
import numpy as np

from cvcourse import assets
from cvcourse.evaluation import iou
from cvcourse.images import check_image
from cvcourse.validation import check_uint8

Box = tuple[int, int, int, int]  # (x, y, w, h) in pixels

#: Trackers of OpenCV 4.x by their course name (the part between ``Tracker`` and ``_create``).
TRACKER_NAMES = (
    "KCF",
    "CSRT",
    "MIL",
    "MOSSE",
    "MedianFlow",
    "TLD",
    "Boosting",
    "GOTURN",
    "DaSiamRPN",
    "Nano",
    "Vit",
)

#: Trackers that are neural networks: the model files each needs (parameter name → OpenCV's
#: default file name). OpenCV does not ship them; download them (links in OpenCV's
#: ``samples/dnn`` / ``opencv_zoo``) and pass the paths, e.g.
#: ``create_tracker("Nano", backbone="nanotrack_backbone_sim.onnx",
#: neckhead="nanotrack_head_sim.onnx")``.
MODEL_FILES = {
    "GOTURN": {"modelTxt": "goturn.prototxt", "modelBin": "goturn.caffemodel"},
    "DaSiamRPN": {
        "model": "dasiamrpn_model.onnx",
        "kernel_cls1": "dasiamrpn_kernel_cls1.onnx",
        "kernel_r1": "dasiamrpn_kernel_r1.onnx",
    },
    "Nano": {"backbone": "backbone.onnx", "neckhead": "neckhead.onnx"},
    "Vit": {"net": "vitTracker.onnx"},
}

#: the course's hand-checked track of the white car: it ships with cvcourse (registry name)
REFERENCE_ASSET = "course/tracking_reference_slow_traffic.csv"

CONTRIB_HINT = (
    "install OpenCV's contrib build: pip uninstall -y opencv-python opencv-python-headless && "
    "pip install opencv-contrib-python (only one OpenCV package may be installed)"
)


class TrackerNotAvailableError(ImportError):
    """The installed OpenCV has no such tracker (usually: it is not the contrib build)."""


def _canonical(name: str) -> str:
    """The course spelling of a tracker name, case-insensitively; ValueError for unknown names."""
    if not isinstance(name, str):
        raise TypeError(f"a tracker name is a string such as 'KCF', got {type(name).__name__}")
    for known in TRACKER_NAMES:
        if known.lower() == name.strip().lower():
            return known
    raise ValueError(f"unknown tracker {name!r}: choose one of {', '.join(TRACKER_NAMES)}")


def _factory(name: str) -> tuple[object | None, bool]:
    """OpenCV's ``create`` function for ``name`` and whether it is the legacy API."""
    modern = getattr(cv2, f"Tracker{name}_create", None)
    if modern is not None:
        return modern, False
    legacy = getattr(getattr(cv2, "legacy", None), f"Tracker{name}_create", None)
    return legacy, legacy is not None


def available_trackers() -> list[str]:
    """The tracker names this OpenCV build can create (model-based ones still need their files)."""
    return [name for name in TRACKER_NAMES if _factory(name)[0] is not None]


def check_box(box: Sequence[float], frame: np.ndarray, name: str = "initial box") -> Box:
    """``box`` as ints after checking it is ``(x, y, w, h)`` with w, h > 0 lying inside
    ``frame`` (an image, checked first)."""
    frame = check_image(frame, "frame")
    values = list(box) if isinstance(box, (Sequence, np.ndarray)) else []
    if len(values) != 4 or not all(
        isinstance(v, (int, float, np.integer, np.floating)) and math.isfinite(v) for v in values
    ):
        raise ValueError(f"{name} must be four numbers (x, y, w, h), got {box!r}")
    x, y, w, h = (int(round(float(v))) for v in values)
    height, width = frame.shape[:2]
    if w <= 0 or h <= 0:
        raise ValueError(f"{name} {(x, y, w, h)} has no area: width and height must be > 0")
    if x < 0 or y < 0 or x + w > width or y + h > height:
        raise ValueError(
            f"{name} {(x, y, w, h)} is outside the {width}×{height} frame: it must satisfy "
            f"x ≥ 0, y ≥ 0, x + w ≤ {width}, y + h ≤ {height}"
        )
    return x, y, w, h


@dataclass
class Tracker:
    """One OpenCV tracker behind the same two calls on every 4.x build.

    ``init(frame, box)`` starts it on a box it checks first; ``update(frame)`` returns
    ``(found, box)`` with ``box`` as ints (``None`` when the tracker reports it lost the target).
    """

    name: str
    opencv: object
    legacy: bool
    _started: bool = field(default=False, repr=False)

    def init(self, frame: np.ndarray, box: Sequence[float]) -> None:
        """Learn the target from ``box`` = (x, y, w, h) in ``frame`` (BGR or gray, ``uint8``)."""
        frame = check_uint8(check_image(frame, "frame"), "frame", "OpenCV trackers")
        box = check_box(box, frame)
        result = self.opencv.init(frame, tuple(float(v) for v in box) if self.legacy else box)
        if result is False:  # the legacy API reports failure, the new one raises
            raise RuntimeError(f"{self.name} could not start on the box {box}")
        self._started = True

    def update(self, frame: np.ndarray) -> tuple[bool, Box | None]:
        """Find the target in the next ``frame``: ``(True, box)`` or ``(False, None)``."""
        if not self._started:
            raise RuntimeError("call init(frame, box) before update(frame)")
        frame = check_uint8(check_image(frame, "frame"), "frame", "OpenCV trackers")
        ok, box = self.opencv.update(frame)
        return (True, tuple(int(round(v)) for v in box)) if ok else (False, None)


def create_tracker(name: str, **params) -> Tracker:
    """A new tracker by name (``"KCF"``, ``"CSRT"``, … see :data:`TRACKER_NAMES`; any case).

    ``params`` set fields of OpenCV's ``TrackerX_Params`` where the build has them (new API), e.g.
    ``create_tracker("CSRT", use_segmentation=False)``; the model-based trackers need the paths of
    their model files (:data:`MODEL_FILES`). Raises ``ValueError`` for an unknown name,
    :class:`TrackerNotAvailableError` (saying to install ``opencv-contrib-python``) when this
    OpenCV lacks the tracker, ``FileNotFoundError`` for missing model files.
    """
    name = _canonical(name)
    create, legacy = _factory(name)
    if create is None:
        raise TrackerNotAvailableError(
            f"OpenCV {getattr(cv2, '__version__', '?')} has no {name} tracker "
            f"(cv2.Tracker{name}_create / cv2.legacy.Tracker{name}_create): {CONTRIB_HINT}"
        )
    models = MODEL_FILES.get(name, {})
    missing = [
        f"{key}={params.get(key, default)!r}"
        for key, default in models.items()
        if not Path(str(params.get(key, default))).is_file()
    ]
    if missing:
        raise FileNotFoundError(
            f"{name} is a neural network and needs its model files, not found: "
            f"{', '.join(missing)}; download them (OpenCV's samples/dnn or opencv_zoo) and pass "
            f"create_tracker({name!r}, {', '.join(f'{k}=PATH' for k in models)})"
        )
    if not params:
        return Tracker(name, create(), legacy)
    settings_class = getattr(cv2, f"Tracker{name}_Params", None)
    if legacy or settings_class is None:
        raise ValueError(
            f"this OpenCV build cannot set parameters of {name}: call create_tracker({name!r}) "
            "without them"
        )
    settings = settings_class()
    for key, value in params.items():
        if not hasattr(settings, key):
            options = ", ".join(a for a in dir(settings) if not a.startswith("_"))
            raise ValueError(f"{name} has no parameter {key!r}; it has: {options}")
        setattr(settings, key, str(value) if key in models else value)
    return Tracker(name, create(settings), legacy)


@dataclass
class Track:
    """The result of :func:`track`: one box per frame (``None`` where the tracker said "lost")."""

    name: str
    boxes: list[Box | None]
    seconds: float  # time spent in update() over frames[1:]
    tracker: Tracker | None = field(
        default=None, repr=False
    )  # to go on with tracker.update(next_frame)

    @property
    def fps(self) -> float:
        """Frames per second of ``update`` (the first frame is the initial box, not timed)."""
        return (len(self.boxes) - 1) / self.seconds if self.seconds > 0 else float("inf")

    @property
    def lost_frames(self) -> list[int]:
        """Indices (into the frames given to :func:`track`) where the tracker reported failure."""
        return [i for i, box in enumerate(self.boxes) if box is None]


def track(
    tracker: str | Tracker,
    frames: Sequence[np.ndarray],
    box: Sequence[float],
    progress: bool = False,
) -> Track:
    """Run a tracker (a name or a fresh :class:`Tracker`) from ``box`` in ``frames[0]`` through all
    frames.

    ``boxes[0]`` is the initial box; only the ``update`` calls are timed. ``frames`` is a list
    (or tuple) of ``uint8`` images, each checked before tracking starts.
    """
    if not isinstance(frames, (list, tuple)):
        raise TypeError(
            f"frames must be a list of images (e.g. from read_frames), not {type(frames).__name__}"
        )
    if len(frames) == 0:
        raise ValueError("frames is an empty list: no frames to track")
    for i, frame in enumerate(frames):
        check_image(frame, f"frames[{i}]")
    if isinstance(tracker, str):
        tracker = create_tracker(tracker)
    elif not isinstance(tracker, Tracker):
        raise TypeError(
            f"tracker must be a tracker name such as 'CSRT' or a Tracker from create_tracker, "
            f"not {type(tracker).__name__}"
        )
    tracker.init(frames[0], box)
    boxes: list[Box | None] = [check_box(box, frames[0])]
    rest: Iterable[np.ndarray] = frames[1:]
    if progress:
        from cvcourse.display import progress as progress_bar

        rest = progress_bar(rest, desc=tracker.name, total=len(frames) - 1)
    seconds = 0.0
    for frame in rest:
        start = time.perf_counter()
        _, found = tracker.update(frame)
        seconds += time.perf_counter() - start
        boxes.append(found)
    return Track(tracker.name, boxes, seconds, tracker)


def reference_file(download: bool | None = None) -> Path:
    """The course's reference track (it ships with cvcourse: :data:`REFERENCE_ASSET`), found and
    hash-checked by :func:`cvcourse.assets.path` like every other course file."""
    return assets.path(REFERENCE_ASSET, download=download)


def load_reference(file: str | Path | None = None) -> dict[int, Box]:
    """A reference track: ``{frame index: (x, y, w, h)}`` from a CSV ``frame,x,y,w,h`` (``#`` lines
    are notes).

    The default is the course's hand-checked track of the white car in
    ``videos/slow_traffic_small.mp4`` (:data:`REFERENCE_ASSET`, see :func:`reference_file`).
    """
    file = Path(file) if file is not None else reference_file()
    if not file.is_file():
        raise FileNotFoundError(f"no reference track at {file}")
    lines = [
        line
        for line in file.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    rows = list(csv.DictReader(lines))
    if not rows or set(rows[0]) != {"frame", "x", "y", "w", "h"}:
        raise ValueError(f"{file} must have the columns frame,x,y,w,h")
    reference: dict[int, Box] = {}
    for row in rows:
        try:
            frame, x, y, w, h = (int(row[k]) for k in ("frame", "x", "y", "w", "h"))
        except (TypeError, ValueError):
            raise ValueError(f"{file}: not a row of five integers: {row}") from None
        if w <= 0 or h <= 0 or frame in reference:
            raise ValueError(f"{file}: bad or repeated row for frame {frame}: {row}")
        reference[frame] = (x, y, w, h)
    return dict(sorted(reference.items()))


def iou_per_frame(
    boxes: Sequence[Box | None], reference: Mapping[int, Box], start: int = 0
) -> dict[int, float]:
    """IoU of a track with the reference on every reference frame the track covers.

    ``boxes[i]`` belongs to video frame ``start + i``; a lost frame (``None``) scores 0.
    """
    return {
        frame: (0.0 if boxes[frame - start] is None else iou(boxes[frame - start], ref))
        for frame, ref in reference.items()
        if 0 <= frame - start < len(boxes)
    }


def frames_before_loss(
    ious: Mapping[int, float], threshold: float = 0.3, start: int = 0
) -> tuple[int, bool]:
    """``(frames, lost)``: how many frames after ``start`` the track stayed at IoU ≥ ``threshold``.

    ``lost`` is True when some reference frame fell below ``threshold``: ``frames`` then counts up
    to that frame (its index minus ``start``). Otherwise ``frames`` is the last reference frame
    minus ``start`` (the whole reference was tracked).
    """
    if not ious:
        raise ValueError("no IoU values: the track and the reference share no frame")
    for frame in sorted(ious):
        if ious[frame] < threshold:
            return frame - start, True
    return max(ious) - start, False
