"""Style transfer: Gatys et al.'s optimisation, and Magenta's fast arbitrary style transfer (TF
Lite).

**Gatys, Ecker and Bethge (CVPR 2016).** A frozen ImageNet network describes an image twice:

* its **content** by the feature maps of a deep layer, :math:`F` (``h × w × c``);
* its **style** by the **Gram matrices** of several layers: :math:`G = F^\\top F / (h w)` with
  :math:`F` reshaped to ``(h·w) × c`` — which channels fire *together*, wherever in the image
  (the positions are summed away, so the layout of the painting is gone, its textures remain).

The image is optimised, not the network: starting from the content photo, gradient descent on the
pixels lowers ``content_weight · content_loss + style_weight · style_loss + tv_weight · tv_loss``
(mean squared differences of features and of Gram matrices; total variation = the mean absolute
difference of neighbouring pixels, against high-frequency noise).

The optimised image is RGB in [0, 1] (:func:`to_tensor` / :func:`to_image`); a
:class:`StyleNetwork` maps it to its network's input (MobileNet: [-1, 1]; VGG19: Caffe-style BGR
minus the ImageNet mean).

**Magenta's arbitrary image stylisation (Ghiasi et al. 2017)** learns the same job once for all
styles: a style network turns a painting into a 100-number **style vector**, a transformer
network paints any content image with it in one forward pass. :func:`load_magenta` /
:func:`style_vector` / :func:`magenta_stylize` run the course's int8 TF Lite files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import cv2
import numpy as np

from cvcourse import deepdream
from cvcourse.images import check_image, to_rgb
from cvcourse.validation import check_model, check_names, check_uint8

TF_LITE = ("get_input_details", "invoke")  # what check_model looks for in a TF Lite interpreter

# Default mode: the course's MobileNet v1 0.25 (see cvcourse.mobilenet); full course: VGG19 as in
# Gatys et al. Style: block1..5 conv1, their conv1_1 … conv5_1. Content: block5_conv2, the choice of
# TensorFlow's style-transfer tutorial, whose loss weights the full mode uses (Gatys et al. match
# the content at conv4_2, Keras's block4_conv2).
MOBILENET_STYLE_LAYERS = [f"Conv2d_{i}_pointwise" for i in (1, 3, 5, 7, 9)]
MOBILENET_CONTENT_LAYERS = ["Conv2d_9_pointwise"]
VGG19_STYLE_LAYERS = [
    "block1_conv1",
    "block2_conv1",
    "block3_conv1",
    "block4_conv1",
    "block5_conv1",
]
VGG19_CONTENT_LAYERS = ["block5_conv2"]
VGG19_ASSET = "keras/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"
MAGENTA_PREDICT_ASSET = "style_transfer/style_predict_quantized_256.tflite"
MAGENTA_TRANSFER_ASSET = "style_transfer/style_transfer_quantized_384.tflite"


def to_tensor(image: np.ndarray, max_side: int | None = None, bgr: bool = True) -> np.ndarray:
    """A BGR uint8 image → float32 RGB in [0, 1], same aspect ratio, longer side ≤ ``max_side``."""
    return np.clip((deepdream.to_input(image, max_side, bgr=bgr) + 1.0) / 2.0, 0.0, 1.0)


def to_image(x, bgr: bool = True) -> np.ndarray:
    """The inverse of :func:`to_tensor`: RGB in [0, 1] (a batch of one allowed) → uint8 BGR."""
    return deepdream.to_image(np.asarray(x, np.float32) * 2.0 - 1.0, bgr=bgr)


def check_unit_image(x, name: str = "image") -> np.ndarray:
    """``x`` as float32 if it is one RGB image ``(h, w, 3)`` with values in [0, 1], else a clear
    error."""
    x = check_image(x, name)
    if x.ndim != 3 or x.shape[2] != 3 or x.dtype.kind != "f" or x.min() < -0.001 or x.max() > 1.001:
        raise ValueError(
            f"{name} must be one RGB image h × w × 3 of floats in [0, 1] (st.to_tensor(bgr_image) "
            f"makes one), got {x.dtype} {x.shape} with values {x.min():g} … {x.max():g}"
        )
    return np.asarray(x, np.float32)


def gram_matrix(features):
    """The Gram matrix of feature maps ``(h, w, c)`` or ``(1, h, w, c)``: ``Fᵀ F / (h·w)``,
    ``(c, c)``.

    Entry ``(i, j)`` is the mean over positions of channel ``i`` × channel ``j``.
    """
    import tensorflow as tf

    features = tf.convert_to_tensor(features, tf.float32)
    if features.shape.rank == 4:
        if features.shape[0] != 1:
            raise ValueError(
                f"gram_matrix takes one image's feature maps, got a batch of {features.shape[0]}"
            )
        features = features[0]
    if features.shape.rank != 3:
        raise ValueError(f"expected feature maps h × w × c, got shape {tuple(features.shape)}")
    f = tf.reshape(features, (-1, features.shape[-1]))  # (h·w, c)
    return tf.matmul(f, f, transpose_a=True) / tf.cast(tf.shape(f)[0], tf.float32)


def content_loss(features, target):
    """Mean squared difference of two feature maps (the content of the image vs the photo's)."""
    import tensorflow as tf

    return tf.reduce_mean(tf.square(tf.convert_to_tensor(features) - target))


def style_loss(features: Sequence, target_grams: Sequence):
    """Mean over layers of the mean squared difference between the Gram matrices."""
    import tensorflow as tf

    if len(features) != len(target_grams) or not features:
        raise ValueError(
            f"{len(features)} feature maps for {len(target_grams)} target Gram matrices"
        )
    return tf.add_n(
        [tf.reduce_mean(tf.square(gram_matrix(f) - g)) for f, g in zip(features, target_grams)]
    ) / len(features)


def total_variation_loss(x):
    """Mean absolute difference between vertically and horizontally neighbouring pixels of ``x``."""
    import tensorflow as tf

    x = tf.convert_to_tensor(x, tf.float32)
    return tf.reduce_mean(tf.abs(x[:, 1:] - x[:, :-1])) + tf.reduce_mean(
        tf.abs(x[:, :, 1:] - x[:, :, :-1])
    )


@dataclass
class StyleNetwork:
    """A frozen network that returns the style and the content feature maps of an RGB [0, 1]
    image."""

    model: object  # Keras model: network input → [style layer outputs..., content layer outputs...]
    preprocess: Callable  # RGB [0, 1] batch → the network's input
    style_layers: list[str]
    content_layers: list[str]
    name: str = field(default="")

    def features(self, x):
        """``(style feature maps, content feature maps)`` of a batch of one RGB [0, 1] image."""
        outputs = deepdream.layer_outputs(self.model, self.preprocess(x))
        n = len(self.style_layers)
        return outputs[:n], outputs[n:]


def style_network(
    base, style_layers: Sequence[str], content_layers: Sequence[str], preprocess: Callable
) -> StyleNetwork:
    """A :class:`StyleNetwork` reading ``style_layers`` and ``content_layers`` of ``base`` (lists of
    layer names)."""
    style_layers, content_layers = (
        check_names(style_layers, "style_layers"),
        check_names(content_layers, "content_layers"),
    )
    model = deepdream.dream_model(base, list(style_layers) + list(content_layers))
    return StyleNetwork(model, preprocess, list(style_layers), list(content_layers), base.name)


def load_style_network(full_course: bool = False) -> StyleNetwork:
    """MobileNet v1 0.25 (default) or VGG19 with ImageNet weights (``full_course``, registry
    asset)."""
    from cvcourse.tensorflow_setup import import_tensorflow

    _, keras = import_tensorflow(seed=None)
    if full_course:
        from cvcourse import assets

        weights = assets.path(VGG19_ASSET)
        base = keras.applications.VGG19(
            include_top=False, weights=str(weights), input_shape=(None, None, 3)
        )
        return style_network(
            base,
            VGG19_STYLE_LAYERS,
            VGG19_CONTENT_LAYERS,
            lambda x: keras.applications.vgg19.preprocess_input(x * 255.0),
        )
    from cvcourse.mobilenet import load_mobilenet

    base, _ = load_mobilenet(input_shape=(None, None, 3), include_top=False)
    return style_network(
        base, MOBILENET_STYLE_LAYERS, MOBILENET_CONTENT_LAYERS, lambda x: x * 2.0 - 1.0
    )


def style_targets(network: StyleNetwork, content: np.ndarray, style: np.ndarray):
    """``(Gram matrices of the style image, content feature maps of the content image)``; inputs RGB
    [0, 1]."""
    _check_network(network)
    content, style = check_unit_image(content, "content"), check_unit_image(style, "style")
    style_features, _ = network.features(style[None])
    _, content_features = network.features(content[None])
    return [gram_matrix(f) for f in style_features], content_features


def transfer_losses(
    network: StyleNetwork,
    x,
    grams,
    content_targets,
    style_weight: float,
    content_weight: float,
    tv_weight: float,
) -> dict:
    """The weighted losses of the image batch ``x``: ``{"style", "content", "tv", "total"}``
    (tensors)."""
    import tensorflow as tf

    _check_network(network)
    style_features, content_features = network.features(x)
    losses = {
        "style": style_weight * style_loss(style_features, grams),
        "content": content_weight
        * tf.add_n([content_loss(f, t) for f, t in zip(content_features, content_targets)])
        / len(content_targets),
        "tv": tv_weight * total_variation_loss(x),
    }
    losses["total"] = losses["style"] + losses["content"] + losses["tv"]
    return losses


def stylize(
    network: StyleNetwork,
    content: np.ndarray,
    style: np.ndarray,
    steps: int = 200,
    style_weight: float = 1000.0,
    content_weight: float = 1.0,
    tv_weight: float = 50.0,
    learning_rate: float = 0.05,
    jitter: int = 0,
    seed: int = 0,
    keep_every: int = 0,
    progress: Callable | None = None,
):
    """Gatys et al.'s style transfer: Adam on the pixels of ``content`` (RGB [0, 1]) for ``steps``
    steps.

    Returns ``(image (h, w, 3) in [0, 1], history, snapshots)``: ``history`` maps ``"style"``,
    ``"content"``, ``"tv"``, ``"total"`` to the weighted loss before each step; with
    ``keep_every = k > 0`` ``snapshots`` holds the image every ``k`` steps (the first is the photo,
    the last the result). ``progress`` wraps the range of steps (e.g.
    ``cvcourse.display.progress``). The default weights suit the MobileNet :class:`StyleNetwork`
    (images of about 224 px). ``jitter = j > 0`` rolls the image by a random shift of up to ``j``
    pixels before each step's losses (as in Deep Dream): patterns locked to the network's stride
    grid no longer pay.
    """
    import tensorflow as tf

    if steps < 1:
        raise ValueError(f"steps must be ≥ 1, got {steps}")
    _check_network(network)
    content, style = check_unit_image(content, "content"), check_unit_image(style, "style")
    grams, content_targets = style_targets(network, content, style)
    image = tf.Variable(content[None])
    import keras

    optimizer = keras.optimizers.Adam(learning_rate=learning_rate, beta_1=0.99, epsilon=0.1)
    optimizer.build([image])

    @tf.function
    def step(shift):
        with tf.GradientTape() as tape:
            losses = transfer_losses(
                network,
                tf.roll(image, shift, axis=[1, 2]),
                grams,
                content_targets,
                style_weight,
                content_weight,
                tv_weight,
            )
        optimizer.apply_gradients([(tape.gradient(losses["total"], image), image)])
        image.assign(tf.clip_by_value(image, 0.0, 1.0))
        return losses

    rng = np.random.default_rng(seed)
    history = {k: [] for k in ("style", "content", "tv", "total")}
    snapshots = []
    steps_range = range(steps) if progress is None else progress(range(steps))
    for i in steps_range:
        if keep_every and i % keep_every == 0:
            snapshots.append(image[0].numpy())
        shift = rng.integers(-jitter, jitter + 1, size=2) if jitter else np.zeros(2, int)
        for k, v in step(tf.constant(shift, tf.int32)).items():
            history[k].append(float(v))
    if keep_every:
        snapshots.append(image[0].numpy())
    return image[0].numpy(), history, snapshots


# ---------------------------------------------------------------- Magenta (fast, one pass, TF Lite)


def _check_network(network: object) -> None:
    """``TypeError`` unless ``network`` is a :class:`StyleNetwork`."""
    check_model(
        network, "network", ("features",), "a StyleNetwork (load_style_network() gives one)"
    )


def square_input(image: np.ndarray, size: int, bgr: bool = True) -> np.ndarray:
    """The central square of a uint8 ``image`` resized to ``size``×``size``, RGB float32 in [0, 1],
    batch of one."""
    return _square(image, size, bgr, "image")


def _square(image: np.ndarray, size: int, bgr: bool, name: str) -> np.ndarray:
    """:func:`square_input` with the argument's name for its errors."""
    image = check_uint8(check_image(image, name), name, "Magenta's style networks")
    if image.ndim == 2 or image.shape[2] == 1:
        image = cv2.cvtColor(image.reshape(image.shape[:2]), cv2.COLOR_GRAY2BGR)
    rgb = to_rgb(image[:, :, :3], bgr=bgr)
    h, w = rgb.shape[:2]
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    crop = rgb[top : top + side, left : left + side].astype(np.float32)
    crop = cv2.resize(
        crop, (size, size), interpolation=cv2.INTER_AREA if side > size else cv2.INTER_LINEAR
    )
    return np.clip(crop / 255.0, 0.0, 1.0)[None]


def load_magenta(predict_file=None, transfer_file=None, num_threads: int | None = None):
    """The two Magenta TF Lite interpreters ``(style predictor, style transformer)`` (course assets
    by default)."""
    from cvcourse import assets, tflite

    predictor = tflite.load_interpreter(
        predict_file or assets.path(MAGENTA_PREDICT_ASSET), num_threads
    )
    transformer = tflite.load_interpreter(
        transfer_file or assets.path(MAGENTA_TRANSFER_ASSET), num_threads
    )
    vector = [d["shape"].tolist() for d in predictor.get_output_details()]
    inputs = [d["shape"].tolist() for d in transformer.get_input_details()]
    if len(vector) != 1 or len(vector[0]) != 4 or len(inputs) != 2 or inputs[1] != vector[0]:
        raise ValueError(
            f"these are not Magenta's style predictor and transformer: the predictor gives "
            f"{vector}, the transformer takes {inputs} (expected a style vector it takes)"
        )
    return predictor, transformer


def style_vector(predictor, image: np.ndarray, bgr: bool = True) -> np.ndarray:
    """The 100-number style vector ``(1, 1, 1, 100)`` of an image (its central square at 256 px)."""
    from cvcourse import tflite

    check_model(predictor, "predictor", TF_LITE, "the style predictor (load_magenta()[0])")
    size = int(predictor.get_input_details()[0]["shape"][1])
    return tflite.run(predictor, _square(image, size, bgr, "image"))[0]


def magenta_stylize(
    transformer, content: np.ndarray, vector: np.ndarray, bgr: bool = True
) -> np.ndarray:
    """``content``'s central square, resized to the transformer's input (384 × 384), painted with
    the style ``vector``: uint8 BGR (RGB if not ``bgr``)."""
    from cvcourse import tflite

    check_model(transformer, "transformer", TF_LITE, "the style transformer (load_magenta()[1])")
    size = int(transformer.get_input_details()[0]["shape"][1])
    out = tflite.run(
        transformer, _square(content, size, bgr, "content"), np.asarray(vector, np.float32)
    )[0][0]
    rgb = np.clip(np.round(out * 255.0), 0, 255).astype(np.uint8)
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR) if bgr else rgb


def blend_style(style: np.ndarray, content_style: np.ndarray, content_ratio: float) -> np.ndarray:
    """``content_ratio`` × the content's own style vector + (1 − ratio) × the painting's (0 = full
    style)."""
    if not 0.0 <= content_ratio <= 1.0:
        raise ValueError(f"content_ratio must be in [0, 1], got {content_ratio}")
    return (
        content_ratio * np.asarray(content_style) + (1.0 - content_ratio) * np.asarray(style)
    ).astype(np.float32)
