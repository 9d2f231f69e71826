"""Image segmentation: a class for every pixel (semantic) and a mask for every object (instance).

* :class:`DeepLab` runs the course's DeepLabV3 (MobileNetV2, PASCAL VOC, 21 classes) TF Lite
  model: RGB 257×257 in [-1, 1] in, 257×257×21 class scores out; :meth:`DeepLab.segment` returns
  a label map at the image's own size (scores resized bilinearly, then ``argmax``).
* :class:`SelfieSegmenter` runs MediaPipe's selfie segmentation (RGB 256×256 in [0, 1] in, the
  probability of "person" per pixel out) for background removal and replacement.
* Colour maps, overlays, per-class pixel shares, mask IoU.
* Region proposals (OpenCV's selective search, the first step of R-CNN) and instances:
  Mask R-CNN (COCO, TF Object Detection export) through OpenCV DNN in the full course; in default
  mode an approximation built from real parts — a detector's boxes, each mask the semantic mask
  inside its box or ``cv2.grabCut`` seeded by the box.

Every function checks its image with :func:`cvcourse.images.check_image` (None, wrong dtype,
empty → one clear error).
"""

from __future__ import annotations

import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import cv2
import numpy as np

from cvcourse import tflite
from cvcourse.images import check_image
from cvcourse.validation import check_box, check_file, check_names, check_uint8, opencv_reason

DEEPLAB_ASSET = "segmentation/deeplabv3_257_mv_gpu.tflite"
VOC_LABELS_ASSET = "segmentation/pascal_voc_segmentation_labels.txt"
SELFIE_ASSET = "segmentation/selfie_segmentation.tflite"
MASK_RCNN_TAR = "mask_rcnn/mask_rcnn_inception_v2_coco_2018_01_28.tar.gz"
MASK_RCNN_PBTXT = "mask_rcnn/mask_rcnn_inception_v2_coco_2018_01_28.pbtxt"
COCO_NAMES_ASSET = "yolo_fastest/coco.names"
N_VOC_CLASSES = 21
# COCO's category ids run 1..90 with 10 ids unused by the 80 classes; TF Object Detection models
# (Mask R-CNN) number their classes by these ids, OpenCV returns id - 1.
COCO_UNUSED_IDS = (12, 26, 29, 30, 45, 66, 68, 69, 71, 83)
# COCO class names (coco.names) whose PASCAL VOC class has another name
COCO_TO_VOC = {
    "airplane": "aeroplane",
    "motorbike": "motorbike",
    "motorcycle": "motorbike",
    "dining table": "diningtable",
    "diningtable": "diningtable",
    "potted plant": "pottedplant",
    "pottedplant": "pottedplant",
    "couch": "sofa",
    "sofa": "sofa",
    "tv": "tvmonitor",
    "tvmonitor": "tvmonitor",
}
Box = Sequence[int]  # (x, y, w, h)


def _bgr(image: object, name: str = "image") -> np.ndarray:
    """A checked 3-channel uint8 BGR copy-free view (gray expanded, alpha dropped).

    Only uint8 is taken: the networks scale 0-255 pixels themselves, so 0-1 floats would come out
    black (and 16-bit pixels saturated) without an error.
    """
    image = check_uint8(check_image(image, name), name, "segmentation")
    if image.ndim == 2 or image.shape[2] == 1:
        image = cv2.cvtColor(image.reshape(image.shape[:2]), cv2.COLOR_GRAY2BGR)
    elif image.shape[2] == 4:
        image = image[:, :, :3]
    return image


def model_input(image: np.ndarray, size: int, low: float, high: float) -> np.ndarray:
    """A BGR image → the ``(1, size, size, 3)`` float32 RGB batch scaled from 0–255 to
    ``low``–``high``."""
    rgb = cv2.cvtColor(_bgr(image), cv2.COLOR_BGR2RGB)
    rgb = cv2.resize(
        rgb,
        (size, size),
        interpolation=cv2.INTER_AREA if min(rgb.shape[:2]) > size else cv2.INTER_LINEAR,
    )
    return (rgb.astype(np.float32) * ((high - low) / 255.0) + low)[None]


