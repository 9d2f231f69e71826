"""Style transfer: the Gram matrix by hand, the losses, Gatys et al.'s loop on the real MobileNet,
Magenta's TF Lite."""

from __future__ import annotations

import numpy as np
import pytest

from cvcourse import assets, mobilenet
from cvcourse import style_transfer as st
from cvcourse.images import read_image

# taken at import, before a test isolates the environment from the real folders
_SEARCH_DIRS = assets.search_dirs()


def _find(name: str):
    found = next((d / name for d in _SEARCH_DIRS if (d / name).is_file()), None)
    if found is None:
        pytest.skip(f"asset {name} not found locally (set CVCOURSE_ASSETS)")
    return found


@pytest.fixture(scope="module")
def network():
    base, _ = mobilenet.load_mobilenet(
        _find(mobilenet.MODEL_ASSET),
        _find(mobilenet.LABELS_ASSET),
        input_shape=(None, None, 3),
        include_top=False,
    )
    return st.style_network(
        base, st.MOBILENET_STYLE_LAYERS, st.MOBILENET_CONTENT_LAYERS, lambda x: x * 2.0 - 1.0
    )


@pytest.fixture(scope="module")
def images():
    photo = read_image(_find("photos/grace_hopper.jpg"))
    painting = read_image(_find("style_transfer/great_wave_kanagawa.jpg"))
    return photo, painting


def test_gram_matrix_against_the_hand_computed_one():
    """The notebook's tiny 2 × 2 × 3 feature map: G = FᵀF / 4, worked out by hand."""
    F = np.array([[[1, 0, 3], [0, 1, 1]], [[2, 1, 0], [1, 0, 2]]], np.float32)
    by_hand = (
        np.array([[6, 2, 5], [2, 2, 1], [5, 1, 14]]) / 4
    )  # e.g. G02 = (1·3 + 0·1 + 2·0 + 1·2) / 4
    assert np.allclose(st.gram_matrix(F).numpy(), by_hand)
    assert np.allclose(st.gram_matrix(F[None]).numpy(), by_hand)  # a batch of one
    assert np.allclose(
        st.gram_matrix(F.reshape(4, 3)[[3, 1, 0, 2]].reshape(2, 2, 3)).numpy(), by_hand
    )  # no layout
    with pytest.raises(ValueError, match="batch of 2"):
        st.gram_matrix(np.zeros((2, 2, 2, 3)))
    with pytest.raises(ValueError, match="h × w × c"):
        st.gram_matrix(np.zeros((4, 3)))


def test_losses_by_hand():
    a, b = np.zeros((1, 2, 2, 1), np.float32), np.ones((1, 2, 2, 1), np.float32)
    assert float(st.content_loss(a, b)) == 1.0
    x = np.array([0, 1, 0, 1], np.float32).reshape(1, 2, 2, 1)  # rows (0, 1) and (0, 1)
    assert float(st.total_variation_loss(x)) == pytest.approx(
        1.0
    )  # vertical 0 + horizontal |1 − 0| = 1
    grams = [st.gram_matrix(b)]
    assert float(st.style_loss([b], grams)) == 0.0
    assert float(st.style_loss([a], grams)) == pytest.approx(
        1.0
    )  # Gram of ones is [[1]], of zeros [[0]]
    with pytest.raises(ValueError, match="feature maps for"):
        st.style_loss([a, a], grams)


def test_conversions(images):
    photo, _ = images
    x = st.to_tensor(photo, 224)
    assert max(x.shape[:2]) == 224 and 0 <= x.min() and x.max() <= 1 and x.dtype == np.float32
    full = st.to_tensor(photo)
    assert np.array_equal(st.to_image(full), photo)
    sq = st.square_input(photo, 384)
    assert sq.shape == (1, 384, 384, 3) and 0 <= sq.min() and sq.max() <= 1


def test_features_are_one_keras_model_over_the_layers(network, images):
    """The extractor of notebook 12, written out: a keras.Model to the 5 style + 1 content layers,
    x·2 − 1."""
    import keras

    photo, _ = images
    content = st.to_tensor(photo, 96)
    layers = network.style_layers + network.content_layers
    base = network.model
    extractor = keras.Model(base.input, [base.get_layer(name).output for name in layers])
    by_hand = extractor(content[None] * 2.0 - 1.0)
    style_features, content_features = network.features(content[None])
    assert len(style_features) == 5 and len(content_features) == 1
    for a, b in zip(by_hand, style_features + content_features):
        assert np.allclose(a, b, atol=1e-5)


