"""Transfer-learning plumbing: the few-label data, the splits, the ImageNet base, the curves."""

from __future__ import annotations

import zipfile

import cv2
import numpy as np
import pytest

from cvcourse import assets, transfer


@pytest.fixture(scope="module")
def lfw():
    try:
        return transfer.load_lfw_subset()
    except assets.AssetError as exc:
        pytest.skip(str(exc))


def test_lfw_subset_is_100_faces_then_100_backgrounds(lfw):
    images, labels = lfw
    assert images.shape == (200, 25, 25) and images.dtype == np.uint8
    assert labels.tolist() == [1] * 100 + [0] * 100
    assert images.max() > 200 and images.std() > 20  # real photo crops, not a constant
    # the LFW faces are aligned crops, so pixel by pixel they vary less than the background crops
    spread = [images[labels == c].astype(float).std(axis=0).mean() for c in (1, 0)]
    assert spread[0] < 0.8 * spread[1], spread


def test_few_label_split_is_stratified_disjoint_and_seeded():
    labels = np.repeat([0, 1, 2], [30, 40, 50])
    train, val, test = transfer.few_label_split(labels, 5, 10, seed=3)
    assert [int((labels[train] == c).sum()) for c in range(3)] == [5, 5, 5]
    assert [int((labels[val] == c).sum()) for c in range(3)] == [10, 10, 10]
    assert len(test) == 120 - 45
    assert not set(train) & set(val) and not set(train) & set(test) and not set(val) & set(test)
    assert sorted(np.concatenate([train, val, test]).tolist()) == list(range(120))
    again = transfer.few_label_split(labels, 5, 10, seed=3)
    assert all(np.array_equal(a, b) for a, b in zip((train, val, test), again))
    assert not np.array_equal(transfer.few_label_split(labels, 5, 10, seed=4)[0], train)
    _, _, short = transfer.few_label_split(labels, 5, 10, seed=3, n_test=2)
    assert len(short) == 6
    with pytest.raises(ValueError, match="class 0 has 30 examples"):
        transfer.few_label_split(labels, 20, 10)


def test_frozen_imagenet_features_separate_faces_without_training(lfw):
    """Nearest class mean on the MobileNet features, 10 labels per class: the transfer premise."""
    try:
        base, prepare = transfer.imagenet_base(size=64)
    except assets.AssetError as exc:
        pytest.skip(str(exc))
    images, labels = lfw
    x = prepare(images)
    assert x.shape == (200, 64, 64, 3) and -1 <= x.min() and x.max() <= 1
    features = base.predict(x, verbose=0)
    assert features.shape == (200, 256) and not base.trainable
    train, _, test = transfer.few_label_split(labels, 10, 0, seed=0)
    means = np.stack([features[train][labels[train] == c].mean(axis=0) for c in (0, 1)])
    guess = np.argmin(((features[test][:, None] - means[None]) ** 2).sum(axis=2), axis=1)
    assert np.mean(guess == labels[test]) > 0.85


def test_unfreeze_from_top_blocks():
    from cvcourse import mobilenet

    base = mobilenet.build_mobilenet_v1(input_shape=(64, 64, 3), include_top=False)
    base.trainable = False
    assert transfer.unfreeze_from(base, "Conv2d_12_depthwise") == 8  # 4 layers × (kernel, bias)
    assert (
        not base.get_layer("Conv2d_11_pointwise").trainable
        and base.get_layer("Conv2d_13_pointwise").trainable
    )
    with pytest.raises(ValueError, match="no layer 'mixed9'"):
        transfer.unfreeze_from(base, "mixed9")


def test_cats_and_dogs_loader_reads_the_zip_layout(tmp_path, monkeypatch):
    archive = tmp_path / "cats_and_dogs_filtered.zip"
    rng = np.random.default_rng(0)
    with zipfile.ZipFile(archive, "w") as z:
        for part in ("train", "validation"):
            for folder, colour in (("cats", (250, 0, 0)), ("dogs", (0, 0, 250))):
                for k in range(2):
                    image = np.full((30 + k, 40, 3), colour, np.uint8) + rng.integers(
                        0, 5, (30 + k, 40, 3), dtype=np.uint8
                    )
                    z.writestr(
                        f"cats_and_dogs_filtered/{part}/{folder}/{folder[:-1]}.{k}.jpg",
                        cv2.imencode(".jpg", image)[1].tobytes(),
                    )
    monkeypatch.setattr(assets, "path", lambda name, download=None: archive)
    images, labels = transfer.load_cats_and_dogs(size=16)
    assert images.shape == (8, 16, 16, 3) and labels.tolist() == [0] * 4 + [1] * 4
    assert images[0, 8, 8, 2] > 200 and images[-1, 8, 8, 0] > 200  # BGR blue cats → RGB channel 2
    images, labels = transfer.load_cats_and_dogs(size=16, n_per_class=3)
    assert len(images) == 6
    wrong = tmp_path / "other.zip"
    with zipfile.ZipFile(wrong, "w") as z:
        z.writestr("other/readme.txt", "nothing")
    monkeypatch.setattr(assets, "path", lambda name, download=None: wrong)
    with pytest.raises(FileNotFoundError, match="cats-and-dogs zip"):
        transfer.load_cats_and_dogs()


def test_cats_and_dogs_missing_offline_gives_the_registry_error(monkeypatch, tmp_path):
    monkeypatch.setenv("CVCOURSE_OFFLINE", "1")
    monkeypatch.setattr(assets, "search_dirs", lambda: [tmp_path])
    with pytest.raises(assets.AssetNotFoundError, match="cats_and_dogs_filtered.zip"):
        transfer.load_cats_and_dogs()


def test_validation_curves_and_table():
    fig = transfer.plot_validation_curves(
        {"a": {"val_accuracy": [0.5, 0.6]}, "b": {"val_accuracy": [0.7]}},
        start={"b": 2},
        show=False,
    )
    lines = fig.axes[0].get_lines()
    assert [list(l.get_xdata()) for l in lines] == [[1, 2], [3]]
    with pytest.raises(KeyError, match="val_loss"):
        transfer.plot_validation_curves({"a": {"val_accuracy": [1]}}, metric="val_loss", show=False)
    table = transfer.results_table([("scratch", 0.85, 10.04), ("transfer", 0.979, 8.5)])
    assert (
        "scratch" in table and "0.979" in table and "10.0" in table and len(table.splitlines()) == 4
    )


def test_enlarge_keeps_pixels_visible():
    small = np.array([[0, 255], [255, 0]], np.uint8)
    big = transfer.enlarge(small, 4)
    assert big.shape == (4, 4) and big[0, 0] == 0 and big[0, 3] == 255 and big[1, 1] == 0
    with pytest.raises(TypeError):
        transfer.enlarge(None)
