"""Video in/out on the course's real clips, and the webcam fallback."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from cvcourse import video

CLIP = "videos/clip_01_tears_of_steel.mp4"


def test_read_frames_with_step_and_width(real_asset):
    real_asset(CLIP)
    frames = video.read_frames(CLIP, start=40, stop=60, step=5, width=320)
    assert len(frames) == 4
    assert all(f.shape == (180, 320, 3) and f.dtype == np.uint8 for f in frames)
    assert video.video_fps(CLIP) == 24.0


def test_missing_webcam_falls_back_to_the_clip_with_a_warning(real_asset):
    real_asset(CLIP)
    with pytest.warns(video.NoCameraWarning, match="using the video file videos/clip_01_tears_of_steel.mp4"):
        frames = video.read_frames(99, stop=3)
    assert len(frames) == 3 and frames[0].shape[2] == 3


def test_missing_webcam_without_fallback_raises():
    with pytest.raises(RuntimeError, match="no webcam could be opened at index 99"):
        video.open_video(99, fallback=None)


def test_bad_video_sources(tmp_path):
    with pytest.raises(FileNotFoundError):
        video.open_video(tmp_path / "none.mp4")
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00" * 1000)
    with pytest.raises(ValueError, match="not a video"):
        video.open_video(junk)
    with pytest.raises(ValueError, match="step"):
        next(video.iter_frames(junk, step=0))


def test_write_video_round_trip(tmp_path, real_asset):
    real_asset(CLIP)
    frames = video.read_frames(CLIP, stop=12, width=321)  # odd width: must be made even
    out = video.write_video(tmp_path / "sub" / "out.mp4", frames, fps=12)
    cap = cv2.VideoCapture(str(out))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 12
    assert int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)) == 320
    ok, first = cap.read()
    cap.release()
    expected = cv2.resize(frames[0], (first.shape[1], first.shape[0]), interpolation=cv2.INTER_AREA)
    assert ok and np.abs(first.astype(int) - expected.astype(int)).mean() < 8
    with pytest.raises(ValueError, match="no frames"):
        video.write_video(tmp_path / "empty.mp4", [])
