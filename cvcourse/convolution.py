"""The arithmetic of a convolutional layer, small enough to do by hand (notebook 05).

Everything here is plain numpy so that a learner can read it: a *valid* 2-D cross-correlation
(what deep-learning libraries call "convolution") with each window's sum written out as on the
slides, ReLU, max pooling, flattening, and the true convolution (flipped kernel) for comparison.
:func:`fixed_conv2d` builds a Keras ``Conv2D`` layer that uses given feature detectors, to show
that Keras computes the same numbers. For pictures: :func:`show_matrices` (matplotlib) and
:func:`matrices_html` draw small matrices with their numbers; :func:`step_explorer` (a slider over
the steps) and :func:`detector_explorer` (edit a 3×3 detector, see its map on a photo) are
``ipywidgets`` that update in place, without matplotlib inside an output widget.

Example (the slides' 7×7 image and 3×3 feature detector)::

    >>> fmap, sums = feature_map_steps(SLIDES_IMAGE, SLIDES_DETECTOR)
    >>> sums[0]
    '0*1 + 0*0 + 0*0 + 0*1 + 1*0 + 0*1 + 0*0 + 0*1 + 0*1 = 0'
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Sequence

import numpy as np

from cvcourse.display import encode_image, finish_figure, labelled_box
from cvcourse.validation import check_names

if TYPE_CHECKING:  # pragma: no cover
    import keras

#: The 7×7 binary image of the slides ("STEP 1: CONVOLUTION OPERATION").
SLIDES_IMAGE = np.array(
    [
        [0, 0, 0, 0, 0, 0, 0],
        [0, 1, 0, 0, 0, 1, 0],
        [0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 1, 0, 1, 1],
        [0, 1, 0, 1, 1, 0, 0],
        [0, 1, 0, 1, 1, 0, 1],
        [0, 1, 0, 0, 0, 1, 1],
    ]
)

#: The slides' 3×3 feature detector.
SLIDES_DETECTOR = np.array([[1, 0, 0], [1, 0, 1], [0, 1, 1]])

#: The 5×5 feature map the slides obtain from :data:`SLIDES_IMAGE` and :data:`SLIDES_DETECTOR`.
SLIDES_FEATURE_MAP = np.array(
    [[0, 1, 0, 1, 0], [0, 2, 1, 1, 2], [1, 2, 2, 3, 1], [1, 3, 3, 3, 2], [1, 3, 1, 3, 5]]
)


#: Classic hand-made 3×3 feature detectors (OpenCV ``filter2D`` kernels) for real photos.
PRESET_DETECTORS: dict[str, np.ndarray] = {
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=np.float32),
    "blur (box)": np.full((3, 3), 1 / 9, dtype=np.float32),
    "blur (Gaussian)": np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], dtype=np.float32) / 16,
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=np.float32),
    "edges (Laplacian)": np.array([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]], dtype=np.float32),
    "vertical edges (Sobel x)": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32),
    "horizontal edges (Sobel y)": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=np.float32),
    "emboss": np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], dtype=np.float32),
    "the slides' detector": SLIDES_DETECTOR.astype(np.float32),
}


def check_matrix(array: object, name: str = "array") -> np.ndarray:
    """``array`` as a 2-D numeric numpy array, or a ``TypeError``/``ValueError`` that says why
    not."""
    if array is None:
        raise TypeError(f"{name} is None; expected a 2-D array of numbers")
    a = np.asarray(array)
    if a.dtype == bool:
        a = a.astype(np.uint8)
    if not (np.issubdtype(a.dtype, np.integer) or np.issubdtype(a.dtype, np.floating)):
        raise TypeError(f"{name} has dtype {a.dtype}; expected numbers")
    if a.ndim != 2:
        raise ValueError(f"{name} must be 2-D (rows x columns), got shape {a.shape}")
    if a.size == 0:
        raise ValueError(f"{name} is empty (shape {a.shape})")
    if a.dtype.kind == "f" and not np.isfinite(a).all():
        raise ValueError(f"{name} holds NaN or infinite values")
    return a


def _check_pair(image: object, kernel: object) -> tuple[np.ndarray, np.ndarray]:
    """Check an image and a kernel, and that the kernel fits inside the image."""
    image = check_matrix(image, "image")
    kernel = check_matrix(kernel, "kernel")
    if kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]:
        raise ValueError(
            f"the kernel {kernel.shape} is larger than the image {image.shape}: "
            "a valid correlation needs the kernel to fit inside the image"
        )
    return image, kernel


def output_size(n: int, k: int, stride: int = 1, padding: int = 0) -> int:
    """Length of a valid correlation/pooling output: ``(n + 2*padding - k) // stride + 1``."""
    if k < 1 or stride < 1 or padding < 0:
        raise ValueError(
            f"need k >= 1, stride >= 1, padding >= 0; got k={k}, stride={stride}, padding={padding}"
        )
    if k > n + 2 * padding:
        raise ValueError(f"a window of {k} does not fit in {n} (+{padding} padding on each side)")
    return (n + 2 * padding - k) // stride + 1


