"""Deep Dream on the real MobileNet: conversions, the step of the notebook, the loss rising,
octaves."""

from __future__ import annotations

import numpy as np
import pytest

from cvcourse import assets, mobilenet
from cvcourse import deepdream as dd
from cvcourse.images import read_image

# taken at import, before a test isolates the environment from the real folders
_SEARCH_DIRS = assets.search_dirs()


def _find(name: str):
    found = next((d / name for d in _SEARCH_DIRS if (d / name).is_file()), None)
    if found is None:
        pytest.skip(f"asset {name} not found locally (set CVCOURSE_ASSETS)")
    return found


@pytest.fixture(scope="module")
def base():
    model, _ = mobilenet.load_mobilenet(
        _find(mobilenet.MODEL_ASSET),
        _find(mobilenet.LABELS_ASSET),
        input_shape=(None, None, 3),
        include_top=False,
    )
    return model


@pytest.fixture
def photo(real_asset):
    return dd.to_input(read_image(real_asset("photos/grace_hopper.jpg")), max_side=160)


def test_to_input_and_back(real_asset):
    bgr = read_image(real_asset("photos/grace_hopper.jpg"))
    x = dd.to_input(bgr)
    assert x.shape == bgr.shape and x.dtype == np.float32 and -1 <= x.min() < x.max() <= 1
    assert np.array_equal(dd.to_image(x), bgr)  # exact round trip (0..255 → [-1, 1] → 0..255)
    assert np.array_equal(dd.to_image(x[None]), bgr)  # a batch of one works too
    assert np.allclose(
        x[..., 0], bgr[..., 2] / 127.5 - 1, atol=1e-6
    )  # RGB order: channel 0 is OpenCV's red
    small = dd.to_input(bgr, max_side=160)
    assert max(small.shape[:2]) == 160
    assert (
        abs(small.shape[1] / small.shape[0] - bgr.shape[1] / bgr.shape[0]) < 0.01
    )  # aspect ratio kept
    assert dd.to_input(np.zeros((10, 20), np.uint8)).shape == (10, 20, 3)  # gray → 3 channels
    with pytest.raises(TypeError, match="None"):
        dd.to_input(None)
    with pytest.raises(ValueError, match="batch of 2"):
        dd.to_image(np.zeros((2, 8, 8, 3)))


def test_dream_step_is_the_notebooks_formula(base, photo):
    """One step = x + ε·g/σ(g), clipped, with g the gradient of the mean activation (by hand
    here)."""
    import tensorflow as tf

    model = dd.dream_model(base, ["Conv2d_9_pointwise"])
    x = tf.constant(photo[None])
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_mean(model(x))  # one layer: Keras returns its tensor
    g = tape.gradient(loss, x)
    expected = tf.clip_by_value(x + 0.02 * g / tf.math.reduce_std(g), -1, 1).numpy()
    loss_0, stepped = dd.dream_step(model, photo[None], 0.02)
    assert abs(loss_0 - float(loss)) < 1e-5
    assert np.abs(stepped.numpy() - expected).max() < 1e-5
    # a roll moves the grid but returns the image in place: still close to the unrolled step
    _, rolled = dd.dream_step(model, photo[None], 0.02, shift=(16, -8))
    assert rolled.shape == stepped.shape and np.abs(rolled.numpy() - photo[None]).max() <= 0.02 * 20


def test_dream_step_divides_by_sigma_alone():
    """The step is notebook 11's ``x + ε · g / σ``, no epsilon: with a gradient of ~1e-9 (where an
    added 1e-8 would shorten the step tenfold) it is the by-hand step exactly; a zero gradient
    raises instead of dividing by 0."""
    import tensorflow as tf

    rng = np.random.default_rng(0)
    x = rng.uniform(-0.5, 0.5, (1, 12, 10, 3)).astype(np.float32)
    w = tf.constant(rng.standard_normal(x.shape).astype(np.float32))

    def tiny(model, image):  # its gradient is 1e-9 · w on every image
        return 1e-9 * tf.reduce_sum(image * w)

    image = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(image)
        loss = tiny(None, image)
    gradient = tape.gradient(loss, image)
    sigma = tf.math.reduce_std(gradient)
    assert float(sigma) < 1e-8  # the size at which an epsilon of 1e-8 would matter
    stepped = tf.clip_by_value(image + 0.02 * gradient / sigma, -1, 1)  # notebook 11, cell 15
    loss_0, helper_stepped = dd.dream_step(tiny, x, 0.02, loss_fn=tiny)
    assert loss_0 == float(loss) and np.array_equal(helper_stepped.numpy(), stepped.numpy())
    moved = helper_stepped.numpy() - x  # no pixel reaches ±1 here: nothing is clipped
    assert np.isclose(moved.std(), 0.02, rtol=1e-3)  # the full step (an epsilon: ~0.002)
    with pytest.raises(ValueError, match="zero on every pixel"):
        dd.dream_step(tiny, x, 0.02, loss_fn=lambda model, image: 0.0 * tf.reduce_sum(image))


