"""Histograms of oriented gradients: gradients and the 9-bin cell histogram, step by step."""

from __future__ import annotations

import numpy as np

from cvcourse.images import check_image


def gradients(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gradient magnitude and unsigned direction (0–180°) with the centred [-1, 0, 1] kernel.

    ``gx`` = right neighbour − left neighbour, ``gy`` = neighbour below − neighbour above (the
    border is mirrored, as OpenCV's ``Sobel(ksize=1)`` does); magnitude ``√(gx² + gy²)``,
    direction ``atan2(gy, gx)`` in degrees modulo 180. Exactly the steps notebook 01 writes out.
    """
    gray = check_image(gray, "gray")
    if gray.ndim != 2:
        raise ValueError(f"gradients need a 2-D (gray) image, got shape {gray.shape}")
    padded = np.pad(gray.astype(np.float64), 1, mode="reflect")  # OpenCV's BORDER_REFLECT_101
    gx = padded[1:-1, 2:] - padded[1:-1, :-2]
    gy = padded[2:, 1:-1] - padded[:-2, 1:-1]
    return np.sqrt(gx**2 + gy**2), np.degrees(np.arctan2(gy, gx)) % 180


def cell_histogram(magnitude: np.ndarray, direction: np.ndarray, bins: int = 9) -> np.ndarray:
    """The HOG histogram of one cell: each pixel votes its magnitude into the two nearest bins.

    Bins are centred on 0, 20, …, 160 degrees; a direction between two centres splits its vote
    in proportion to its distance, and directions near 180 wrap around into the 0 bin (0° and
    180° are the same unsigned orientation).
    """
    magnitude = np.asarray(magnitude, dtype=float)
    direction = np.asarray(direction, dtype=float)
    if magnitude.shape != direction.shape:
        raise ValueError(
            f"magnitude {magnitude.shape} and direction {direction.shape} differ in shape"
        )
    if np.any(direction < 0) or np.any(direction > 180):
        raise ValueError("directions must be unsigned angles in [0, 180] degrees")
    width = 180 / bins
    position = direction / width
    low = np.floor(position).astype(int) % bins
    high = (low + 1) % bins
    share_high = position - np.floor(position)
    hist = np.zeros(bins)
    np.add.at(hist, low.ravel(), (magnitude * (1 - share_high)).ravel())
    np.add.at(hist, high.ravel(), (magnitude * share_high).ravel())
    return hist
