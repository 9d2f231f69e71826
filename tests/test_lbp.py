"""LBP by hand: the slides' two patches (both 226), the LBP image and OpenCV's LBPH histograms."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from cvcourse.images import read_image
from cvcourse.lbp import lbp_bits, lbp_code, lbp_histograms, lbp_image

SLIDE_PATCH = [[12, 15, 18], [5, 8, 3], [8, 1, 2]]
SLIDE_PATCH_2 = [[42, 55, 48], [35, 38, 33], [38, 30, 32]]


def test_the_slides_patches_give_226():
    assert lbp_bits(SLIDE_PATCH) == "11100010"
    assert lbp_code(SLIDE_PATCH) == 226 == lbp_code(SLIDE_PATCH_2)


def test_monotonic_brightness_changes_keep_the_code_and_others_do_not():
    patch = np.array(SLIDE_PATCH)
    assert lbp_code(patch + 30) == lbp_code(3 * patch) == lbp_code(np.sqrt(patch)) == 226
    assert lbp_code(255 - patch) != 226  # inverting the order changes the code
    assert lbp_code(np.full((3, 3), 7)) == 255  # flat: every neighbour >= centre
    with pytest.raises(ValueError, match="3 × 3"):
        lbp_code(np.zeros((3, 4)))


def test_lbp_image_on_a_real_face(real_asset):
    face = read_image(real_asset("yalefaces/subject02.normal"), gray=True)
    codes = lbp_image(face)
    assert codes.shape == (face.shape[0] - 2, face.shape[1] - 2) and codes.dtype == np.uint8
    # the 3x3 operator at radius 1 samples the 8 neighbours; away from ties it equals lbp_code
    # at radius 1 the 4 side neighbours are sampled exactly: compare them with lbp_bits on patches
    # of the face whose 9 values all differ (no ties)
    checked = 0
    for r in range(100, 200, 5):
        for c in range(120, 200, 5):
            patch = face[r - 1 : r + 2, c - 1 : c + 2].astype(int)
            if len(np.unique(patch)) < 9:
                continue
            bits = lbp_bits(patch)  # clockwise from top-left: TL T TR R BR B BL L
            side = {
                0: bits[3],
                2: bits[1],
                4: bits[7],
                6: bits[5],
            }  # OpenCV bit n: right, top, left, bottom
            assert all((int(codes[r - 1, c - 1]) >> n) & 1 == int(b) for n, b in side.items())
            checked += 1
    assert checked >= 10
    assert len(np.unique(codes)) > 100  # a face has many different patterns
    assert lbp_image(face, radius=2, neighbors=12).max() < 2**12
    with pytest.raises(ValueError, match="gray"):
        lbp_image(np.zeros((10, 10, 3), np.uint8))


def test_histograms_equal_opencvs_lbph(real_asset):
    face = read_image(real_asset("yalefaces/subject05.happy"), gray=True)
    crop = cv2.resize(face[60:220, 90:230], (100, 100))
    for radius, neighbors, grid in [(2, 8, 8), (3, 8, 5), (2, 4, 7)]:
        lbph = cv2.face.LBPHFaceRecognizer_create(
            radius=radius, neighbors=neighbors, grid_x=grid, grid_y=grid
        )
        lbph.train([crop], np.array([0]))
        ours = lbp_histograms(lbp_image(crop, radius, neighbors), grid, grid, neighbors)
        assert ours.shape == (grid, grid, 2**neighbors)
        theirs = lbph.getHistograms()[0].ravel()
        differ = np.abs(theirs - ours.ravel()) > 1e-6  # only ties broken the other way by float32
        assert differ.mean() < 0.001 and np.abs(theirs - ours.ravel()).max() < 0.02
    with pytest.raises(ValueError, match="cells"):
        lbp_histograms(np.zeros((4, 4), np.uint8), 8, 8)
