"""Deep Dream: change the *image* by gradient ascent so that chosen layers of a network respond
more.

Mordvintsev, Olah and Tyka (Google, 2015). The network is frozen; the loss is the mean activation
of the chosen layers; each step adds the gradient of that loss with respect to the pixels,
normalised by its standard deviation so one step size suits every layer and image:

    x ← clip(x + step_size · g / std(g), -1, 1),   g = ∂ mean(activations(x)) / ∂x

Two tricks make the result look good: **octaves** (dream at several scales, small to large, so
the patterns come at several sizes) and a **random roll** of the image before each step (the
network's strides and padding sample the image on a fixed grid, and without the roll the ascent
can grow a pattern that works only on that grid; rolled back after).

Images are handled in the networks' own input range: RGB in [-1, 1] (both the course's MobileNet
and Keras's InceptionV3 take that). :func:`to_input` / :func:`to_image` convert from/to OpenCV's
BGR uint8 without changing the size (``cvcourse.mobilenet.preprocess`` makes a 224 × 224 square).
"""

from __future__ import annotations

from typing import Callable, Sequence

import cv2
import numpy as np

from cvcourse.images import check_image, to_rgb
from cvcourse.validation import check_model, check_names, check_uint8

KERAS_MODEL = ("layers", "get_layer")  # what check_model looks for in a Keras model

# Default mode: the course's MobileNet v1 (α = 0.25) rebuilt from its TF Lite file; full course:
# InceptionV3 with ImageNet weights (registry asset, downloaded on demand); its deep layers are
# those of TensorFlow's DeepDream tutorial (the slides name no network or layers).
# "all": the layers to choose from in the notebook's widget.
MOBILENET_LAYERS = {
    "shallow": ["Conv2d_3_pointwise"],
    "deep": ["Conv2d_9_pointwise"],
    "all": [f"Conv2d_{i}_pointwise" for i in (1, 3, 5, 7, 9, 11, 13)],
}
INCEPTION_LAYERS = {
    "shallow": ["mixed0"],
    "deep": ["mixed3", "mixed5"],
    "all": [f"mixed{i}" for i in range(11)],
}
INCEPTION_ASSET = "keras/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"


def to_input(image: np.ndarray, max_side: int | None = None, bgr: bool = True) -> np.ndarray:
    """A BGR (or RGB with ``bgr=False``) uint8 image → float32 RGB in [-1, 1], same aspect ratio.

    ``max_side`` shrinks it (area averaging) so that its longer side is at most that many pixels.
    """
    image = check_uint8(
        check_image(image), "image", "this conversion (0-255 to the networks' [-1, 1])"
    )
    if image.ndim == 2 or image.shape[2] == 1:
        image = cv2.cvtColor(image.reshape(image.shape[:2]), cv2.COLOR_GRAY2BGR)
    rgb = to_rgb(image[:, :, :3], bgr=bgr).astype(np.float32)
    if max_side is not None and max(rgb.shape[:2]) > max_side:
        scale = max_side / max(rgb.shape[:2])
        size = (max(1, round(rgb.shape[1] * scale)), max(1, round(rgb.shape[0] * scale)))
        rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    return rgb / 127.5 - 1.0


def to_image(x, bgr: bool = True) -> np.ndarray:
    """The inverse of :func:`to_input`: [-1, 1] RGB (a tensor or array, batch of one allowed) →
    uint8 BGR."""
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 4:
        if x.shape[0] != 1:
            raise ValueError(f"to_image converts one image, got a batch of {x.shape[0]}")
        x = x[0]
    if x.ndim != 3 or x.shape[2] != 3:
        raise ValueError(f"expected an H × W × 3 array, got shape {x.shape}")
    rgb = np.clip(np.round((x + 1.0) * 127.5), 0, 255).astype(np.uint8)
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR) if bgr else rgb


