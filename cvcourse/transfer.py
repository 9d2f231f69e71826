"""Plumbing for transfer learning: few-label data sets and splits, a pretrained base, curves.

The taught steps — freezing a base, putting a new head on it, unfreezing the top blocks with a
low learning rate — are written out in notebook 06; this module only loads data, splits it,
builds the ImageNet base of either mode and draws the comparison.
"""

from __future__ import annotations

import zipfile
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from cvcourse import assets

LFW_ASSET = "skimage/lfw_subset.npy"
LFW_CLASSES = ("not a face", "face")
CATS_DOGS_ASSET = "cats_and_dogs/cats_and_dogs_filtered.zip"
CATS_DOGS_CLASSES = ("cat", "dog")


def load_lfw_subset() -> tuple[np.ndarray, np.ndarray]:
    """scikit-image's LFW subset: 200 gray 25×25 photo crops, 100 faces then 100 non-faces.

    Returns ``(images, labels)``: ``uint8 (200, 25, 25)`` and ``1`` = face, ``0`` = not a face
    (:data:`LFW_CLASSES`). The faces are random people of Labeled Faces in the Wild (Huang et al.
    2007); the non-faces are background crops from LFW photos (scikit-image: "extracted from the
    background of the same dataset"). Ships with scikit-image.
    """
    data = np.load(assets.path(LFW_ASSET))
    if data.shape != (200, 25, 25):
        raise ValueError(f"{LFW_ASSET} has shape {data.shape}, expected (200, 25, 25)")
    images = np.clip(np.round(data * 255), 0, 255).astype(np.uint8)
    return images, np.repeat(np.array([1, 0]), 100)


