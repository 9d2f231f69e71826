"""A real ImageNet network in Keras, offline: MobileNet v1 (α = 0.25) rebuilt from its TF Lite file.

The course's ImageNet classifier ``imagenet_classifier/mobilenet_v1_0.25_224_1_default_1.tflite``
is a TF Lite flat buffer: fast, but frozen — no gradients, no access to inner layers, no training.
Its weights, though, are plain constant tensors of the file (batch normalisation already folded
into the convolution biases). :func:`build_mobilenet_v1` rebuilds the same graph as a Keras 3
model and :func:`load_tflite_weights` copies those tensors into it, so the network becomes
trainable, differentiable (deep dream, style transfer) and can expose any layer.

The architecture (Howard et al. 2017, "MobileNets"), as in the TF Lite file:

* ``Conv2d_0``: 3×3 convolution, stride 2, 8 filters (32·α), ReLU6;
* 13 blocks ``Conv2d_i_depthwise`` (3×3 depthwise convolution, one filter per channel, ReLU6)
  + ``Conv2d_i_pointwise`` (1×1 convolution that mixes the channels, ReLU6); blocks 2, 4, 6
  and 12 have stride 2 in their depthwise part;
* ``global_pool`` (the 7×7 average pool of the file; global, so other input sizes work too),
  ``Logits`` (the file's 1×1 convolution = a dense layer, 1001 classes, class 0 "background")
  and ``Predictions`` (softmax).

All convolutions use ``"same"`` padding with TensorFlow's rule (for stride 2 on an even size the
one extra row/column of zeros goes at the bottom/right), the rule TF Lite's ``SAME`` uses too;
the unit tests read the strides and padding of every operator from the flat buffer and compare.

Input: RGB, 224×224 (other sizes work without the classifier top), values in [-1, 1]
(:func:`preprocess`). TF Lite weight layouts: convolution ``(out, h, w, in)`` (OHWI), depthwise
``(1, h, w, channels·multiplier)``; Keras wants ``(h, w, in, out)`` and
``(h, w, channels, multiplier)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

MODEL_ASSET = "imagenet_classifier/mobilenet_v1_0.25_224_1_default_1.tflite"
LABELS_ASSET = "imagenet_classifier/imagenet_labels.txt"
IMAGE_SIZE = 224
N_CLASSES = 1001  # ImageNet's 1000 classes after class 0, "background"
ALPHA = 0.25
# (stride of the depthwise convolution, filters of the pointwise one at α = 1) of blocks 1..13
BLOCKS: tuple[tuple[int, int], ...] = (
    (1, 64),
    (2, 128),
    (1, 128),
    (2, 256),
    (1, 256),
    (2, 512),
    (1, 512),
    (1, 512),
    (1, 512),
    (1, 512),
    (1, 512),
    (2, 1024),
    (1, 1024),
)
FEATURE_LAYER = "global_pool"  # the 256 numbers the classifier's top reads

# Full course: the course's Keras Applications network and its ImageNet weights (registry names).
KERAS_APPLICATIONS = {
    "inception_v3": (
        "InceptionV3",
        "keras/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "inception_v3",
        299,
    )
}


def layer_names() -> list[str]:
    """The names of the convolution layers in order, the same as in the TF Lite file."""
    names = ["Conv2d_0"]
    for i in range(1, len(BLOCKS) + 1):
        names += [f"Conv2d_{i}_depthwise", f"Conv2d_{i}_pointwise"]
    return names


def build_mobilenet_v1(
    input_shape: tuple[int | None, int | None, int] = (IMAGE_SIZE, IMAGE_SIZE, 3),
    alpha: float = ALPHA,
    include_top: bool = True,
    classes: int = N_CLASSES,
):
    """The MobileNet v1 graph of the TF Lite file as an (untrained) Keras functional model.

    Layers are named as in the file (``Conv2d_0``, ``Conv2d_5_depthwise``, ``Conv2d_5_pointwise``,
    …, ``global_pool``, ``Logits``, ``Predictions``); each convolution layer's output is already
    through its ReLU6, like the file's ``…/Relu6`` tensors. ``include_top=False`` ends at
    ``global_pool`` (a 256-vector per image at α = 0.25) and accepts any input size ≥ 32.
    """
    import keras
    from keras import layers

    if input_shape[-1] != 3:
        raise ValueError(
            f"MobileNet takes RGB images: input_shape must end in 3, got {input_shape}"
        )
    if include_top and tuple(input_shape[:2]) != (IMAGE_SIZE, IMAGE_SIZE):
        raise ValueError(
            f"the ImageNet classifier top expects {IMAGE_SIZE}×{IMAGE_SIZE} images, got "
            f"{input_shape[:2]}; use include_top=False for other sizes"
        )
    inputs = keras.Input(shape=input_shape, name="input")
    x = layers.Conv2D(
        int(32 * alpha), 3, strides=2, padding="same", activation="relu6", name="Conv2d_0"
    )(inputs)
    for i, (stride, filters) in enumerate(BLOCKS, start=1):
        x = layers.DepthwiseConv2D(
            3, strides=stride, padding="same", activation="relu6", name=f"Conv2d_{i}_depthwise"
        )(x)
        x = layers.Conv2D(
            int(filters * alpha),
            1,
            padding="same",
            activation="relu6",
            name=f"Conv2d_{i}_pointwise",
        )(x)
    x = layers.GlobalAveragePooling2D(name=FEATURE_LAYER)(x)
    if include_top:
        x = layers.Dense(classes, name="Logits")(x)
        x = layers.Activation("softmax", name="Predictions")(x)
    return keras.Model(inputs, x, name=f"mobilenet_v1_{alpha}")


def read_tflite_tensors(model_file: str | Path) -> dict[str, np.ndarray]:
    """Every constant tensor of a TF Lite file, ``{tensor name: array}`` (weights and biases)."""
    from cvcourse import tflite

    interpreter = tflite.load_interpreter(
        model_file
    )  # FileNotFoundError, or ValueError naming the file
    tensors = {}
    for detail in interpreter.get_tensor_details():
        name = detail["name"]
        if name.endswith(("weights", "_bias")):
            tensors[name] = np.array(interpreter.get_tensor(detail["index"]))
    return tensors


def _keras_weights(tensors: dict[str, np.ndarray], layer: str) -> list[np.ndarray]:
    """The [kernel, bias] of one Keras layer from the TF Lite tensors, in Keras's layout."""
    if layer == "Logits":
        w, b = (
            tensors["MobilenetV1/Logits/Conv2d_1c_1x1/weights"],
            tensors["MobilenetV1/Logits/Conv2d_1c_1x1/Conv2D_bias"],
        )
        return [w[:, 0, 0, :].T, b]  # (1001, 1, 1, 256) OHWI → (256, 1001)
    if layer.endswith("_depthwise"):
        w = tensors[
            f"MobilenetV1/{layer}/depthwise_weights"
        ]  # (1, h, w, channels·multiplier), multiplier 1
        b = tensors[f"MobilenetV1/MobilenetV1/{layer}/depthwise_bias"]
        return [w[0][..., None], b]  # → (h, w, channels, 1)
    w = tensors[f"MobilenetV1/{layer}/weights"]  # (out, h, w, in)
    b = tensors[f"MobilenetV1/MobilenetV1/{layer}/Conv2D_bias"]
    return [w.transpose(1, 2, 3, 0), b]  # → (h, w, in, out)


