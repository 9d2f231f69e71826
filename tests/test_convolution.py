"""The convolution arithmetic of notebook 05 against the slides, OpenCV, SciPy and Keras."""

import cv2
import numpy as np
import pytest

import cvcourse  # noqa: F401  (before tensorflow: quiet start-up)
from cvcourse import convolution as conv
from cvcourse.convolution import SLIDES_DETECTOR, SLIDES_FEATURE_MAP, SLIDES_IMAGE


def test_slides_feature_map():
    fmap = conv.cross_correlate(SLIDES_IMAGE, SLIDES_DETECTOR)
    assert fmap.shape == (5, 5)
    np.testing.assert_array_equal(fmap, SLIDES_FEATURE_MAP)
    np.testing.assert_array_equal(
        fmap, [[0, 1, 0, 1, 0], [0, 2, 1, 1, 2], [1, 2, 2, 3, 1], [1, 3, 3, 3, 2], [1, 3, 1, 3, 5]]
    )


def test_cross_correlate_is_notebook_05s_loop():
    rng = np.random.default_rng(3)
    image, kernel = rng.integers(-3, 4, (7, 9)), rng.integers(-2, 3, (3, 3))
    expected = np.zeros((5, 7), dtype=int)
    for i in range(5):
        for j in range(7):
            expected[i, j] = np.sum(image[i : i + 3, j : j + 3] * kernel)  # 9 products, added
    assert np.array_equal(conv.cross_correlate(image, kernel), expected)
    # most slides print the image with an 8th column: that would give a 5×6 map, not 5×5
    assert conv.cross_correlate(np.zeros((7, 8)), SLIDES_DETECTOR).shape == (5, 6)


def test_slides_sums_written_out():
    fmap, sums = conv.feature_map_steps(SLIDES_IMAGE, SLIDES_DETECTOR)
    np.testing.assert_array_equal(fmap, SLIDES_FEATURE_MAP)
    assert len(sums) == 25
    # the four sums the slides write out (first three cells of row 0, and the last cell)
    assert sums[0] == "0*1 + 0*0 + 0*0 + 0*1 + 1*0 + 0*1 + 0*0 + 0*1 + 0*1 = 0"
    assert sums[1] == "0*1 + 0*0 + 0*0 + 1*1 + 0*0 + 0*1 + 0*0 + 0*1 + 0*1 = 1"
    assert sums[2] == "0*1 + 0*0 + 0*0 + 0*1 + 0*0 + 0*1 + 0*0 + 0*1 + 0*1 = 0"
    assert sums[3] == "0*1 + 0*0 + 0*0 + 0*1 + 0*0 + 1*1 + 0*0 + 0*1 + 0*1 = 1"
    assert sums[24] == "1*1 + 0*0 + 0*0 + 1*1 + 0*0 + 1*1 + 0*0 + 1*1 + 1*1 = 5"
    assert [int(s.rsplit("= ", 1)[1]) for s in sums] == SLIDES_FEATURE_MAP.ravel().tolist()


def test_float_sums_are_formatted():
    assert (
        conv.window_sum_text(np.array([[0.5, 1.0]]), np.array([[2, -0.25]]))
        == "0.5*2 + 1*-0.25 = 0.75"
    )


def test_slides_pooling_and_flattening():
    pooled = conv.max_pool(SLIDES_FEATURE_MAP, size=2)
    np.testing.assert_array_equal(pooled, [[2, 1, 2], [3, 3, 2], [3, 3, 5]])
    np.testing.assert_array_equal(conv.flatten(pooled), [2, 1, 2, 3, 3, 2, 3, 3, 5])
    np.testing.assert_array_equal(
        conv.max_pool(SLIDES_FEATURE_MAP, 2, partial=False), [[2, 1], [3, 3]]
    )
    np.testing.assert_array_equal(
        conv.max_pool(SLIDES_FEATURE_MAP, 3, stride=1, partial=False),
        [[SLIDES_FEATURE_MAP[i : i + 3, j : j + 3].max() for j in range(3)] for i in range(3)],
    )


def test_relu():
    np.testing.assert_array_equal(conv.relu([[-2, 0, 3], [1.5, -0.1, 0]]), [[0, 0, 3], [1.5, 0, 0]])
    np.testing.assert_array_equal(conv.relu(SLIDES_FEATURE_MAP), SLIDES_FEATURE_MAP)