def few_label_split(
    labels: Sequence[int], n_train: int, n_val: int, seed: int = 0, n_test: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Indices ``(train, val, test)``: ``n_train`` and ``n_val`` random examples of every class,
    the rest (or ``n_test`` per class) for the test; disjoint, the same for the same ``seed``.
    """
    labels = np.asarray(labels).ravel()
    rng = np.random.default_rng(seed)
    parts: tuple[list[int], list[int], list[int]] = ([], [], [])
    for c in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == c))
        if idx.size < n_train + n_val + 1:
            raise ValueError(
                f"class {c} has {idx.size} examples: too few for {n_train} training + "
                f"{n_val} validation + at least 1 test example"
            )
        end = None if n_test is None else n_train + n_val + n_test
        for part, chunk in zip(
            parts, (idx[:n_train], idx[n_train : n_train + n_val], idx[n_train + n_val : end])
        ):
            part.extend(chunk.tolist())
    return tuple(np.array(sorted(p), dtype=int) for p in parts)  # type: ignore[return-value]


def load_cats_and_dogs(
    size: int = 160, n_per_class: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Full course: the cats-and-dogs photos (Kaggle "Dogs vs. Cats", the 3,000-image filtered set).

    Downloaded on demand through the registry (:data:`CATS_DOGS_ASSET`, 68 MB) and unzipped beside
    the zip file once. Returns ``(images, labels)``: RGB ``uint8 (n, size, size, 3)`` (squashed to
    a square) and ``0`` = cat, ``1`` = dog; ``n_per_class`` keeps the first N of each class.
    """
    import cv2

    from cvcourse.images import read_image

    archive = assets.path(CATS_DOGS_ASSET)
    root = archive.parent / archive.stem
    if not root.is_dir():
        with zipfile.ZipFile(archive) as z:
            z.extractall(archive.parent)
    images, labels = [], []
    for label, folder in enumerate(("cats", "dogs")):
        files = sorted(root.glob(f"*/{folder}/*.jpg"))
        if not files:
            raise FileNotFoundError(
                f"no {folder}/*.jpg under {root}: is {archive} the cats-and-dogs zip?"
            )
        for file in files[:n_per_class]:
            image = read_image(file)[:, :, ::-1]  # BGR → RGB
            images.append(cv2.resize(image, (size, size), interpolation=cv2.INTER_AREA))
            labels.append(label)
    return np.stack(images), np.array(labels)


def imagenet_base(full_course: bool = False, size: int | None = None):
    """The frozen ImageNet network without its classifier, and the function that prepares its input.

    Default: the course's MobileNet v1 (α = 0.25) rebuilt from its TF Lite file
    (:mod:`cvcourse.mobilenet`), ``size`` 96 unless given, 256 features. Full course: the
    course's Keras InceptionV3 (ImageNet weights via the registry), ``size`` 299, 2048 features.
    Returns ``(base, prepare)``; ``prepare(images)`` takes RGB or gray ``uint8`` images
    ``(n, h, w[, 3])`` and returns the base's input batch.
    """
    import cv2

    from cvcourse import mobilenet

    if not full_course:
        size = size or 96
        base = mobilenet.build_feature_extractor(size)

        def prepare(images: np.ndarray) -> np.ndarray:
            return mobilenet.preprocess_batch(list(images), size=size, bgr=False)

        return base, prepare
    base, preprocess_input = mobilenet.keras_application_base("inception_v3", size=size)
    size = base.input_shape[1]

    def prepare_full(images: np.ndarray) -> np.ndarray:
        rgb = [np.repeat(im[:, :, None], 3, axis=2) if im.ndim == 2 else im for im in images]
        batch = np.stack(
            [cv2.resize(im, (size, size), interpolation=cv2.INTER_LINEAR) for im in rgb]
        )
        return preprocess_input(batch.astype(np.float32))

    return base, prepare_full


def unfreeze_from(base, first_layer: str) -> int:
    """Make ``base`` trainable from ``first_layer`` to its end, frozen before it; returns how many
    weight tensors are now trainable (fine tuning the top blocks).
    """
    from cvcourse.validation import check_model

    check_model(
        base, "base", ("layers", "trainable_weights"), "a Keras model (imagenet_base() gives one)"
    )
    names = [layer.name for layer in base.layers]
    if first_layer not in names:
        raise ValueError(f"no layer {first_layer!r} in {base.name}")
    base.trainable = True
    start = names.index(first_layer)
    for i, layer in enumerate(base.layers):
        layer.trainable = i >= start
    return len(base.trainable_weights)


def plot_validation_curves(
    histories: Mapping[str, Any],
    start: Mapping[str, int] | None = None,
    metric: str = "val_accuracy",
    show: bool = True,
):
    """One axes: ``metric`` per epoch of several trainings (Keras ``History`` or its dict).

    ``start`` shifts a curve so that it begins after that many epochs (fine tuning continues
    where the frozen-base training ended).
    """
    import matplotlib.pyplot as plt

    from cvcourse.display import finish_figure

    fig, ax = plt.subplots(figsize=(7, 3.8))
    for name, history in histories.items():
        h = getattr(history, "history", history)
        if metric not in h:
            raise KeyError(f"history {name!r} has no {metric!r}; it has {sorted(h)}")
        offset = (start or {}).get(name, 0)
        values = h[metric]
        ax.plot(
            np.arange(offset + 1, offset + len(values) + 1), values, marker="o", ms=3, label=name
        )
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric.replace("_", " "))
    ax.grid(alpha=0.3)
    ax.legend()
    return finish_figure(fig, show)


def results_table(rows: Sequence[tuple[str, float, float]]) -> str:
    """A text table of ``(method, test accuracy, training seconds)`` rows."""
    width = max(len(r[0]) for r in rows)
    lines = [f"{'method':{width}s}  test accuracy  training s", "-" * (width + 27)]
    lines += [f"{name:{width}s}  {acc:13.3f}  {sec:10.1f}" for name, acc, sec in rows]
    return "\n".join(lines)


def enlarge(image: np.ndarray, size: int = 200) -> np.ndarray:
    """A small image blown up with visible pixels (nearest neighbour) for display."""
    import cv2

    from cvcourse.images import check_image

    return cv2.resize(check_image(image), (size, size), interpolation=cv2.INTER_NEAREST)


def predict_classes(model: Callable, x: np.ndarray) -> np.ndarray:
    """The most probable class of each example of ``x`` under ``model`` (a Keras model)."""
    from cvcourse.validation import check_model

    check_model(model, "model", ("predict",), "a Keras model")
    return np.argmax(np.asarray(model.predict(x, verbose=0)), axis=1)
