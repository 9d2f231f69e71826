"""Reading and checking images: clear errors instead of OpenCV's silent ``None``."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np

from cvcourse.validation import check_file


def check_image(image: object, name: str = "image") -> np.ndarray:
    """Return ``image`` if it is a 2-D (gray) or 3-D (1/3/4 channel) numeric array, else raise.

    Raises ``TypeError`` for non-arrays (a path, a PIL image, ``None`` from a failed
    ``cv2.imread``) and ``ValueError`` for arrays of the wrong shape or dtype, empty arrays and
    float arrays holding NaN or infinity (an earlier division by zero: every result would be NaN).
    """
    if image is None:
        raise TypeError(
            f"{name} is None: the image was not loaded (did cv2.imread fail on a bad path?)"
        )
    if isinstance(image, (str, os.PathLike)):
        raise TypeError(
            f"{name} must be a numpy array (H x W or H x W x C), not the path {str(image)!r}: "
            f"read the file first with cvcourse.images.read_image"
        )
    if not isinstance(image, np.ndarray):
        raise TypeError(
            f"{name} must be a numpy array (H x W or H x W x C), not {type(image).__name__}"
        )
    if image.dtype == bool or not (
        np.issubdtype(image.dtype, np.integer) or np.issubdtype(image.dtype, np.floating)
    ):
        raise ValueError(f"{name} has dtype {image.dtype}; expected uint8 or float")
    if image.ndim == 3 and image.shape[2] not in (1, 3, 4) or image.ndim not in (2, 3):
        raise ValueError(f"{name} has shape {image.shape}; expected H x W or H x W x 1/3/4")
    if image.size == 0:
        raise ValueError(f"{name} is empty (shape {image.shape})")
    if image.dtype.kind == "f" and not np.isfinite(image).all():
        bad = int(np.count_nonzero(~np.isfinite(image)))
        raise ValueError(
            f"{name} holds {bad} NaN or infinite value(s) of {image.size}: "
            f"find the division by zero (or NaN input) that made them"
        )
    return image


def read_image(path: str | Path, gray: bool = False) -> np.ndarray:
    """Read an image file as a BGR (or gray) uint8 array; raise instead of returning ``None``.

    GIF files (the Yale faces are GIFs without the extension) are decoded with Pillow: OpenCV
    reads GIF only from 4.11 on, and one decoder for every version gives the same pixels.
    """
    path = check_file(path, "path", "image file")
    with open(path, "rb") as f:
        is_gif = f.read(4) == b"GIF8"
    if is_gif:
        from PIL import Image

        try:
            with Image.open(path) as picture:
                image = np.asarray(picture.convert("L" if gray else "RGB"))
        except OSError as error:  # PIL's UnidentifiedImageError, a truncated file
            raise ValueError(f"{path} is not a GIF image Pillow can decode ({error})") from None
        return image if gray else np.ascontiguousarray(image[:, :, ::-1])
    image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE if gray else cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError(f"{path} is not an image OpenCV can decode")
    return image


def to_rgb(image: np.ndarray, bgr: bool = True) -> np.ndarray:
    """A copy ready for matplotlib: BGR(A) → RGB(A) when ``bgr``, gray stays 2-D."""
    image = check_image(image)
    if image.ndim == 3 and image.shape[2] == 1:
        return image[:, :, 0]
    if image.ndim == 3 and bgr:
        code = cv2.COLOR_BGRA2RGBA if image.shape[2] == 4 else cv2.COLOR_BGR2RGB
        return cv2.cvtColor(np.ascontiguousarray(image), code)
    return image


def resize_to_width(image: np.ndarray, width: int) -> np.ndarray:
    """Resize keeping the aspect ratio so that the result is ``width`` pixels wide."""
    image = check_image(image)
    h, w = image.shape[:2]
    return cv2.resize(image, (width, max(1, round(h * width / w))), interpolation=cv2.INTER_AREA)
