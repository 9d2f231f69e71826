"""The models the course ships: weights only, read into the architecture built in code."""

from __future__ import annotations

import numpy as np
import pytest

from cvcourse import course_models, gan, training


@pytest.fixture(scope="module")
def tf_keras():
    from cvcourse.tensorflow_setup import import_tensorflow

    return import_tensorflow(seed=0)


def test_shipped_cnn_classifies_fashion_mnist(tf_keras, real_asset, monkeypatch, tmp_path, capsys):
    from cvcourse.datasets import load_fashion_mnist

    real_asset("fashion_mnist/t10k-images-idx3-ubyte.gz")
    monkeypatch.setattr(course_models.assets, "download_root", lambda kind: tmp_path / kind)
    model = course_models.load_fashion_cnn()
    assert "the course's, shipped with cvcourse" in capsys.readouterr().out
    _, (x_test, y_test) = load_fashion_mnist(n_train=0, n_test=1000)
    accuracy = (model.predict(x_test[..., None] / 255, verbose=0).argmax(1) == y_test).mean()
    assert accuracy > 0.83, accuracy  # notebook 05 prints 0.87 on the whole test split


def test_a_learners_own_model_is_preferred_and_named(tf_keras, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(course_models.assets, "download_root", lambda kind: tmp_path / kind)
    own = course_models.build_fashion_cnn()
    training.save_model(own, course_models.own_fashion_cnn_file())
    loaded = course_models.load_fashion_cnn()
    assert "your own, saved by notebook 05" in capsys.readouterr().out
    assert all(np.array_equal(a, b) for a, b in zip(loaded.get_weights(), own.get_weights()))


def test_weights_of_another_architecture_are_refused_clearly(tf_keras):
    with pytest.raises(ValueError, match="does not fit the model 'generator'"):
        course_models.load_shipped(course_models.FASHION_CNN_WEIGHTS, gan.build_generator)


def test_same_architecture_sees_a_changed_layer(tf_keras):
    _, keras = tf_keras
    assert course_models.same_architecture(
        course_models.build_fashion_cnn(), course_models.build_fashion_cnn()
    )
    flipped = course_models.build_fashion_cnn(keras.layers.RandomFlip("horizontal"))
    assert not course_models.same_architecture(flipped, course_models.build_fashion_cnn())


def test_weights_files_are_skipped_when_identical(tf_keras, tmp_path):
    model = course_models.build_fashion_cnn()
    file = tmp_path / "m.weights.h5"
    assert training.save_model(model, file) is True
    stamp = file.stat().st_mtime_ns
    assert training.save_model(model, file) is False and file.stat().st_mtime_ns == stamp
