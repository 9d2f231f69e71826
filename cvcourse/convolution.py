"""The arithmetic of a convolutional layer, small enough to do by hand (notebook 05).

Everything here is plain numpy so that a learner can read it: a *valid* 2-D cross-correlation
(what deep-learning libraries call "convolution") with each window's sum written out as on the
slides, ReLU, max pooling, flattening, and the true convolution (flipped kernel) for comparison.
:func:`fixed_conv2d` builds a Keras ``Conv2D`` layer that uses given feature detectors, to show
that Keras computes the same numbers.

Example (the slides' 7×7 image and 3×3 feature detector)::

    >>> fmap, sums = feature_map_steps(SLIDES_IMAGE, SLIDES_DETECTOR)
    >>> sums[0]
    '0*1 + 0*0 + 0*0 + 0*1 + 1*0 + 0*1 + 0*0 + 0*1 + 0*1 = 0'
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Sequence

import numpy as np

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
SLIDES_DETECTOR = np.array(
    [
        [1, 0, 0],
        [1, 0, 1],
        [0, 1, 1],
    ]
)

#: The 5×5 feature map the slides obtain from :data:`SLIDES_IMAGE` and :data:`SLIDES_DETECTOR`.
SLIDES_FEATURE_MAP = np.array(
    [
        [0, 1, 0, 1, 0],
        [0, 2, 1, 1, 2],
        [1, 2, 2, 3, 1],
        [1, 3, 3, 3, 2],
        [1, 3, 1, 3, 5],
    ]
)


def check_matrix(array: object, name: str = "array") -> np.ndarray:
    """``array`` as a 2-D numeric numpy array, or a ``TypeError``/``ValueError`` that says why not."""
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
        raise ValueError(f"need k >= 1, stride >= 1, padding >= 0; got k={k}, stride={stride}, padding={padding}")
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
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
    return out


#: The slides' name for the same operation.
feature_map = cross_correlate


def window_sum_text(window: np.ndarray, kernel: np.ndarray) -> str:
    """One window's sum written out, row by row, as on the slides: ``0*1 + 1*0 + ... = 1``."""
    window, kernel = check_matrix(window, "window"), check_matrix(kernel, "kernel")
    if window.shape != kernel.shape:
        raise ValueError(f"window {window.shape} and kernel {kernel.shape} must have the same shape")
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
        window_sum_text(image[i:i + kh, j:j + kw], kernel)
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


def max_pool(feature_map: object, size: int = 2, stride: int | None = None, partial: bool = True) -> np.ndarray:
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
            raise ValueError(f"a {size}×{size} window does not fit in a {h}×{w} map (use partial=True)")
        rows, cols = output_size(h, size, stride), output_size(w, size, stride)
    out = np.empty((rows, cols), dtype=fmap.dtype)
    for i in range(rows):
        for j in range(cols):
            out[i, j] = fmap[i * stride:i * stride + size, j * stride:j * stride + size].max()
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
    layer = keras.layers.Conv2D(n, (kh, kw), padding=padding, activation=activation, trainable=False)
    layer.build((None, None, None, 1))
    layer.set_weights([k.transpose(1, 2, 0)[:, :, None, :], b])  # Keras wants (kh, kw, in, out)
    return layer


def keras_feature_maps(image: object, kernels: object | Sequence[object], activation: str | None = None) -> np.ndarray:
    """The ``(n, H', W')`` feature maps that a Keras ``Conv2D`` with ``kernels`` computes on ``image``."""
    image = check_matrix(image, "image")
    k = stack_kernels(kernels)
    _check_pair(image, k[0])
    import keras

    layer = fixed_conv2d(k, activation=activation)
    out = keras.ops.convert_to_numpy(layer(image[None, :, :, None].astype(np.float32)))
    return out[0].transpose(2, 0, 1)
