"""Video in and out: frames from a file or a webcam (with a file fallback), annotated mp4 out."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Iterator, Sequence

import cv2
import numpy as np

from cvcourse import assets
from cvcourse.images import check_image, resize_to_width
from cvcourse.validation import check_output_file

DEFAULT_FALLBACK = "videos/clip_01_tears_of_steel.mp4"
LIVE_MAX_SECONDS = (
    10.0  # a webcam never ends: without stop/max_frames/max_seconds, record this long
)

_clock = time.monotonic  # replaced by the tests' fake clock


#: what a webcam cell says in Colab (its kernel runs on a Google server)
COLAB_NO_CAMERA = "Colab runs on a server with no camera"


def in_colab() -> bool:
    """True inside a Google Colab kernel (Colab imports ``google.colab`` at start-up)."""
    return "google.colab" in sys.modules


class NoCameraWarning(UserWarning):
    """A webcam was asked for and none could be opened; a video file is used instead."""


def open_video(
    source: int | str | Path = DEFAULT_FALLBACK, fallback: str | Path | None = DEFAULT_FALLBACK
) -> cv2.VideoCapture:
    """Open a video: an int is a webcam index, a str is an asset name or a file path.

    With no working webcam (a server, Colab, a laptop with the camera in use) the ``fallback``
    video is opened instead with a :class:`NoCameraWarning`; ``fallback=None`` raises
    ``RuntimeError``. A missing or undecodable file raises ``FileNotFoundError``/``ValueError``.
    """
    return _open(source, fallback)[0]


def _open(source: int | str | Path, fallback: str | Path | None) -> tuple[cv2.VideoCapture, bool]:
    """:func:`open_video` and whether what was opened is a live camera (not a file, not the
    fallback)."""
    if is_live(source):
        if in_colab():  # OpenCV there opens the server's devices, never the learner's camera
            if fallback is None:
                raise RuntimeError(f"{COLAB_NO_CAMERA}: no webcam at index {source}")
            warnings.warn(
                f"{COLAB_NO_CAMERA}, not the camera of your computer: using the video file "
                f"{fallback} instead. To see your own camera, run the notebook in JupyterLab on "
                "your computer.",
                NoCameraWarning,
                stacklevel=4,
            )
            return _open(fallback, None)[0], False
        cap = cv2.VideoCapture(source)
        if cap.isOpened() and cap.read()[0]:
            cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            return cap, True
        cap.release()
        if fallback is None:
            raise RuntimeError(f"no webcam could be opened at index {source}")
        warnings.warn(
            f"No webcam found at index {source} (on a server there is none): "
            f"using the video file {fallback} instead.",
            NoCameraWarning,
            stacklevel=4,
        )
        return _open(fallback, None)[0], False
    file = _resolve(source)
    cap = cv2.VideoCapture(str(file))
    if not cap.isOpened():
        raise ValueError(f"{file} is not a video OpenCV can decode")
    return cap, False


def _resolve(source: str | Path) -> Path:
    """An asset name or a path → an existing file."""
    if isinstance(source, str) and source in assets.registry():
        return assets.path(source)
    file = Path(source)
    if not file.is_file():
        raise FileNotFoundError(f"no video file at {file}")
    return file


def is_live(source: object) -> bool:
    """True for a webcam index (an int): a source that never ends by itself."""
    return isinstance(source, int) and not isinstance(source, bool)


def iter_frames(
    source: int | str | Path = DEFAULT_FALLBACK,
    start: int = 0,
    stop: int | None = None,
    step: int = 1,
    width: int | None = None,
    fallback: str | Path | None = DEFAULT_FALLBACK,
    max_frames: int | None = None,
    max_seconds: float | None = None,
) -> Iterator[np.ndarray]:
    """Yield BGR frames ``start:stop:step`` of a video (see :func:`open_video`), resized to
    ``width``.

    ``max_frames`` caps the number of frames yielded and ``max_seconds`` the recording time. A
    webcam (an int ``source``) never ends by itself, so when none of ``stop``, ``max_frames`` and
    ``max_seconds`` is given it stops after :data:`LIVE_MAX_SECONDS`. The capture is released
    however the loop ends: the end of the file, a cap, an error, or an interrupt (Ctrl-C, the
    notebook's stop button). A file none of whose frames can be decoded (a text file named
    ``.jpg``) raises ``ValueError``; a ``start`` past the end of a good video yields nothing.
    """
    if not is_live(source) and not isinstance(source, (str, Path)):
        raise TypeError(
            f"source must be a webcam index (an int), a video file path or an asset name, "
            f"not {type(source).__name__}"
        )
    if step < 1:
        raise ValueError("step must be >= 1")
    if start < 0:
        raise ValueError(f"start must be >= 0, got {start}")
    if max_frames is not None and max_frames < 0:
        raise ValueError("max_frames must be >= 0")
    if width is not None and width < 1:
        raise ValueError(
            f"width must be a positive number of pixels (or None to keep the size), got {width}"
        )
    cap, live = _open(source, fallback)
    if live and stop is None and max_frames is None and max_seconds is None:
        max_seconds = LIVE_MAX_SECONDS
    try:
        if start and not live:
            cap.set(cv2.CAP_PROP_POS_FRAMES, start)
        index, yielded, began = start, 0, _clock()
        while (stop is None or index < stop) and (max_frames is None or yielded < max_frames):
            if max_seconds is not None and _clock() - began >= max_seconds:
                break
            ok, frame = cap.read()
            if not ok:
                if index == start and not live:  # nothing at all: past the end, or not a video?
                    _check_first_frame(fallback if is_live(source) else source)
                break
            if (index - start) % step == 0:
                yielded += 1
                yield resize_to_width(frame, width) if width else frame
            index += 1
    finally:
        cap.release()


def _check_first_frame(source: str | Path) -> None:
    """``ValueError`` unless the first frame of the video file ``source`` can be decoded.

    OpenCV opens some files it cannot decode (a text file named ``.jpg`` is taken for a one-frame
    JPEG sequence) and then just reads no frame, which looks like an empty video.
    """
    file = _resolve(source)
    cap = cv2.VideoCapture(str(file))
    try:
        readable = cap.isOpened() and cap.grab()
    finally:
        cap.release()
    if not readable:
        raise ValueError(
            f"{file} is not a video OpenCV can decode: not even its first frame can be read"
        )


def read_frames(source: int | str | Path = DEFAULT_FALLBACK, **kwargs) -> list[np.ndarray]:
    """All frames of :func:`iter_frames` as a list.

    On a webcam, interrupting the kernel (Ctrl-C, the stop button) ends the recording: the camera
    is released and the frames read so far are returned. A file source re-raises the interrupt.
    """
    frames: list[np.ndarray] = []
    try:
        for frame in iter_frames(source, **kwargs):
            frames.append(frame)
    except KeyboardInterrupt:
        if not is_live(source):
            raise
        print(f"Interrupted: the camera is released, keeping the {len(frames)} frames read so far.")
    return frames


def video_info(video: bytes | str | Path) -> dict[str, float]:
    """Frame count, width, height, fps and duration (s) of an encoded video (a file or its bytes).

    The frames are counted by decoding them, so the answer does not depend on the container's
    header. Use it to check an inline video, whose encoded bytes differ between ffmpeg builds.
    """
    import tempfile

    if isinstance(video, (bytes, bytearray)):
        with tempfile.TemporaryDirectory() as tmp:
            file = Path(tmp) / "video.mp4"
            file.write_bytes(video)
            return video_info(file)
    cap = cv2.VideoCapture(str(_resolve(video)))
    try:
        if not cap.isOpened():
            raise ValueError(f"{video} is not a video OpenCV can decode")
        fps = float(cap.get(cv2.CAP_PROP_FPS))
        width, height = (
            int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)),
            int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)),
        )
        frames = 0
        while cap.grab():
            frames += 1
    finally:
        cap.release()
    return {
        "frames": frames,
        "width": width,
        "height": height,
        "fps": fps,
        "seconds": frames / fps if fps else float("nan"),
    }


def video_fps(source: str | Path) -> float:
    """Frames per second of a video file or asset; ``ValueError`` for a file OpenCV cannot open."""
    file = _resolve(source)
    cap = cv2.VideoCapture(str(file))
    try:
        if not cap.isOpened():
            raise ValueError(f"source {file} is not a video OpenCV can decode")
        return float(cap.get(cv2.CAP_PROP_FPS))
    finally:
        cap.release()


def ffmpeg_executable() -> str:
    """The ffmpeg program: imageio-ffmpeg's when installed, else one on the PATH (Colab has one)."""
    try:
        import imageio_ffmpeg
    except ImportError:
        found = shutil.which("ffmpeg")
        if found is None:
            raise RuntimeError(
                "writing a video needs ffmpeg: pip install imageio-ffmpeg "
                "(or install ffmpeg on the PATH)"
            ) from None
        return found
    return imageio_ffmpeg.get_ffmpeg_exe()