def read_voc_labels(labels_file: str | Path | None = None) -> list[str]:
    """The 21 PASCAL VOC class names, ``background`` first (the labels file's first 21 lines)."""
    from cvcourse import assets

    labels_file = (
        check_file(labels_file, "labels_file", "labels file")
        if labels_file is not None
        else assets.path(VOC_LABELS_ASSET)
    )
    lines = [line.strip() for line in labels_file.read_text(encoding="utf-8").splitlines()]
    names = []
    for line in lines:
        if not line:
            break
        names.append(line)
    if len(names) != N_VOC_CLASSES or names[0] != "background":
        raise ValueError(
            f"{labels_file} does not start with the 21 PASCAL VOC classes (background first)"
        )
    return names


def voc_colormap(n: int = 256) -> np.ndarray:
    """PASCAL VOC's colour map, ``(n, 3)`` uint8 **RGB**: class ``c``'s bits spread over R, G, B.

    Bit ``3k`` of ``c`` sets bit ``7 - k`` of R, bit ``3k + 1`` of G, bit ``3k + 2`` of B, so
    background (0) is black, aeroplane (1) dark red (128, 0, 0), person (15) (192, 128, 128).
    """
    cmap = np.zeros((n, 3), np.uint8)
    for c in range(n):
        r = g = b = 0
        value = c
        for k in range(8):
            r |= ((value >> 0) & 1) << (7 - k)
            g |= ((value >> 1) & 1) << (7 - k)
            b |= ((value >> 2) & 1) << (7 - k)
            value >>= 3
        cmap[c] = (r, g, b)
    return cmap


def check_labels(labels: object, name: str = "labels") -> np.ndarray:
    """``labels`` if it is a non-empty 2-D integer array (a label map), else a clear error."""
    if labels is None or not isinstance(labels, np.ndarray):
        raise TypeError(
            f"{name} must be a 2-D integer numpy array (a label map), not {type(labels).__name__}"
        )
    if labels.ndim != 2 or labels.size == 0 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"{name} must be a non-empty 2-D integer array, got shape {labels.shape} dtype "
            f"{labels.dtype}"
        )
    return labels


def colorize(
    labels: np.ndarray, colormap: np.ndarray | None = None, bgr: bool = True
) -> np.ndarray:
    """A label map → a colour image (VOC colours by default), BGR for OpenCV unless
    ``bgr=False``."""
    labels = check_labels(labels)
    cmap = voc_colormap() if colormap is None else np.asarray(colormap, np.uint8)
    if labels.min() < 0 or labels.max() >= len(cmap):
        raise ValueError(
            f"labels run {labels.min()}..{labels.max()}, the colour map has {len(cmap)} colours"
        )
    color = cmap[labels]
    return color[:, :, ::-1].copy() if bgr else color


def overlay(
    image: np.ndarray, color_mask: np.ndarray, alpha: float = 0.5, where: np.ndarray | None = None
) -> np.ndarray:
    """``(1 - alpha) · image + alpha · color_mask`` (both BGR), only where ``where`` is True if
    given."""
    image, color_mask = _bgr(image), _bgr(color_mask, "color_mask")
    if image.shape != color_mask.shape:
        raise ValueError(f"image {image.shape} and colour mask {color_mask.shape} differ in size")
    if not 0 <= alpha <= 1:
        raise ValueError(f"alpha must be in [0, 1], got {alpha}")
    blended = cv2.addWeighted(image, 1 - alpha, color_mask, alpha, 0)
    if where is None:
        return blended
    out = image.copy()
    out[where] = blended[where]
    return out


def class_shares(labels: np.ndarray, names: Sequence[str]) -> dict[str, float]:
    """The share (0–1) of the pixels of each class present in a label map, largest first."""
    labels = check_labels(labels)
    names = check_names(names, "names")
    counts = np.bincount(labels.ravel(), minlength=len(names))
    if len(counts) > len(names):
        raise ValueError(f"label {len(counts) - 1} has no name ({len(names)} names)")
    order = np.argsort(-counts, kind="stable")
    return {names[c]: counts[c] / labels.size for c in order if counts[c]}


