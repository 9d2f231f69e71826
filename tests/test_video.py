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
    with pytest.warns(
        video.NoCameraWarning, match="using the video file videos/clip_01_tears_of_steel.mp4"
    ):
        frames = video.read_frames(99, stop=3)
    assert len(frames) == 3 and frames[0].shape[2] == 3


def test_missing_webcam_without_fallback_raises():
    with pytest.raises(RuntimeError, match="no webcam could be opened at index 99"):
        video.open_video(99, fallback=None)


def test_in_colab_the_webcam_falls_back_without_touching_a_device(real_asset, monkeypatch):
    real_asset(CLIP)
    monkeypatch.setitem(
        __import__("sys").modules, "google.colab", __import__("types").ModuleType("google.colab")
    )
    opened, real_capture = [], cv2.VideoCapture

    def recording_capture(source, *args):
        opened.append(source)
        return real_capture(source, *args)

    monkeypatch.setattr(cv2, "VideoCapture", recording_capture)
    with pytest.warns(
        video.NoCameraWarning, match=f"{video.COLAB_NO_CAMERA}.*using the video file {CLIP}"
    ):
        frames = video.read_frames(0, stop=2)
    assert len(frames) == 2 and 0 not in opened  # the camera index never reached OpenCV
    with pytest.raises(RuntimeError, match=video.COLAB_NO_CAMERA):
        video.open_video(0, fallback=None)


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


class EndlessCamera:
    """A fake webcam that never runs out of frames (as a real one), counting reads and releases."""

    instances: list["EndlessCamera"] = []

    def __init__(self, index, interrupt_after: int | None = None):
        self.reads, self.released, self.interrupt_after = 0, False, interrupt_after
        EndlessCamera.instances.append(self)

    def isOpened(self):
        return not self.released

    def read(self):
        self.reads += 1
        assert self.reads < 10_000, "the capture loop never stopped"
        if self.interrupt_after is not None and self.reads > self.interrupt_after:
            raise KeyboardInterrupt
        return True, np.full((48, 64, 3), self.reads % 256, np.uint8)

    def set(self, *args):
        return True

    def release(self):
        self.released = True


@pytest.fixture
def endless_camera(monkeypatch):
    EndlessCamera.instances.clear()
    monkeypatch.setattr(video.cv2, "VideoCapture", EndlessCamera)
    clock = {"now": 0.0}

    def tick():  # every look at the clock is 0.1 s later: 10 looks per second
        clock["now"] += 0.1
        return clock["now"]

    monkeypatch.setattr(video, "_clock", tick)
    return EndlessCamera.instances


def test_a_webcam_without_a_stop_ends_after_the_default_time(endless_camera):
    frames = video.read_frames(0)  # stop=None: a real camera would never end
    camera = endless_camera[-1]
    assert camera.released, "the camera must be released"
    assert (
        0.9 * 10 * video.LIVE_MAX_SECONDS <= len(frames) <= 10 * video.LIVE_MAX_SECONDS
    )  # 10 clock looks a second


def test_a_webcam_obeys_max_frames_and_max_seconds(endless_camera):
    assert len(video.read_frames(0, max_frames=7, step=2)) == 7 and endless_camera[-1].released
    assert (
        endless_camera[-1].reads == 1 + 13
    )  # the check read when opening, then frames 0, 2, …, 12
    frames = video.read_frames(0, max_seconds=2.0)
    assert 10 <= len(frames) <= 20 and endless_camera[-1].released
    assert len(video.read_frames(0, stop=5)) == 5  # an explicit stop replaces the default time cap


def test_interrupting_a_webcam_keeps_the_frames_and_releases_it(
    monkeypatch, capsys, endless_camera
):
    monkeypatch.setattr(
        video.cv2, "VideoCapture", lambda index: EndlessCamera(index, interrupt_after=6)
    )
    frames = video.read_frames(0, max_seconds=1000)
    assert len(frames) == 5 and endless_camera[-1].released  # read 1 opens, reads 2-6 are frames
    assert "camera is released" in capsys.readouterr().out


def test_interrupting_a_file_is_not_swallowed(monkeypatch, real_asset, endless_camera):
    monkeypatch.setattr(
        video.cv2, "VideoCapture", lambda name: EndlessCamera(name, interrupt_after=3)
    )
    with pytest.raises(KeyboardInterrupt):
        video.read_frames(real_asset(CLIP))
    assert endless_camera[-1].released


def test_video_info_counts_decoded_frames(tmp_path, real_asset):
    real_asset(CLIP)
    frames = video.read_frames(CLIP, stop=10, width=160)
    file = video.write_video(tmp_path / "clip.mp4", frames, fps=5)
    info = video.video_info(file.read_bytes())
    assert info == video.video_info(file)
    assert (info["frames"], info["width"], info["height"], info["fps"], info["seconds"]) == (
        10,
        160,
        90,
        5.0,
        2.0,
    )
    with pytest.raises(ValueError, match="not a video"):
        video.video_info(b"\x00" * 100)
