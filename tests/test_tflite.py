"""TF Lite models run through cvcourse.tflite: a real ImageNet classifier on a real photo."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from cvcourse import tflite
from cvcourse.images import read_image


@pytest.fixture
def mobilenet(real_asset):
    model = tflite.load_interpreter(
        real_asset("imagenet_classifier/mobilenet_v1_0.25_224_1_default_1.tflite")
    )
    labels = real_asset("imagenet_classifier/imagenet_labels.txt").read_text().splitlines()
    return model, labels


def test_mobilenet_recognises_the_uniform(mobilenet, real_asset):
    model, labels = mobilenet
    photo = cv2.cvtColor(read_image(real_asset("photos/grace_hopper.jpg")), cv2.COLOR_BGR2RGB)
    x = (cv2.resize(photo, (224, 224)).astype(np.float32) / 127.5 - 1)[None]
    (scores,) = tflite.run(model, x)
    top5 = [labels[i] for i in np.argsort(scores[0])[::-1][:5]]
    assert scores.shape == (1, 1001) and len(labels) == 1001
    assert "military uniform" in top5, top5


def test_wrong_inputs_are_refused(mobilenet, tmp_path):
    model, _ = mobilenet
    with pytest.raises(ValueError, match=r"must be \(1, 224, 224, 3\) float32"):
        tflite.run(model, np.zeros((1, 224, 224, 3), np.uint8))
    with pytest.raises(ValueError, match="takes 1 inputs, got 2"):
        tflite.run(model, np.zeros((1, 224, 224, 3), np.float32), np.zeros(1))
    with pytest.raises(FileNotFoundError):
        tflite.load_interpreter(tmp_path / "none.tflite")


def test_one_opencv_distribution_is_installed():
    from importlib.metadata import distributions

    opencv = sorted(
        {
            d.metadata["Name"].lower()
            for d in distributions()
            if d.metadata["Name"].lower().startswith("opencv")
        }
    )
    assert opencv == ["opencv-contrib-python"], opencv


@pytest.mark.filterwarnings("ignore:.*tf.lite.Interpreter is deprecated:UserWarning")
def test_tensorflow_interpreter_is_the_fallback(monkeypatch, real_asset):
    import sys

    monkeypatch.setitem(sys.modules, "ai_edge_litert", None)  # as if LiteRT were not installed
    monkeypatch.setitem(sys.modules, "ai_edge_litert.interpreter", None)
    cls = tflite.interpreter_class()
    assert cls.__module__.startswith("tensorflow")
    model = tflite.load_interpreter(
        real_asset("imagenet_classifier/mobilenet_v1_0.25_224_1_default_1.tflite")
    )
    assert type(model) is cls
    (scores,) = tflite.run(model, np.zeros((1, 224, 224, 3), np.float32))
    assert scores.shape == (1, 1001) and abs(float(scores.sum()) - 1) < 1e-3