def mask_iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two boolean masks of the same shape (0 when both are empty)."""
    a, b = np.asarray(a, bool), np.asarray(b, bool)
    if a.shape != b.shape:
        raise ValueError(f"masks differ in shape: {a.shape} vs {b.shape}")
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 0.0


class DeepLab:
    """DeepLabV3 (MobileNetV2 backbone, PASCAL VOC) as a TF Lite model (:mod:`cvcourse.tflite`)."""

    size = 257

    def __init__(
        self,
        model_file: str | Path | None = None,
        labels_file: str | Path | None = None,
        num_threads: int | None = None,
    ):
        from cvcourse import assets

        model_file = Path(model_file) if model_file is not None else assets.path(DEEPLAB_ASSET)
        self.interpreter = tflite.load_interpreter(model_file, num_threads=num_threads)
        self.names = read_voc_labels(labels_file)
        shape = tuple(self.interpreter.get_output_details()[0]["shape"])
        if shape[-1] != len(self.names):
            raise ValueError(
                f"{Path(model_file).name} outputs {shape[-1]} classes, the labels list "
                f"{len(self.names)}"
            )

    def preprocess(self, image: np.ndarray) -> np.ndarray:
        """BGR image → ``(1, 257, 257, 3)`` RGB float32 in [-1, 1] (``x / 127.5 - 1``)."""
        return model_input(image, self.size, -1.0, 1.0)

    def scores(self, image: np.ndarray) -> np.ndarray:
        """The raw class scores ``(257, 257, 21)`` of one BGR image."""
        return tflite.run(self.interpreter, self.preprocess(image))[0][0]

    def segment(self, image: np.ndarray) -> np.ndarray:
        """A label map ``(H, W)`` uint8 at the image's size: scores resized bilinearly, then
        argmax."""
        image = _bgr(image)
        scores = cv2.resize(
            self.scores(image), (image.shape[1], image.shape[0]), interpolation=cv2.INTER_LINEAR
        )
        return scores.argmax(axis=2).astype(np.uint8)


class SelfieSegmenter:
    """MediaPipe selfie segmentation (TF Lite): the probability that each pixel shows a person."""

    size = 256

    def __init__(self, model_file: str | Path | None = None, num_threads: int | None = None):
        from cvcourse import assets

        model_file = Path(model_file) if model_file is not None else assets.path(SELFIE_ASSET)
        self.interpreter = tflite.load_interpreter(model_file, num_threads=num_threads)
        inputs, outputs = (
            self.interpreter.get_input_details(),
            self.interpreter.get_output_details(),
        )
        if (
            len(inputs) != 1
            or [int(n) for n in inputs[0]["shape"]] != [1, self.size, self.size, 3]
            or len(outputs) != 1
            or [int(n) for n in outputs[0]["shape"]] != [1, self.size, self.size, 1]
        ):
            raise ValueError(
                f"model_file {model_file.name} is not MediaPipe's selfie segmentation: expected "
                f"one input 1×{self.size}×{self.size}×3 and one output 1×{self.size}×{self.size}×1 "
                f"(P(person) per pixel), it has inputs {tflite.describe_tensors(inputs)} and "
                f"outputs {tflite.describe_tensors(outputs)}. Leave model_file out for the "
                f"course's {SELFIE_ASSET}"
            )

    def probability(self, image: np.ndarray) -> np.ndarray:
        """``(H, W)`` float32 in [0, 1] at the image's size (input: RGB 256×256 scaled to [0,
        1])."""
        image = _bgr(image)
        prob = tflite.run(self.interpreter, model_input(image, self.size, 0.0, 1.0))[0][0, :, :, 0]
        return np.clip(
            cv2.resize(prob, (image.shape[1], image.shape[0]), interpolation=cv2.INTER_LINEAR), 0, 1
        )


def replace_background(
    image: np.ndarray, foreground: np.ndarray, background: np.ndarray | tuple[int, int, int]
) -> np.ndarray:
    """Keep the foreground, replace the rest:
    ``foreground · image + (1 - foreground) · background``.

    ``foreground`` is a probability or boolean mask ``(H, W)``; ``background`` an image (resized to
    fit) or a BGR colour. The soft probability blends the edge (hair) instead of cutting it.
    """
    image = _bgr(image)
    alpha = np.asarray(foreground, np.float32)
    if alpha.shape != image.shape[:2]:
        raise ValueError(
            f"foreground mask {alpha.shape} does not match the image {image.shape[:2]}"
        )
    if isinstance(background, tuple):
        back = np.empty_like(image)
        back[:] = background
    else:
        back = cv2.resize(
            _bgr(background, "background"),
            (image.shape[1], image.shape[0]),
            interpolation=cv2.INTER_AREA,
        )
    alpha = np.clip(alpha, 0, 1)[:, :, None]
    return (alpha * image + (1 - alpha) * back).round().astype(np.uint8)


def _share_text(share: float) -> str:
    """A pixel share for a legend: whole percent from 10 % up, one decimal below it, so that a
    class that is present never reads "0%" (a share under 0.05 % reads "<0.1%")."""
    if share >= 0.1:
        return f"{share:.0%}"
    return f"{share:.1%}" if share >= 0.0005 else "<0.1%"


def plot_segmentation(
    image: np.ndarray,
    labels: np.ndarray,
    names: Sequence[str],
    alpha: float = 0.6,
    title: str = "",
    show: bool = True,
):
    """Image, colour mask and overlay side by side, with a legend of the classes present (and
    their pixel shares) below all three.

    With ``show`` the figure is displayed inline as a compact JPEG and None returned, else the
    figure is returned."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from cvcourse.display import show_figure

    image = _bgr(image)
    names = check_names(names, "names")
    color = colorize(labels)
    cmap = voc_colormap()
    shares = class_shares(labels, names)
    handles = [
        Patch(color=cmap[names.index(n)] / 255, label=f"{n} {_share_text(s)}")
        for n, s in shares.items()
    ]
    columns = min(6, len(handles))
    legend_height = 0.35 * -(-len(handles) // columns) + 0.15  # inches: one line per 6 classes
    panel_width = 13 / 3
    fig, axes = plt.subplots(
        1, 3, figsize=(13, panel_width * image.shape[0] / image.shape[1] + 0.4 + legend_height)
    )
    panels = [
        (image, title or "image"),
        (color, "class mask"),
        (overlay(image, color, alpha), "overlay"),
    ]
    for ax, (panel, name) in zip(axes, panels):
        ax.imshow(cv2.cvtColor(panel, cv2.COLOR_BGR2RGB))
        ax.set_title(name)
        ax.axis("off")
    fig.legend(handles=handles, loc="lower center", ncol=columns, fontsize=10, frameon=False)
    fig.tight_layout(rect=(0, legend_height / fig.get_figheight(), 1, 1))
    if show:
        return show_figure(fig)
    return fig


def seed_c_rand(seed: int = 0) -> bool:
    """Seed the C library's ``rand()``, which OpenCV's selective search uses to shuffle its ranking.

    OpenCV ranks each region by its merge level (1 for the first, small regions, one more for
    each merge above them) times a random number from ``rand()``, and returns the lowest ranks
    first, so early, small regions tend to come first (Uijlings et al. 2013 rank the other way
    round); without a seed the order — not the set — changes from run to run. Returns False
    where the C library cannot be reached (then the order stays random).
    """
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None)
        libc.srand(ctypes.c_uint(seed))
    except (OSError, AttributeError, TypeError):
        return False
    return True


