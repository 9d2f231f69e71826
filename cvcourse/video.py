"""Video in and out: frames from a file or a webcam (with a file fallback), annotated mp4 out."""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Iterator, Sequence

import cv2
import numpy as np

from cvcourse import assets
from cvcourse.images import check_image, resize_to_width

DEFAULT_FALLBACK = "videos/clip_01_tears_of_steel.mp4"


class NoCameraWarning(UserWarning):
    """A webcam was asked for and none could be opened; a video file is used instead."""


def open_video(source: int | str | Path = DEFAULT_FALLBACK, fallback: str | Path | None = DEFAULT_FALLBACK) -> cv2.VideoCapture:
    """Open a video: an int is a webcam index, a str is an asset name or a file path.

    With no working webcam (a server, Colab, a laptop with the camera in use) the ``fallback``
    video is opened instead with a :class:`NoCameraWarning`; ``fallback=None`` raises
    ``RuntimeError``. A missing or undecodable file raises ``FileNotFoundError``/``ValueError``.
    """
    if isinstance(source, int):
        cap = cv2.VideoCapture(source)
        if cap.isOpened() and cap.read()[0]:
            cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            return cap
        cap.release()
        if fallback is None:
            raise RuntimeError(f"no webcam could be opened at index {source}")
        warnings.warn(
            f"No webcam found at index {source} (in Colab or on a server there is none): "
            f"using the video file {fallback} instead.", NoCameraWarning, stacklevel=2)
        return open_video(fallback, fallback=None)
    file = _resolve(source)
    cap = cv2.VideoCapture(str(file))
    if not cap.isOpened():
        raise ValueError(f"{file} is not a video OpenCV can decode")
    return cap


def _resolve(source: str | Path) -> Path:
    """An asset name or a path → an existing file."""
    if isinstance(source, str) and source in assets.registry():
        return assets.path(source)
    file = Path(source)
    if not file.is_file():
        raise FileNotFoundError(f"no video file at {file}")
    return file


def iter_frames(
    source: int | str | Path = DEFAULT_FALLBACK,
    start: int = 0,
    stop: int | None = None,
    step: int = 1,
    width: int | None = None,
    fallback: str | Path | None = DEFAULT_FALLBACK,
) -> Iterator[np.ndarray]:
    """Yield BGR frames ``start:stop:step`` of a video (see :func:`open_video`), resized to ``width``."""
    if step < 1:
        raise ValueError("step must be >= 1")
    cap = open_video(source, fallback)
    try:
        if start and not isinstance(source, int):
            cap.set(cv2.CAP_PROP_POS_FRAMES, start)
        index = start
        while stop is None or index < stop:
            ok, frame = cap.read()
            if not ok:
                break
            if (index - start) % step == 0:
                yield resize_to_width(frame, width) if width else frame
            index += 1
    finally:
        cap.release()


def read_frames(source: int | str | Path = DEFAULT_FALLBACK, **kwargs) -> list[np.ndarray]:
    """All frames of :func:`iter_frames` as a list."""
    return list(iter_frames(source, **kwargs))


def video_fps(source: str | Path) -> float:
    """Frames per second of a video file or asset."""
    cap = cv2.VideoCapture(str(_resolve(source)))
    try:
        return float(cap.get(cv2.CAP_PROP_FPS))
    finally:
        cap.release()


def write_video(file: str | Path, frames: Sequence[np.ndarray], fps: float = 15.0, width: int | None = None, bgr: bool = True) -> Path:
    """Write frames to an H.264 mp4 that browsers play (via imageio-ffmpeg); returns the path.

    Frames may be BGR (``bgr=True``, OpenCV's order), RGB or gray; they are resized to ``width``
    (even sizes, as H.264 needs) when given, else to the first frame's size.
    """
    import imageio_ffmpeg

    if len(frames) == 0:
        raise ValueError("no frames to write")
    first = check_image(frames[0], "frames[0]")
    h, w = first.shape[:2]
    if width:
        h, w = round(h * width / w), width
    size = (w - w % 2, h - h % 2)
    file = Path(file)
    file.parent.mkdir(parents=True, exist_ok=True)
    writer = imageio_ffmpeg.write_frames(str(file), size, fps=fps, codec="libx264", pix_fmt_out="yuv420p",
                                         macro_block_size=1, output_params=["-crf", "28"])
    writer.send(None)
    try:
        for i, frame in enumerate(frames):
            frame = check_image(frame, f"frames[{i}]")
            if frame.ndim == 2:
                frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2RGB)
            elif bgr:
                frame = cv2.cvtColor(frame[:, :, :3], cv2.COLOR_BGR2RGB)
            if frame.dtype != np.uint8:
                frame = np.clip(frame, 0, 255).astype(np.uint8)
            writer.send(np.ascontiguousarray(cv2.resize(frame, size, interpolation=cv2.INTER_AREA)))
    finally:
        writer.close()
    return file