def load_tflite_weights(model, model_file: str | Path):
    """Copy the weights of the MobileNet v1 TF Lite file into ``model`` (built by
    :func:`build_mobilenet_v1`).

    Raises ``ValueError`` naming the tensor when the file is not this network (a tensor missing
    or of another shape). Returns ``model``.
    """
    from cvcourse.validation import check_model

    check_model(
        model, "model", ("layers", "get_layer"), "a Keras model (build_mobilenet_v1() makes one)"
    )
    return _copy_weights(model, read_tflite_tensors(model_file), model_file)


def _copy_weights(model, tensors: dict[str, np.ndarray], model_file: str | Path):
    """:func:`load_tflite_weights` from the tensors already read out of ``model_file``."""
    names = layer_names() + (["Logits"] if any(l.name == "Logits" for l in model.layers) else [])
    for name in names:
        layer = model.get_layer(name)
        try:
            weights = _keras_weights(tensors, name)
        except KeyError as exc:
            raise ValueError(
                f"{model_file} is not the MobileNet v1 TF Lite model: it has no tensor {exc}"
            ) from None
        expected = [tuple(w.shape) for w in layer.get_weights()]
        if [tuple(w.shape) for w in weights] != expected:
            raise ValueError(
                f"{model_file} does not fit this MobileNet: layer {name} needs weights of shapes "
                f"{expected}, the file has {[tuple(w.shape) for w in weights]} (another width α?)"
            )
        layer.set_weights(weights)
    return model