def selective_search(
    image: np.ndarray, width: int = 200, fast: bool = True, seed: int | None = 0
) -> np.ndarray:
    """Region proposals ``(n, 4)`` as ``(x, y, w, h)`` in the image's pixels (R-CNN's step 2).

    OpenCV's selective search (opencv-contrib ``cv2.ximgproc``) groups superpixels by colour,
    texture, size and fill; it runs on a copy resized to ``width`` (it is slow on big images) and
    the boxes are scaled back. ``fast=False`` is the slower "quality" mode (more proposals).
    ``seed`` fixes the order of the proposals (:func:`seed_c_rand`); ``None`` leaves it random.
    """
    image = _bgr(image)
    if not hasattr(cv2, "ximgproc"):
        raise ImportError("selective search needs opencv-contrib-python (cv2.ximgproc is missing)")
    scale = width / image.shape[1]
    small = cv2.resize(
        image, (width, max(1, round(image.shape[0] * scale))), interpolation=cv2.INTER_AREA
    )
    search = cv2.ximgproc.segmentation.createSelectiveSearchSegmentation()
    search.setBaseImage(small)
    search.switchToSelectiveSearchFast() if fast else search.switchToSelectiveSearchQuality()
    if seed is not None:
        seed_c_rand(seed)
    boxes = search.process().astype(np.float64)
    return np.round(boxes * image.shape[1] / width).astype(int)


