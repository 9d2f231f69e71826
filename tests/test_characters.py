"""cvcourse.characters: the generated two-character set, the HSV colour features and the CSV."""

from __future__ import annotations

import itertools

import cv2
import numpy as np
import pytest

from cvcourse import characters as ch


@pytest.fixture(scope="module")
def small_set():
    return ch.make_dataset(30, size=96, seed=3)


def test_dataset_shape_labels_and_determinism(small_set):
    assert small_set.images.shape == (60, 96, 96, 3) and small_set.images.dtype == np.uint8
    assert np.bincount(small_set.labels).tolist() == [30, 30]
    assert set(small_set.names) == {"kid", "dad"}
    again = ch.make_dataset(30, size=96, seed=3)
    np.testing.assert_array_equal(again.images, small_set.images)
    np.testing.assert_array_equal(again.labels, small_set.labels)
    other = ch.make_dataset(30, size=96, seed=4)
    assert not np.array_equal(other.images, small_set.images)


def test_images_vary_within_a_class(small_set):
    kids = small_set.images[small_set.labels == 0].astype(float)
    # raw pixels of two images of the same character are far apart (position, size, clutter)
    assert np.mean(np.abs(kids[0] - kids[1])) > 20


def test_bad_arguments_raise():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="unknown character"):
        ch.make_character("cat", rng)
    with pytest.raises(ValueError, match="size"):
        ch.make_character("kid", rng, size=16)
    with pytest.raises(ValueError, match="n_per_class"):
        ch.make_dataset(0)


def _bgr(hsv):
    return cv2.cvtColor(np.uint8([[hsv]]), cv2.COLOR_HSV2BGR)[0, 0]


@pytest.mark.parametrize("feature", ch.FEATURES)
def test_each_paint_falls_in_its_own_range_only(feature):
    """Every colour the jitter can give a clothing part counts for that feature and no other."""
    h, s, v = ch.PAINT_HSV[feature]
    corners = itertools.product(
        (h - 2, h + 2), (s - 12, min(s + 12, 255)) if s else (0, 11), (v - 12, min(v + 12, 255))
    )
    for hsv in corners:
        image = np.full(
            (8, 8, 3), _bgr([int(np.clip(hsv[0], 0, 179)), max(hsv[1], 0), hsv[2]]), np.uint8
        )
        expected = np.where(np.array(ch.FEATURES) == feature, 100.0, 0.0)
        np.testing.assert_array_equal(ch.colour_features(image), expected, err_msg=f"HSV {hsv}")


@pytest.mark.parametrize("part", ["skin", "hair", "green", "black"])
def test_shared_colours_count_for_no_feature(part):
    image = np.full((8, 8, 3), _bgr(ch.PAINT_HSV[part]), np.uint8)
    np.testing.assert_array_equal(ch.colour_features(image), np.zeros(6))


def test_features_separate_the_classes():
    data = ch.make_dataset(100, seed=11)
    features = ch.extract_features(data.images)
    assert features.shape == (200, 6)
    kid, dad = features[data.labels == 0], features[data.labels == 1]
    assert (
        kid[:, 3:].mean(0) > 5 * dad[:, 3:].mean(0)
    ).all()  # orange T-shirt, blue shorts, sneakers
    assert (
        dad[:, :3].mean(0) > 2 * kid[:, :3].mean(0)
    ).all()  # brown mouth, blue pants, gray shoes
    # a rule a person can read: more kid colours than dad colours → kid
    rule = np.where(features[:, 3:].sum(1) > features[:, :3].sum(1), 0, 1)
    assert np.mean(rule == data.labels) >= 0.93


def test_masks_and_features_are_cvtcolor_inrange_and_the_pixel_share(small_set):
    # notebook 04 writes these steps out for one image before calling the helpers
    image = small_set.images[0]
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    masks = ch.colour_masks(image)
    by_hand = []
    for name in ch.FEATURES:
        low, high = ch.HSV_RANGES[name]
        mask = cv2.inRange(hsv, np.array(low), np.array(high))
        np.testing.assert_array_equal(masks[name], mask)
        by_hand.append(100 * np.count_nonzero(mask) / mask.size)
    np.testing.assert_allclose(ch.colour_features(image), by_hand)
    np.testing.assert_allclose(ch.extract_features(small_set.images[:3])[0], by_hand)


def test_masks_and_features_reject_bad_images():
    with pytest.raises(ValueError, match="BGR uint8"):
        ch.colour_features(np.zeros((10, 10), np.uint8))
    with pytest.raises(ValueError, match="BGR uint8"):
        ch.colour_features(np.zeros((10, 10, 3), np.float32))
    with pytest.raises(TypeError):
        ch.colour_masks(None)
    with pytest.raises(ValueError, match="stack"):
        ch.extract_features(np.zeros((10, 10, 3), np.uint8))
    masks = ch.colour_masks(np.zeros((5, 7, 3), np.uint8))
    assert list(masks) == list(ch.HSV_RANGES) and masks["gray shoes"].shape == (5, 7)


def test_csv_in_the_slides_format(tmp_path, small_set):
    features = ch.extract_features(small_set.images[:5])
    file = ch.write_features_csv(
        tmp_path / "sub" / "characters.csv", features, small_set.labels[:5]
    )
    lines = file.read_text().splitlines()
    assert len(lines) == 5
    for line, label in zip(lines, small_set.labels[:5]):
        values = line.split(",")
        assert len(values) == 7 and values[-1] == str(label)
        assert all("." in v and len(v.split(".")[1]) <= 9 for v in values[:6])  # 0.0, 9.861538462
    x, y = ch.read_features_csv(file)
    np.testing.assert_allclose(x, features, atol=1e-9)
    np.testing.assert_array_equal(y, small_set.labels[:5])


def test_csv_rejects_bad_shapes(tmp_path):
    with pytest.raises(ValueError, match=r"\(n, 6\)"):
        ch.write_features_csv(tmp_path / "a.csv", np.zeros((3, 5)), np.zeros(3, int))
    with pytest.raises(ValueError, match="labels"):
        ch.write_features_csv(tmp_path / "a.csv", np.zeros((3, 6)), np.zeros(2, int))
    bad = tmp_path / "bad.csv"
    bad.write_text("1,2,3\n")
    with pytest.raises(ValueError, match="expected 7"):
        ch.read_features_csv(bad)


def test_hsv_box_is_not_lighting_invariant(small_set):
    """Notebook 04: hue survives dimmer light, but value drops out of the box, so the share of
    'orange T-shirt' pixels falls to 0 although the T-shirt is still there."""
    kid = small_set.images[np.flatnonzero(small_set.labels == 0)[0]]
    orange = ch.colour_masks(kid)["orange T-shirt"] > 0
    assert ch.colour_features(kid)[ch.FEATURES.index("orange T-shirt")] > 1
    dim = (kid * 0.6).astype(np.uint8)
    assert ch.colour_features(dim)[ch.FEATURES.index("orange T-shirt")] == 0
    hue = cv2.cvtColor(dim, cv2.COLOR_BGR2HSV)[..., 0][orange]
    low, high = ch.HSV_RANGES["orange T-shirt"]
    assert np.mean((hue >= low[0]) & (hue <= high[0])) > 0.9  # the hue is still orange