def dream_model(base, layers: Sequence[str]):
    """A model from ``base``'s input to the outputs of ``layers`` (a list, even for one layer)."""
    check_model(base, "base", KERAS_MODEL, "a Keras model (load_dream_base() gives one)")
    if isinstance(layers, str) or isinstance(layers, (list, tuple)) and not layers:
        raise ValueError("layers must be a non-empty list of layer names")
    layers = check_names(layers, "layers")
    import keras

    names = [l.name for l in base.layers]
    missing = [l for l in layers if l not in names]
    if missing:
        raise ValueError(f"no layer(s) {missing} in {base.name}; its layers are {names}")
    outputs = [base.get_layer(name).output for name in layers]
    model = keras.Model(base.input, outputs, name="dream_" + "_".join(layers))
    model.trainable = False
    return model


def load_dream_base(full_course: bool = False):
    """The network to dream with: MobileNet v1 0.25 (default) or InceptionV3 (``full_course``).

    Both accept any input size and take RGB in [-1, 1]. Returns ``(base, layers)`` with
    ``layers`` the suggested ``{"shallow": [...], "deep": [...]}`` layer names.
    """
    from cvcourse.tensorflow_setup import import_tensorflow

    _, keras = import_tensorflow(seed=None)
    if full_course:
        from cvcourse import assets

        weights = assets.path(INCEPTION_ASSET)
        base = keras.applications.InceptionV3(
            include_top=False, weights=str(weights), input_shape=(None, None, 3)
        )
        return base, INCEPTION_LAYERS
    from cvcourse.mobilenet import load_mobilenet

    base, _ = load_mobilenet(input_shape=(None, None, 3), include_top=False)
    return base, MOBILENET_LAYERS


def layer_outputs(model, x) -> list:
    """``model(x)`` as a list, one tensor per output (Keras returns a bare tensor for one
    output)."""
    check_model(
        model, "model", ("__call__",), "a Keras model (dream_model(base, layers) makes one)"
    )
    outputs = model(x)
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def dream_loss(model, x):
    """Mean activation of each output of ``model`` on the image batch ``x``, averaged over
    outputs."""
    import tensorflow as tf

    outputs = layer_outputs(model, x)
    return tf.add_n([tf.reduce_mean(a) for a in outputs]) / len(outputs)


def dream_step(
    model, x, step_size: float, shift: tuple[int, int] = (0, 0), loss_fn: Callable | None = None
):
    """One gradient-ascent step on the image ``x`` (``(1, h, w, 3)`` in [-1, 1]).

    The image is rolled by ``shift`` (pixels down, right; negative: up, left) before the gradient
    and rolled back after, so that over many steps no pattern locked to the network's fixed grid of
    strides and padding pays. ``loss_fn(model, x)``
    defaults to :func:`dream_loss`. Returns ``(loss before the step, new image)``.

    The step is the one notebook 11 writes by hand, ``x + step_size · g / σ(g)``, with no epsilon
    added to σ: it agrees with the notebook's cell to float rounding however small the gradient
    is (on a 512-pixel image the pixels' gradients can be tiny, and an added 1e-8, as in
    TensorFlow's DeepDream tutorial, would then shorten the step). The one case an epsilon
    covers, a gradient that is zero everywhere (σ = 0: nothing in the image moves the loss, e.g.
    a channel that is 0 on every pixel), raises a ``ValueError`` that says so instead of dividing
    by zero or silently not moving.
    """
    import tensorflow as tf

    check_model(
        model, "model", ("__call__",), "a Keras model (dream_model(base, layers) makes one)"
    )
    loss_fn = loss_fn or dream_loss
    x = tf.roll(tf.convert_to_tensor(x, tf.float32), shift=list(shift), axis=[1, 2])
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = loss_fn(model, x)
    g = tape.gradient(loss, x)
    sigma = tf.math.reduce_std(g)
    if float(sigma) == 0:
        raise ValueError(
            "the gradient of the loss is zero on every pixel (σ = 0): nothing in this image moves "
            "it, e.g. a channel or layer that is 0 everywhere; choose another layer or channel"
        )
    x = tf.clip_by_value(x + step_size * g / sigma, -1.0, 1.0)  # notebook 11's expression
    return float(loss), tf.roll(x, shift=[-shift[0], -shift[1]], axis=[1, 2])