def _fmt(x: float) -> str:
    """A number as the slides write it: ``1`` not ``1.0``; floats with up to 3 decimals."""
    x = float(x)
    if x.is_integer():
        return str(int(x))
    return f"{x:.3f}".rstrip("0")


def cross_correlate(image: object, kernel: object) -> np.ndarray:
    """Valid 2-D cross-correlation: slide ``kernel`` over ``image`` without flipping it.

    Output ``[i, j] = sum(image[i:i+kh, j:j+kw] * kernel)``, of shape
    ``(H - kh + 1, W - kw + 1)``. This is what Keras ``Conv2D``, PyTorch ``Conv2d`` and OpenCV
    ``filter2D`` compute, and what the slides call the convolution operation.
    """
    image, kernel = _check_pair(image, kernel)
    kh, kw = kernel.shape
    rows, cols = output_size(image.shape[0], kh), output_size(image.shape[1], kw)
    out = np.zeros((rows, cols), dtype=np.result_type(image, kernel))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = np.sum(image[i : i + kh, j : j + kw] * kernel)
    return out


#: The slides' name for the same operation.
feature_map = cross_correlate


def window_sum_text(window: np.ndarray, kernel: np.ndarray) -> str:
    """One window's sum written out, row by row, as on the slides: ``0*1 + 1*0 + ... = 1``."""
    window, kernel = check_matrix(window, "window"), check_matrix(kernel, "kernel")
    if window.shape != kernel.shape:
        raise ValueError(
            f"window {window.shape} and kernel {kernel.shape} must have the same shape"
        )
    terms = " + ".join(f"{_fmt(p)}*{_fmt(k)}" for p, k in zip(window.ravel(), kernel.ravel()))
    return f"{terms} = {_fmt(np.sum(window * kernel))}"


def feature_map_steps(image: object, kernel: object) -> tuple[np.ndarray, list[str]]:
    """The feature map and, for each of its cells (row by row), the sum that produced it.

    Returns ``(feature_map, sums)`` where ``sums[i * cols + j]`` is the text of cell ``[i, j]``,
    e.g. ``'0*1 + 0*0 + 0*0 + 0*1 + 1*0 + 0*1 + 0*0 + 0*1 + 0*1 = 0'``.
    """
    image, kernel = _check_pair(image, kernel)
    fmap = cross_correlate(image, kernel)
    kh, kw = kernel.shape
    sums = [
        window_sum_text(image[i : i + kh, j : j + kw], kernel)
        for i in range(fmap.shape[0])
        for j in range(fmap.shape[1])
    ]
    return fmap, sums


def flip_kernel(kernel: object) -> np.ndarray:
    """The kernel rotated by 180° (flipped up-down and left-right)."""
    return check_matrix(kernel, "kernel")[::-1, ::-1].copy()


def convolve(image: object, kernel: object) -> np.ndarray:
    """Valid 2-D convolution in the mathematical sense: correlation with the flipped kernel.

    Equals ``scipy.signal.convolve2d(image, kernel, mode="valid")``. It differs from
    :func:`cross_correlate` unless the kernel is symmetric under a 180° rotation.
    """
    image, kernel = _check_pair(image, kernel)
    return cross_correlate(image, flip_kernel(kernel))


def relu(x: object) -> np.ndarray:
    """Rectified linear unit, element-wise: negative values become 0, the rest stay."""
    a = np.asarray(x)
    if not (np.issubdtype(a.dtype, np.integer) or np.issubdtype(a.dtype, np.floating)):
        raise TypeError(f"relu needs numbers, got dtype {a.dtype}")
    return np.maximum(a, 0)


