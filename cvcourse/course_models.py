"""The models the course trains itself and ships inside ``cvcourse``: architecture in code, weights
in files.

A ``.keras`` file holds the model's configuration, and each Keras release writes keys that older
ones cannot read (Colab's Keras 3.10 fails on a model saved by 3.15). So the course ships only
the **weights** (``.weights.h5``, package data in ``cvcourse/course_data``, found through the
asset registry like every other file) and rebuilds the architecture in code before loading them:

- the Fashion-MNIST CNN of notebook 05 (:func:`build_fashion_cnn`), reused by notebooks 06 and 13;
- the DCGAN generator of notebook 13 (:func:`cvcourse.gan.build_generator`,
  :func:`cvcourse.gan.load_course_generator`).

A learner who ran notebook 05 in this runtime has a model of their own
(:func:`own_fashion_cnn_file`); :func:`load_fashion_cnn` prefers it and says which one it used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from cvcourse import assets

#: registry names of the weights the course ships
FASHION_CNN_WEIGHTS = "course/fashion_cnn.weights.h5"
#: the file name notebook 05 saves the learner's own CNN under (in
#: ``assets.download_root("weights")``)
OWN_FASHION_CNN = "fashion_cnn.keras"
#: the Fashion-MNIST CNN's layer names up to its features (what notebook 06 transfers)
FASHION_FEATURE_LAYERS = ("conv1", "pool1", "conv2", "pool2", "flatten")


def build_fashion_cnn(augmentation: Any | None = None):
    """Notebook 05's CNN for 28×28×1 Fashion-MNIST images: two 3×3 convolution + 2×2 pooling
    blocks (16 and 32 filters), flatten, dropout 0.3, a 10-way softmax.

    ``augmentation``: a Keras layer put first (notebook 05's full mode), or None.
    """
    import keras
    from keras import layers as L

    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            *([augmentation] if augmentation is not None else []),
            L.Conv2D(16, 3, padding="same", activation="relu", name="conv1"),
            L.MaxPooling2D(2, name="pool1"),
            L.Conv2D(32, 3, padding="same", activation="relu", name="conv2"),
            L.MaxPooling2D(2, name="pool2"),
            L.Flatten(name="flatten"),
            L.Dropout(0.3, name="dropout"),
            L.Dense(10, activation="softmax", name="output"),
        ],
        name="fashion_cnn",
    )


def layer_configs(model) -> list[tuple[str, dict]]:
    """``(class name, config)`` of each layer: what two models must share to swap weights."""
    from cvcourse.validation import check_model

    check_model(model, "model", ("layers",), "a Keras model")
    return [(type(layer).__name__, layer.get_config()) for layer in model.layers]


def same_architecture(a, b) -> bool:
    """True when models ``a`` and ``b`` have the same layers with the same settings and names."""
    return layer_configs(a) == layer_configs(b)


def load_shipped(asset_name: str, build: Callable[[], Any]):
    """``build()`` with the weights the course ships as ``asset_name`` loaded into it."""
    file = assets.path(asset_name)
    model = build()
    try:
        model.load_weights(file)
    except Exception as exc:  # h5py/Keras raise many classes for a file of another architecture
        raise ValueError(
            f"{file} does not fit the model {model.name!r} built in code ({type(exc).__name__}: "
            f"{exc}); the weights and the architecture must be saved together"
        ) from exc
    return model


def own_fashion_cnn_file() -> Path:
    """Where notebook 05 saves the learner's own CNN (this runtime's weights folder)."""
    return assets.download_root("weights") / OWN_FASHION_CNN


def load_fashion_cnn(verbose: bool = True):
    """The Fashion-MNIST CNN: the learner's own from notebook 05 if this runtime has one, else
    the one the course ships (trained by notebook 05, seeded). Prints which, unless
    ``verbose=False``."""
    import keras

    own = own_fashion_cnn_file()
    if own.is_file():
        model = keras.models.load_model(own, compile=False)
        source = f"your own, saved by notebook 05 ({own.name})"
    else:
        model = load_shipped(FASHION_CNN_WEIGHTS, build_fashion_cnn)
        source = "the course's, shipped with cvcourse (run notebook 05 here to use your own)"
    if verbose:
        print(f"Fashion-MNIST CNN: {source}")
    return model
