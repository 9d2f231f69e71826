"""Autoencoder helpers on real data: Fashion-MNIST, the Yale faces, scikit-learn's digits."""

from __future__ import annotations

import numpy as np
import pytest

from cvcourse import assets, datasets
from cvcourse import autoencoders as ae


@pytest.fixture
def fashion(real_asset):
    real_asset("fashion_mnist/t10k-images-idx3-ubyte.gz")
    (_, _), (x, y) = datasets.load_fashion_mnist(n_train=1, n_test=200)
    return (x[..., None] / 255).astype(np.float32), y


def test_noise_is_seeded_clipped_and_sized(fashion):
    x, _ = fashion
    noisy = ae.add_gaussian_noise(x, 0.3, seed=1)
    assert noisy.shape == x.shape and noisy.dtype == np.float32
    assert noisy.min() >= 0 and noisy.max() <= 1
    assert np.array_equal(noisy, ae.add_gaussian_noise(x, 0.3, seed=1))
    assert not np.array_equal(noisy, ae.add_gaussian_noise(x, 0.3, seed=2))
    assert np.array_equal(ae.add_gaussian_noise(x, 0.0), x)
    with pytest.raises(ValueError, match="0, 1"):
        ae.add_gaussian_noise(x * 255, 0.1)
    with pytest.raises(ValueError, match="sigma"):
        ae.add_gaussian_noise(x, -1)


def test_psnr_matches_the_formula(fashion):
    x, _ = fashion
    noisy = ae.add_gaussian_noise(x, 0.1, seed=0)
    by_hand = np.mean(
        [10 * np.log10(1 / np.mean((a.astype(float) - b) ** 2)) for a, b in zip(x, noisy)]
    )
    assert ae.mean_psnr(x, noisy) == pytest.approx(by_hand, rel=1e-9)
    # more noise, lower PSNR; sigma 0.1 on real clothes images lands near 20 dB (clipping helps a
    # little)
    assert 19 < ae.mean_psnr(x, noisy) < 22
    assert ae.mean_psnr(x, ae.add_gaussian_noise(x, 0.3)) < ae.mean_psnr(x, noisy) - 6
    with pytest.raises(ValueError, match="differ in shape"):
        ae.mean_psnr(x, noisy[:10])


def test_reconstruction_errors(fashion):
    x, _ = fashion
    assert np.array_equal(ae.reconstruction_errors(x, x), np.zeros(len(x)))
    errors = ae.reconstruction_errors(x, np.zeros_like(x))
    assert errors.shape == (len(x),)
    assert errors[0] == pytest.approx(float(np.mean(x[0].astype(float) ** 2)))
    with pytest.raises(ValueError, match="batch"):
        ae.reconstruction_errors(x[0, :, :, 0], x[0, :, :, 0])


def test_code_image():
    assert ae.code_image(np.arange(32)).shape == (4, 8)
    assert ae.code_image(np.arange(2)).shape == (1, 2)
    assert ae.code_image(np.zeros((7, 7, 4))).shape == (7, 28)
    with pytest.raises(ValueError):
        ae.code_image(np.zeros((1, 2, 3, 4)))


def test_show_rows_draws_codes_and_images(fashion):
    import matplotlib

    matplotlib.use("Agg")
    x, _ = fashion
    fig = ae.show_rows(
        {"original": x[:4], "code (32)": np.random.default_rng(0).normal(size=(4, 32))}, show=False
    )
    assert len(fig.axes) == 8
    with pytest.raises(ValueError):
        ae.show_rows({}, show=False)


def test_yale_faces_to_28x28(real_asset):
    real_asset("yalefaces/subject01.happy")
    yale, _, _ = datasets.load_yalefaces(["happy"])
    small = ae.to_28x28(yale)
    assert small.shape == (15, 28, 28, 1) and small.dtype == np.float32
    assert 0 <= small.min() and small.max() <= 1 and small.std() > 0.05
    with pytest.raises(ValueError, match="gray uint8"):
        ae.to_28x28([np.zeros((5, 5, 3), np.uint8)])


def test_digits_like_mnist():
    pytest.importorskip("sklearn")
    images, labels = ae.digits_like_mnist()
    assert images.shape == (1797, 28, 28, 1) and labels.shape == (1797,)
    assert set(labels.tolist()) == set(range(10))
    border = np.concatenate(
        [
            images[:, :4].ravel(),
            images[:, -4:].ravel(),
            images[:, :, :4].ravel(),
            images[:, :, -4:].ravel(),
        ]
    )
    assert border.max() == 0, "like MNIST: the digit sits in the 20 × 20 centre"
    assert images.max() == pytest.approx(1.0) and images.mean() < 0.3, "bright ink on black"


def test_load_mnist_from_a_file(tmp_path):
    file = tmp_path / "mnist.npz"
    rng = np.random.default_rng(0)
    np.savez(
        file,
        x_train=rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
        y_train=np.arange(5),
        x_test=rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
        y_test=np.arange(3),
    )
    (x_train, y_train), (x_test, y_test) = ae.load_mnist(n_train=2, file=file)
    assert (
        x_train.shape == (2, 28, 28) and y_train.tolist() == [0, 1] and x_test.shape == (3, 28, 28)
    )
    np.savez(tmp_path / "bad.npz", images=np.zeros(3))
    with pytest.raises(ValueError, match="mnist.npz"):
        ae.load_mnist(file=tmp_path / "bad.npz")


def test_load_mnist_offline_says_where(monkeypatch, tmp_path):
    monkeypatch.setenv("CVCOURSE_ASSETS", str(tmp_path))
    monkeypatch.setenv("CVCOURSE_OFFLINE", "1")
    if assets.locate("mnist/mnist.npz") is not None:
        pytest.skip("MNIST is present here")
    with pytest.raises(assets.AssetNotFoundError, match="mnist.npz"):
        ae.load_mnist()


def test_error_histograms():
    import matplotlib

    matplotlib.use("Agg")
    assert (
        ae.plot_error_histograms({"a": [0.01, 0.02], "b": [0.1, 0.3]}, threshold=0.05, show=False)
        is not None
    )
    with pytest.raises(ValueError):
        ae.plot_error_histograms({"a": [0.0, 0.1]}, show=False)
