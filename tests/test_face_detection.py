"""Haar arithmetic, HOG histograms and the three face detectors on the real group photos."""

from __future__ import annotations

import numpy as np
import pytest

from cvcourse import assets, datasets, faces
from cvcourse.evaluation import MatchResult, match_detections
from cvcourse.haar import (
    cascade_summary,
    count_haar_features,
    integral_image,
    rect_sum,
    two_rect_feature,
)
from cvcourse.hog import cell_histogram, gradients
from cvcourse.images import read_image


def test_integral_image_and_the_slides_haar_feature():
    patch = np.array([[2, 3, 5, 6], [8, 9, 2, 1]])
    ii = integral_image(patch)
    assert ii[-1, -1] == patch.sum() and ii.shape == (3, 5)
    assert rect_sum(ii, 0, 0, 2, 2) == 22 and rect_sum(ii, 2, 0, 2, 2) == 14
    assert two_rect_feature(ii, 0, 0, 4, 2) == 8
    # notebook 01's four look-ups: below right − above right − below left + above left
    assert ii[2, 2] - ii[0, 2] - ii[2, 0] + ii[0, 0] == 22
    assert ii[2, 4] - ii[0, 4] - ii[2, 2] + ii[0, 2] == 14
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (30, 40))
    ii = integral_image(image)
    assert rect_sum(ii, 7, 3, 11, 13) == image[3:16, 7:18].sum()
    with pytest.raises(ValueError, match="outside"):
        rect_sum(ii, 35, 0, 10, 5)
    with pytest.raises(ValueError, match="2-D"):
        integral_image(np.zeros((2, 2, 3)))


def test_more_than_160000_features_in_24x24():
    counts = count_haar_features(24)
    assert sum(counts.values()) == 162_336
    assert counts["two-rectangle, side by side"] == 43_200
    # notebook 01's loop: widths 2, 4, …, 24 and heights 1, …, 24, (24 − w + 1)(24 − h + 1) places
    by_hand = sum((24 - w + 1) * (24 - h + 1) for w in range(2, 25, 2) for h in range(1, 25))
    assert by_hand == 43_200 == 144 * 300


def test_opencv_frontal_face_cascade_summary():
    window, per_stage = cascade_summary(
        assets.path("opencv/haarcascade_frontalface_default.xml", download=False)
    )
    assert window == 24 and len(per_stage) == 25 and sum(per_stage) == 2913 and per_stage[0] == 9