def max_pool(
    feature_map: object, size: int = 2, stride: int | None = None, partial: bool = True
) -> np.ndarray:
    """Max pooling of a 2-D feature map with ``size``×``size`` windows moved by ``stride``.

    ``stride`` defaults to ``size`` (windows that do not overlap). With ``partial=True`` (the
    slides' way, Keras ``MaxPooling2D(padding="same")``) windows that stick out over the right or
    bottom edge keep the values they cover, so a 5×5 map gives 3×3; with ``partial=False``
    (Keras' default ``padding="valid"``) those windows are dropped and 5×5 gives 2×2.
    """
    fmap = check_matrix(feature_map, "feature_map")
    stride = size if stride is None else stride
    if not isinstance(size, (int, np.integer)) or not isinstance(stride, (int, np.integer)):
        raise TypeError(f"size and stride must be integers, got {size!r} and {stride!r}")
    if size < 1 or stride < 1:
        raise ValueError(f"size and stride must be >= 1, got size={size}, stride={stride}")
    h, w = fmap.shape
    if partial:
        rows, cols = math.ceil(h / stride), math.ceil(w / stride)
    else:
        if size > h or size > w:
            raise ValueError(
                f"a {size}×{size} window does not fit in a {h}×{w} map (use partial=True)"
            )
        rows, cols = output_size(h, size, stride), output_size(w, size, stride)
    out = np.empty((rows, cols), dtype=fmap.dtype)
    for i in range(rows):
        for j in range(cols):
            out[i, j] = fmap[i * stride : i * stride + size, j * stride : j * stride + size].max()
    return out


def flatten(maps: object) -> np.ndarray:
    """The values of one map (2-D) or of a stack of maps, row by row, as a 1-D vector.

    A stack is ``(n_maps, rows, cols)``; its maps are concatenated one after the other. (Keras'
    ``Flatten`` on ``(rows, cols, channels)`` interleaves the channels instead; the values are
    the same, in another order.)
    """
    a = np.asarray(maps)
    if a.ndim not in (2, 3) or a.size == 0:
        raise ValueError(f"flatten needs a 2-D map or a 3-D stack of maps, got shape {a.shape}")
    return a.reshape(-1)


def stack_kernels(kernels: object) -> np.ndarray:
    """One ``(k, k)`` kernel or a sequence of same-shaped kernels as an ``(n, kh, kw)`` array."""
    a = np.asarray(kernels, dtype=np.float32)
    if a.ndim == 2:
        a = a[None]
    if a.ndim != 3 or a.size == 0:
        raise ValueError(f"kernels must be (kh, kw) or (n, kh, kw), got shape {a.shape}")
    return a


def fixed_conv2d(
    kernels: object | Sequence[object],
    bias: float | Sequence[float] = 0.0,
    activation: str | None = None,
    padding: str = "valid",
) -> "keras.layers.Conv2D":
    """A built, non-trainable Keras ``Conv2D`` whose feature detectors are ``kernels``.

    ``kernels`` is one ``(kh, kw)`` detector or ``n`` of them (``(n, kh, kw)``); the layer takes
    one-channel images ``(batch, H, W, 1)`` and returns ``(batch, H', W', n)``.
    """
    import keras

    k = stack_kernels(kernels)
    n, kh, kw = k.shape
    b = np.broadcast_to(np.asarray(bias, dtype=np.float32), (n,)).copy()
    layer = keras.layers.Conv2D(
        n, (kh, kw), padding=padding, activation=activation, trainable=False
    )
    layer.build((None, None, None, 1))
    layer.set_weights([k.transpose(1, 2, 0)[:, :, None, :], b])  # Keras wants (kh, kw, in, out)
    return layer


def keras_feature_maps(
    image: object, kernels: object | Sequence[object], activation: str | None = None
) -> np.ndarray:
    """The ``(n, H', W')`` feature maps that a Keras ``Conv2D`` with ``kernels`` computes on
    ``image``."""
    image = check_matrix(image, "image")
    k = stack_kernels(kernels)
    _check_pair(image, k[0])
    import keras

    layer = fixed_conv2d(k, activation=activation)
    out = keras.ops.convert_to_numpy(layer(image[None, :, :, None].astype(np.float32)))
    return out[0].transpose(2, 0, 1)


