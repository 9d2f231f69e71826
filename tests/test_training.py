"""Numbers and plots of cvcourse.training (the classifier inspection helpers of notebook 05)."""

import matplotlib
import numpy as np
import pytest

from cvcourse import training

matplotlib.use("Agg")


def test_confusion_matrix():
    cm = training.confusion_matrix([0, 1, 2, 2, 1], [0, 2, 2, 2, 1], n_classes=4)
    np.testing.assert_array_equal(cm, [[1, 0, 0, 0], [0, 1, 1, 0], [0, 0, 2, 0], [0, 0, 0, 0]])
    assert cm.sum() == 5
    assert training.confusion_matrix([0, 1], [1, 1]).shape == (2, 2)
    with pytest.raises(ValueError):
        training.confusion_matrix([0, 1], [1])
    with pytest.raises(ValueError):
        training.confusion_matrix([0, 5], [1, 1], n_classes=3)
    with pytest.raises(ValueError):
        training.confusion_matrix([0, -1], [1, 1])


def test_misclassified():
    np.testing.assert_array_equal(training.misclassified([0, 1, 2, 3], [0, 2, 2, 1]), [1, 3])


def test_plots_build():
    rng = np.random.default_rng(0)
    history = {
        "accuracy": [0.5, 0.7],
        "val_accuracy": [0.6, 0.65],
        "loss": [1.0, 0.6],
        "val_loss": [0.9, 0.8],
    }
    assert len(training.plot_history(history, show=False).axes) == 2
    assert (
        len(
            training.plot_history(
                {"a": history, "b": history}, metrics=("accuracy",), show=False
            ).axes
        )
        == 1
    )
    with pytest.raises(KeyError):
        training.plot_history(history, metrics=("auc",), show=False)
    with pytest.raises(TypeError):
        training.plot_history(3, show=False)
    names = ["a", "b", "c"]
    assert training.plot_confusion_matrix(np.eye(3, dtype=int), names, show=False) is not None
    with pytest.raises(ValueError):
        training.plot_confusion_matrix(np.eye(2), names, show=False)
    images = rng.random((5, 28, 28, 1))
    fig = training.show_predictions(images, [0, 1, 2, 0, 1], [0, 2, 2, 1, 1], names, show=False)
    assert sum(ax.get_title() != "" for ax in fig.axes) == 2
    with pytest.raises(ValueError):
        training.show_predictions(images, [0, 1, 2, 0, 1], [0, 1, 2, 0, 1], names, show=False)
    fig = training.plot_filters(rng.normal(size=(3, 3, 1, 16)), cols=8, show=False)
    assert len(fig.axes) == 16
    with pytest.raises(ValueError):
        training.plot_filters(np.zeros((3, 3, 16)), show=False)
    fig = training.plot_feature_maps(rng.random((1, 26, 26, 4)), image=images[0], show=False)
    assert sum(ax.get_title() != "" for ax in fig.axes) == 5
    with pytest.raises(ValueError):
        training.plot_feature_maps(rng.random((26, 26)), show=False)


def test_save_model_skips_identical_weights(tmp_path):
    from cvcourse.tensorflow_setup import import_tensorflow

    _, keras = import_tensorflow(seed=0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    file = tmp_path / "m.keras"
    assert training.save_model(model, file) is True
    stamp = file.stat().st_mtime_ns
    assert training.save_model(model, file) is False and file.stat().st_mtime_ns == stamp
    model.layers[0].kernel.assign(model.layers[0].kernel + 1)
    assert training.save_model(model, file) is True
    reloaded = keras.models.load_model(file)
    assert np.array_equal(reloaded.get_weights()[0], model.get_weights()[0])
    with pytest.raises(ValueError, match=".keras"):
        training.save_model(model, tmp_path / "m.h5")
