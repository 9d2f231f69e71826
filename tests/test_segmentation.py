"""Segmentation helpers on the real DeepLabV3 and selfie-segmentation models and the course
photos."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from cvcourse import segmentation as seg
from cvcourse.images import read_image

GROUP = "faces_group/2008_001322.jpg"  # three people side by side, checked by eye
# the three people's YOLO (Yolo-Fastest, 320) boxes in notebook 14, left to right
PEOPLE = [(39, 144, 181, 221), (204, 170, 128, 200), (331, 119, 158, 256)]


@pytest.fixture
def deeplab(real_asset):
    return seg.DeepLab(
        real_asset(seg.DEEPLAB_ASSET), real_asset(seg.VOC_LABELS_ASSET), num_threads=1
    )


def test_voc_labels_and_colormap(real_asset):
    names = seg.read_voc_labels(real_asset(seg.VOC_LABELS_ASSET))
    assert (
        len(names) == 21
        and names[0] == "background"
        and names[15] == "person"
        and names[-1] == "tvmonitor"
    )
    cmap = seg.voc_colormap()
    # PASCAL VOC's published colours: background black, aeroplane dark red, person (192, 128, 128)
    assert (
        cmap[0].tolist() == [0, 0, 0]
        and cmap[1].tolist() == [128, 0, 0]
        and cmap[15].tolist() == [192, 128, 128]
    )
    assert len({tuple(c) for c in cmap[:21]}) == 21
    colour = seg.colorize(np.array([[0, 15]], np.uint8))
    assert colour[0, 1].tolist() == [128, 128, 192]  # BGR


def test_deeplab_on_people(deeplab, real_asset):
    image = read_image(real_asset(GROUP))
    labels = deeplab.segment(image)
    assert labels.shape == image.shape[:2] and labels.dtype == np.uint8
    shares = seg.class_shares(labels, deeplab.names)
    assert list(shares)[:2] in (["background", "person"], ["person", "background"])
    assert 0.35 < shares["person"] < 0.6 and abs(sum(shares.values()) - 1) < 1e-9
    # the faces (centres of the boxes' upper thirds) are person, the top corners of the photo are
    # not
    for x, y, w, h in PEOPLE:
        assert labels[y + h // 4, x + w // 2] == 15
    assert labels[5, 5] == 0 and labels[5, -5] == 0


def test_segment_is_bilinear_resize_then_argmax(deeplab, real_asset):
    """Notebook 14 writes the step out: the 21 score maps are resized to the photo, then argmax."""
    image = read_image(real_asset(GROUP))
    scores = cv2.resize(
        deeplab.scores(image), (image.shape[1], image.shape[0]), interpolation=cv2.INTER_LINEAR
    )
    assert np.array_equal(deeplab.segment(image), scores.argmax(axis=2))


def test_deeplab_finds_dog_and_bicycle(deeplab, real_asset):
    labels = deeplab.segment(read_image(real_asset("detection_images/dog.jpg")))
    shares = seg.class_shares(labels, deeplab.names)
    assert shares.get("dog", 0) > 0.03 and shares.get("bicycle", 0) > 0.03, shares
    assert labels[420, 220] == deeplab.names.index("dog")  # the dog's body, checked by eye


def test_selfie_and_background(real_asset):
    model = seg.SelfieSegmenter(real_asset(seg.SELFIE_ASSET), num_threads=1)
    image = read_image(real_asset("photos/grace_hopper.jpg"))
    prob = model.probability(image)
    assert prob.shape == image.shape[:2] and 0 <= prob.min() and prob.max() <= 1
    h, w = prob.shape
    assert prob[h // 3, w // 2] > 0.9 and prob[10, 10] < 0.1  # the face vs the top-left corner
    green = seg.replace_background(image, prob > 0.5, (0, 255, 0))
    assert green[10, 10].tolist() == [0, 255, 0] and np.array_equal(
        green[h // 3, w // 2], image[h // 3, w // 2]
    )
    soft = seg.replace_background(image, prob, np.zeros((10, 10, 3), np.uint8))
    assert soft.shape == image.shape and soft[10, 10].max() <= 30


def test_shares_iou_overlay_by_hand():
    labels = np.array([[0, 0, 15, 15], [0, 12, 12, 15]], np.uint8)
    names = [f"c{i}" for i in range(21)]
    assert seg.class_shares(labels, names) == {"c0": 3 / 8, "c15": 3 / 8, "c12": 2 / 8}
    a = np.array([[1, 1, 0, 0]], bool)
    b = np.array([[0, 1, 1, 0]], bool)
    assert seg.mask_iou(a, b) == pytest.approx(1 / 3) and seg.mask_iou(a, a) == 1.0
    assert seg.mask_iou(np.zeros(3, bool), np.zeros(3, bool)) == 0.0
    image = np.full((2, 4, 3), 100, np.uint8)
    out = seg.overlay(image, seg.colorize(labels), alpha=0.5, where=labels > 0)
    assert out[0, 0].tolist() == [100, 100, 100] and out[0, 2].tolist() == [114, 114, 146]


def test_instances_from_semantic_and_grabcut(deeplab, real_asset):
    image = read_image(real_asset(GROUP))
    labels = deeplab.segment(image)
    masks = seg.semantic_instance_masks(labels, PEOPLE, [15] * 3)
    assert not np.any(masks[0] & masks[1]) and not np.any(masks[1] & masks[2])  # no shared pixels
    for (x, y, w, h), mask in zip(PEOPLE, masks):
        assert mask.sum() > 0.3 * w * h and mask[y + h // 4, x + w // 2]
        assert not mask[:, :x].any() and not mask[:, x + w :].any()  # nothing outside its box
    cut = seg.grabcut_mask(image, PEOPLE[0])
    assert cut.dtype == bool and cut[PEOPLE[0][1] + 40, PEOPLE[0][0] + 90]  # the left man's face
    assert np.array_equal(cut, seg.grabcut_mask(image, PEOPLE[0]))  # seeded: repeatable
    assert 0.2 < seg.mask_iou(cut, masks[0]) < 0.9
    drawn = seg.draw_instances(image, masks, ["a", "b", "c"])
    assert drawn.shape == image.shape and not np.array_equal(drawn, image)


def test_selective_search(real_asset):
    image = read_image(real_asset(GROUP))
    boxes = seg.selective_search(image, width=200)
    assert 100 < len(boxes) < 2000 and boxes.shape[1] == 4
    assert boxes[:, 0].min() >= 0 and (boxes[:, 0] + boxes[:, 2]).max() <= image.shape[1] + 3
    again = seg.selective_search(image, width=200)
    assert np.array_equal(boxes, again)  # seeded: the same order
    unseeded = seg.selective_search(image, width=200, seed=None)
    assert sorted(map(tuple, unseeded)) == sorted(map(tuple, boxes))  # the same set in any case


def test_coco90_names(real_asset):
    coco80 = [n for n in real_asset(seg.COCO_NAMES_ASSET).read_text().splitlines() if n.strip()]
    names = seg.coco90_names(coco80)
    assert (
        len(names) == 90 and names[0] == "person" and names[11] == "-" and names[12] == "stop sign"
    )
    assert names[89] == "toothbrush" and names.count("-") == 10


@pytest.mark.parametrize(
    "bad", [None, np.zeros((0, 5, 3), np.uint8), np.zeros((4, 4, 3), object), "photo.jpg"]
)
def test_bad_images_get_a_clear_error(deeplab, bad):
    with pytest.raises((TypeError, ValueError), match="image"):
        deeplab.segment(bad)
    with pytest.raises((TypeError, ValueError), match="image"):
        seg.selective_search(bad)
    with pytest.raises((TypeError, ValueError), match="image"):
        seg.grabcut_mask(bad, (0, 0, 3, 3))


def test_bad_labels_and_missing_files(tmp_path):
    with pytest.raises(TypeError, match="label map"):
        seg.colorize(None)
    with pytest.raises(ValueError, match="2-D integer"):
        seg.class_shares(np.zeros((2, 2), np.float32), ["a"])
    with pytest.raises(FileNotFoundError, match="no TF Lite model"):
        seg.DeepLab(tmp_path / "missing.tflite")
    with pytest.raises(ValueError, match="differ in shape"):
        seg.mask_iou(np.zeros(3, bool), np.zeros(4, bool))
    with pytest.raises(FileNotFoundError, match="Mask R-CNN frozen graph"):
        seg.MaskRCNN(tmp_path / "graph.pb", tmp_path / "graph.pbtxt", ["x"] * 80)


def test_mask_rcnn_archive_is_extracted_once(tmp_path, monkeypatch, real_asset):
    """The full-course download path without the 170 MB model: a stand-in archive and graph."""
    import io
    import tarfile

    folder = tmp_path / "mask_rcnn"
    folder.mkdir()
    archive = folder / "mask_rcnn_inception_v2_coco_2018_01_28.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        data = b"not a graph"
        info = tarfile.TarInfo("mask_rcnn_inception_v2_coco_2018_01_28/frozen_inference_graph.pb")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    (folder / "mask_rcnn_inception_v2_coco_2018_01_28.pbtxt").write_text("node {}\n")
    (tmp_path / "yolo_fastest").mkdir()
    (tmp_path / "yolo_fastest" / "coco.names").write_bytes(
        real_asset(seg.COCO_NAMES_ASSET).read_bytes()
    )
    monkeypatch.setenv("CVCOURSE_ASSETS", str(tmp_path))
    with pytest.raises(ValueError, match="cannot read frozen_inference_graph.pb"):
        seg.load_mask_rcnn(download=False)
    extracted = folder / "mask_rcnn_inception_v2_coco_2018_01_28" / "frozen_inference_graph.pb"
    assert extracted.read_bytes() == b"not a graph"


def test_overlapping_boxes_go_to_the_nearer_centre_in_box_sizes():
    """Notebook 14 writes the rule out: a pixel in two boxes goes to the box whose centre is nearer,
    measured in box sizes — which can differ from the nearer centre in pixels."""
    labels = np.full((10, 20), 15, np.uint8)
    a, b = (0, 0, 10, 10), (5, 0, 15, 10)  # centres x = 5 (w 10) and x = 12.5 (w 15)
    mask_a, mask_b = seg.semantic_instance_masks(labels, [a, b], [15, 15])
    # pixel column 7 (centre 7.5): 0.25 of box a's width from its centre, 0.33 of box b's → a
    assert mask_a[:, 7].all() and not mask_b[:, 7].any()
    # column 8 (centre 8.5): 3.5 px from a's centre and 4 px from b's, but 0.35 vs 0.27 box widths →
    # b
    assert mask_b[:, 8].all() and not mask_a[:, 8].any()
    assert not (mask_a & mask_b).any() and (mask_a | mask_b).all()
    assert not mask_a[:, 10:].any() and not mask_b[:, :5].any()  # never outside its box


def test_plot_segmentation_legend_shows_every_class_present():
    """The legend sits below all three panels and never reads "0%" for a class that is present."""
    labels = np.zeros((100, 100), np.uint8)
    labels[:50, :50] = 15  # 25 %
    labels[99, :40] = 12  # 0.4 %
    labels[98, :4] = 8  # 0.04 %
    names = [f"c{i}" for i in range(21)]
    fig = seg.plot_segmentation(np.full((100, 100, 3), 90, np.uint8), labels, names, show=False)
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert texts == ["c0 75%", "c15 25%", "c12 0.4%", "c8 <0.1%"]
    assert all(ax.get_position().width > 0.25 for ax in fig.axes)  # the legend squeezes no panel
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_selective_search_puts_small_proposals_first(real_asset):
    """OpenCV ranks a region by a random number times its merge level, lowest first."""
    boxes = seg.selective_search(read_image(real_asset(GROUP)), width=200)
    area = boxes[:, 2] * boxes[:, 3]
    assert np.median(area[: len(area) // 2]) < np.median(area[len(area) // 2 :])


def test_mask_rcnn_detect_decodes_rows_and_masks_as_notebook_14_writes_out():
    """Notebook 14's ``mask_in_box``: a row's corners (fractions) → a pixel box; the mask of the
    row's own class, resized (bilinear) into the box, above the threshold 0.3. Checked on a stand-in
    network (the real graph is a full-course download)."""
    h, w = 375, 500
    rows = np.zeros((1, 1, 3, 7), np.float32)
    rows[0, 0, 0] = [0, 1, 0.9, 0.1, 0.2, 0.5, 0.8]  # class 1, kept
    rows[0, 0, 1] = [0, 2, 0.4, 0.0, 0.0, 1.0, 1.0]  # below the confidence: dropped
    rows[0, 0, 2] = [0, 3, 0.7, 0.6, 0.5, 1.2, 0.9]  # right edge past the image: clipped
    masks = np.zeros((3, 4, 15, 15), np.float32)
    masks[0, 1] = np.linspace(0, 1, 15)[None]  # rises from left to right: 0.3 cuts it
    masks[0, 0] = 1  # another class's mask: ignored
    masks[2, 3] = 0.31  # everywhere just above the threshold

    class StandIn:
        def setInput(self, blob):
            self.blob = blob

        def forward(self, names):
            assert names == ["detection_out_final", "detection_masks"]
            return rows, masks

    model = seg.MaskRCNN.__new__(seg.MaskRCNN)
    model.net, model.names = StandIn(), [f"class {i}" for i in range(4)]
    image = np.zeros((h, w, 3), np.uint8)
    image[..., 0] = 255  # blue in BGR
    found = model.detect(image, confidence=0.5)
    assert model.net.blob.shape == (1, 3, h, w) and model.net.blob[0, 2].min() == 255  # RGB
    assert [(i.class_name, i.box) for i in found] == [
        ("class 1", (50, 75, 200, 225)),
        ("class 3", (300, 187, 200, 150)),
    ]
    small = cv2.resize(masks[0, 1], (200, 225), interpolation=cv2.INTER_LINEAR)
    expected = np.zeros((h, w), bool)
    expected[75:300, 50:250] = small > 0.3
    assert np.array_equal(found[0].mask, expected)
    assert 0 < found[0].mask.sum() < 200 * 225 and found[1].mask.sum() == 200 * 150
    assert not model.detect(image, confidence=0.5, mask_threshold=0.5)[1].mask.any()