def test_rolled_step_is_the_notebooks_roll(base, photo):
    """Notebook 11's rolled step by hand: tf.roll by the shift, one step, tf.roll back."""
    import tensorflow as tf

    model = dd.dream_model(base, ["Conv2d_9_pointwise"])
    shift = [23, 9]
    x = tf.roll(tf.constant(photo[None]), shift, axis=[1, 2])
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = dd.dream_loss(model, x)
    g = tape.gradient(loss, x)
    x = tf.clip_by_value(x + 0.02 * g / tf.math.reduce_std(g), -1, 1)
    expected = tf.roll(x, [-shift[0], -shift[1]], axis=[1, 2]).numpy()
    loss_0, stepped = dd.dream_step(model, photo[None], 0.02, shift=tuple(shift))
    assert abs(loss_0 - float(loss)) < 1e-5
    assert np.abs(stepped.numpy() - expected).max() < 1e-4
    _, unrolled = dd.dream_step(model, photo[None], 0.02)
    assert np.abs(stepped.numpy() - unrolled.numpy()).max() > 1e-3  # the roll changes the step


def test_loss_rises_over_steps_and_layers_combine(base, photo):
    model = dd.dream_model(base, ["Conv2d_3_pointwise", "Conv2d_9_pointwise"])
    out, losses, shots = dd.run_dream(model, photo, steps=8, step_size=0.02, seed=0, keep_every=4)
    assert len(losses) == 8 and len(shots) == 3 and np.array_equal(shots[0], photo)
    assert losses[-1] > losses[0] * 1.05, losses  # gradient ASCENT: the activations grow
    assert float(dd.dream_loss(model, out[None])) > losses[0] * 1.05  # the result, unrolled, too
    assert out.shape == photo.shape and -1 <= out.min() and out.max() <= 1
    # the loss of two layers is the mean of each layer's mean activation
    a, b = (
        float(dd.dream_loss(dd.dream_model(base, [n]), photo[None]))
        for n in ("Conv2d_3_pointwise", "Conv2d_9_pointwise")
    )
    assert abs(float(dd.dream_loss(model, photo[None])) - (a + b) / 2) < 1e-5
    # same seed, same dream
    again, _, _ = dd.run_dream(model, photo, steps=8, step_size=0.02, seed=0)
    assert np.array_equal(out, again)


def test_octaves(base, photo):
    assert dd.octave_sizes((100, 200), (-1, 0, 1), 1.3) == [(77, 154), (100, 200), (130, 260)]
    assert dd.octave_sizes((40, 40), (-2,), 2.0) == [(32, 32)]  # never under the network's minimum
    model = dd.dream_model(base, ["Conv2d_9_pointwise"])
    out, losses, sizes = dd.octave_dream(model, photo, octaves=(-1, 0), scale=1.5, steps=3)
    assert out.shape[:2] == sizes[-1] == photo.shape[:2] and len(losses) == 6
    assert losses[2] > losses[0] and losses[5] > losses[3]
    with pytest.raises(ValueError, match="H × W × 3"):
        dd.octave_dream(model, photo[None])


def test_bad_layers_are_refused(base):
    with pytest.raises(ValueError, match="no layer"):
        dd.dream_model(base, ["mixed3"])
    with pytest.raises(ValueError, match="non-empty list"):
        dd.dream_model(base, "Conv2d_9_pointwise")
    with pytest.raises(ValueError, match=r"in \[-1, 1\]"):
        dd.run_dream(
            dd.dream_model(base, ["Conv2d_1_pointwise"]),
            np.full((32, 32, 3), 200, np.uint8),
            steps=1,
        )
    with pytest.raises(ValueError, match="steps"):
        dd.run_dream(
            dd.dream_model(base, ["Conv2d_1_pointwise"]),
            np.zeros((32, 32, 3), np.float32),
            steps=-1,
        )


def test_full_course_network_comes_through_the_registry(monkeypatch, tmp_path):
    """Offline and absent, InceptionV3's weights give the registry's clear error naming the file."""
    from cvcourse import assets

    monkeypatch.setenv("CVCOURSE_OFFLINE", "1")
    monkeypatch.setattr(assets, "search_dirs", lambda: [tmp_path])
    with pytest.raises(assets.AssetNotFoundError, match="inception_v3_weights"):
        dd.load_dream_base(full_course=True)


def test_full_course_layers_exist_in_inception_v3():
    """The full-course layer names are real InceptionV3 layers (built without weights: no
    download)."""
    import keras

    base = keras.applications.InceptionV3(
        include_top=False, weights=None, input_shape=(None, None, 3)
    )
    for layers in dd.INCEPTION_LAYERS.values():
        model = dd.dream_model(base, layers)
        assert len(dd.layer_outputs(model, np.zeros((1, 96, 96, 3), np.float32))) == len(layers)