def read_labels(labels_file: str | Path, n_classes: int = N_CLASSES) -> list[str]:
    """The class names, one a line (``imagenet_labels.txt``: 1001 lines, line 0 ``background``)."""
    from cvcourse.validation import check_file

    labels_file = check_file(labels_file, "labels_file", "labels file")
    try:
        labels = labels_file.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise ValueError(
            f"{labels_file} is not a labels file: not UTF-8 text (one label a line)"
        ) from None
    if len(labels) != n_classes:
        raise ValueError(
            f"{labels_file} has {len(labels)} labels, the network has {n_classes} classes"
        )
    return labels


def load_mobilenet(
    model_file: str | Path | None = None,
    labels_file: str | Path | None = None,
    input_shape: tuple[int | None, int | None, int] = (IMAGE_SIZE, IMAGE_SIZE, 3),
    include_top: bool = True,
):
    """The ImageNet MobileNet v1 (α = 0.25) as a trainable Keras model, and its 1001 labels.

    ``model_file`` / ``labels_file`` default to the course assets (:data:`MODEL_ASSET`,
    :data:`LABELS_ASSET`, found or downloaded by :func:`cvcourse.assets.path`). A missing file
    raises ``FileNotFoundError``, a file that is not this network ``ValueError``.
    Returns ``(model, labels)``; ``model.predict(preprocess_batch(images))`` gives probabilities
    ``(n, 1001)`` equal to the TF Lite interpreter's (max difference ~1e-6).
    """
    from cvcourse import assets
    from cvcourse.tensorflow_setup import import_tensorflow

    import_tensorflow(seed=None)
    model_file = Path(model_file) if model_file is not None else assets.path(MODEL_ASSET)
    labels_file = Path(labels_file) if labels_file is not None else assets.path(LABELS_ASSET)
    labels = read_labels(labels_file)
    tensors = read_tflite_tensors(model_file)  # a bad file fails before the network is built
    model = build_mobilenet_v1(input_shape=input_shape, include_top=include_top)
    return _copy_weights(model, tensors, model_file), labels


def preprocess(image: np.ndarray, size: int = IMAGE_SIZE, bgr: bool = True) -> np.ndarray:
    """One image (BGR by default, or gray; uint8 0–255) → the network's input: RGB ``size``×``size``
    in [-1, 1].

    Resizing is area averaging when shrinking, bilinear when enlarging; returns
    ``float32 (size, size, 3)``.
    """
    import cv2

    from cvcourse.images import check_image, to_rgb
    from cvcourse.validation import check_uint8

    image = check_uint8(check_image(image), "image", "MobileNet's preprocessing (0-255 to [-1, 1])")
    if image.ndim == 2 or image.shape[2] == 1:
        image = np.repeat(image.reshape(image.shape[0], image.shape[1], 1), 3, axis=2)
    elif image.shape[2] == 4:
        image = image[:, :, :3]
    rgb = to_rgb(image, bgr=bgr).astype(np.float32)
    shrink = min(image.shape[:2]) > size
    rgb = cv2.resize(
        rgb, (size, size), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR
    )
    return rgb / 127.5 - 1.0


