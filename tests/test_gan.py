"""The DCGAN helpers on real Fashion-MNIST images, and the committed generator judged by notebook
05's classifier."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cvcourse import gan


@pytest.fixture(scope="module")
def tf_keras():
    from cvcourse.tensorflow_setup import import_tensorflow

    return import_tensorflow(seed=0)


@pytest.fixture
def fashion(real_asset):
    real_asset("fashion_mnist/train-images-idx3-ubyte.gz")
    return gan.load_images("fashion", 1280)


def test_scaling_round_trip(fashion):
    assert fashion.shape == (1280, 28, 28, 1) and fashion.dtype == np.float32
    assert fashion.min() == -1.0 and fashion.max() == 1.0  # 0 → -1, 255 → 1
    back = gan.to_uint8(fashion)
    assert back.shape == (1280, 28, 28) and back.dtype == np.uint8
    assert np.array_equal(gan.to_model_range(back), fashion)
    with pytest.raises(ValueError, match="uint8 images"):
        gan.to_model_range(np.zeros((2, 28, 28), np.float32))
    with pytest.raises(ValueError, match="28×28 gray images"):
        gan.to_model_range(np.zeros((2, 32, 32), np.uint8))


@pytest.mark.parametrize(
    "bad, error",
    [
        (None, TypeError),
        (np.zeros((0, 28, 28), np.uint8), ValueError),
        (np.zeros((2, 28, 28), object), ValueError),
        ("images.png", TypeError),
    ],
)
def test_bad_images_get_a_clear_error(bad, error):
    with pytest.raises(error, match="images"):
        gan.to_model_range(bad)
    with pytest.raises(ValueError, match="unknown dataset"):
        gan.load_images("cifar")


def test_models_and_losses_by_hand(tf_keras):
    generator, discriminator = gan.build_generator(), gan.build_discriminator()
    z = np.random.default_rng(0).normal(size=(4, gan.LATENT_DIM)).astype(np.float32)
    fake = np.asarray(generator(z, training=False))
    assert fake.shape == (4, 28, 28, 1) and -1 <= fake.min() and fake.max() <= 1  # tanh
    assert np.asarray(discriminator(fake)).shape == (4, 1)
    # a logit of 0 is p = 0.5: each cross-entropy term is log 2
    zero = np.zeros((3, 1), np.float32)
    assert float(gan.discriminator_loss(zero, zero)) == pytest.approx(2 * math.log(2), abs=1e-6)
    assert float(gan.generator_loss(zero)) == pytest.approx(math.log(2), abs=1e-6)
    # confident and right: real logit +5, fake logit -5 → loss 2·log(1 + e^-5)
    assert float(gan.discriminator_loss(zero + 5, zero - 5)) == pytest.approx(
        2 * math.log1p(math.exp(-5)), abs=1e-6
    )
    assert generator.count_params() < 150_000  # small enough to commit (a few hundred kB)


class _NoUpdate:
    """An optimizer that records that it was asked and changes nothing."""

    calls = 0

    def apply_gradients(self, pairs):
        self.calls += 1
        list(pairs)


def test_generator_step_leaves_discriminator_frozen(tf_keras, fashion):
    tf, _ = tf_keras
    generator, discriminator = gan.build_generator(), gan.build_discriminator()
    g_opt, _ = gan.make_optimizers()
    frozen = _NoUpdate()
    step = gan.make_train_step(generator, discriminator, g_opt, frozen, compile=False)
    d_before, g_before = (
        [w.copy() for w in discriminator.get_weights()],
        [w.copy() for w in generator.get_weights()],
    )
    d_loss, g_loss = step(tf.constant(fashion[:32]), tf.constant([0, 0]))
    assert frozen.calls == 1  # the discriminator's own step asked its optimizer …
    assert all(
        np.array_equal(a, b) for a, b in zip(d_before, discriminator.get_weights())
    )  # … nothing else moved it
    moved = [not np.array_equal(a, b) for a, b in zip(g_before, generator.get_weights())]
    assert sum(moved) >= 4  # the generator's kernels and batch-norm weights were updated
    assert np.isfinite(float(d_loss)) and np.isfinite(float(g_loss))


def test_short_training_teaches_the_police(tf_keras, fashion):
    tf, _ = tf_keras
    generator, discriminator = gan.build_generator(), gan.build_discriminator()
    history = gan.train(generator, discriminator, fashion, epochs=1, batch_size=64, seed=0)
    assert len(history["d_loss"]) == len(history["g_loss"]) == 20
    z = tf.random.stateless_normal((256, gan.LATENT_DIM), [1, 1])
    p_real = tf.sigmoid(discriminator(fashion[:256], training=False)).numpy().mean()
    p_fake = tf.sigmoid(discriminator(generator(z, training=False), training=False)).numpy().mean()
    assert p_real > p_fake + 0.1, (p_real, p_fake)


def test_grid_interpolate_report_batches():
    images = np.arange(6 * 2 * 3, dtype=np.uint8).reshape(6, 2, 3)
    g = gan.grid(images, 2, 3, pad=1)
    assert (
        g.shape == (2 * 2 + 1, 3 * 3 + 2)
        and np.array_equal(g[3:5, 4:7], images[4])
        and g[2].max() == 0
    )
    z = gan.interpolate(np.zeros(4), np.ones(4), 5)
    assert z.shape == (5, 4) and np.allclose(z[:, 0], [0, 0.25, 0.5, 0.75, 1])
    probs = np.array([[0.9, 0.1] + [0] * 8, [0.2, 0.8] + [0] * 8, [0.6, 0.4] + [0] * 8])
    report = gan.class_report(probs)
    assert report["counts"][:2] == [2, 1] and report["classes"] == 2
    assert report["confidence"] == pytest.approx((0.9 + 0.8 + 0.6) / 3)
    assert report["diversity"] == pytest.approx(
        -(2 / 3 * math.log(2 / 3) + 1 / 3 * math.log(1 / 3)) / math.log(10)
    )
    same = gan.class_report(np.tile([[0.5, 0.5] + [0] * 8], (4, 1)))
    assert (
        same["score"] == pytest.approx(1.0) and same["diversity"] == 0.0
    )  # every image alike: score 1
    assert gan.class_report(np.eye(10))["score"] == pytest.approx(
        10.0, rel=1e-6
    )  # certain and even: 10
    assert len(gan.batches(130, 64, np.random.default_rng(0))) == 2
    with pytest.raises(ValueError, match="full batch"):
        gan.batches(10, 64, np.random.default_rng(0))
    with pytest.raises(ValueError, match="need 6 images"):
        gan.grid(images[:5], 2, 3)


def test_shipped_generator_makes_garments(tf_keras):
    from cvcourse import assets, course_models

    assert assets.path(gan.GENERATOR_WEIGHTS).stat().st_size < 600_000
    generator = gan.load_course_generator()
    classifier = course_models.load_shipped(
        course_models.FASHION_CNN_WEIGHTS, course_models.build_fashion_cnn
    )
    z = np.random.default_rng(0).normal(size=(500, gan.LATENT_DIM)).astype(np.float32)
    samples = gan.to_uint8(generator.predict(z, verbose=0))
    report = gan.class_report(
        classifier.predict(samples[..., None].astype(np.float32) / 255, verbose=0)
    )
    # notebook 05's CNN reads most samples as one garment, and sees nearly every class
    assert report["confidence"] > 0.7 and report["classes"] >= 9 and report["diversity"] > 0.9, (
        report
    )
    assert report["score"] > 4.0, report  # the untrained generator scores 1.0, 500 real images 6.7


def test_train_step_is_the_two_steps_written_out(tf_keras, fashion):
    """Notebook 13 writes both steps out (fakes in training mode, the frozen police without
    dropout) and checks gan.make_train_step against them: the same losses and new weights."""
    tf, keras = tf_keras
    generator, discriminator = gan.build_generator(), gan.build_discriminator()
    start = [[v.numpy() for v in m.variables] for m in (generator, discriminator)]
    real, seed = tf.constant(fashion[:32]), tf.constant([0, 7])
    g_opt, d_opt = (keras.optimizers.Adam(1e-3, beta_1=0.5) for _ in range(2))
    fake = generator(tf.random.stateless_normal((32, gan.LATENT_DIM), seed), training=True)
    with tf.GradientTape() as tape:
        real_logits, fake_logits = (
            discriminator(real, training=True),
            discriminator(fake, training=True),
        )
        d_loss = gan.discriminator_loss(real_logits, fake_logits)
    by_hand = -np.mean(np.log(tf.sigmoid(real_logits))) - np.mean(
        np.log(1 - tf.sigmoid(fake_logits))
    )
    assert float(d_loss) == pytest.approx(by_hand, abs=1e-5)
    grads = tape.gradient(d_loss, discriminator.trainable_variables)
    d_opt.apply_gradients(zip(grads, discriminator.trainable_variables))
    with tf.GradientTape() as tape:
        logits = discriminator(
            generator(tf.random.stateless_normal((32, gan.LATENT_DIM), seed + 1), training=True)
        )
        g_loss = gan.generator_loss(logits)
    assert float(g_loss) == pytest.approx(-np.mean(np.log(tf.sigmoid(logits))), abs=1e-5)
    grads = tape.gradient(g_loss, generator.trainable_variables)
    g_opt.apply_gradients(zip(grads, generator.trainable_variables))

    g_copy, d_copy = gan.build_generator(), gan.build_discriminator()
    for model, state in zip((g_copy, d_copy), start):
        for variable, value in zip(model.variables, state):  # weights, batch-norm and dropout state
            variable.assign(value)
    step = gan.make_train_step(g_copy, d_copy, *gan.make_optimizers(1e-3), compile=False)
    d_helper, g_helper = step(real, seed)
    assert float(d_helper) == pytest.approx(float(d_loss), abs=1e-6)
    assert float(g_helper) == pytest.approx(float(g_loss), abs=1e-6)
    for a, b in [(g_copy, generator), (d_copy, discriminator)]:
        assert all(
            np.allclose(u, v, atol=1e-6)
            for u, v in zip(a.trainable_variables, b.trainable_variables)
        )
    assert all(opt.beta_1 == 0.5 for opt in gan.make_optimizers())


def test_batch_norm_modes_before_training(tf_keras):
    """Untrained, inference mode (running statistics still 0 and 1) gives nearly flat grey for every
    z; training mode (the batch's own statistics) gives the grainy fakes the networks train on."""
    tf, _ = tf_keras
    generator = gan.build_generator()
    z = tf.random.stateless_normal((64, gan.LATENT_DIM), [0, 123])
    assert np.std(generator(z, training=False)) < 0.05
    assert np.std(generator(z, training=True)) > 0.2


def test_bad_input_is_refused_before_any_work(tf_keras):
    """to_uint8 and grid check the images (a tensor is fine, a list or a string is not for
    to_uint8); make_train_step and train check both models first, and train refuses images outside
    [-1, 1]."""
    tf, _ = tf_keras
    batch = np.zeros((2, 28, 28, 1), np.float32)
    assert gan.to_uint8(tf.constant(batch)).shape == (2, 28, 28)  # a tensor converts
    with pytest.raises(TypeError, match="images"):
        gan.to_uint8([batch[0], batch[1]])
    with pytest.raises(ValueError, match="NaN"):
        gan.to_uint8(np.concatenate([batch, batch + np.nan]))  # the NaN is in image 2
    tiles = np.zeros((2, 3, 4), np.uint8)
    assert gan.grid(list(tiles), 1, 2).shape == (3, 10)  # a list of images, any size
    with pytest.raises(ValueError, match=r"images\[1\]"):
        gan.grid([tiles[0], tiles[1] > 0], 1, 2)
    generator, discriminator = gan.build_generator(), gan.build_discriminator()
    with pytest.raises(TypeError, match="discriminator"):
        gan.make_train_step(generator, "d.keras", *gan.make_optimizers())
    with pytest.raises(TypeError, match="generator"):
        gan.train(None, discriminator, batch, 1)
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        gan.train(generator, discriminator, np.zeros((2, 28, 28), np.uint8) + 255, 1)
