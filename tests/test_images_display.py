"""Reading/checking images and the display helpers, on real photos."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from cvcourse import display
from cvcourse.images import check_image, read_image, resize_to_width, to_rgb


@pytest.fixture
def hopper(real_asset):
    return read_image(real_asset("photos/grace_hopper.jpg"))


def test_read_image_gives_bgr_uint8(hopper):
    assert hopper.shape == (606, 517, 3) and hopper.dtype == np.uint8
    # BGR order: the blue backdrop (top right) has most in channel 0, the face most in channel 2
    backdrop = hopper[:60, -60:].reshape(-1, 3).mean(axis=0)
    face = hopper[180:300, 200:320].reshape(-1, 3).mean(axis=0)
    assert backdrop.argmax() == 0 and face.argmax() == 2
    assert np.array_equal(to_rgb(hopper)[..., 0], hopper[..., 2])


def test_read_image_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no image file"):
        read_image(tmp_path / "missing.jpg")
    bad = tmp_path / "notes.jpg"
    bad.write_text("not an image")
    with pytest.raises(ValueError, match="not an image OpenCV can decode"):
        read_image(bad)


@pytest.mark.parametrize(
    "value, error, message",
    [
        (None, TypeError, "cv2.imread"),
        ("photo.jpg", TypeError, "numpy array"),
        (np.zeros((4, 4, 5), np.uint8), ValueError, "shape"),
        (np.zeros((2, 2, 2, 3), np.uint8), ValueError, "shape"),
        (np.zeros((4, 4), bool), ValueError, "dtype"),
        (np.zeros((0, 4), np.uint8), ValueError, "empty"),
    ],
)
def test_wrong_image_types_are_refused(value, error, message):
    with pytest.raises(error, match=message):
        check_image(value)


def test_resize_to_width_keeps_aspect(hopper):
    small = resize_to_width(hopper, 200)
    assert small.shape == (234, 200, 3)


def test_draw_boxes_draws_on_a_copy(hopper):
    out = display.draw_boxes(
        hopper, [(100, 120, 200, 220)], labels=["face 0.99"], color=(0, 255, 0)
    )
    assert out is not hopper and not np.array_equal(out, hopper)
    assert tuple(out[200, 100]) == (0, 255, 0)  # left edge of the box
    assert np.array_equal(out[400:, 400:], hopper[400:, 400:])  # far from the box: untouched
    gray = display.draw_boxes(hopper[..., 0], [(1, 1, 5, 5)])
    assert gray.ndim == 3
    with pytest.raises(ValueError, match="2 labels for 1 boxes"):
        display.draw_boxes(hopper, [(0, 0, 5, 5)], labels=["a", "b"])


def test_draw_landmarks_skips_missing_points(hopper):
    out = display.draw_landmarks(
        hopper, [(50, 50), None, (80, 60)], pairs=[(0, 1), (0, 2)], color=(255, 0, 0)
    )
    assert tuple(out[50, 50]) == (255, 0, 0)
    assert not np.array_equal(out[55, 65], hopper[55, 65])  # on the line from point 0 to point 2


def test_image_grid_and_titles(hopper):
    fig = display.image_grid(
        [hopper, hopper[..., 0], to_rgb(hopper)], titles=["bgr", "gray", "rgb"], cols=2
    )
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[:3] == ["bgr", "gray", "rgb"] and len(fig.axes) == 4
    shown = fig.axes[0].images[0].get_array()
    assert np.array_equal(np.asarray(shown), to_rgb(hopper))
    with pytest.raises(ValueError, match="1 titles for 2 images"):
        display.show_images([hopper, hopper], titles=["x"])
    with pytest.raises(TypeError):
        display.show_images([None])
    plt.close("all")


def test_image_grid_titles_stay_inside_the_figure():
    # A portrait image beside a square one: the portrait's title must not be cut at the top.
    portrait, square = np.full((224, 191, 3), 120, np.uint8), np.full((384, 384, 3), 200, np.uint8)
    for images in ([portrait, square], [portrait, portrait, square]):
        fig = display.image_grid(images, titles=[f"title {i}" for i in range(len(images))], size=4)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        tops = [ax.title.get_window_extent(renderer).y1 for ax in fig.axes]
        assert max(tops) <= fig.bbox.height, (tops, fig.bbox.height)
        plt.close(fig)


def test_show_images_displays_one_compact_jpeg(hopper, monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    display.show_images([hopper, hopper], ["a", "b"])
    assert len(shown) == 1 and shown[0].format == "jpeg"
    assert shown[0].data[:2] == b"\xff\xd8" and len(shown[0].data) < 150_000
    assert plt.get_fignums() == []  # the figure was closed, not left for a second display


def test_interact_image_redraws_on_change(hopper):
    calls = []

    def render(threshold: int = 100):
        calls.append(threshold)
        return (hopper[..., 0] > threshold).astype(np.uint8) * 255, f"threshold {threshold}"

    box = display.interact_image(render, threshold=(0, 255))
    slider, caption, picture = box.children
    assert calls == [100] and caption.value == "threshold 100" and picture.value[:2] == b"\xff\xd8"
    slider.value = 200
    assert calls == [100, 200] and caption.value == "threshold 200"


def test_widget_panels_show_one_short_line_where_widgets_do_not_render(hopper):
    box = display.interact_image(lambda threshold=100, photo="a": hopper, threshold=(0, 255))
    bundle = box._repr_mimebundle_()
    assert bundle["text/plain"] == "[interactive picture: threshold; run the notebook to use it]"
    many = display.widget_label("interactive picture", [f"control_number_{i}" for i in range(9)])
    assert len(many) == 100 and many.endswith("…]")


def test_interact_runs_the_function_now_and_on_change(capsys):
    import ipywidgets as widgets

    seen = []
    panel = display.interact(
        lambda operator="AND", epoch=1: seen.append((operator, epoch)),
        operator=["AND", "OR"],
        epoch=widgets.IntSlider(1, 1, 12),
    )
    operator, epoch = panel.children[:2]
    epoch.value = 5
    assert seen == [("AND", 1), ("AND", 5)]
    assert repr(panel) == "[interactive <lambda>: operator, epoch; run the notebook to use it]"


def test_show_video_embeds_an_h264_mp4(hopper):
    frames = [np.roll(hopper, 10 * i, axis=1) for i in range(5)]
    video = display.show_video(frames, fps=5, width=160)
    html = video._repr_html_()
    assert html.startswith("<video") and "data:video/mp4;base64," in html


def test_frame_strip_titles_real_frame_numbers(hopper, monkeypatch):
    shown = {}
    monkeypatch.setattr(
        display,
        "show_images",
        lambda images, titles, **kw: shown.update(images=images, titles=titles),
    )
    frames = [hopper[:100, :100]] * 11
    display.show_frame_strip(
        frames, n=3, numbers=range(40, 84, 4)
    )  # frames 40, 44, …, 80 of a video
    assert shown["titles"] == ["frame 40", "frame 60", "frame 80"] and len(shown["images"]) == 3
    display.show_frame_strip(frames, n=3)
    assert shown["titles"] == ["frame 0", "frame 5", "frame 10"]
    with pytest.raises(ValueError, match="2 frame numbers for 11 frames"):
        display.show_frame_strip(frames, numbers=[1, 2])


def test_progress_passes_every_item_through_in_order(capsys):
    assert list(display.progress(iter("abc"), desc="letters", total=3)) == ["a", "b", "c"]
    assert "letters: 100%" in capsys.readouterr().err  # outside Jupyter: a text bar


def test_gif_files_read_the_same_with_every_opencv(real_asset):
    """The Yale faces are GIFs: read by Pillow, pixel for pixel what OpenCV ≥ 4.11 decodes."""
    import cv2

    from cvcourse.images import read_image

    gif = real_asset("yalefaces/subject01.glasses")
    gray, color = read_image(gif, gray=True), read_image(gif)
    assert gray.shape == (243, 320) and gray.dtype == np.uint8 and color.shape == (243, 320, 3)
    by_opencv = cv2.imread(str(gif), cv2.IMREAD_GRAYSCALE)
    if by_opencv is not None:  # OpenCV 4.11+ decodes GIF itself
        assert (by_opencv == gray).all() and (cv2.imread(str(gif)) == color).all()
