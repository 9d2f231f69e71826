"""Showing results inline in JupyterLab, Colab and headless runs — never in a desktop window."""

from __future__ import annotations

import functools
import math
from typing import Iterable, Sequence

import cv2
import numpy as np

from cvcourse.images import check_image, to_rgb
from cvcourse.validation import check_names

Box = Sequence[int]  # (x, y, w, h)
GREEN = (0, 255, 0)


def image_grid(
    images: np.ndarray | Sequence[np.ndarray],
    titles: Sequence[str] | None = None,
    cols: int = 3,
    bgr: bool = True,
    size: float = 4.0,
    cmap: str = "gray",
):
    """A matplotlib figure with one image or a grid of images and their titles.

    ``bgr=True`` (the default) means colour images are OpenCV BGR and are converted for display;
    pass ``bgr=False`` for RGB arrays (Keras, scikit-image). Gray images use ``cmap``.
    """
    import matplotlib.pyplot as plt

    if (
        isinstance(images, np.ndarray)
        and images.ndim in (2, 3)
        and not (images.ndim == 3 and images.shape[2] > 4)
    ):
        images = [images]
    images = [
        to_rgb(check_image(im, f"images[{i}]"), bgr=bgr)
        for i, im in enumerate(_image_list(images, "images"))
    ]
    titles = None if titles is None else check_names(titles, "titles")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"{len(titles)} titles for {len(images)} images")
    cols = max(1, min(cols, len(images)))
    rows = math.ceil(len(images) / cols)
    aspect = np.mean([im.shape[0] / im.shape[1] for im in images])
    fig, axes = plt.subplots(
        rows, cols, figsize=(size * cols, size * rows * aspect + 0.4 * rows), squeeze=False
    )
    for ax in axes.flat:
        ax.axis("off")
    for i, (ax, im) in enumerate(zip(axes.flat, images)):
        ax.imshow(
            im,
            cmap=cmap if im.ndim == 2 else None,
            vmin=0 if im.dtype == np.uint8 else None,
            vmax=255 if im.dtype == np.uint8 else None,
        )
        if titles is not None:
            ax.set_title(titles[i])
    # Twice: the first pass lays out the axes before their images fix the aspect ratio, which can
    # leave the title of a tall image (next to a wider one) cut off at the top of the figure.
    fig.tight_layout()
    fig.tight_layout()
    return fig


def show_images(
    images: np.ndarray | Sequence[np.ndarray],
    titles: Sequence[str] | None = None,
    cols: int = 3,
    bgr: bool = True,
    size: float = 4.0,
    cmap: str = "gray",
    dpi: int = 80,
) -> None:
    """Show :func:`image_grid` inline as a compact JPEG (photos in PNG bloat committed
    notebooks)."""
    show_figure(image_grid(images, titles, cols=cols, bgr=bgr, size=size, cmap=cmap), dpi=dpi)


def finish_figure(fig, show: bool = True):
    """Lay out ``fig``; with ``show``, ``plt.show()`` it and return None (a cell would otherwise
    display a returned figure twice), else return the figure for the caller to use."""
    import matplotlib.pyplot as plt

    fig.tight_layout()
    if show:
        plt.show()
        return None
    return fig


def show_figure(fig, dpi: int = 80, fmt: str = "jpeg") -> None:
    """Display a matplotlib figure inline as JPEG (or PNG) and close it."""
    import io

    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    buffer = io.BytesIO()
    fig.savefig(
        buffer, format=fmt, dpi=dpi, **({"pil_kwargs": {"quality": 85}} if fmt == "jpeg" else {})
    )
    plt.close(fig)
    display(Image(data=buffer.getvalue(), format=fmt))