def test_gatys_losses_decrease_on_real_images(network, images):
    photo, painting = images
    content, style = st.to_tensor(photo, 96), st.to_tensor(painting, 128)
    out, history, shots = st.stylize(network, content, style, steps=15, jitter=1, keep_every=5)
    assert out.shape == content.shape and 0 <= out.min() and out.max() <= 1
    assert len(history["total"]) == 15 and len(shots) == 4 and np.array_equal(shots[0], content)
    assert history["style"][-1] < history["style"][0] * 0.7, history["style"]
    assert history["total"][-1] < history["total"][0]
    assert history["content"][0] < history["content"][-1]  # it leaves the photo for the painting
    # the loss of the result, measured afresh, is lower than the photo's
    grams, targets = st.style_targets(network, content, style)
    before = st.transfer_losses(network, content[None], grams, targets, 1000.0, 1.0, 50.0)
    after = st.transfer_losses(network, out[None], grams, targets, 1000.0, 1.0, 50.0)
    assert float(after["total"]) < float(before["total"]) * 0.75
    with pytest.raises(ValueError, match="steps"):
        st.stylize(network, content, style, steps=0)
    with pytest.raises(ValueError, match=r"floats in \[0, 1\]"):
        st.stylize(network, photo, style, steps=1)  # a BGR uint8 photo, not st.to_tensor's output
    with pytest.raises(TypeError, match="None"):
        st.stylize(network, content, None, steps=1)


def test_magenta_output_shape_range_and_style(images):
    photo, painting = images
    predictor, transformer = st.load_magenta(
        _find(st.MAGENTA_PREDICT_ASSET), _find(st.MAGENTA_TRANSFER_ASSET)
    )
    wave = st.style_vector(predictor, painting)
    own = st.style_vector(predictor, photo)
    assert wave.shape == (1, 1, 1, 100) and wave.dtype == np.float32
    assert np.abs(wave - own).mean() > 0.1  # two different styles
    out = st.magenta_stylize(transformer, photo, wave)
    assert out.shape == (384, 384, 3) and out.dtype == np.uint8
    assert out.min() < 40 and out.max() > 215  # a full range, not a flat image
    photo_square = st.to_image(st.square_input(photo, 384)[0]).astype(float)
    styled = np.abs(out - photo_square).mean()
    itself = np.abs(
        st.magenta_stylize(transformer, photo, st.blend_style(wave, own, 1.0)) - photo_square
    ).mean()
    assert itself < styled  # its own style → closer to the photo
    assert np.allclose(st.blend_style(wave, own, 0.0), wave)
    with pytest.raises(ValueError, match="content_ratio"):
        st.blend_style(wave, own, 1.5)
    with pytest.raises(ValueError, match="Magenta"):
        st.load_magenta(_find(mobilenet.MODEL_ASSET), _find(st.MAGENTA_TRANSFER_ASSET))


def test_full_course_network_comes_through_the_registry(monkeypatch, tmp_path):
    """Offline and absent, VGG19's weights give the registry's clear error naming the file."""
    monkeypatch.setenv("CVCOURSE_OFFLINE", "1")
    monkeypatch.setattr(assets, "search_dirs", lambda: [tmp_path])
    with pytest.raises(assets.AssetNotFoundError, match="vgg19_weights"):
        st.load_style_network(full_course=True)


def test_full_course_layers_exist_in_vgg19():
    """The full-course layer names are real VGG19 layers (built without weights: no download)."""
    import keras

    base = keras.applications.VGG19(include_top=False, weights=None, input_shape=(None, None, 3))
    net = st.style_network(
        base,
        st.VGG19_STYLE_LAYERS,
        st.VGG19_CONTENT_LAYERS,
        lambda x: keras.applications.vgg19.preprocess_input(x * 255.0),
    )
    style, content = net.features(np.full((1, 64, 64, 3), 0.5, np.float32))
    assert len(style) == 5 and len(content) == 1 and content[0].shape[-1] == 512
