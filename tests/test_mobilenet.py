"""The Keras MobileNet v1 rebuilt from the TF Lite file computes what the TF Lite interpreter
does."""

from __future__ import annotations

import numpy as np
import pytest

from cvcourse import assets, mobilenet, tflite
from cvcourse.images import read_image

PHOTOS = [
    "photos/grace_hopper.jpg",
    "detection_images/dog.jpg",
    "detection_images/person.jpg",
    "faces_group/2008_001322.jpg",
    "style_transfer/great_wave_kanagawa.jpg",
]


# taken at import, before a test isolates the environment from the real folders
_SEARCH_DIRS = assets.search_dirs()


def _find(name: str):
    return next((d / name for d in _SEARCH_DIRS if (d / name).is_file()), None)


@pytest.fixture(scope="module")
def files():
    """``files(name)`` → the local path of a real course asset, or skip naming it."""

    def find(name):
        found = _find(name)
        if found is None:
            pytest.skip(f"asset {name} not found locally (set CVCOURSE_ASSETS)")
        return found

    return find


@pytest.fixture(scope="module")
def net(files):
    return mobilenet.load_mobilenet(files(mobilenet.MODEL_ASSET), files(mobilenet.LABELS_ASSET))


@pytest.fixture(scope="module")
def photos(files):
    """The real photos: the first two are required, the others used when present."""
    paths = [files(name) for name in PHOTOS[:2]] + [_find(name) for name in PHOTOS[2:]]
    return [read_image(p) for p in paths if p is not None]


def test_probabilities_match_tflite_on_real_photos(net, photos, files):
    model, labels = net
    interpreter = tflite.load_interpreter(files(mobilenet.MODEL_ASSET))
    x = mobilenet.preprocess_batch(photos)
    keras_p = model.predict(x, verbose=0)
    lite_p = np.concatenate([tflite.run(interpreter, xi[None])[0] for xi in x])
    assert keras_p.shape == lite_p.shape == (len(photos), 1001)
    assert np.abs(keras_p - lite_p).max() < 1e-4, np.abs(keras_p - lite_p).max()
    for k, l in zip(keras_p, lite_p):
        assert [c for c, _ in mobilenet.top_k(k, labels)] == [
            c for c, _ in mobilenet.top_k(l, labels)
        ]
    # and they are real answers, not a coincidence of two broken models
    assert "military uniform" in [c for c, _ in mobilenet.top_k(keras_p[0], labels)]
    assert any("husky" in c or "malamute" in c for c, _ in mobilenet.top_k(keras_p[1], labels, 3))


def test_architecture_matches_the_flat_buffer(files):
    """Every convolution's stride, padding (SAME), kernel size and ReLU6 as stored in the file."""
    schema = pytest.importorskip("tensorflow.lite.python.schema_py_generated")
    buf = files(mobilenet.MODEL_ASSET).read_bytes()
    m = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(buf, 0))
    graph = m.subgraphs[0]
    convs = []
    for op in graph.operators:
        code = m.operatorCodes[op.opcodeIndex]
        if max(code.builtinCode, code.deprecatedBuiltinCode) in (
            schema.BuiltinOperator.CONV_2D,
            schema.BuiltinOperator.DEPTHWISE_CONV_2D,
        ):
            o = op.builtinOptions
            name = graph.tensors[op.outputs[0]].name.decode()
            kernel = graph.tensors[op.inputs[1]].shape
            convs.append(
                (
                    name,
                    o.strideH,
                    o.strideW,
                    o.padding,
                    o.fusedActivationFunction,
                    tuple(kernel[1:3]),
                )
            )
    keras_model = mobilenet.build_mobilenet_v1()
    assert len(convs) == len(mobilenet.layer_names()) + 1  # + the Logits 1×1 convolution
    for (name, sh, sw, padding, act, kernel), layer_name in zip(convs, mobilenet.layer_names()):
        layer = keras_model.get_layer(layer_name)
        assert f"/{layer_name}/" in name
        assert (sh, sw) == layer.strides, (layer_name, sh, layer.strides)
        assert padding == schema.Padding.SAME and layer.padding == "same"
        assert act == schema.ActivationFunctionType.RELU6 and layer.activation.__name__ == "relu6"
        assert kernel == layer.kernel_size


