"""A small DCGAN (Radford et al. 2015) for 28×28 gray images, in Keras 3 with an explicit loop.

The generator (the counterfeiter) turns a noise vector ``z`` into an image; the discriminator
(the police) outputs one logit, "real" (label 1) vs "fake" (label 0). One training step is the
slides' two steps:

1. **discriminator training** — a batch of real images labelled 1 and a batch of generated
   images labelled 0; only the discriminator's weights are updated;
2. **generator training** — a new batch of fakes, labelled **1** ("real") and passed through the
   discriminator, which is frozen: only the generator's weights are updated, so that the
   discriminator is fooled more often.

Images are scaled to [-1, 1] (the generator ends in ``tanh``). ``python -m cvcourse.gan`` trains
the generator whose weights ship with the course (:data:`GENERATOR_WEIGHTS`,
:func:`load_course_generator`).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

LATENT_DIM = 32
IMAGE_SHAPE = (28, 28, 1)
#: registry name of the trained generator's weights (they ship with cvcourse)
GENERATOR_WEIGHTS = "course/dcgan_fashion_generator.weights.h5"


def load_images(dataset: str = "fashion", n: int | None = None) -> np.ndarray:
    """Training images as float32 ``(n, 28, 28, 1)`` in [-1, 1]: ``"fashion"`` (Fashion-MNIST,
    default mode) or ``"mnist"`` (the course's MNIST digits, registry ``mnist/mnist.npz``)."""
    from cvcourse import assets, datasets

    if dataset == "fashion":
        (x, _), _ = datasets.load_fashion_mnist(n_train=n, n_test=0)
    elif dataset == "mnist":
        with np.load(assets.path("mnist/mnist.npz")) as data:
            x = data["x_train"][:n]
    else:
        raise ValueError(f"unknown dataset {dataset!r}: choose 'fashion' or 'mnist'")
    return to_model_range(x)


def check_batch(
    images: object, name: str = "images", size: tuple[int, int] | None = IMAGE_SHAPE[:2]
) -> np.ndarray:
    """``images`` if it is a non-empty numeric array of gray images, ``(n, h, w)`` or
    ``(n, h, w, 1)`` with ``(h, w) == size`` (28×28 by default; ``size=None``: any size), and
    every value finite; else the clear error :func:`cvcourse.images.check_image` gives one image.

    A list (of images) or a bare string is refused with ``TypeError``: stack the images first
    (``np.stack``)."""
    from cvcourse.images import check_image

    if isinstance(images, np.ndarray) and images.ndim in (3, 4) and images.shape[0] > 0:
        check_image(images[0], f"{name}[0]")  # None / type / dtype problems, worded as elsewhere
        if images.dtype.kind == "f" and not np.isfinite(images).all():
            bad = int(np.count_nonzero(~np.isfinite(images)))
            raise ValueError(
                f"{name} holds {bad} NaN or infinite value(s) of {images.size}: "
                f"find the division by zero (or NaN input) that made them"
            )
        if (size is None or images.shape[1:3] == tuple(size)) and (
            images.ndim == 3 or images.shape[3] == 1
        ):
            return images
    elif images is None or not isinstance(images, np.ndarray) or images.size == 0:
        check_image(images, name)
    shape = "h×w" if size is None else f"{size[0]}×{size[1]}"
    dims = "(n, h, w[, 1])" if size is None else f"(n, {size[0]}, {size[1]}[, 1])"
    raise ValueError(
        f"{name} must be a batch of {shape} gray images {dims}, got shape {np.shape(images)}"
    )


def _as_array(images: object) -> object:
    """A TensorFlow/Keras tensor as a numpy array; anything else (a list, a string, None) as it is,
    for :func:`check_batch` to judge."""
    if not isinstance(images, (np.ndarray, str, bytes, list, tuple)) and hasattr(
        images, "__array__"
    ):
        return np.asarray(images)
    return images


def to_model_range(images: np.ndarray) -> np.ndarray:
    """uint8 images 0–255 ``(n, 28, 28)`` → float32 ``(n, 28, 28, 1)`` in [-1, 1]
    (``x / 127.5 - 1``)."""
    images = check_batch(images)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[1:] != IMAGE_SHAPE or images.dtype != np.uint8:
        raise ValueError(
            f"expected uint8 images (n, 28, 28[, 1]), got {images.shape} {images.dtype}"
        )
    return images.astype(np.float32) / 127.5 - 1.0


def to_uint8(images) -> np.ndarray:
    """Generator output in [-1, 1], a batch ``(n, 28, 28[, 1])`` (array or tensor) → uint8 0–255
    ``(n, 28, 28)``, checked by :func:`check_batch` (a list or a bare string is refused)."""
    images = check_batch(_as_array(images)).astype(np.float32)
    if images.ndim == 4:
        images = images[..., 0]
    return np.clip(np.round((images + 1.0) * 127.5), 0, 255).astype(np.uint8)


def build_generator(latent_dim: int = LATENT_DIM, width: int = 24):
    """The counterfeiter: ``z`` → Dense 7×7×(2·width) → up-convolutions 14×14×width → 28×28×16 →
    a 3×3 convolution to 28×28×1 (tanh).

    Each ``Conv2DTranspose`` with stride 2 doubles the size; batch normalisation and leaky ReLU
    between them, as in DCGAN. The last, ordinary convolution can learn to smooth the checkerboard
    pattern that stride-2 transposed convolutions leave (after a few steps the pattern is still
    plain).
    """
    import keras
    from keras import layers as L

    return keras.Sequential(
        [
            keras.Input((latent_dim,)),
            L.Dense(7 * 7 * 2 * width, use_bias=False, name="project"),
            L.BatchNormalization(name="bn0"),
            L.LeakyReLU(0.2, name="lrelu0"),
            L.Reshape((7, 7, 2 * width), name="to_7x7"),
            L.Conv2DTranspose(width, 4, strides=2, padding="same", use_bias=False, name="up_14x14"),
            L.BatchNormalization(name="bn1"),
            L.LeakyReLU(0.2, name="lrelu1"),
            L.Conv2DTranspose(16, 4, strides=2, padding="same", use_bias=False, name="up_28x28"),
            L.BatchNormalization(name="bn2"),
            L.LeakyReLU(0.2, name="lrelu2"),
            L.Conv2D(1, 3, padding="same", activation="tanh", name="to_image"),
        ],
        name="generator",
    )


def build_discriminator(width: int = 32):
    """The police: 28×28×1 → strided convolutions 14×14×width → 7×7×(2·width) → one logit (real >
    0)."""
    import keras
    from keras import layers as L

    return keras.Sequential(
        [
            keras.Input(IMAGE_SHAPE),
            L.Conv2D(width, 4, strides=2, padding="same", name="down_14x14"),
            L.LeakyReLU(0.2, name="lrelu0"),
            L.Conv2D(2 * width, 4, strides=2, padding="same", name="down_7x7"),
            L.LeakyReLU(0.2, name="lrelu1"),
            L.Flatten(name="flatten"),
            L.Dropout(0.3, name="dropout"),
            L.Dense(1, name="logit"),
        ],
        name="discriminator",
    )


def make_optimizers(learning_rate: float = 2e-4, d_learning_rate: float | None = None):
    """DCGAN's Adam (β₁ = 0.5) for the generator and for the discriminator (``d_learning_rate``,
    by default the same rate)."""
    import keras

    d_learning_rate = learning_rate if d_learning_rate is None else d_learning_rate
    return (
        keras.optimizers.Adam(float(learning_rate), beta_1=0.5),
        keras.optimizers.Adam(float(d_learning_rate), beta_1=0.5),
    )


def discriminator_loss(real_logits, fake_logits):
    """Binary cross-entropy with real images labelled 1 and fakes labelled 0 (sum of the two
    means)."""
    import keras
    from keras import ops

    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    return bce(ops.ones_like(real_logits), real_logits) + bce(
        ops.zeros_like(fake_logits), fake_logits
    )


def generator_loss(fake_logits):
    """Binary cross-entropy with the fakes labelled **1**: small when the police believe them."""
    import keras
    from keras import ops

    return keras.losses.BinaryCrossentropy(from_logits=True)(
        ops.ones_like(fake_logits), fake_logits
    )


def make_train_step(
    generator,
    discriminator,
    g_optimizer,
    d_optimizer,
    latent_dim: int = LATENT_DIM,
    compile: bool = True,
) -> Callable:
    """``step(real_batch, seed) → (d_loss, g_loss)``: discriminator training, then generator
    training.

    ``seed`` is a ``(2,)`` int tensor for ``tf.random.stateless_normal`` (the noise of both steps),
    so a seeded loop draws the same noise every run. ``compile`` wraps it in ``tf.function``.
    """
    import tensorflow as tf

    from cvcourse.validation import check_model

    check_model(
        generator, "generator", ("trainable_variables", "__call__"), "the generator (a Keras model)"
    )
    check_model(
        discriminator,
        "discriminator",
        ("trainable_variables", "__call__"),
        "the discriminator (a Keras model)",
    )

    def step(real, seed):
        n = tf.shape(real)[0]
        z = tf.random.stateless_normal((n, latent_dim), seed)
        with tf.GradientTape() as tape:  # 1. discriminator training
            fake = generator(z, training=True)
            d_loss = discriminator_loss(
                discriminator(real, training=True), discriminator(fake, training=True)
            )
        grads = tape.gradient(d_loss, discriminator.trainable_variables)
        d_optimizer.apply_gradients(zip(grads, discriminator.trainable_variables))
        z = tf.random.stateless_normal((n, latent_dim), seed + 1)
        with tf.GradientTape() as tape:  # 2. generator training, discriminator frozen
            g_loss = generator_loss(discriminator(generator(z, training=True), training=False))
        grads = tape.gradient(g_loss, generator.trainable_variables)  # only the generator's weights
        g_optimizer.apply_gradients(zip(grads, generator.trainable_variables))
        return d_loss, g_loss

    return tf.function(step) if compile else step


def batches(n: int, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Shuffled index batches covering ``n`` items (the last, short batch dropped)."""
    if batch_size < 1 or n < batch_size:
        raise ValueError(f"need at least one full batch: {n} items, batch size {batch_size}")
    order = rng.permutation(n)
    return [order[i : i + batch_size] for i in range(0, n - batch_size + 1, batch_size)]


def train(
    generator,
    discriminator,
    images: np.ndarray,
    epochs: int,
    batch_size: int = 128,
    seed: int = 0,
    learning_rate: float | tuple[float, float] = 2e-4,
    on_epoch: Callable[[int], None] | None = None,
    progress: Callable | None = None,
) -> dict[str, list[float]]:
    """Train for ``epochs`` with :func:`make_train_step`; returns the per-step ``d_loss``/``g_loss``
    lists.

    ``images``: float ``(n, 28, 28[, 1])`` in [-1, 1] (:func:`load_images`,
    :func:`to_model_range`)."""
    import tensorflow as tf

    from cvcourse.validation import check_model

    check_model(
        generator,
        "generator",
        ("trainable_variables", "__call__", "input_shape"),
        "the generator (a Keras model)",
    )
    check_model(
        discriminator,
        "discriminator",
        ("trainable_variables", "__call__"),
        "the discriminator (a Keras model)",
    )
    images = check_batch(images)
    if images.dtype.kind != "f" or images.min() < -1.001 or images.max() > 1.001:
        raise ValueError(
            f"images must be floats in [-1, 1] (gan.to_model_range), got {images.dtype} "
            f"{images.min():g}…{images.max():g}"
        )
    if images.ndim == 3:
        images = images[..., None]
    g_opt, d_opt = make_optimizers(*np.atleast_1d(learning_rate))
    step = make_train_step(generator, discriminator, g_opt, d_opt, generator.input_shape[-1])
    rng = np.random.default_rng(seed)
    history: dict[str, list[float]] = {"d_loss": [], "g_loss": []}
    k = 0
    for epoch in range(epochs):
        chunks = batches(len(images), batch_size, rng)
        for idx in progress(chunks, desc=f"epoch {epoch + 1}") if progress else chunks:
            d_loss, g_loss = step(tf.constant(images[idx]), tf.constant([seed, 2 * k], tf.int32))
            history["d_loss"].append(float(d_loss))
            history["g_loss"].append(float(g_loss))
            k += 1
        if on_epoch is not None:
            on_epoch(epoch + 1)
    return history


def grid(images: np.ndarray, rows: int, cols: int, pad: int = 2) -> np.ndarray:
    """uint8 images ``(rows·cols, h, w)`` → one gray picture with ``pad`` px black gaps.

    ``images`` is an array (each image checked by :func:`check_batch`, any h×w) or a list of
    images, each checked by :func:`cvcourse.images.check_image` before they are stacked."""
    if isinstance(images, (list, tuple)) and images:
        from cvcourse.images import check_image

        images = np.stack([check_image(im, f"images[{i}]") for i, im in enumerate(images)])
    images = check_batch(_as_array(images), size=None)
    if images.ndim == 4:
        images = images[..., 0]
    if len(images) != rows * cols:
        raise ValueError(f"need {rows * cols} images (n, h, w), got {images.shape}")
    h, w = images.shape[1:]
    out = np.zeros((rows * (h + pad) - pad, cols * (w + pad) - pad), images.dtype)
    for i, im in enumerate(images):
        r, c = divmod(i, cols)
        out[r * (h + pad) : r * (h + pad) + h, c * (w + pad) : c * (w + pad) + w] = im
    return out


def interpolate(z0: np.ndarray, z1: np.ndarray, steps: int) -> np.ndarray:
    """``steps`` points on the straight line from ``z0`` to ``z1`` (both included):
    ``(1 - t) z0 + t z1``."""
    if steps < 2:
        raise ValueError("steps must be >= 2")
    t = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]
    return (1 - t) * np.asarray(z0, np.float32)[None] + t * np.asarray(z1, np.float32)[None]


def class_report(probabilities: np.ndarray, n_classes: int = 10) -> dict:
    """What a classifier thinks of generated images.

    ``confidence``: the mean top probability; ``classes``: how many classes are predicted at least
    once; ``diversity``: entropy of the predicted-class histogram / log(n_classes) (1 = all classes
    equally often, 0 = one class); ``score``: the Inception-score formula with this classifier,
    ``exp(mean_x KL(p(y|x) ‖ p(y)))`` — 1 when every image gets the same probabilities (a blob, or
    one garment for every z), ``n_classes`` when each image is certain and the classes are even;
    ``counts``: predictions per class.
    """
    probabilities = np.asarray(probabilities, np.float64)
    if probabilities.ndim != 2 or probabilities.shape[1] != n_classes or len(probabilities) == 0:
        raise ValueError(f"expected probabilities (n, {n_classes}), got {probabilities.shape}")
    counts = np.bincount(probabilities.argmax(axis=1), minlength=n_classes)
    share = counts[counts > 0] / counts.sum()
    p = np.clip(probabilities, 1e-12, 1.0)
    marginal = p.mean(axis=0)
    kl = (p * (np.log(p) - np.log(marginal))).sum(axis=1)
    return {
        "confidence": float(probabilities.max(axis=1).mean()),
        "classes": int((counts > 0).sum()),
        "diversity": float(abs((share * np.log(share)).sum()) / np.log(n_classes)),
        "score": float(np.exp(kl.mean())),
        "counts": counts.tolist(),
    }


def load_course_generator():
    """The generator the course trained (``python -m cvcourse.gan``: 15 epochs × 60,000
    Fashion-MNIST images, seeded), rebuilt in code with its shipped weights."""
    from cvcourse.course_models import load_shipped

    return load_shipped(GENERATOR_WEIGHTS, build_generator)


def main(argv: Sequence[str] | None = None) -> int:
    """Train the generator whose weights ship with the course (seeded); prints the registry's new
    hash."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--n-train", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--learning-rate", type=float, default=2e-4)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)

    from cvcourse import assets, training
    from cvcourse.tensorflow_setup import import_tensorflow

    import_tensorflow(seed=args.seed)
    images = load_images("fashion", args.n_train)
    generator, discriminator = build_generator(), build_discriminator()
    history = train(
        generator,
        discriminator,
        images,
        args.epochs,
        args.batch_size,
        args.seed,
        args.learning_rate,
        on_epoch=lambda e: print(f"epoch {e}/{args.epochs}", flush=True),
    )
    out = args.out or assets.bundled_path(assets.get(GENERATOR_WEIGHTS))
    written = training.save_model(generator, out)
    print(
        f"{'wrote' if written else 'unchanged'} {out} (registry: sha256 {assets.sha256sum(out)}, "
        f"{out.stat().st_size} bytes); last 100 steps: d_loss "
        f"{np.mean(history['d_loss'][-100:]):.3f}, g_loss {np.mean(history['g_loss'][-100:]):.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
