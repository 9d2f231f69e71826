"""Data-set loaders and detection scoring."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from cvcourse import datasets
from cvcourse.evaluation import MatchResult, iou, match_detections


def test_fashion_mnist(real_asset):
    real_asset("fashion_mnist/train-images-idx3-ubyte.gz")
    (x, y), (xt, yt) = datasets.load_fashion_mnist(n_train=1000)
    assert x.shape == (1000, 28, 28) and x.dtype == np.uint8 and xt.shape == (10000, 28, 28)
    assert sorted(np.unique(yt)) == list(range(10)) and np.bincount(yt).tolist() == [1000] * 10
    assert y[0] == 9 and datasets.FASHION_MNIST_CLASSES[9] == "Ankle boot"


def test_read_idx_refuses_truncated_and_foreign_files(tmp_path):
    good = np.arange(12, dtype=np.uint8).reshape(3, 4)
    header = bytes([0, 0, 8, 2]) + (3).to_bytes(4, "big") + (4).to_bytes(4, "big")
    (tmp_path / "ok.gz").write_bytes(gzip.compress(header + good.tobytes()))
    assert np.array_equal(datasets.read_idx(tmp_path / "ok.gz"), good)
    (tmp_path / "short").write_bytes(header + good.tobytes()[:7])
    with pytest.raises(ValueError, match="truncated"):
        datasets.read_idx(tmp_path / "short")
    (tmp_path / "png").write_bytes(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(ValueError, match="not an unsigned-byte IDX"):
        datasets.read_idx(tmp_path / "png")


def test_dlib_boxes_of_the_group_photos(real_asset):
    real_asset("faces_group/training.xml")
    boxes = datasets.load_dlib_boxes()
    assert {k: len(v) for k, v in boxes.items()} == {
        "2007_007763.jpg": 7,
        "2008_002079.jpg": 6,
        "2008_001009.jpg": 2,
        "2008_001322.jpg": 3,
    }
    assert boxes["2008_001009.jpg"][0] == (145, 79, 76, 76)


def test_iou():
    assert iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1.0
    assert iou((0, 0, 10, 10), (5, 0, 10, 10)) == pytest.approx(50 / 150)
    assert iou((0, 0, 10, 10), (20, 20, 5, 5)) == 0.0
    with pytest.raises(ValueError):
        iou((0, 0, -1, 5), (0, 0, 1, 1))


def test_matching_counts_a_double_detection_once():
    truth = [(0, 0, 10, 10), (50, 50, 10, 10)]
    dets = [(1, 1, 10, 10), (0, 0, 11, 11), (200, 200, 5, 5)]
    result = match_detections(dets, truth)
    assert result == MatchResult(1, 2, 1)
    assert (result + MatchResult(1, 0, 0)).true_positives == 2
    assert result.precision == pytest.approx(1 / 3) and result.recall == 0.5
    assert match_detections([], []) == MatchResult(0, 0, 0)