def test_filter2d_agrees():
    rng = np.random.default_rng(0)
    image = rng.random((12, 9)).astype(np.float32)
    kernel = rng.normal(size=(3, 3)).astype(np.float32)
    ours = conv.cross_correlate(image, kernel)
    full = cv2.filter2D(image, cv2.CV_32F, kernel, borderType=cv2.BORDER_CONSTANT)
    np.testing.assert_allclose(ours, full[1:-1, 1:-1], rtol=1e-5, atol=1e-5)
    slides = cv2.filter2D(SLIDES_IMAGE.astype(np.float32), -1, SLIDES_DETECTOR.astype(np.float32))
    np.testing.assert_array_equal(slides[1:-1, 1:-1], SLIDES_FEATURE_MAP)


def test_convolution_is_flipped_correlation():
    from scipy.signal import convolve2d, correlate2d

    np.testing.assert_array_equal(
        conv.convolve(SLIDES_IMAGE, SLIDES_DETECTOR),
        convolve2d(SLIDES_IMAGE, SLIDES_DETECTOR, mode="valid"),
    )
    np.testing.assert_array_equal(
        conv.cross_correlate(SLIDES_IMAGE, SLIDES_DETECTOR),
        correlate2d(SLIDES_IMAGE, SLIDES_DETECTOR, mode="valid"),
    )
    assert not np.array_equal(conv.convolve(SLIDES_IMAGE, SLIDES_DETECTOR), SLIDES_FEATURE_MAP)
    np.testing.assert_array_equal(
        conv.flip_kernel(SLIDES_DETECTOR), [[1, 1, 0], [1, 0, 1], [0, 0, 1]]
    )


def test_output_size():
    assert conv.output_size(7, 3) == 5
    assert conv.output_size(28, 3, stride=1, padding=1) == 28
    assert conv.output_size(5, 2, stride=2) == 2
    with pytest.raises(ValueError):
        conv.output_size(2, 3)


@pytest.mark.parametrize(
    "image, kernel, error",
    [
        (None, SLIDES_DETECTOR, TypeError),
        (SLIDES_IMAGE, None, TypeError),
        (np.zeros((7, 7, 3)), SLIDES_DETECTOR, ValueError),
        (SLIDES_IMAGE, np.zeros(3), ValueError),
        (np.zeros((2, 7)), SLIDES_DETECTOR, ValueError),
        (np.zeros((0, 0)), SLIDES_DETECTOR, ValueError),
        (np.array([["a"]]), SLIDES_DETECTOR, TypeError),
    ],
)
def test_bad_inputs(image, kernel, error):
    with pytest.raises(error):
        conv.cross_correlate(image, kernel)


def test_bad_pooling_and_flatten():
    with pytest.raises(ValueError):
        conv.max_pool(SLIDES_FEATURE_MAP, size=0)
    with pytest.raises(TypeError):
        conv.max_pool(SLIDES_FEATURE_MAP, size=1.5)
    with pytest.raises(ValueError):
        conv.max_pool(np.zeros((1, 1)), size=2, partial=False)
    with pytest.raises(ValueError):
        conv.max_pool(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError):
        conv.flatten(np.zeros(4))
    with pytest.raises(ValueError):
        conv.window_sum_text(np.zeros((3, 3)), np.zeros((2, 2)))


def test_keras_conv2d_with_fixed_weights():
    detectors = [SLIDES_DETECTOR, conv.flip_kernel(SLIDES_DETECTOR), -SLIDES_DETECTOR]
    maps = conv.keras_feature_maps(SLIDES_IMAGE, detectors)
    assert maps.shape == (3, 5, 5)
    for m, d in zip(maps, detectors):
        np.testing.assert_allclose(m, conv.cross_correlate(SLIDES_IMAGE, d))
    relu_maps = conv.keras_feature_maps(SLIDES_IMAGE, detectors, activation="relu")
    np.testing.assert_allclose(relu_maps, conv.relu(maps))
    import keras

    pooled = keras.layers.MaxPooling2D(2, padding="same")(
        SLIDES_FEATURE_MAP[None, :, :, None].astype("float32")
    )
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(pooled)[0, :, :, 0], conv.max_pool(SLIDES_FEATURE_MAP, 2)
    )
    layer = conv.fixed_conv2d(SLIDES_DETECTOR)
    assert not layer.trainable and layer.filters == 1
    with pytest.raises(ValueError):
        conv.stack_kernels(np.zeros((1, 1, 3, 3)))