def preprocess_batch(
    images: Sequence[np.ndarray] | np.ndarray, size: int = IMAGE_SIZE, bgr: bool = True
) -> np.ndarray:
    """:func:`preprocess` for each image (a list, or an array ``(n, h, w[, 3])``) →
    ``float32 (n, size, size, 3)``."""
    from cvcourse.images import check_image

    if (
        not isinstance(images, (list, tuple, np.ndarray))
        or isinstance(images, np.ndarray)
        and images.ndim < 3
    ):
        got = (
            type(images).__name__
            if not isinstance(images, np.ndarray)
            else f"an array of shape {images.shape}"
        )
        raise TypeError(f"images must be a list of images or an array (n, h, w[, 3]), not {got}")
    if len(images) == 0:
        raise ValueError("no images to preprocess")
    return np.stack(
        [
            preprocess(check_image(im, f"images[{i}]"), size=size, bgr=bgr)
            for i, im in enumerate(images)
        ]
    )


def top_k(probabilities: np.ndarray, labels: Sequence[str], k: int = 5) -> list[tuple[str, float]]:
    """The ``k`` most probable classes of one image as ``[(label, probability), …]``, best first."""
    from cvcourse.validation import check_names

    labels = check_names(labels, "labels")
    p = np.asarray(probabilities, dtype=np.float64).reshape(-1)
    if p.size != len(labels):
        raise ValueError(f"{p.size} probabilities but {len(labels)} labels")
    order = np.argsort(p, kind="stable")[::-1][:k]
    return [(labels[i], float(p[i])) for i in order]


def feature_extractor(model, layer: str = FEATURE_LAYER, trainable: bool = False):
    """A model from ``model``'s input to the output of ``layer`` (shares the weights).

    E.g. ``feature_extractor(net, "Conv2d_11_pointwise")`` for feature maps, or the default
    ``global_pool`` for one 256-vector per image (transfer learning). ``trainable`` sets the
    extractor's ``trainable`` flag (frozen by default).
    """
    import keras

    from cvcourse.validation import check_model

    check_model(
        model, "model", ("layers", "get_layer"), "a Keras model (load_mobilenet() gives one)"
    )
    names = [l.name for l in model.layers]
    if layer not in names:
        raise ValueError(f"no layer {layer!r}; the layers are {names}")
    extractor = keras.Model(
        model.input, model.get_layer(layer).output, name=f"{model.name}_{layer}"
    )
    extractor.trainable = trainable
    return extractor


def build_feature_extractor(
    size: int = IMAGE_SIZE,
    layer: str = FEATURE_LAYER,
    trainable: bool = False,
    model_file: str | Path | None = None,
):
    """The ImageNet MobileNet without its classifier, for ``size``×``size`` inputs, up to ``layer``.

    A pretrained base for transfer learning: frozen by default; add a new head on top.
    """
    if size < 32:
        raise ValueError(
            f"MobileNet needs inputs of at least 32×32 pixels (5 stride-2 steps), got {size}"
        )
    model, _ = load_mobilenet(model_file, input_shape=(size, size, 3), include_top=False)
    return feature_extractor(model, layer, trainable=trainable)


def keras_application_base(
    name: str = "inception_v3", size: int | None = None, trainable: bool = False
):
    """Full course: the course's Keras Applications network without its top, ImageNet weights.

    The weights come through the asset registry (downloaded on demand, hash checked). Returns
    ``(base, preprocess_input)``: ``preprocess_input`` turns RGB 0–255 arrays into its input.
    """
    import keras

    from cvcourse import assets

    if name not in KERAS_APPLICATIONS:
        raise ValueError(f"unknown network {name!r}; choose from {sorted(KERAS_APPLICATIONS)}")
    constructor, asset, module, default_size = KERAS_APPLICATIONS[name]
    weights = assets.path(asset)
    size = size or default_size
    base = getattr(keras.applications, constructor)(
        include_top=False, weights=str(weights), input_shape=(size, size, 3), pooling="avg"
    )
    base.trainable = trainable
    return base, getattr(keras.applications, module).preprocess_input