def show_matrices(
    matrices: Sequence[object],
    titles: Sequence[str] | None = None,
    window: tuple[int, int, int] | None = None,
    cell: tuple[int, int] | None = None,
    show: bool = True,
):
    """Small matrices side by side, each cell with its number (the slides' pictures).

    ``window=(row, col, size)`` outlines a ``size``×``size`` window on the first matrix (the part
    of the image under the feature detector); ``cell=(row, col)`` outlines one cell of the last
    matrix (where that window's sum goes). With ``show=True`` calls ``plt.show()`` and returns
    ``None``; else returns the figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    mats = [check_matrix(m, f"matrices[{i}]") for i, m in enumerate(matrices)]
    titles = None if titles is None else check_names(titles, "titles")
    if titles is not None and len(titles) != len(mats):
        raise ValueError(f"{len(titles)} titles for {len(mats)} matrices")
    widths = [m.shape[1] for m in mats]
    fig, axes = plt.subplots(
        1,
        len(mats),
        figsize=(0.45 * sum(widths) + 0.6 * len(mats), 0.45 * max(m.shape[0] for m in mats) + 0.8),
        gridspec_kw={"width_ratios": widths},
        squeeze=False,
    )
    for k, (ax, m) in enumerate(zip(axes[0], mats)):
        lim = float(np.abs(m).max()) or 1.0
        ax.imshow(
            m,
            cmap="Greys" if m.min() >= 0 else "bwr",
            vmin=0 if m.min() >= 0 else -lim,
            vmax=lim * 1.6 if m.min() >= 0 else lim,
        )
        for (i, j), v in np.ndenumerate(m):
            ax.text(j, i, _fmt(v), ha="center", va="center", fontsize=10)
        ax.set_xticks(np.arange(-0.5, m.shape[1]), minor=True)
        ax.set_yticks(np.arange(-0.5, m.shape[0]), minor=True)
        ax.grid(which="minor", color="0.6", lw=0.5)
        ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
        if titles is not None:
            ax.set_title(titles[k], fontsize=10)
        if k == 0 and window is not None:
            r, c, s = window
            ax.add_patch(Rectangle((c - 0.5, r - 0.5), s, s, fill=False, ec="red", lw=2.5))
        if k == len(mats) - 1 and cell is not None:
            ax.add_patch(
                Rectangle((cell[1] - 0.5, cell[0] - 0.5), 1, 1, fill=False, ec="red", lw=2.5)
            )
    return finish_figure(fig, show)


def plot_dense_step(
    inputs: object,
    hidden: object,
    outputs: object,
    w_hidden: object,
    w_output: object,
    output_labels: Sequence[str] | None = None,
    show: bool = True,
):
    """The dense step of a CNN drawn from its numbers: flattened inputs → hidden → outputs.

    ``inputs`` (n), ``hidden`` (h) and ``outputs`` (o) are the values of the three layers (written
    in their circles); ``w_hidden`` (n×h) and ``w_output`` (h×o) the weights, drawn as lines
    (red positive, blue negative, thicker for larger magnitude). Returns the figure when
    ``show=False``.
    """
    import matplotlib.pyplot as plt

    layers = [np.asarray(v, dtype=float).ravel() for v in (inputs, hidden, outputs)]
    weights = [np.asarray(w, dtype=float) for w in (w_hidden, w_output)]
    for k, w in enumerate(weights):
        if w.shape != (layers[k].size, layers[k + 1].size):
            raise ValueError(
                f"weights {k + 1} have shape {w.shape}, expected "
                f"{(layers[k].size, layers[k + 1].size)}"
            )
    output_labels = None if output_labels is None else check_names(output_labels, "output_labels")
    if output_labels is not None and len(output_labels) != layers[2].size:
        raise ValueError(f"{len(output_labels)} output labels for {layers[2].size} outputs")
    n = max(v.size for v in layers)
    fig, ax = plt.subplots(figsize=(7, max(3.0, 0.2 * n + 1)))
    ys = [
        (n - 1) / 2
        - (np.arange(v.size) - (v.size - 1) / 2) * (n - 1) / max(v.size - 1 + 2 * (v.size < n), 1)
        for v in layers
    ]
    xs = [0.0, 1.0, 2.0]
    for k, w in enumerate(weights):
        scale = float(np.abs(w).max()) or 1.0
        for (i, j), value in np.ndenumerate(w):
            ax.plot(
                [xs[k], xs[k + 1]],
                [ys[k][i], ys[k + 1][j]],
                color="tab:red" if value > 0 else "tab:blue",
                lw=0.2 + 2.0 * abs(value) / scale,
                alpha=0.25 + 0.6 * abs(value) / scale,
                zorder=1,
            )
    for k, (x, v, y) in enumerate(zip(xs, layers, ys)):
        for value, yy in zip(v, y):
            ax.scatter(
                [x],
                [yy],
                s=(220 if v.size > 12 else 1000),
                color="white",
                edgecolors="black",
                zorder=2,
            )
            ax.text(
                x,
                yy,
                _fmt(round(float(value), 2)),
                ha="center",
                va="center",
                fontsize=7 if v.size > 12 else 9,
                zorder=3,
            )
    if output_labels is not None:
        for label, yy in zip(output_labels, ys[2]):
            ax.text(xs[2] + 0.12, yy, label, ha="left", va="center", fontsize=9)
    names = [
        f"flattened ({layers[0].size})",
        f"hidden, ReLU ({layers[1].size})",
        f"output, softmax ({layers[2].size})",
    ]
    for x, name in zip(xs, names):
        ax.text(x, n - 0.2 + 0.03 * n, name, ha="center", va="bottom", fontsize=10)
    ax.set_xlim(-0.4, 2.6)
    ax.set_ylim(-1, n + 0.06 * n + 0.5)
    ax.axis("off")
    return finish_figure(fig, show)


def apply_detector(image: object, detector: object, relu_output: bool = False) -> np.ndarray:
    """``cv2.filter2D`` of a gray image with a detector, as float32 (same size, mirrored border).

    ``relu_output=True`` sets negative responses to 0, as the ReLU of a convolutional layer does.
    """
    import cv2

    image = check_matrix(image, "image")
    detector = check_matrix(detector, "detector")
    out = cv2.filter2D(image.astype(np.float32), cv2.CV_32F, detector.astype(np.float32))
    return relu(out) if relu_output else out


def for_display(response: object, percentile: float = 99.5) -> np.ndarray:
    """A feature map as a uint8 picture: 0 stays black, the ``percentile`` value becomes white.

    Negative values (without ReLU) are shown around mid-gray instead: 0 is gray 128, the
    ``percentile`` of ``|response|`` is white and its negative black.
    """
    r = check_matrix(response, "response").astype(np.float32)
    if r.min() < 0:
        top = float(np.percentile(np.abs(r), percentile)) or 1.0
        return np.clip(128 + 127 * r / top, 0, 255).astype(np.uint8)
    top = float(np.percentile(r, percentile)) or 1.0
    return np.clip(255 * r / top, 0, 255).astype(np.uint8)


def detector_explorer(image: object, presets: dict[str, object] | None = None, width: int = 640):
    """A widget to edit a 3×3 feature detector and see its feature map on ``image`` live.

    A preset drop-down fills the 9 boxes (:data:`PRESET_DETECTORS` by default); editing any box
    or the ReLU check box redraws the gray ``image`` and its feature map (:func:`for_display`)
    side by side in an ``ipywidgets.Image`` (JPEG, updated in place: no matplotlib, so headless
    execution never stalls). Returns the ``ipywidgets.VBox`` (display it as a cell's last value).
    """
    import ipywidgets as widgets

    image = check_matrix(image, "image")
    presets = dict(PRESET_DETECTORS if presets is None else presets)
    if not presets:
        raise ValueError("need at least one preset detector")
    for name, k in presets.items():
        if np.shape(k) != (3, 3):
            raise ValueError(
                f"preset {name!r} has shape {np.shape(k)}; the explorer edits 3×3 detectors"
            )
    names = list(presets)
    dropdown = widgets.Dropdown(options=names, value=names[0], description="preset")
    relu_box = widgets.Checkbox(value=True, description="ReLU (negatives → 0)", indent=False)
    boxes = [
        widgets.FloatText(value=round(float(v), 3), step=0.5, layout=widgets.Layout(width="72px"))
        for v in np.ravel(presets[names[0]])
    ]
    grid = widgets.GridBox(boxes, layout=widgets.Layout(grid_template_columns="repeat(3, 78px)"))
    caption = widgets.Label()
    picture = widgets.Image(format="jpeg", width=width)
    state = {"filling": False}
    gap = np.full((image.shape[0], 8), 255, dtype=np.uint8)
    shown = np.clip(image, 0, 255).astype(np.uint8)

    def redraw(*_: object) -> None:
        if state["filling"]:
            return
        detector = np.array([b.value for b in boxes], dtype=np.float32).reshape(3, 3)
        fmap = apply_detector(image, detector, relu_output=relu_box.value)
        picture.value = encode_image(np.hstack([shown, gap, for_display(fmap)]), quality=85)
        caption.value = (
            f"left: image · right: feature map (values {fmap.min():.0f} … {fmap.max():.0f}; "
            f"detector sum {detector.sum():g}{'; gray = 0' if fmap.min() < 0 else ''})"
        )

    def fill(change: dict) -> None:
        state["filling"] = True
        for b, v in zip(boxes, np.ravel(presets[change["new"]])):
            b.value = round(float(v), 3)
        state["filling"] = False
        redraw()

    dropdown.observe(fill, names="value")
    for w in boxes + [relu_box]:
        w.observe(redraw, names="value")
    redraw()
    children = [widgets.HBox([dropdown, relu_box]), grid, caption, picture]
    return labelled_box(children, "interactive filter", ["preset", "ReLU", "the 3×3 weights"])


def matrices_html(
    matrices: Sequence[object],
    titles: Sequence[str] | None = None,
    window: tuple[int, int, int] | None = None,
    cell: tuple[int, int] | None = None,
) -> str:
    """Small matrices side by side as HTML tables; like :func:`show_matrices`, without matplotlib.

    ``window=(row, col, size)`` highlights a window of the first matrix, ``cell=(row, col)`` one
    cell of the last.
    """
    mats = [check_matrix(m, f"matrices[{i}]") for i, m in enumerate(matrices)]
    titles = None if titles is None else check_names(titles, "titles")
    if titles is not None and len(titles) != len(mats):
        raise ValueError(f"{len(titles)} titles for {len(mats)} matrices")
    td = "border:1px solid #999;width:1.8em;height:1.8em;text-align:center;padding:0"
    tables = []
    for k, m in enumerate(mats):
        rows = []
        for i in range(m.shape[0]):
            cells = []
            for j in range(m.shape[1]):
                hot = (
                    k == 0
                    and window is not None
                    and window[0] <= i < window[0] + window[2]
                    and window[1] <= j < window[1] + window[2]
                ) or (k == len(mats) - 1 and cell == (i, j))
                style = td + (";background:#f8c0c0;font-weight:bold" if hot else "")
                cells.append(f'<td style="{style}">{_fmt(m[i, j])}</td>')
            rows.append("<tr>" + "".join(cells) + "</tr>")
        title = f"<div style='text-align:center'>{titles[k]}</div>" if titles is not None else ""
        tables.append(
            f"<div style='margin-right:1.5em'>{title}<table "
            f"style='border-collapse:collapse'>{''.join(rows)}</table></div>"
        )
    return "<div style='display:flex;align-items:flex-start'>" + "".join(tables) + "</div>"


def step_explorer(image: object, kernel: object):
    """A slider over the steps of :func:`feature_map_steps`: the window, its sum and the map cell.

    Returns an ``ipywidgets.VBox`` (a slider, the sum as text, the matrices as HTML).
    """
    import ipywidgets as widgets

    fmap, sums = feature_map_steps(image, kernel)
    image, kernel = check_matrix(image), check_matrix(kernel)
    rows, cols = fmap.shape
    slider = widgets.IntSlider(value=1, min=1, max=len(sums), description="step")
    text = widgets.Label()
    tables = widgets.HTML()

    def update(*_: object) -> None:
        i, j = divmod(slider.value - 1, cols)
        text.value = f"feature map [{i},{j}] = {sums[slider.value - 1]}"
        tables.value = matrices_html(
            [image, kernel, fmap],
            ["image", "feature detector", "feature map"],
            window=(i, j, kernel.shape[0]),
            cell=(i, j),
        )

    slider.observe(update, names="value")
    update()
    return labelled_box([slider, text, tables], "interactive convolution", ["step"])
