"""Emotions in faces: the course's FER2013 CNN, the pretrained mini-Xception, crop → classify →
draw.

The notebook (07) shows each step once by hand (Haar box, crop, resize, scale to [-1, 1],
``predict``); these functions repeat them for many faces, photos and video frames.

FER2013 (Goodfellow et al. 2013, Kaggle "Challenges in Representation Learning"): 35,887
48×48 gray faces, 7 emotions in the order of :data:`FER2013_EMOTIONS`. The pretrained model
``emotion_fer2013/fer2013_mini_XCEPTION.102-0.66.hdf5`` (oarriaga/face_classification, MIT) takes
64×64 gray faces scaled to [-1, 1] and reached 66 % validation accuracy on FER2013.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Callable, Sequence

import cv2
import numpy as np

from cvcourse import assets
from cvcourse.images import check_image
from cvcourse.validation import check_box, check_file, check_model, check_names, check_uint8

Box = tuple[int, int, int, int]
FER2013_EMOTIONS = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
# Yale expressions that have a FER2013 class ("sleepy" has none)
YALE_TO_FER2013 = {"happy": "happy", "sad": "sad", "surprised": "surprise", "normal": "neutral"}
PRETRAINED_MODEL = "emotion_fer2013/fer2013_mini_XCEPTION.102-0.66.hdf5"


def build_emotion_cnn(
    n_classes: int = 7,
    size: int = 48,
    num_features: int = 32,
    dropout: float = 0.2,
    bn_momentum: float = 0.99,
    name: str = "emotion_cnn",
):
    """The course's FER2013 network: four convolution blocks, two dense layers, a softmax.

    Block ``k`` (k = 0…3) is Conv2D(num_features·2^k, 3×3, ReLU) → BatchNormalization → the
    same again → MaxPooling 2×2 → Dropout; then Flatten → (Dense(2·num_features, ReLU) →
    Dropout) × 2 → Dense(n_classes, softmax). Input: ``size``×``size``×1 gray faces.
    The course trains it with ``num_features=32`` on FER2013 (48×48, 7 classes).
    """
    import keras

    layers = keras.layers
    model = keras.Sequential([keras.Input((size, size, 1))], name=name)
    for k in range(4):
        for j in (1, 2):
            model.add(
                layers.Conv2D(
                    num_features * 2**k,
                    3,
                    padding="same",
                    activation="relu",
                    name=f"conv{k + 1}_{j}",
                )
            )
            model.add(layers.BatchNormalization(momentum=bn_momentum, name=f"bn{k + 1}_{j}"))
        model.add(layers.MaxPooling2D(2, name=f"pool{k + 1}"))
        model.add(layers.Dropout(dropout, name=f"dropout{k + 1}"))
    model.add(layers.Flatten(name="flatten"))
    for j in (1, 2):
        model.add(layers.Dense(2 * num_features, activation="relu", name=f"dense{j}"))
        model.add(layers.Dropout(dropout, name=f"dropout_dense{j}"))
    model.add(layers.Dense(n_classes, activation="softmax", name="emotion"))
    return model


def load_emotion_model(file: str | Path | None = None):
    """The pretrained FER2013 mini-Xception (or another Keras emotion model file), uncompiled.

    ``file`` defaults to the registry asset :data:`PRETRAINED_MODEL` (a clear
    ``AssetNotFoundError`` says how to get it). A file that is not a Keras model, or a model
    without an image input and a class output, raises ``ValueError``.
    """
    import keras

    file = (
        assets.path(PRETRAINED_MODEL)
        if file is None
        else check_file(file, "file", "emotion model file")
    )
    try:
        model = keras.models.load_model(file, compile=False)
    except Exception as error:  # h5py/keras raise many types for a bad file
        raise ValueError(
            f"{file} is not a Keras model file ({type(error).__name__}: {error})"
        ) from None
    if len(model.input_shape) != 4 or len(model.output_shape) != 2:
        raise ValueError(
            f"{file.name}: expected images in and class probabilities out, "
            f"got {model.input_shape} → {model.output_shape}"
        )
    return model


def scale_to_minus1_1(faces: np.ndarray) -> np.ndarray:
    """uint8 pixels 0…255 → float32 in [-1, 1]: ``(x / 255 − 0.5) · 2`` (the mini-Xception's
    input)."""
    return (_pixels(faces) / 255.0 - 0.5) * 2.0


def scale_to_0_1(faces: np.ndarray) -> np.ndarray:
    """uint8 pixels 0…255 → float32 in [0, 1] (the course CNN's input)."""
    return _pixels(faces) / 255.0


def _pixels(faces: object) -> np.ndarray:
    """``faces`` (a uint8 face, a stack of them or a list) as float32, after checking they are 0–255
    pixels."""
    if isinstance(faces, (list, tuple)):
        faces = [
            check_uint8(
                check_image(face, f"faces[{i}]"), f"faces[{i}]", "the emotion networks' scaling"
            )
            for i, face in enumerate(faces)
        ]
        if not faces:
            raise ValueError("faces is empty: give at least one face crop")
        faces = np.stack(faces) if len({f.shape for f in faces}) == 1 else None
        if faces is None:
            raise ValueError(
                "faces have different sizes: crop them all to the model's size (crop_face)"
            )
    elif not isinstance(faces, np.ndarray):
        raise TypeError(
            "faces must be uint8 face crops (an array or a list of arrays), not "
            f"{type(faces).__name__}"
        )
    elif faces.size == 0:
        raise ValueError(f"faces is empty (shape {faces.shape})")
    else:
        check_uint8(faces, "faces", "the emotion networks' scaling")
    return faces.astype(np.float32)


def largest_box(boxes: Sequence[Box]) -> Box | None:
    """The box with the largest area, or ``None`` when there is none."""
    boxes = [tuple(int(v) for v in b) for b in boxes]
    return max(boxes, key=lambda b: b[2] * b[3]) if boxes else None


def crop_face(image: np.ndarray, box: Box, size: int, margin: float = 0.0) -> np.ndarray:
    """The gray ``size``×``size`` face of ``box`` = ``(x, y, w, h)``, grown by ``margin`` × its size
    per side.

    The box is clipped to the image; a box outside the image raises ``ValueError``.
    """
    image = check_image(image)
    gray = (
        image
        if image.ndim == 2
        else (
            image[:, :, 0]
            if image.shape[2] == 1
            else cv2.cvtColor(image[:, :, :3], cv2.COLOR_BGR2GRAY)
        )
    )
    x, y, w, h = check_box(box, gray, "face box")
    dx, dy = round(margin * w), round(margin * h)
    x1, y1 = max(x - dx, 0), max(y - dy, 0)
    x2, y2 = min(x + w + dx, gray.shape[1]), min(y + h + dy, gray.shape[0])
    if x2 <= x1 or y2 <= y1:
        raise ValueError(f"face box {box} lies outside the {gray.shape[1]}×{gray.shape[0]} image")
    return cv2.resize(gray[y1:y2, x1:x2], (size, size), interpolation=cv2.INTER_AREA)


def classify_faces(
    model,
    image: np.ndarray,
    boxes: Sequence[Box],
    margin: float = 0.0,
    preprocess: Callable[[np.ndarray], np.ndarray] = scale_to_minus1_1,
) -> np.ndarray:
    """Class probabilities ``(n_faces, n_classes)`` of the faces ``boxes`` in ``image``.

    Each face is cropped to the model's input size (:func:`crop_face`), scaled by
    ``preprocess`` (the mini-Xception wants [-1, 1], the course CNN [0, 1]) and classified.
    """
    check_model(
        model,
        "model",
        ("predict", "input_shape", "output_shape"),
        "a Keras model (load_emotion_model())",
    )
    image = check_uint8(check_image(image), "image", "the emotion networks")
    boxes = list(boxes)
    n_classes = model.output_shape[-1]
    if not boxes:
        return np.zeros((0, n_classes), dtype=np.float32)
    size = model.input_shape[1]
    return _classify_crops(model, [crop_face(image, b, size, margin) for b in boxes], preprocess)


def _classify_crops(
    model, crops: Sequence[np.ndarray], preprocess: Callable[[np.ndarray], np.ndarray]
) -> np.ndarray:
    """One prediction for all the face crops (gray, the model's input size): ``(n, n_classes)``."""
    return np.asarray(model.predict(preprocess(np.stack(crops)[..., None]), verbose=0))


def emotion_labels(
    probabilities: np.ndarray, class_names: Sequence[str] = FER2013_EMOTIONS
) -> list[str]:
    """``"happy 87%"`` for each row of probabilities."""
    class_names = check_names(class_names, "class_names")
    return [f"{class_names[int(p.argmax())]} {p.max():.0%}" for p in np.atleast_2d(probabilities)]


def draw_emotions(
    image: np.ndarray,
    boxes: Sequence[Box],
    probabilities: np.ndarray,
    class_names: Sequence[str] = FER2013_EMOTIONS,
) -> np.ndarray:
    """A copy of ``image`` with each face box labelled with its most likely emotion."""
    from cvcourse.display import draw_boxes

    class_names = check_names(class_names, "class_names")
    return draw_boxes(
        image, boxes, emotion_labels(probabilities, class_names) if len(boxes) else None
    )


def plot_emotion_bars(
    probabilities: np.ndarray,
    titles: Sequence[str] | None = None,
    class_names: Sequence[str] = FER2013_EMOTIONS,
    cols: int = 4,
    show: bool = True,
):
    """One horizontal bar chart of the class probabilities per face (the winner in orange)."""
    import math

    import matplotlib.pyplot as plt

    from cvcourse.display import finish_figure

    probabilities = np.atleast_2d(probabilities)
    class_names = check_names(class_names, "class_names")
    titles = None if titles is None else check_names(titles, "titles")
    n = len(probabilities)
    if n == 0:
        raise ValueError("no faces to plot")
    cols = min(cols, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(2.8 * cols, 0.25 * len(class_names) * rows + 0.6 * rows), squeeze=False
    )
    for ax in axes.flat[n:]:
        ax.axis("off")
    for i, (ax, p) in enumerate(zip(axes.flat, probabilities)):
        colors = ["tab:orange" if k == p.argmax() else "tab:blue" for k in range(len(p))]
        ax.barh(range(len(p)), p, color=colors)
        ax.set_yticks(range(len(p)), class_names, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.tick_params(axis="x", labelsize=7)
        ax.set_title(titles[i] if titles is not None else f"face {i + 1}", fontsize=9)
    return finish_figure(fig, show)


def emotions_in_frames(
    model,
    frames: Sequence[np.ndarray],
    detect: Callable[[np.ndarray], Sequence[Box]],
    margin: float = 0.0,
    preprocess: Callable[[np.ndarray], np.ndarray] = scale_to_minus1_1,
) -> tuple[np.ndarray, list[Box | None]]:
    """The emotion of the largest face per frame: probabilities ``(n_frames, n_classes)`` (NaN rows
    where ``detect`` finds no face) and the face box per frame (``None`` where none)."""
    check_model(
        model,
        "model",
        ("predict", "input_shape", "output_shape"),
        "a Keras model (load_emotion_model())",
    )
    if (
        not isinstance(frames, (list, tuple, np.ndarray))
        or isinstance(frames, np.ndarray)
        and frames.ndim < 3
    ):
        raise TypeError(
            f"frames must be a list of images (read_frames gives one), not {type(frames).__name__}"
        )
    frames = [check_image(frame, f"frames[{i}]") for i, frame in enumerate(frames)]
    n_classes = model.output_shape[-1]
    probabilities = np.full((len(frames), n_classes), np.nan, dtype=np.float32)
    boxes: list[Box | None] = []
    size = model.input_shape[1]
    crops = []
    for frame in frames:
        box = largest_box(detect(frame))
        boxes.append(box)
        if box is not None:
            crops.append(
                crop_face(check_uint8(frame, "frame", "the emotion networks"), box, size, margin)
            )
    if crops:  # one prediction for all the faces: much faster than one per frame
        with_face = [i for i, box in enumerate(boxes) if box is not None]
        probabilities[with_face] = _classify_crops(model, crops, preprocess)
    return probabilities, boxes


def plot_emotion_timeline(
    frame_numbers: Sequence[int],
    probabilities: np.ndarray,
    class_names: Sequence[str] = FER2013_EMOTIONS,
    show: bool = True,
):
    """Probability of each emotion over the frames (gaps where no face was found).

    Each frame is a dot on the lines, so a face found in one frame between gaps shows too; the
    frame axis spans all of ``frame_numbers``, so frames without a face at the end show as a gap.
    """
    import matplotlib.pyplot as plt

    from cvcourse.display import finish_figure

    probabilities = np.asarray(probabilities)
    class_names = check_names(class_names, "class_names")
    if probabilities.shape != (len(frame_numbers), len(class_names)):
        raise ValueError(
            f"probabilities {probabilities.shape} do not match {len(frame_numbers)} frames × "
            f"{len(class_names)} classes"
        )
    fig, ax = plt.subplots(figsize=(9, 3.2))
    for k, name in enumerate(class_names):
        ax.plot(frame_numbers, probabilities[:, k], label=name, lw=1.5, marker="o", ms=2.5)
    if len(frame_numbers) > 1:
        ax.set_xlim(frame_numbers[0], frame_numbers[-1])
    ax.set_xlabel("frame")
    ax.set_ylabel("probability")
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, ncol=len(class_names), loc="upper center", bbox_to_anchor=(0.5, 1.18))
    return finish_figure(fig, show)


def load_fer2013(
    file: str | Path | None = None, usage: str | None = None, n: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """FER2013 faces ``(n, 48, 48)`` uint8 and labels (indices into :data:`FER2013_EMOTIONS`).

    ``file`` defaults to the registry's ``fer2013/fer2013.csv`` (a manual Kaggle download: the
    error message says where to put it). The CSV has the columns ``emotion``, ``pixels`` (2304
    space-separated values) and ``Usage`` (``Training``, ``PublicTest``, ``PrivateTest``);
    ``usage`` keeps one of them, ``n`` the first ``n`` rows kept.
    """
    file = (
        assets.path("fer2013/fer2013.csv")
        if file is None
        else check_file(file, "file", "FER2013 file")
    )
    images, labels = [], []
    with open(file, newline="") as f:
        reader = csv.DictReader(f)
        if not {"emotion", "pixels"} <= set(reader.fieldnames or ()):
            raise ValueError(
                f"{file} is not the FER2013 CSV (columns emotion, pixels, Usage); it has "
                f"{reader.fieldnames}"
            )
        for row in reader:
            if usage is not None and row.get("Usage") != usage:
                continue
            pixels = np.array(row["pixels"].split(), dtype=np.uint8)
            if pixels.size != 48 * 48:
                raise ValueError(f"{file}: a row has {pixels.size} pixels, not 48 × 48")
            images.append(pixels.reshape(48, 48))
            labels.append(int(row["emotion"]))
            if n is not None and len(images) >= n:
                break
    if not images:
        raise ValueError(f"{file} has no rows{f' with Usage {usage!r}' if usage else ''}")
    return np.stack(images), np.array(labels)