def run_dream(
    model,
    x,
    steps: int = 20,
    step_size: float = 0.02,
    max_shift: int = 32,
    seed: int = 0,
    loss_fn: Callable | None = None,
    keep_every: int = 0,
):
    """:func:`dream_step` ``steps`` times with random rolls of up to ``max_shift`` pixels.

    ``x`` is one image ``(h, w, 3)`` or a batch of one. Returns ``(image (h, w, 3), losses,
    snapshots)``: the loss before each step, and with ``keep_every = k > 0`` the image
    every ``k`` steps (the first is the input) for a strip over the steps.
    """
    if steps < 0:
        raise ValueError(f"steps must be ≥ 0, got {steps}")
    check_model(
        model, "model", ("__call__",), "a Keras model (dream_model(base, layers) makes one)"
    )
    rng = np.random.default_rng(seed)
    x = np.asarray(check_image(x if np.ndim(x) != 4 else np.asarray(x)[0]), np.float32)
    if (
        x.ndim != 3 or x.shape[2] != 3 or x.min() < -1.001 or x.max() > 1.001
    ):  # resizing may overshoot a hair
        raise ValueError(
            f"expected one RGB image h × w × 3 in [-1, 1] (dd.to_input(bgr_image) makes one), "
            f"got shape {x.shape} with values {x.min():g} … {x.max():g}"
        )
    x = x[None]
    losses, snapshots = [], []
    for i in range(steps):
        if keep_every and i % keep_every == 0:
            snapshots.append(np.asarray(x[0]))
        shift = tuple(int(s) for s in rng.integers(-max_shift, max_shift + 1, size=2))
        loss, x = dream_step(model, x, step_size, shift, loss_fn)
        losses.append(loss)
    if keep_every:
        snapshots.append(np.asarray(x[0]))
    return np.asarray(x[0]), losses, snapshots


def octave_sizes(
    shape: tuple[int, int],
    octaves: Sequence[int] = (-1, 0, 1),
    scale: float = 1.3,
    min_side: int = 32,
) -> list[tuple[int, int]]:
    """``(h, w)`` of each octave: the image size × ``scale ** octave`` (never under
    ``min_side``)."""
    h, w = shape[:2]
    sizes = []
    for o in octaves:
        f = max(scale**o, min_side / min(h, w))
        sizes.append((round(h * f), round(w * f)))
    return sizes


def octave_dream(
    model,
    x,
    octaves: Sequence[int] = (-1, 0, 1),
    scale: float = 1.3,
    steps: int = 10,
    step_size: float = 0.02,
    max_shift: int = 32,
    seed: int = 0,
    loss_fn: Callable | None = None,
):
    """Dream at several scales: resize to each octave's size, :func:`run_dream`, carry on from
    there.

    Returns ``(image at the last octave's size, losses of every step, the octaves' sizes)``.
    """
    import tensorflow as tf

    check_model(
        model, "model", ("__call__",), "a Keras model (dream_model(base, layers) makes one)"
    )
    x = np.asarray(x, np.float32)
    if x.ndim != 3 or x.shape[2] != 3:
        raise ValueError(f"expected one H × W × 3 image in [-1, 1], got shape {x.shape}")
    sizes = octave_sizes(x.shape[:2], octaves, scale)
    losses = []
    for k, size in enumerate(sizes):
        x = tf.image.resize(x, size, method="bilinear").numpy()
        x, octave_losses, _ = run_dream(model, x, steps, step_size, max_shift, seed + k, loss_fn)
        losses += octave_losses
    return x, losses, sizes
