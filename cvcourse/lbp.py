"""Local binary patterns (LBP) by hand, as on the slides of part 2 (face recognition).

A pixel's LBP code compares it with its neighbours: a neighbour at least as bright as the centre
is a 1, a darker one a 0; read in a fixed order the bits form a number (0–255 for 8 neighbours).
LBPH (OpenCV's ``cv2.face.LBPHFaceRecognizer``) cuts the LBP image into ``grid_x × grid_y`` cells
and concatenates their histograms: that vector is the face's description.
"""

from __future__ import annotations

import numpy as np

from cvcourse.images import check_image

# The slides read the 8 neighbours of a 3×3 patch clockwise from the top-left corner.
CLOCKWISE_FROM_TOP_LEFT = ((0, 0), (0, 1), (0, 2), (1, 2), (2, 2), (2, 1), (2, 0), (1, 0))


def lbp_bits(patch: np.ndarray | list) -> str:
    """The 8 bits of a 3×3 patch: ``"1"`` where a neighbour is ≥ the centre, clockwise from the
    top-left."""
    patch = np.asarray(patch)
    if patch.shape != (3, 3):
        raise ValueError(f"an LBP patch is 3 × 3, got shape {patch.shape}")
    centre = patch[1, 1]
    return "".join("1" if patch[r, c] >= centre else "0" for r, c in CLOCKWISE_FROM_TOP_LEFT)


def lbp_code(patch: np.ndarray | list) -> int:
    """The LBP code (0–255) of a 3×3 patch: :func:`lbp_bits` read as a binary number."""
    return int(lbp_bits(patch), 2)


def lbp_image(gray: np.ndarray, radius: int = 1, neighbors: int = 8) -> np.ndarray:
    """The circular LBP code of every pixel (OpenCV LBPH's operator, ``radius``/``neighbors`` as
    there).

    ``neighbors`` points are sampled on a circle of ``radius`` pixels (bilinear interpolation),
    starting to the right of the centre and going anticlockwise (OpenCV's order); bit ``n`` is 1
    when point ``n`` is ≥ the centre. The result is ``radius`` pixels smaller on each side; codes go
    up to ``2**neighbors - 1`` (uint8 for 8 neighbours, uint32 above).
    """
    gray = check_image(gray, "gray")
    if gray.ndim != 2:
        raise ValueError(f"lbp_image needs a gray (2-D) image, got shape {gray.shape}")
    if radius < 1 or not 1 <= neighbors <= 31:
        raise ValueError(f"radius must be ≥ 1 and neighbors 1–31, got {radius}, {neighbors}")
    if min(gray.shape) <= 2 * radius:
        raise ValueError(f"image {gray.shape} too small for radius {radius}")
    image = gray.astype(np.float64)
    h, w = image.shape[0] - 2 * radius, image.shape[1] - 2 * radius
    centre = image[radius : radius + h, radius : radius + w]
    codes = np.zeros((h, w), np.uint32)
    for n in range(neighbors):
        angle = 2 * np.pi * n / neighbors
        y, x = radius - radius * np.sin(angle), radius + radius * np.cos(angle)
        y0, x0 = int(np.floor(y)), int(np.floor(x))
        fy, fx = y - y0, x - x0
        y1, x1 = min(y0 + 1, 2 * radius), min(x0 + 1, 2 * radius)
        value = (
            (1 - fy) * (1 - fx) * image[y0 : y0 + h, x0 : x0 + w]
            + (1 - fy) * fx * image[y0 : y0 + h, x1 : x1 + w]
            + fy * (1 - fx) * image[y1 : y1 + h, x0 : x0 + w]
            + fy * fx * image[y1 : y1 + h, x1 : x1 + w]
        )
        codes |= (value >= centre - 1e-9).astype(np.uint32) << n
    return codes.astype(np.uint8) if neighbors <= 8 else codes


def lbp_histograms(
    codes: np.ndarray, grid_x: int = 8, grid_y: int = 8, neighbors: int = 8
) -> np.ndarray:
    """The ``grid_y × grid_x`` cell histograms of an LBP image, shape
    ``(grid_y, grid_x, 2**neighbors)``.

    Cells are ``H // grid_y × W // grid_x`` pixels (the leftover pixels are dropped, as in OpenCV)
    and each histogram is normalised to sum 1; LBPH concatenates them into one vector per face.
    This reproduces OpenCV's ``getHistograms()`` except where a sampled neighbour *equals* the
    centre: OpenCV's float32 interpolation breaks a few such ties the other way (a handful of
    bins differ by one pixel's count, mostly at ``radius=1``).
    """
    codes = np.asarray(codes)
    if codes.ndim != 2 or codes.shape[0] < grid_y or codes.shape[1] < grid_x:
        raise ValueError(
            f"an LBP image of shape {codes.shape} cannot be cut into {grid_y} × {grid_x} cells"
        )
    bins = 2**neighbors
    ch, cw = (
        codes.shape[0] // grid_y,
        codes.shape[1] // grid_x,
    )  # as OpenCV: leftover pixels are dropped
    out = np.zeros((grid_y, grid_x, bins))
    for i in range(grid_y):
        for j in range(grid_x):
            cell = codes[i * ch : (i + 1) * ch, j * cw : (j + 1) * cw].ravel()
            out[i, j] = np.bincount(cell, minlength=bins)[:bins] / cell.size
    return out