def draw_boxes(
    image: np.ndarray,
    boxes: Iterable[Box],
    labels: Sequence[str] | None = None,
    color: tuple[int, int, int] = GREEN,
    thickness: int = 2,
) -> np.ndarray:
    """A copy of ``image`` with ``(x, y, w, h)`` boxes and optional labels drawn on it."""
    out = _drawable(image)
    boxes = [tuple(int(round(v)) for v in box) for box in boxes]
    labels = None if labels is None else check_names(labels, "labels")
    if labels is not None and len(labels) != len(boxes):
        raise ValueError(f"{len(labels)} labels for {len(boxes)} boxes")
    scale = max(0.4, out.shape[1] / 1000)
    for i, (x, y, w, h) in enumerate(boxes):
        cv2.rectangle(out, (x, y), (x + w, y + h), color, thickness)
        if labels is not None:
            (tw, th), _ = cv2.getTextSize(labels[i], cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
            top = max(y - th - 6, 0)
            cv2.rectangle(out, (x, top), (x + tw + 4, top + th + 6), color, -1)
            cv2.putText(
                out,
                labels[i],
                (x + 2, top + th + 2),
                cv2.FONT_HERSHEY_SIMPLEX,
                scale,
                (0, 0, 0),
                1,
                cv2.LINE_AA,
            )
    return out


def draw_landmarks(
    image: np.ndarray,
    points: Iterable[Sequence[float]],
    color: tuple[int, int, int] = (0, 0, 255),
    radius: int = 3,
    pairs: Iterable[tuple[int, int]] = (),
) -> np.ndarray:
    """A copy of ``image`` with ``(x, y)`` points (``None`` skipped) and lines between ``pairs``."""
    out = _drawable(image)
    pts = [None if p is None else (int(round(p[0])), int(round(p[1]))) for p in points]
    for a, b in pairs:
        if pts[a] is not None and pts[b] is not None:
            cv2.line(out, pts[a], pts[b], (0, 255, 255), max(1, radius // 2), cv2.LINE_AA)
    for p in pts:
        if p is not None:
            cv2.circle(out, p, radius, color, -1, cv2.LINE_AA)
    return out


def _image_list(images: object, name: str) -> list:
    """``images`` as a list (of what should be images), or ``TypeError`` for ``None``, a string, a
    non-list."""
    if isinstance(images, np.ndarray) and images.ndim >= 3 or isinstance(images, (list, tuple)):
        images = list(images)
        if not images:
            raise ValueError(f"{name} is empty: no images to show")
        return images
    got = (
        "an array of shape " + str(images.shape)
        if isinstance(images, np.ndarray)
        else type(images).__name__
    )
    raise TypeError(f"{name} must be a list of images (numpy arrays), not {got}")


def _drawable(image: object) -> np.ndarray:
    """A BGR copy of a checked image to draw on (gray and 1-channel become 3 channels)."""
    out = check_image(image).copy()
    if out.ndim == 3 and out.shape[2] == 1:
        out = out[:, :, 0]
    return cv2.cvtColor(out, cv2.COLOR_GRAY2BGR) if out.ndim == 2 else out


def show_frame_strip(
    frames: Sequence[np.ndarray],
    n: int = 6,
    titles: Sequence[str] | None = None,
    bgr: bool = True,
    numbers: Sequence[int] | None = None,
) -> None:
    """Show ``n`` evenly spaced frames of a video side by side (a static summary GitHub renders).

    Each is titled ``frame k`` with ``k`` its position in ``frames``, or, when ``numbers`` gives
    the frames' numbers in the video (e.g. ``range(start, stop, step)`` of
    :func:`cvcourse.video.read_frames`), its real frame number; ``titles`` replaces both.
    """
    frames = [
        check_image(frame, f"frames[{i}]") for i, frame in enumerate(_image_list(frames, "frames"))
    ]
    if len(frames) == 0:
        raise ValueError("no frames to show")
    titles = None if titles is None else check_names(titles, "titles")
    if numbers is not None and len(numbers) != len(frames):
        raise ValueError(f"{len(numbers)} frame numbers for {len(frames)} frames")
    idx = np.linspace(0, len(frames) - 1, min(n, len(frames))).round().astype(int)
    if titles is not None:
        chosen_titles = [titles[i] for i in idx]
    else:
        chosen_titles = [f"frame {numbers[i] if numbers is not None else i}" for i in idx]
    show_images([frames[i] for i in idx], chosen_titles, cols=len(idx), bgr=bgr, size=2.6)


def show_video(frames: Sequence[np.ndarray], fps: float = 15.0, width: int = 480, bgr: bool = True):
    """Show frames as an inline HTML5 video (H.264 mp4 embedded in the notebook).

    Returns the ``IPython.display.Video`` object (displayed when it is a cell's last value).
    """
    import tempfile
    from pathlib import Path

    from IPython.display import Video

    from cvcourse.video import write_video

    frames = [
        check_image(frame, f"frames[{i}]") for i, frame in enumerate(_image_list(frames, "frames"))
    ]
    with tempfile.TemporaryDirectory() as tmp:
        file = write_video(Path(tmp) / "clip.mp4", frames, fps=fps, width=width, bgr=bgr)
        return Video(
            data=file.read_bytes(),
            embed=True,
            mimetype="video/mp4",
            html_attributes="controls loop muted",
        )


def encode_image(
    image: np.ndarray, bgr: bool = True, fmt: str = "jpeg", quality: int = 95
) -> bytes:
    """PNG/JPEG bytes of an image (BGR by default), e.g. for an ``ipywidgets.Image``.

    ``quality`` (0–100) applies to JPEG; 95 is OpenCV's own default.
    """
    image = check_image(image)
    if image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)
    if image.ndim == 3 and not bgr:
        image = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    params = [cv2.IMWRITE_JPEG_QUALITY, quality] if fmt == "jpeg" else []
    ok, data = cv2.imencode(".jpg" if fmt == "jpeg" else f".{fmt}", image, params)
    if not ok:
        raise ValueError(f"could not encode the image as {fmt}")
    return data.tobytes()


def interact_image(render, width: int = 600, bgr: bool = True, **controls):
    """Sliders/dropdowns (as for ``ipywidgets.interact``) above an image that ``render`` redraws.

    The controls start at ``render``'s default argument values.

    ``render(**values)`` returns an image, or ``(image, caption)``. The picture is an
    ``ipywidgets.Image`` updated in place: no flicker, and unlike a matplotlib figure inside an
    ``interact`` output area it does not stall headless execution (nbclient) on large images.
    Returns the widget box; make it the cell's last value to show it.
    """
    import inspect

    import ipywidgets as widgets

    defaults = {name: p.default for name, p in inspect.signature(render).parameters.items()}
    controls = {
        name: widgets.interactive.widget_from_abbrev(
            abbrev, defaults.get(name, inspect.Parameter.empty)
        )
        for name, abbrev in controls.items()
    }
    for control in controls.values():
        control.style.description_width = "initial"  # the whole name, not "photo_na…"
    picture = widgets.Image(format="jpeg", width=width)
    caption = widgets.Label()

    def update(**values) -> None:
        result = render(**values)
        image, text = result if isinstance(result, tuple) else (result, "")
        picture.value = encode_image(image, bgr=bgr)
        caption.value = text

    panel = widgets.interactive(update, **controls)
    return labelled_box([*panel.children[:-1], caption, picture], "interactive picture", controls)


def labelled_box(children: list, kind: str, controls: Iterable[str]):
    """An ``ipywidgets.VBox`` of ``children`` whose plain-text form is one short line.

    Where widgets are not rendered (a notebook viewer without the widget state) the cell shows
    ``[kind: control, …; run the notebook to use it]`` instead of a cut ``VBox(children=…`` repr.
    """
    import ipywidgets as widgets

    box = _labelled(widgets.VBox)(children)
    box.label = widget_label(kind, controls)
    return box


def interact(function, **controls):
    """``ipywidgets.interact`` as the cell's value: the controls and ``function``'s output.

    The same controls and abbreviations as ``interact`` (``["AND", "OR"]`` a dropdown, ``(0, 255)``
    a slider, or a widget); ``function`` runs at once and on every change. Make the returned
    widget the cell's last value to show it. Where widgets are not rendered (a notebook viewer
    without the widget state), the cell shows one short line instead of the widget's repr.
    """
    import ipywidgets as widgets

    panel = _labelled(widgets.interactive)(function, **controls)
    panel.label = widget_label(f"interactive {function.__name__}", controls)
    return panel


def widget_label(kind: str, controls: Iterable[str]) -> str:
    """The one-line text shown in place of a widget where widgets do not render (<= 100 chars)."""
    label = f"[{kind}: {', '.join(controls)}; run the notebook to use it]"
    return label if len(label) <= 100 else label[:98] + "…]"


@functools.cache
def _labelled(base: type) -> type:
    """A subclass of the widget class ``base`` whose repr is the instance's ``label``.

    Jupyter saves ``repr(widget)`` as the widget's plain-text form; for a panel of controls that is
    a 110-character cut of ``VBox(children=(Dropdown(…``, which says nothing to a reader.
    """
    return type(base)(
        base.__name__, (base,), {"__repr__": lambda self: self.label, "__module__": __name__}
    )


def progress(iterable: Iterable, desc: str | None = None, total: int | None = None):
    """Iterate with a progress bar (``tqdm.auto``: a widget in Jupyter, text elsewhere).

    Unlike a bare ``tqdm.auto`` bar, the text a saved notebook shows in place of the widget
    (GitHub, nbviewer, a reader without widget state) is the final count, e.g. ``3/3``: the bar's
    display is updated when the loop ends, not frozen at its first state ``0/3``.
    """
    from tqdm.auto import tqdm
    from tqdm.notebook import tqdm as notebook_tqdm

    if not issubclass(tqdm, notebook_tqdm):
        yield from tqdm(iterable, desc=desc, total=total)
        return
    from IPython.display import display

    bar = tqdm(iterable, desc=desc, total=total, display=False)
    handle = display(bar.container, display_id=True)
    try:
        yield from bar
    finally:
        bar.close()
        if handle is not None:
            handle.update(bar.container)