def write_video(
    file: str | Path,
    frames: Sequence[np.ndarray],
    fps: float = 15.0,
    width: int | None = None,
    bgr: bool = True,
) -> Path:
    """Write frames to an H.264 mp4 that browsers play (with :func:`ffmpeg_executable`); returns the
    path.

    Frames may be BGR (``bgr=True``, OpenCV's order), RGB or gray; they are resized to ``width``
    (even sizes, as H.264 needs) when given, else to the first frame's size.
    """
    file = check_output_file(file, "file")
    if frames is None or isinstance(frames, (str, bytes)) or not hasattr(frames, "__len__"):
        raise TypeError(f"frames must be a list of images, not {type(frames).__name__}")
    if len(frames) == 0:
        raise ValueError("no frames to write")
    first = check_image(frames[0], "frames[0]")
    h, w = first.shape[:2]
    if width:
        h, w = round(h * width / w), width
    size = (w - w % 2, h - h % 2)
    file.parent.mkdir(parents=True, exist_ok=True)
    command = [
        ffmpeg_executable(),
        "-y",
        "-loglevel",
        "error",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-s",
        f"{size[0]}x{size[1]}",
        "-r",
        f"{fps}",
        "-i",
        "-",
        "-an",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        "-crf",
        "28",
        str(file),
    ]
    writer = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for i, frame in enumerate(frames):
            frame = check_image(frame, f"frames[{i}]")
            if frame.ndim == 2:
                frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2RGB)
            elif bgr:
                frame = cv2.cvtColor(frame[:, :, :3], cv2.COLOR_BGR2RGB)
            if frame.dtype != np.uint8:
                frame = np.clip(frame, 0, 255).astype(np.uint8)
            writer.stdin.write(
                np.ascontiguousarray(
                    cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
                ).tobytes()
            )
    finally:
        _, errors = writer.communicate()
    if writer.returncode:
        raise RuntimeError(
            f"ffmpeg could not write {file}: {errors.decode(errors='replace').strip()}"
        )
    return file