def test_cell_histogram_splits_votes_and_wraps_at_180():
    hist = cell_histogram(np.array([[10.0, 4.0, 6.0]]), np.array([[30.0, 0.0, 170.0]]))
    expected = np.zeros(9)
    expected[1] += 5
    expected[2] += 5  # 30° is halfway between the 20° and 40° bins
    expected[0] += 4  # 0° goes to the 0° bin
    expected[8] += 3
    expected[0] += 3  # 170° is halfway between 160° and 180° (= 0°)
    assert np.allclose(hist, expected)
    with pytest.raises(ValueError, match="shape"):
        cell_histogram(np.ones((2, 2)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="unsigned"):
        cell_histogram(np.ones((1, 1)), np.full((1, 1), 270.0))


def test_cell_histogram_matches_notebook_01s_three_pixel_votes():
    # notebook 01 votes the slides' pixels [0,0], [0,3] and [6,5] by hand before calling the helper
    hist = cell_histogram(np.array([[2, 4, 85]]), np.array([[80, 10, 165]]))
    assert hist.tolist() == [23.25, 2.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 63.75]


def test_gradients_are_the_centred_differences_notebook_01_writes_out():
    rng = np.random.default_rng(1)
    gray = rng.integers(0, 256, (12, 14)).astype(np.uint8)
    g = gray.astype(float)
    gx = g[1:-1, 2:] - g[1:-1, :-2]  # right neighbour − left neighbour
    gy = g[2:, 1:-1] - g[:-2, 1:-1]  # neighbour below − neighbour above
    magnitude, direction = gradients(gray)
    assert np.allclose(magnitude[1:-1, 1:-1], np.sqrt(gx**2 + gy**2))
    assert np.allclose(direction[1:-1, 1:-1], np.degrees(np.arctan2(gy, gx)) % 180)
    assert direction.min() >= 0 and direction.max() < 180
    # the mirrored border and the values agree with OpenCV's Sobel(ksize=1) and cartToPolar
    import cv2

    sx = cv2.Sobel(g.astype(np.float32), cv2.CV_32F, 1, 0, ksize=1)
    sy = cv2.Sobel(g.astype(np.float32), cv2.CV_32F, 0, 1, ksize=1)
    assert np.allclose(magnitude, cv2.magnitude(sx, sy), atol=1e-3)


def test_notebook_01s_eye_cell_and_its_block(real_asset):
    import cv2

    gray = cv2.cvtColor(read_image(real_asset("photos/grace_hopper.jpg")), cv2.COLOR_BGR2GRAY)
    magnitude, direction = gradients(gray)
    assert magnitude[186, 294:302].round().astype(int).tolist() == [68, 35, 71, 68, 126, 40, 24, 25]
    assert direction[186, 294:302].round().astype(int).tolist() == [31, 74, 40, 39, 42, 28, 128, 85]
    hist = cell_histogram(magnitude[186:194, 294:302], direction[186:194, 294:302])
    assert hist.round().astype(int).tolist() == [85, 390, 964, 624, 339, 114, 233, 310, 153]
    # a block of 2 × 2 cells divided by its length does not change when the light is halved
    patch = gray[186:202, 294:310].astype(float)

    def block(p):
        m, d = gradients(p)
        return np.concatenate(
            [
                cell_histogram(m[r : r + 8, c : c + 8], d[r : r + 8, c : c + 8])
                for r in (0, 8)
                for c in (0, 8)
            ]
        )

    full, half = block(patch), block(0.5 * patch)
    assert np.allclose(half, full / 2)
    assert np.allclose(full / np.linalg.norm(full), half / np.linalg.norm(half))


def test_gradients_of_a_vertical_edge():
    image = np.zeros((5, 6), np.uint8)
    image[:, 3:] = 100
    magnitude, direction = gradients(image)
    assert magnitude[2, 2] == pytest.approx(100) and magnitude[2, 0] == 0
    assert direction[2, 2] == pytest.approx(0)


@pytest.fixture
def group_photos(real_asset):
    truth = datasets.load_dlib_boxes(real_asset("faces_group/training.xml"))
    return truth, {name: read_image(real_asset(f"faces_group/{name}")) for name in truth}


def score(detect, group_photos) -> MatchResult:
    truth, photos = group_photos
    return sum(
        (match_detections(detect(photos[n]), truth[n]) for n in photos), MatchResult(0, 0, 0)
    )


def test_hog_finds_all_18_faces(group_photos):
    assert score(lambda im: faces.hog_faces(im, upsample=1), group_photos) == MatchResult(18, 0, 0)


def test_haar_finds_most_faces_with_few_false_alarms(group_photos):
    result = score(faces.haar_faces, group_photos)
    assert result.recall >= 0.6 and result.false_positives <= 2


def test_cnn_with_confidences(real_asset):
    photo = read_image(real_asset("photos/grace_hopper.jpg"))
    found = faces.cnn_faces(photo, upsample=0)
    assert len(found) == 1
    (x, y, w, h), confidence = found[0]
    assert 150 < x < 230 and 100 < y < 180 and w > 120 and confidence > 0.5


def test_detectors_refuse_wrong_input():
    with pytest.raises(TypeError):
        faces.haar_faces(None)
    with pytest.raises(ValueError, match="uint8"):
        faces.hog_faces(np.zeros((50, 50, 3), np.float32))
    with pytest.raises(Exception):
        faces.load_cascade("no_such_cascade.xml")