def semantic_instance_masks(
    labels: np.ndarray, boxes: Sequence[Box], classes: Sequence[int]
) -> list[np.ndarray]:
    """Approximate instance masks: for each box, the pixels inside it labelled with its class.

    A pixel inside several boxes of the same class goes to the box whose centre is nearest
    (measured in box sizes), so instances never share pixels.
    """
    labels = check_labels(labels)
    if len(boxes) != len(classes):
        raise ValueError(f"{len(boxes)} boxes for {len(classes)} classes")
    h, w = labels.shape
    ys, xs = np.mgrid[0:h, 0:w]
    distance = np.full((len(boxes), h, w), np.inf, np.float32)
    for i, ((x, y, bw, bh), c) in enumerate(zip(boxes, classes)):
        inside = (xs >= x) & (xs < x + bw) & (ys >= y) & (ys < y + bh) & (labels == c)
        d = np.hypot((xs + 0.5 - x - bw / 2) / max(bw, 1), (ys + 0.5 - y - bh / 2) / max(bh, 1))
        distance[i][inside] = d[inside]
    owner = distance.argmin(axis=0)
    found = np.isfinite(distance.min(axis=0))
    return [found & (owner == i) for i in range(len(boxes))]


def grabcut_mask(image: np.ndarray, box: Box, iterations: int = 3, seed: int = 0) -> np.ndarray:
    """A boolean foreground mask from ``cv2.grabCut`` seeded by a box (outside = background).

    GrabCut models foreground and background colours with Gaussian mixtures and cuts the graph of
    neighbouring pixels; the box only says where the object may be. Seeded for repeatability.
    """
    image = _bgr(image)
    x, y, w, h = check_box(box, image)
    x, y = max(0, x), max(0, y)
    w, h = min(w, image.shape[1] - x), min(h, image.shape[0] - y)
    if w < 2 or h < 2:
        raise ValueError(f"box {tuple(box)} is too small or outside the image {image.shape[:2]}")
    cv2.setRNGSeed(seed)
    mask = np.zeros(image.shape[:2], np.uint8)
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.grabCut(image, mask, (x, y, w, h), bgd, fgd, iterations, cv2.GC_INIT_WITH_RECT)
    return (mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD)


def instance_colors(n: int) -> list[tuple[int, int, int]]:
    """``n`` distinct bright BGR colours (hues spread round the wheel)."""
    hues = (np.arange(n) * 180 / max(n, 1) + 10).astype(np.uint8) % 180
    hsv = np.stack([hues, np.full(n, 220, np.uint8), np.full(n, 255, np.uint8)], axis=1)[None]
    return [tuple(int(v) for v in c) for c in cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)[0]]


def draw_instances(
    image: np.ndarray,
    masks: Sequence[np.ndarray],
    labels: Sequence[str] | None = None,
    alpha: float = 0.55,
) -> np.ndarray:
    """A copy of ``image`` with each mask in its own colour, its outline, and an optional label."""
    out = _bgr(image).copy()
    labels = None if labels is None else check_names(labels, "labels")
    colors = instance_colors(len(masks))
    for i, (mask, color) in enumerate(zip(masks, colors)):
        mask = np.asarray(mask, bool)
        if mask.shape != out.shape[:2]:
            raise ValueError(f"mask {i} is {mask.shape}, the image {out.shape[:2]}")
        out[mask] = (out[mask] * (1 - alpha) + np.array(color) * alpha).astype(np.uint8)
        contours, _ = cv2.findContours(
            mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
        )
        cv2.drawContours(out, contours, -1, color, 2)
        if labels is not None and mask.any():
            ys, xs = np.nonzero(mask)
            corner = (int(xs.min()), max(12, int(ys.min()) + 12))
            for ink, thickness in (((255, 255, 255), 2), ((0, 0, 0), 1)):  # black on a white rim
                cv2.putText(
                    out,
                    labels[i],
                    corner,
                    cv2.FONT_HERSHEY_SIMPLEX,
                    0.5,
                    ink,
                    thickness,
                    cv2.LINE_AA,
                )
    return out


