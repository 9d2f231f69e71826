"""Looking at a trained image classifier: curves, confusion matrix, mistakes, filters, feature maps.

Numbers (:func:`confusion_matrix`, :func:`misclassified`) are plain numpy. The ``plot_*`` and
``show_*`` functions draw with matplotlib; with ``show=True`` (the default) they call
``plt.show()`` and return ``None`` (so a notebook cell does not display the figure twice), with
``show=False`` they return the figure.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import numpy as np

from cvcourse.display import finish_figure
from cvcourse.images import check_image
from cvcourse.validation import check_model, check_names, check_output_file


def _history_dict(history: Any) -> dict[str, list[float]]:
    """The ``{metric: [value per epoch]}`` of a Keras ``History`` or of such a dict."""
    h = getattr(history, "history", history)
    if not isinstance(h, Mapping) or not h:
        raise TypeError(
            "expected a keras History or a non-empty dict of metric lists, got "
            f"{type(history).__name__}"
        )
    return {k: list(v) for k, v in h.items()}


def plot_history(
    history: Any | Mapping[str, Any],
    metrics: Sequence[str] = ("accuracy", "loss"),
    show: bool = True,
):
    """Training (dashed) and validation (solid) curves per epoch, one panel per metric.

    ``history`` is what ``model.fit`` returns (or its ``.history`` dict), or a mapping
    ``{"model name": history, ...}`` to compare several models on the same axes.
    """
    metrics = check_names(metrics, "metrics")
    import matplotlib.pyplot as plt

    if hasattr(history, "history") or (
        isinstance(history, Mapping)
        and history
        and all(isinstance(v, (list, tuple, np.ndarray)) for v in history.values())
    ):
        histories = {"": _history_dict(history)}
    elif isinstance(history, Mapping) and history:
        histories = {name: _history_dict(h) for name, h in history.items()}
    else:
        raise TypeError("history must be a keras History, its .history dict, or a dict of them")
    for name, h in histories.items():
        missing = [m for m in metrics if m not in h]
        if missing:
            raise KeyError(f"history {name!r} has no {missing}; it has {sorted(h)}")
    fig, axes = plt.subplots(1, len(metrics), figsize=(5.5 * len(metrics), 3.6), squeeze=False)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, metric in zip(axes[0], metrics):
        for c, (name, h) in enumerate(histories.items()):
            color = colors[c % len(colors)]
            epochs = np.arange(1, len(h[metric]) + 1)
            prefix = f"{name} " if name else ""
            ax.plot(epochs, h[metric], "--", color=color, label=f"{prefix}training")
            if f"val_{metric}" in h:
                ax.plot(
                    epochs,
                    h[f"val_{metric}"],
                    "-",
                    color=color,
                    marker="o",
                    ms=3,
                    label=f"{prefix}validation",
                )
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    return finish_figure(fig, show)


def confusion_matrix(
    y_true: Sequence[int], y_pred: Sequence[int], n_classes: int | None = None
) -> np.ndarray:
    """``cm[i, j]`` = how many examples of true class ``i`` were predicted as class ``j``."""
    y_true = np.asarray(y_true).astype(int).ravel()
    y_pred = np.asarray(y_pred).astype(int).ravel()
    if y_true.shape != y_pred.shape:
        raise ValueError(f"{y_true.size} true labels but {y_pred.size} predictions")
    if y_true.size and min(y_true.min(), y_pred.min()) < 0:
        raise ValueError("class labels must be >= 0")
    n = (
        n_classes
        if n_classes is not None
        else int(max(y_true.max(initial=-1), y_pred.max(initial=-1)) + 1)
    )
    if y_true.size and max(y_true.max(), y_pred.max()) >= n:
        raise ValueError(f"a label is >= n_classes={n}")
    cm = np.zeros((n, n), dtype=np.int64)
    np.add.at(cm, (y_true, y_pred), 1)
    return cm


def plot_confusion_matrix(cm: np.ndarray, class_names: Sequence[str], show: bool = True):
    """The confusion matrix as a heat map with the counts written in; rows are the true classes."""
    class_names = check_names(class_names, "class_names")
    import matplotlib.pyplot as plt

    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or cm.shape[0] != len(class_names):
        raise ValueError(
            f"confusion matrix {cm.shape} does not match {len(class_names)} class names"
        )
    n = len(class_names)
    fig, ax = plt.subplots(figsize=(0.6 * n + 3, 0.55 * n + 2))
    ax.imshow(cm, cmap="Blues")
    threshold = cm.max() / 2 if cm.size else 0
    for i in range(n):
        for j in range(n):
            ax.text(
                j,
                i,
                str(cm[i, j]),
                ha="center",
                va="center",
                fontsize=8,
                color="white" if cm[i, j] > threshold else "black",
            )
    ax.set_xticks(range(n), class_names, rotation=45, ha="right")
    ax.set_yticks(range(n), class_names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    return finish_figure(fig, show)


def misclassified(y_true: Sequence[int], y_pred: Sequence[int]) -> np.ndarray:
    """Indices of the examples whose prediction differs from the true label."""
    y_true, y_pred = np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()
    if y_true.shape != y_pred.shape:
        raise ValueError(f"{y_true.size} true labels but {y_pred.size} predictions")
    return np.flatnonzero(y_true != y_pred)


def show_predictions(
    images: np.ndarray,
    y_true: Sequence[int],
    y_pred: Sequence[int],
    class_names: Sequence[str],
    indices: Sequence[int] | None = None,
    n: int = 12,
    cols: int = 6,
    show: bool = True,
):
    """A grid of images titled "true → predicted" (red when wrong); by default the first ``n``
    mistakes."""
    import matplotlib.pyplot as plt

    class_names = check_names(class_names, "class_names")
    if isinstance(images, (list, tuple)):
        if not images:
            raise ValueError("images is an empty list: give the images to show")
        images = np.stack([check_image(image, f"images[{i}]") for i, image in enumerate(images)])
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim not in (3, 4):
        raise ValueError(f"images must be (n, H, W) or (n, H, W, C), got shape {images.shape}")
    idx = misclassified(y_true, y_pred) if indices is None else np.asarray(indices, dtype=int)
    idx = idx[:n]
    if idx.size == 0:
        raise ValueError("no images to show (no mistakes?)")
    cols = min(cols, idx.size)
    rows = math.ceil(idx.size / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(1.9 * cols, 2.4 * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, i in zip(axes.flat, idx):
        t, p = int(y_true[i]), int(y_pred[i])
        ax.imshow(images[i], cmap="gray")
        ax.set_title(
            f"{class_names[t]}\n→ {class_names[p]}", fontsize=8, color="black" if t == p else "red"
        )
    return finish_figure(fig, show)


def plot_filters(weights: np.ndarray, cols: int = 8, show: bool = True):
    """The feature detectors of a convolutional layer, each as a small image with its numbers.

    ``weights`` is the layer's kernel ``(kh, kw, in_channels, n_filters)``
    (``layer.get_weights()[0]``); with several input channels their mean is shown. Blue is negative,
    red positive, white 0.
    """
    import matplotlib.pyplot as plt

    w = np.asarray(weights)
    if w.ndim != 4:
        raise ValueError(f"expected a Conv2D kernel (kh, kw, in, out), got shape {w.shape}")
    w = w.mean(axis=2)  # (kh, kw, out)
    n = w.shape[2]
    cols = min(cols, n)
    rows = math.ceil(n / cols)
    lim = float(np.abs(w).max()) or 1.0
    fig, axes = plt.subplots(rows, cols, figsize=(1.5 * cols, 1.6 * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for k, ax in zip(range(n), axes.flat):
        ax.imshow(w[:, :, k], cmap="bwr", vmin=-lim, vmax=lim)
        ax.set_title(f"filter {k}", fontsize=8)
        if w.shape[0] * w.shape[1] <= 25:
            for (i, j), v in np.ndenumerate(w[:, :, k]):
                ax.text(j, i, f"{v:.1f}", ha="center", va="center", fontsize=6)
    return finish_figure(fig, show)


def plot_feature_maps(
    maps: np.ndarray, cols: int = 8, image: np.ndarray | None = None, show: bool = True
):
    """The feature maps one layer computes for one image, ``(H, W, n)`` or ``(1, H, W, n)``.

    ``image`` (optional) is drawn first so the maps can be compared with the input.
    """
    import matplotlib.pyplot as plt

    m = np.asarray(maps)
    if m.ndim == 4 and m.shape[0] == 1:
        m = m[0]
    if m.ndim != 3:
        raise ValueError(f"expected feature maps (H, W, n) or (1, H, W, n), got shape {m.shape}")
    if image is not None:
        image = check_image(np.squeeze(image) if isinstance(image, np.ndarray) else image, "image")
    panels = ([("input", np.squeeze(image))] if image is not None else []) + [
        (f"map {k}", m[:, :, k]) for k in range(m.shape[2])
    ]
    cols = min(cols, len(panels))
    rows = math.ceil(len(panels) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(1.5 * cols, 1.6 * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, (title, panel) in zip(axes.flat, panels):
        ax.imshow(panel, cmap="gray" if title == "input" else "viridis")
        ax.set_title(title, fontsize=8)
    return finish_figure(fig, show)


def save_model(model, file) -> bool:
    """Save a Keras model unless ``file`` already holds the same weights; True when written.

    ``.keras``: the whole model (architecture and weights), for a model to reload in the same
    Keras. ``.weights.h5``: the weights only, what the course ships (any Keras 3 reads them into
    the architecture built in code, see :mod:`cvcourse.course_models`).

    A seeded notebook re-creates the same weights on every run, but a file's bytes change each
    time it is written (time stamps); skipping identical weights keeps a shipped file unchanged.
    """

    check_model(model, "model", ("save", "get_weights"), "a Keras model")
    file = check_output_file(file, "file")
    if not (file.name.endswith(".weights.h5") or file.suffix == ".keras"):
        raise ValueError(f"save Keras 3 models as .keras or .weights.h5, not {file.name!r}")
    if file.is_file():
        old = _saved_weights(model, file)
        new = model.get_weights()
        if (
            old is not None
            and len(old) == len(new)
            and all(a.shape == b.shape and np.array_equal(a, b) for a, b in zip(old, new))
        ):
            return False
    file.parent.mkdir(parents=True, exist_ok=True)
    if file.suffix == ".keras":
        model.save(file)
    else:
        model.save_weights(file)
    return True


def _saved_weights(model, file) -> list[np.ndarray] | None:
    """The weights saved in ``file`` (for ``.weights.h5``: read into a copy of ``model``), None if
    unreadable."""
    import keras

    try:
        if file.suffix == ".keras":
            return keras.models.load_model(file, compile=False).get_weights()
        copy = keras.models.clone_model(model)
        copy.load_weights(file)
        return copy.get_weights()
    except Exception:  # unreadable or another architecture: overwrite it
        return None