def test_show_matrices():
    import matplotlib

    matplotlib.use("Agg")
    fig = conv.show_matrices(
        [SLIDES_IMAGE, SLIDES_DETECTOR, SLIDES_FEATURE_MAP],
        ["image", "detector", "map"],
        window=(0, 0, 3),
        cell=(0, 0),
        show=False,
    )
    assert len(fig.axes) == 3
    with pytest.raises(ValueError):
        conv.show_matrices([SLIDES_IMAGE], ["a", "b"], show=False)


def test_presets_and_apply_detector():
    for name, k in conv.PRESET_DETECTORS.items():
        assert k.shape == (3, 3), name
    photo = np.arange(64, dtype=np.uint8).reshape(8, 8)
    identity = conv.apply_detector(photo, conv.PRESET_DETECTORS["identity"])
    np.testing.assert_array_equal(identity, photo)
    blur = conv.apply_detector(photo, conv.PRESET_DETECTORS["blur (box)"])
    np.testing.assert_allclose(
        blur[1:-1, 1:-1], conv.cross_correlate(photo, np.full((3, 3), 1 / 9)), rtol=1e-5
    )
    edges = conv.apply_detector(
        photo, conv.PRESET_DETECTORS["vertical edges (Sobel x)"], relu_output=True
    )
    assert edges.min() >= 0


def test_for_display():
    assert conv.for_display(np.array([[0.0, 50.0], [100.0, 200.0]]), percentile=100).tolist() == [
        [0, 63],
        [127, 255],
    ]
    signed = conv.for_display(np.array([[-10.0, 0.0, 10.0]]), percentile=100)
    assert signed.tolist() == [[1, 128, 255]]


def test_detector_explorer_builds():
    box = conv.detector_explorer(np.zeros((16, 16), dtype=np.uint8))
    dropdown = box.children[0].children[0]
    grid, caption, picture = box.children[1:]
    assert len(grid.children) == 9
    assert picture.value[:2] == b"\xff\xd8"  # a JPEG
    dropdown.value = "sharpen"
    assert [b.value for b in grid.children] == [0, -1, 0, -1, 5, -1, 0, -1, 0]
    assert "detector sum 1" in caption.value
    assert repr(box).startswith("[interactive filter: preset") and len(repr(box)) <= 100
    with pytest.raises(ValueError):
        conv.detector_explorer(np.zeros((16, 16)), {"bad": np.zeros((5, 5))})


def test_step_explorer_and_html():
    box = conv.step_explorer(SLIDES_IMAGE, SLIDES_DETECTOR)
    slider, text, tables = box.children
    assert slider.max == 25
    slider.value = 25
    assert text.value.endswith("= 5") and "[4,4]" in text.value
    assert tables.value.count("<td") == 49 + 9 + 25
    assert tables.value.count("background") == 9 + 1
    assert repr(box) == "[interactive convolution: step; run the notebook to use it]"
    with pytest.raises(ValueError):
        conv.matrices_html([SLIDES_IMAGE], ["a", "b"])


def test_plot_dense_step_draws_every_weight_and_value():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    flat = conv.flatten(conv.max_pool(conv.SLIDES_FEATURE_MAP))  # the slides' 9 flattened values
    w_hidden, w_output = (
        np.linspace(-1, 1, 27).reshape(9, 3),
        np.array([[1.0, -1.0], [0.5, 0.5], [-2.0, 2.0]]),
    )
    hidden = conv.relu(flat @ w_hidden)
    fig = conv.plot_dense_step(
        flat, hidden, [0.25, 0.75], w_hidden, w_output, ["yes", "no"], show=False
    )
    ax = fig.axes[0]
    assert len(ax.lines) == 9 * 3 + 3 * 2  # one line per weight
    texts = [t.get_text() for t in ax.texts]
    assert texts[:9] == [str(v) for v in flat] and "0.75" in texts and "yes" in texts
    plt.close(fig)
    with pytest.raises(ValueError, match=r"weights 1 have shape \(3, 3\), expected \(9, 3\)"):
        conv.plot_dense_step(flat, hidden, [0.25, 0.75], np.ones((3, 3)), w_output, show=False)
    with pytest.raises(ValueError, match="1 output labels for 2 outputs"):
        conv.plot_dense_step(flat, hidden, [0.25, 0.75], w_hidden, w_output, ["yes"], show=False)