def coco90_names(coco80: Sequence[str]) -> list[str]:
    """The 90 names of COCO's category ids 1..90 (index = id - 1) from the 80 class names; unused
    ids → ``"-"``."""
    coco80 = check_names(coco80, "coco80")
    if len(coco80) != 80:
        raise ValueError(f"expected the 80 COCO class names, got {len(coco80)}")
    names, it = [], iter(coco80)
    for category in range(1, 91):
        names.append("-" if category in COCO_UNUSED_IDS else next(it))
    return names


@dataclass(frozen=True)
class Instance:
    """One object: ``box`` ``(x, y, w, h)`` in pixels, class name, score, boolean mask
    ``(H, W)``."""

    box: tuple[int, int, int, int]
    class_name: str
    score: float
    mask: np.ndarray


class MaskRCNN:
    """Mask R-CNN (Inception v2, COCO; TF Object Detection export) in OpenCV's DNN module.

    The network outputs ``detection_out_final`` ``(1, 1, N, 7)`` rows ``[batch, class, score,
    left, top, right, bottom]`` (fractions of the image) and ``detection_masks`` ``(N, 90, 15,
    15)``: one 15×15 mask per detection and class, resized into its box and thresholded.
    """

    def __init__(self, graph: str | Path, config: str | Path, coco80: Sequence[str]):
        graph = check_file(graph, "graph", "Mask R-CNN frozen graph")
        config = check_file(config, "config", "Mask R-CNN text graph")
        self.names = coco90_names(coco80)
        try:
            self.net = cv2.dnn.readNetFromTensorflow(str(graph), str(config))
        except cv2.error as exc:
            raise ValueError(
                f"OpenCV cannot read {graph.name} + {config.name} as a TensorFlow graph: "
                f"{opencv_reason(exc)}"
            ) from None

    def detect(
        self, image: np.ndarray, confidence: float = 0.5, mask_threshold: float = 0.3
    ) -> list[Instance]:
        """The instances scoring ≥ ``confidence``, best first."""
        image = _bgr(image)
        h, w = image.shape[:2]
        self.net.setInput(cv2.dnn.blobFromImage(image, swapRB=True, crop=False))
        boxes, masks = self.net.forward(["detection_out_final", "detection_masks"])
        found = []
        for i, row in enumerate(boxes[0, 0]):
            score, class_id = float(row[2]), int(row[1])
            if score < confidence:
                continue
            left, top = int(np.clip(row[3] * w, 0, w - 1)), int(np.clip(row[4] * h, 0, h - 1))
            right, bottom = (
                int(np.clip(row[5] * w, left + 1, w)),
                int(np.clip(row[6] * h, top + 1, h)),
            )
            small = cv2.resize(
                masks[i, class_id], (right - left, bottom - top), interpolation=cv2.INTER_LINEAR
            )
            mask = np.zeros((h, w), bool)
            mask[top:bottom, left:right] = small > mask_threshold
            found.append(
                Instance((left, top, right - left, bottom - top), self.names[class_id], score, mask)
            )
        return sorted(found, key=lambda inst: -inst.score)


def load_mask_rcnn(download: bool | None = None) -> MaskRCNN:
    """The course's Mask R-CNN from the registry (full course: a large archive, downloaded on
    demand).

    The ``.tar.gz`` of the TF Object Detection model zoo is extracted next to itself once;
    OpenCV reads its ``frozen_inference_graph.pb`` with the ``.pbtxt`` text graph from opencv_extra.
    """
    from cvcourse import assets

    archive = assets.path(MASK_RCNN_TAR, download)
    config = assets.path(MASK_RCNN_PBTXT, download)
    folder = archive.parent / archive.name.removesuffix(".tar.gz")
    graph = folder / "frozen_inference_graph.pb"
    if not graph.is_file():
        with tarfile.open(archive) as tar:
            member = next(
                (m for m in tar.getmembers() if m.name.endswith("frozen_inference_graph.pb")), None
            )
            if member is None:
                raise ValueError(f"{archive.name} holds no frozen_inference_graph.pb")
            member.name = graph.name
            try:
                tar.extract(member, folder, filter="data")
            except TypeError:  # Python < 3.11.4: no extraction filters
                tar.extract(member, folder)
    coco80 = [
        line
        for line in assets.path(COCO_NAMES_ASSET, download).read_text().splitlines()
        if line.strip()
    ]
    return MaskRCNN(graph, config, coco80)
