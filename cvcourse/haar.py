"""Haar-like features and the integral image, the arithmetic behind Viola–Jones face detection."""

from __future__ import annotations

import numpy as np

from cvcourse.images import check_image
from cvcourse.validation import check_file

# base (width, height) of the five classic Haar-like feature shapes of Viola and Jones
HAAR_SHAPES = {
    "two-rectangle, side by side": (2, 1),
    "two-rectangle, stacked": (1, 2),
    "three-rectangle, side by side": (3, 1),
    "three-rectangle, stacked": (1, 3),
    "four-rectangle (checkerboard)": (2, 2),
}


def integral_image(image: np.ndarray) -> np.ndarray:
    """Summed-area table with a zero first row and column: ``ii[y, x] = image[:y, :x].sum()``."""
    image = check_image(image)
    if image.ndim != 2:
        raise ValueError(f"integral_image needs a 2-D (gray) image, got shape {image.shape}")
    ii = np.zeros((image.shape[0] + 1, image.shape[1] + 1), dtype=np.int64)
    ii[1:, 1:] = image.astype(np.int64).cumsum(axis=0).cumsum(axis=1)
    return ii


def rect_sum(ii: np.ndarray, x: int, y: int, w: int, h: int) -> int:
    """Sum of the ``w × h`` rectangle at ``(x, y)`` from an integral image: 4 look-ups, any size."""
    if w < 0 or h < 0 or x < 0 or y < 0 or y + h >= ii.shape[0] or x + w >= ii.shape[1]:
        raise ValueError(
            f"rectangle {(x, y, w, h)} is outside the image {ii.shape[1] - 1}×{ii.shape[0] - 1}"
        )
    return int(ii[y + h, x + w] - ii[y, x + w] - ii[y + h, x] + ii[y, x])


def two_rect_feature(ii: np.ndarray, x: int, y: int, w: int, h: int) -> int:
    """Side-by-side Haar feature: sum of the white (left) half minus the black (right) half."""
    if w % 2:
        raise ValueError("the width of a two-rectangle feature must be even")
    return rect_sum(ii, x, y, w // 2, h) - rect_sum(ii, x + w // 2, y, w // 2, h)


def count_haar_features(
    window: int = 24, shapes: dict[str, tuple[int, int]] | None = None
) -> dict[str, int]:
    """How many positions and scales each feature shape has in a ``window × window`` sub-window."""
    counts = {}
    for name, (bw, bh) in (shapes or HAAR_SHAPES).items():
        counts[name] = sum(
            (window - w + 1) * (window - h + 1)
            for w in range(bw, window + 1, bw)
            for h in range(bh, window + 1, bh)
        )
    return counts


def cascade_summary(cascade_xml) -> tuple[int, list[int]]:
    """``(window size, weak classifiers per stage)`` of an OpenCV cascade XML file."""
    import xml.etree.ElementTree as ET

    cascade_xml = check_file(cascade_xml, "cascade_xml", "cascade XML file")
    try:
        root = ET.parse(cascade_xml).getroot()
    except ET.ParseError as error:
        raise ValueError(
            f"{cascade_xml} is not valid XML ({error}): is the file cut short?"
        ) from None
    cascade = root.find("cascade")
    if cascade is None:
        raise ValueError(f"{cascade_xml} is not an OpenCV cascade file")
    stages = cascade.findall("./stages/_")
    return int(cascade.findtext("width")), [
        len(stage.findall("./weakClassifiers/_")) for stage in stages
    ]
