"""Autoencoder plumbing: noise, PSNR, reconstruction errors, code pictures, out-of-set images.

The networks themselves are written out in notebook 08 (encoder → code → decoder, the input as
its own target); these helpers load data, score and draw. PSNR is scikit-image's
``peak_signal_noise_ratio`` averaged over images.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Mapping, Sequence

import cv2
import numpy as np

from cvcourse import assets
from cvcourse.images import check_image
from cvcourse.validation import check_file

MNIST_CLASSES = tuple(str(d) for d in range(10))


def _as_batch(images: np.ndarray, name: str) -> np.ndarray:
    """``images`` as a numeric array of shape ``(n, H, W)`` or ``(n, H, W, C)`` (a list is checked
    image by image)."""
    if isinstance(images, (list, tuple)):
        images = [check_image(im, f"{name}[{i}]") for i, im in enumerate(images)]
        if len({im.shape for im in images}) > 1:
            raise ValueError(f"{name} have different shapes: {sorted({im.shape for im in images})}")
    elif not isinstance(images, np.ndarray):
        raise TypeError(
            f"{name} must be a batch of images (a numpy array (n, H, W[, C])), not "
            f"{type(images).__name__}"
        )
    images = np.asarray(images)
    if images.ndim not in (3, 4) or images.size == 0:
        raise ValueError(
            f"{name} must be a non-empty batch (n, H, W) or (n, H, W, C), got shape {images.shape}"
        )
    if images.dtype == bool or not np.issubdtype(images.dtype, np.number):
        raise ValueError(f"{name} must be numeric, got {images.dtype}")
    if images.dtype.kind == "f" and not np.isfinite(images).all():
        raise ValueError(f"{name} holds NaN or infinite values")
    return images


def add_gaussian_noise(images: np.ndarray, sigma: float, seed: int = 0) -> np.ndarray:
    """``images`` (floats in [0, 1]) plus Gaussian noise of standard deviation ``sigma``, clipped to
    [0, 1]."""
    images = _as_batch(images, "images")
    if sigma < 0:
        raise ValueError(f"sigma must be >= 0, got {sigma}")
    if images.min() < 0 or images.max() > 1:
        raise ValueError("images must be scaled to [0, 1] first")
    noise = np.random.default_rng(seed).normal(0.0, sigma, images.shape)
    return np.clip(images + noise, 0.0, 1.0).astype(np.float32)


def mean_psnr(reference: np.ndarray, images: np.ndarray) -> float:
    """Mean PSNR in dB of ``images`` against ``reference`` (both in [0, 1]), image by image.

    PSNR = 10 · log10(1 / MSE) for pixel values in [0, 1]: +6 dB halves the error's size.
    Computed with ``skimage.metrics.peak_signal_noise_ratio(data_range=1)``.
    """
    reference, images = _as_batch(reference, "reference"), _as_batch(images, "images")
    from skimage.metrics import peak_signal_noise_ratio

    if reference.shape != images.shape:
        raise ValueError(f"reference {reference.shape} and images {images.shape} differ in shape")
    return float(
        np.mean(
            [
                peak_signal_noise_ratio(r.astype(np.float64), i.astype(np.float64), data_range=1.0)
                for r, i in zip(reference, images)
            ]
        )
    )


def reconstruction_errors(images: np.ndarray, reconstructions: np.ndarray) -> np.ndarray:
    """Mean squared error per image, shape ``(n,)``: how badly each image was reconstructed."""
    images, reconstructions = (
        _as_batch(images, "images"),
        _as_batch(reconstructions, "reconstructions"),
    )
    if images.shape != reconstructions.shape:
        raise ValueError(
            f"images {images.shape} and reconstructions {reconstructions.shape} differ in shape"
        )
    diff = images.astype(np.float64) - reconstructions.astype(np.float64)
    return (diff**2).reshape(len(images), -1).mean(axis=1)


def code_image(code: np.ndarray) -> np.ndarray:
    """A 2-D picture of one code: a vector becomes a near-square grid (32 → 4 × 8), a stack of
    feature maps ``(h, w, c)`` its maps side by side (c columns of h × w)."""
    code = np.asarray(code, dtype=np.float32)
    if code.ndim == 1:
        rows = max(r for r in range(1, math.isqrt(code.size) + 1) if code.size % r == 0)
        return code.reshape(rows, code.size // rows)
    if code.ndim == 3:
        return np.concatenate([code[:, :, k] for k in range(code.shape[2])], axis=1)
    if code.ndim == 2:
        return code
    raise ValueError(f"a code is a vector or (h, w, c) maps, got shape {code.shape}")


def show_rows(rows: Mapping[str, Sequence[np.ndarray]], size: float = 1.2, show: bool = True):
    """A grid with one row per entry (``{"original": images, "code": codes, ...}``), row names on
    the left.

    Images are drawn gray; pixel rows in [0, 1] share that scale, code rows use their own range.
    """
    import matplotlib.pyplot as plt

    from cvcourse.display import finish_figure

    if not rows:
        raise ValueError("no rows to show")
    n = max(len(r) for r in rows.values())
    fig, axes = plt.subplots(
        len(rows), n, figsize=(size * n, size * len(rows) + 0.2), squeeze=False
    )
    for r, (name, images) in enumerate(rows.items()):
        for c in range(n):
            ax = axes[r, c]
            ax.set_xticks([])
            ax.set_yticks([])
            if c >= len(images):
                ax.axis("off")
                continue
            image = np.squeeze(np.asarray(images[c], dtype=np.float32))
            is_code = image.ndim != 2 or name.lower().startswith("code")
            image = code_image(image) if is_code else image
            ax.imshow(
                image,
                cmap="viridis" if is_code else "gray",
                vmin=None if is_code else 0,
                vmax=None if is_code else 1,
            )
        axes[r, 0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=9)
    return finish_figure(fig, show)


def to_28x28(images: np.ndarray | Sequence[np.ndarray]) -> np.ndarray:
    """Gray uint8 images of any size → ``(n, 28, 28, 1)`` float32 in [0, 1] (area interpolation),
    ready for a network trained on (Fashion-)MNIST."""
    if not isinstance(images, (list, tuple, np.ndarray)):
        raise TypeError(f"images must be a list of gray uint8 images, not {type(images).__name__}")
    out = []
    for i, image in enumerate(images):
        image = check_image(image, f"images[{i}]")
        if image.ndim != 2 or image.dtype != np.uint8:
            raise ValueError(
                f"images[{i}] must be a gray uint8 image, got {image.dtype} {image.shape}"
            )
        out.append(cv2.resize(image, (28, 28), interpolation=cv2.INTER_AREA))
    if not out:
        raise ValueError("no images")
    return (np.stack(out)[..., None] / 255.0).astype(np.float32)


def digits_like_mnist() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 1,797 handwritten digits (8 × 8, UCI, bundled with scikit-learn) laid out like
    MNIST: enlarged to 20 × 20 and centred in 28 × 28, bright ink on black, floats in [0, 1].

    Returns ``(images (n, 28, 28, 1), labels (n,))``.
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    ink = digits.images / 16.0
    images = np.stack(
        [np.pad(cv2.resize(d, (20, 20), interpolation=cv2.INTER_LINEAR), 4) for d in ink]
    )
    return np.clip(images, 0, 1)[..., None].astype(np.float32), digits.target


def load_mnist(
    n_train: int | None = None, n_test: int | None = None, file: str | Path | None = None
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """MNIST handwritten digits (28 × 28 gray uint8; 60,000 train + 10,000 test), like
    ``keras.datasets``.

    ``file`` defaults to the registry's full-course asset ``mnist/mnist.npz`` (Keras' copy,
    downloaded on demand unless ``CVCOURSE_OFFLINE``); ``n_train``/``n_test`` keep the first N.
    Source: Yann LeCun and Corinna Cortes, CC BY-SA 3.0.
    """
    file = (
        assets.path("mnist/mnist.npz") if file is None else check_file(file, "file", "MNIST file")
    )
    try:
        data = np.load(file)
    except (ValueError, OSError, EOFError) as error:
        raise ValueError(f"{file} is not a numpy .npz file ({error})") from None
    if not hasattr(data, "files"):
        raise ValueError(
            f"{file} holds one array, not Keras' mnist.npz (x_train, y_train, x_test, y_test)"
        )
    with data:
        missing = {"x_train", "y_train", "x_test", "y_test"} - set(data.files)
        if missing:
            raise ValueError(f"{file} is not Keras' mnist.npz: {sorted(missing)} missing")
        return (
            (data["x_train"][:n_train], data["y_train"][:n_train]),
            (data["x_test"][:n_test], data["y_test"][:n_test]),
        )


def plot_error_histograms(
    errors: Mapping[str, np.ndarray], threshold: float | None = None, show: bool = True
):
    """Histograms of reconstruction errors per group of images (log-spaced bins), with an optional
    threshold line."""
    import matplotlib.pyplot as plt

    from cvcourse.display import finish_figure

    values = {name: np.asarray(e, dtype=float) for name, e in errors.items()}
    if not values or any(v.size == 0 or (v <= 0).any() for v in values.values()):
        raise ValueError("give non-empty groups of positive errors")
    low = min(v.min() for v in values.values())
    high = max(v.max() for v in values.values())
    bins = np.geomspace(low, high, 40)
    fig, ax = plt.subplots(figsize=(8, 3.2))
    for name, v in values.items():
        ax.hist(v, bins=bins, alpha=0.55, density=True, label=f"{name} ({v.size})")
    if threshold is not None:
        ax.axvline(threshold, color="black", ls="--", label=f"threshold {threshold:.3f}")
    ax.set_xscale("log")
    ax.set_xlabel("reconstruction error (mean squared error per image)")
    ax.set_ylabel("density")
    ax.legend(fontsize=8)
    return finish_figure(fig, show)