def test_inner_layers_match_tflite(net, photos, files):
    """An inner feature map (what deep dream / style transfer read) equals the file's tensor."""
    model, _ = net
    cls = tflite.interpreter_class()
    resolver = __import__(cls.__module__, fromlist=["OpResolverType"]).OpResolverType
    interpreter = cls(
        model_path=str(files(mobilenet.MODEL_ASSET)),
        experimental_preserve_all_tensors=True,
        experimental_op_resolver_type=resolver.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
    )  # keeps every tensor
    interpreter.allocate_tensors()
    x = mobilenet.preprocess_batch(photos[:1])
    tflite.run(interpreter, x)
    index = {d["name"]: d["index"] for d in interpreter.get_tensor_details()}
    for layer in ("Conv2d_0", "Conv2d_6_depthwise", "Conv2d_11_pointwise"):
        lite = interpreter.get_tensor(index[f"MobilenetV1/MobilenetV1/{layer}/Relu6"])
        ours = mobilenet.feature_extractor(model, layer)(x).numpy()
        assert ours.shape == lite.shape
        assert np.abs(ours - lite).max() < 1e-3 * max(1.0, float(np.abs(lite).max())), layer


def test_feature_extractor_any_size_and_differentiable(files):
    import tensorflow as tf

    base = mobilenet.build_feature_extractor(96, model_file=files(mobilenet.MODEL_ASSET))
    assert base.output_shape == (None, 256) and not base.trainable
    x = tf.constant(np.random.default_rng(0).uniform(-1, 1, (2, 96, 96, 3)).astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(base(x))
    g = tape.gradient(y, x)
    assert g.shape == x.shape and float(tf.reduce_max(tf.abs(g))) > 0
    maps = mobilenet.build_feature_extractor(
        64, layer="Conv2d_5_pointwise", model_file=files(mobilenet.MODEL_ASSET)
    )
    assert maps.output_shape == (None, 8, 8, 64)


def test_preprocess():
    gray = np.full((50, 40), 255, np.uint8)
    x = mobilenet.preprocess(gray, size=32)
    assert x.shape == (32, 32, 3) and x.dtype == np.float32 and np.allclose(x, 1.0)
    bgr = np.zeros((300, 300, 3), np.uint8)
    bgr[..., 0] = 255  # blue in BGR → channel 2 in RGB
    x = mobilenet.preprocess(bgr)
    assert np.allclose(x[..., 2], 1) and np.allclose(x[..., 0], -1)
    with pytest.raises(TypeError, match="None"):
        mobilenet.preprocess(None)
    with pytest.raises(ValueError, match="no images"):
        mobilenet.preprocess_batch([])


def test_wrong_or_missing_files_are_refused(tmp_path, files):
    with pytest.raises(FileNotFoundError, match="no TF Lite model"):
        mobilenet.load_mobilenet(tmp_path / "none.tflite", files(mobilenet.LABELS_ASSET))
    junk = tmp_path / "junk.tflite"
    junk.write_bytes(b"not a flat buffer" * 10)
    with pytest.raises(ValueError, match="not a TF Lite model"):
        mobilenet.load_mobilenet(junk, files(mobilenet.LABELS_ASSET))
    other = files("pose_movenet/movenet_single_pose_lightning_ptq.tflite")
    with pytest.raises(ValueError, match="not the MobileNet v1"):
        mobilenet.load_mobilenet(other, files(mobilenet.LABELS_ASSET))
    short = tmp_path / "labels.txt"
    short.write_text("background\ncat\n")
    with pytest.raises(ValueError, match="has 2 labels"):
        mobilenet.load_mobilenet(files(mobilenet.MODEL_ASSET), short)
    with pytest.raises(ValueError, match="include_top=False"):
        mobilenet.build_mobilenet_v1(input_shape=(96, 96, 3))
    with pytest.raises(ValueError, match="at least 32"):
        mobilenet.build_feature_extractor(16)


def test_top_k():
    labels = ["a", "b", "c"]
    assert mobilenet.top_k(np.array([0.2, 0.5, 0.3]), labels, 2) == [("b", 0.5), ("c", 0.3)]
    with pytest.raises(ValueError, match="3 labels"):
        mobilenet.top_k(np.ones(4), labels)


def test_full_course_network_comes_through_the_registry(monkeypatch, tmp_path):
    """Offline and absent, the Keras Applications weights give the registry's clear error."""
    from cvcourse import assets

    monkeypatch.setenv("CVCOURSE_OFFLINE", "1")
    monkeypatch.setattr(assets, "search_dirs", lambda: [tmp_path])
    with pytest.raises(assets.AssetNotFoundError, match="inception_v3_weights"):
        mobilenet.keras_application_base("inception_v3")
    with pytest.raises(ValueError, match="unknown network"):
        mobilenet.keras_application_base("resnet")
