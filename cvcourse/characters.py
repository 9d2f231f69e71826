"""A generated two-character image set and the slides' colour-region features.

The course classified two copyrighted cartoon characters by the colours of their clothes. This
module draws its own pair with OpenCV, seeded, so that the experiment can be repeated and shared:

* the **kid** (class 0): orange T-shirt, blue shorts, blue sneakers, a dark bob of hair;
* the **dad** (class 1): brown mouth (a beard round it), light-blue trousers, gray shoes,
  green shirt.

Both have the same skin and hair colours. Every image has a random pastel background with random
coloured shapes (clutter), and the character a random size, position, tilt, arm and leg pose and
left/right flip: raw pixels vary a lot within a class, while the share of pixels of each clothing
colour hardly does.

:func:`colour_features` is the slides' feature extractor: for each of the six colour regions
(:data:`FEATURES`) the percentage of the image's pixels inside an HSV range (:data:`HSV_RANGES`).
:func:`write_features_csv` writes them in the slides' CSV format (6 features and the class, no
header).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from cvcourse.images import check_image
from cvcourse.validation import check_file, check_output_file

#: Class names by label: 0 = kid, 1 = dad (the slides' CSV: 0 has the last three features).
CLASSES = ("kid", "dad")

#: The six features in the slides' column order: the dad's three, then the kid's three.
FEATURES = (
    "brown mouth",
    "blue pants",
    "gray shoes",
    "orange T-shirt",
    "blue shorts",
    "blue sneakers",
)

#: Inclusive OpenCV HSV ranges (H 0-179, S and V 0-255), ``(low, high)`` per feature.
HSV_RANGES: dict[str, tuple[tuple[int, int, int], tuple[int, int, int]]] = {
    "brown mouth": ((5, 120, 70), (20, 255, 175)),
    "blue pants": ((100, 100, 185), (110, 190, 255)),
    "gray shoes": ((0, 0, 85), (179, 30, 170)),
    "orange T-shirt": ((8, 190, 205), (20, 255, 255)),
    "blue shorts": ((110, 200, 110), (125, 255, 200)),
    "blue sneakers": ((84, 200, 205), (97, 255, 255)),
}

#: The HSV colour each part is painted with (before a small random jitter).
PAINT_HSV: dict[str, tuple[int, int, int]] = {
    "skin": (12, 75, 240),
    "hair": (10, 120, 45),
    "green": (60, 170, 150),
    "brown mouth": (12, 190, 130),
    "blue pants": (105, 150, 225),
    "gray shoes": (0, 0, 128),
    "orange T-shirt": (14, 245, 245),
    "blue shorts": (116, 240, 160),
    "blue sneakers": (91, 235, 240),
    "black": (0, 0, 20),
}

# the figure's height as a share of the image's, drawn uniformly from this range
HEIGHT_RANGE = (0.45, 0.9)

# The character is drawn upright on a canvas of CANVAS (w, h) pixels, 2 pixels per unit of a
# 100-unit-tall figure whose feet touch the bottom, then shrunk, tilted and pasted.
_UNIT = 2
_CANVAS = (60 * _UNIT, 104 * _UNIT)


def _jitter(
    rng: np.random.Generator, hsv: tuple[int, int, int], dh: int = 2, dsv: int = 12
) -> tuple[int, int, int]:
    """The BGR colour of ``hsv`` with hue ±``dh`` and saturation/value ±``dsv`` of jitter."""
    h = int(np.clip(hsv[0] + rng.integers(-dh, dh + 1), 0, 179))
    s = int(np.clip(hsv[1] + rng.integers(-dsv, dsv + 1), 0, 255))
    v = int(np.clip(hsv[2] + rng.integers(-dsv, dsv + 1), 0, 255))
    if hsv[1] == 0:  # gray and black stay unsaturated
        s = int(rng.integers(0, 12))
    b, g, r = cv2.cvtColor(np.uint8([[[h, s, v]]]), cv2.COLOR_HSV2BGR)[0, 0]
    return int(b), int(g), int(r)


class _Pen:
    """Draws in figure units (x right from the centre line, y up from the feet) on the canvas."""

    def __init__(self, canvas: np.ndarray, rng: np.random.Generator):
        self.canvas = canvas
        self.rng = rng
        self.cx = canvas.shape[1] // 2
        self.base = canvas.shape[0] - 1

    def pt(self, x: float, y: float) -> tuple[int, int]:
        """Canvas pixel of the figure point ``(x, y)``."""
        return int(round(self.cx + x * _UNIT)), int(round(self.base - y * _UNIT))

    def colour(self, part: str) -> tuple[int, int, int]:
        """The jittered BGR paint of ``part``."""
        return _jitter(self.rng, PAINT_HSV[part])

    def rect(self, x0: float, y0: float, x1: float, y1: float, part: str) -> None:
        """A filled rectangle between two corners."""
        cv2.rectangle(self.canvas, self.pt(x0, y0), self.pt(x1, y1), self.colour(part), -1)

    def ellipse(
        self, x: float, y: float, ax: float, ay: float, part: str, angle: float = 0
    ) -> None:
        """A filled ellipse centred at ``(x, y)`` with half-axes ``(ax, ay)``."""
        cv2.ellipse(
            self.canvas,
            self.pt(x, y),
            (int(ax * _UNIT), int(ay * _UNIT)),
            angle,
            0,
            360,
            self.colour(part),
            -1,
            cv2.LINE_AA,
        )

    def line(self, x0: float, y0: float, x1: float, y1: float, part: str, width: float) -> None:
        """A thick line (a limb)."""
        cv2.line(
            self.canvas,
            self.pt(x0, y0),
            self.pt(x1, y1),
            self.colour(part),
            max(1, int(width * _UNIT)),
            cv2.LINE_AA,
        )

    def poly(self, points: list[tuple[float, float]], part: str) -> None:
        """A filled polygon."""
        cv2.fillPoly(
            self.canvas,
            [np.array([self.pt(x, y) for x, y in points], np.int32)],
            self.colour(part),
            cv2.LINE_AA,
        )

    def dot_eyes(self, y: float, dx: float) -> None:
        """Two small black eyes, shifted a little to look in a random direction."""
        look = self.rng.uniform(-1, 1)
        for side in (-1, 1):
            self.ellipse(side * dx + look, y, 1.3, 1.6, "black")

    def limb(
        self, x0: float, y0: float, angle_deg: float, length: float, part: str, width: float
    ) -> tuple[float, float]:
        """A limb from ``(x0, y0)`` at ``angle_deg`` (0 = straight down, positive = outwards)."""
        a = np.radians(angle_deg)
        x1 = x0 + np.sign(x0 or 1) * length * np.sin(a)
        y1 = y0 - length * np.cos(a)
        self.line(x0, y0, x1, y1, part, width)
        return x1, y1


def _check_canvas(canvas: object) -> np.ndarray:
    """``canvas`` if it is a BGR uint8 image ``(H, W, 3)`` to draw on in place, else a clear
    error."""
    canvas = check_image(canvas, "canvas")
    if canvas.ndim != 3 or canvas.shape[2] != 3 or canvas.dtype != np.uint8:
        raise ValueError(
            f"canvas must be a BGR uint8 image (H x W x 3) to draw on, got {canvas.dtype} "
            f"{canvas.shape}"
        )
    return canvas


def draw_kid(canvas: np.ndarray, rng: np.random.Generator) -> None:
    """The kid: dark bob of hair, orange T-shirt, blue shorts, blue sneakers (random arms and
    legs)."""
    p = _Pen(_check_canvas(canvas), rng)
    spread = rng.uniform(0, 8)
    for side in (-1, 1):  # legs and sneakers
        fx, fy = p.limb(side * 7, 32, spread, 26, "skin", 5)
        p.ellipse(fx + side * 2, max(fy - 1, 4), 8, 4, "blue sneakers")
    p.rect(-14, 28, 14, 43, "blue shorts")
    for side in (-1, 1):  # arms, then sleeves over them
        hx, hy = p.limb(side * 13, 62, rng.uniform(10, 110), 22, "skin", 4.5)
        p.ellipse(hx, hy, 3, 3, "skin")
        p.rect(side * 11, 56, side * 19, 66, "orange T-shirt")
    p.rect(-14, 42, 14, 67, "orange T-shirt")
    p.rect(-4, 66, 4, 72, "skin")  # neck
    p.ellipse(0, 86, 15, 14, "hair")  # bob of hair behind the face
    p.ellipse(0, 82, 12, 12, "skin")  # face
    p.ellipse(0, 93, 13, 5, "hair")  # fringe
    p.dot_eyes(84, 4.5)
    p.line(-3, 76, 3, 76, "black", 1)


def draw_dad(canvas: np.ndarray, rng: np.random.Generator) -> None:
    """The dad: brown beard round the mouth, green shirt, light-blue trousers, gray shoes."""
    p = _Pen(_check_canvas(canvas), rng)
    spread = rng.uniform(0, 6)
    for side in (-1, 1):  # legs in trousers, and shoes
        fx, fy = p.limb(side * 7, 40, spread, 34, "blue pants", 7)
        p.ellipse(fx + side * 2, max(fy - 1, 4), 9, 4, "gray shoes")
    p.rect(-14, 36, 14, 44, "blue pants")
    for side in (-1, 1):
        hx, hy = p.limb(side * 13, 68, rng.uniform(10, 100), 26, "green", 5)
        p.ellipse(hx, hy, 3.5, 3.5, "skin")
    p.rect(-14, 43, 14, 72, "green")  # shirt
    p.rect(-4, 71, 4, 75, "skin")  # neck
    p.ellipse(0, 88, 11, 13, "skin")  # head
    p.ellipse(0, 98, 11, 4, "hair")  # short hair
    p.ellipse(0, 80, 10, 7, "brown mouth")  # beard round the mouth
    p.line(-3, 80, 3, 80, "skin", 1.5)  # lips
    p.dot_eyes(89, 4)


DRAWERS: dict[str, Callable[[np.ndarray, np.random.Generator], None]] = {
    "kid": draw_kid,
    "dad": draw_dad,
}


def draw_background(size: int, rng: np.random.Generator, clutter: int = 8) -> np.ndarray:
    """A ``size``×``size`` pastel background with ``clutter`` random shapes of random colours."""
    pastel = (int(rng.integers(0, 180)), int(rng.integers(15, 90)), int(rng.integers(200, 256)))
    bgr = cv2.cvtColor(np.uint8([[pastel]]), cv2.COLOR_HSV2BGR)[0, 0]
    image = np.empty((size, size, 3), np.uint8)
    image[:] = bgr
    for _ in range(clutter):
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        kind = rng.integers(3)
        c = tuple(int(v) for v in rng.integers(0, size, 2))
        r = int(rng.integers(size // 16, size // 5))
        if kind == 0:
            cv2.circle(image, c, r, colour, -1, cv2.LINE_AA)
        elif kind == 1:
            cv2.rectangle(image, c, (c[0] + r, c[1] + int(rng.integers(r // 2, 2 * r))), colour, -1)
        else:
            end = tuple(int(v) for v in rng.integers(0, size, 2))
            cv2.line(image, c, end, colour, int(rng.integers(1, 4)), cv2.LINE_AA)
    return image


def make_character(
    kind: str, rng: np.random.Generator, size: int = 96, clutter: int = 8
) -> np.ndarray:
    """One BGR ``size``×``size`` image of ``kind`` (``"kid"``/``"dad"``) on a cluttered background.

    The figure is 45-90 % of the image tall, tilted ±15°, maybe mirrored, anywhere it fits.
    """
    if kind not in DRAWERS:
        raise ValueError(f"unknown character {kind!r}; choose one of {', '.join(DRAWERS)}")
    if size < 32:
        raise ValueError(f"size must be at least 32 pixels, got {size}")
    layer = np.zeros((_CANVAS[1], _CANVAS[0], 3), np.uint8)
    DRAWERS[kind](layer, rng)
    # the figure's pixels are wherever something was drawn (nothing is pure black but the pupils
    # and hairs, which are not quite 0 either)
    alpha = (layer.max(axis=2) > 0).astype(np.float32)
    if rng.random() < 0.5:
        layer, alpha = layer[:, ::-1], alpha[:, ::-1]
    height = int(rng.uniform(*HEIGHT_RANGE) * size)
    width = max(1, round(height * _CANVAS[0] / _CANVAS[1]))
    layer = cv2.resize(np.ascontiguousarray(layer), (width, height), interpolation=cv2.INTER_AREA)
    alpha = cv2.resize(np.ascontiguousarray(alpha), (width, height), interpolation=cv2.INTER_AREA)
    # tilt about the figure's centre and paste it at a random place where it fits
    angle = rng.uniform(-15, 15)
    x0 = rng.uniform(0, size - width)
    y0 = rng.uniform(0, size - height)
    m = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    m[:, 2] += (x0, y0)
    layer = cv2.warpAffine(layer, m, (size, size), flags=cv2.INTER_LINEAR).astype(np.float32)
    alpha = cv2.warpAffine(alpha, m, (size, size), flags=cv2.INTER_LINEAR)[:, :, None]
    # the layer's edge pixels are dark (mixed with the empty canvas): un-premultiply them
    colour = np.where(alpha > 1e-3, layer / np.maximum(alpha, 1e-3), 0)
    background = draw_background(size, rng, clutter).astype(np.float32)
    out = alpha * colour + (1 - alpha) * background
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


@dataclass(frozen=True)
class CharacterSet:
    """Generated images ``(n, size, size, 3)`` BGR uint8 and labels ``(n,)`` (0 = kid, 1 = dad)."""

    images: np.ndarray
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def names(self) -> list[str]:
        """The class name of every image."""
        return [CLASSES[i] for i in self.labels]


def make_dataset(n_per_class: int, size: int = 96, seed: int = 0, clutter: int = 8) -> CharacterSet:
    """``n_per_class`` images of each character in a seeded random order: same seed, same images."""
    if n_per_class < 1:
        raise ValueError(f"n_per_class must be at least 1, got {n_per_class}")
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.repeat(np.arange(len(CLASSES)), n_per_class))
    images = np.stack([make_character(CLASSES[label], rng, size, clutter) for label in labels])
    return CharacterSet(images, labels)


def colour_masks(image: np.ndarray) -> dict[str, np.ndarray]:
    """One 0/255 mask per feature: the pixels of a BGR image inside that feature's HSV range."""
    image = check_image(image)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(
            f"colour features need a BGR uint8 image (H x W x 3), got {image.dtype} {image.shape}"
        )
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    return {
        name: cv2.inRange(hsv, np.array(lo), np.array(hi)) for name, (lo, hi) in HSV_RANGES.items()
    }


def colour_features(image: np.ndarray) -> np.ndarray:
    """The six features of one BGR image: % of its pixels in each HSV range (:data:`FEATURES`)."""
    masks = colour_masks(image)
    return np.array([100.0 * np.count_nonzero(masks[name]) / masks[name].size for name in FEATURES])


def extract_features(images: np.ndarray) -> np.ndarray:
    """:func:`colour_features` of every image of ``images`` ``(n, H, W, 3)``: ``(n, 6)``."""
    if isinstance(images, (list, tuple)):
        images = [check_image(im, f"images[{i}]") for i, im in enumerate(images)]
        if len({im.shape for im in images}) > 1:
            raise ValueError(
                "images have different shapes: give a stack (n, H, W, 3) of same-sized images"
            )
    elif not isinstance(images, np.ndarray):
        raise TypeError(
            f"images must be a stack (n, H, W, 3) of BGR uint8 images, not {type(images).__name__}"
        )
    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(f"images must be a stack (n, H, W, 3), got shape {images.shape}")
    return (
        np.stack([colour_features(im) for im in images])
        if len(images)
        else np.zeros((0, len(FEATURES)))
    )


def write_features_csv(path: str | Path, features: np.ndarray, labels: np.ndarray) -> Path:
    """The slides' CSV: one image per line, 6 feature percentages then the class, no header.

    Numbers are written as the slides do (``0.0``, ``9.861538462``: at most 9 decimals).
    """
    features = np.asarray(features, dtype=float)
    labels = np.asarray(labels)
    if features.ndim != 2 or features.shape[1] != len(FEATURES):
        raise ValueError(f"features must be (n, {len(FEATURES)}), got shape {features.shape}")
    if labels.shape != (features.shape[0],):
        raise ValueError(f"labels must be (n,) = ({features.shape[0]},), got shape {labels.shape}")
    path = check_output_file(path, "path")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        for row, label in zip(features, labels):
            writer.writerow([repr(round(float(v), 9)) for v in row] + [int(label)])
    return path


def read_features_csv(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """``(features (n, 6), labels (n,))`` from a CSV written by :func:`write_features_csv`."""
    path = check_file(path, "path", "features CSV file")
    try:
        data = np.loadtxt(path, delimiter=",", ndmin=2)
    except ValueError as error:
        raise ValueError(
            f"{path} is not a features CSV (6 numbers and the class a line): {error}"
        ) from None
    if data.shape[1] != len(FEATURES) + 1:
        raise ValueError(
            f"{path} has {data.shape[1]} columns, expected {len(FEATURES) + 1} (6 features and the "
            "class)"
        )
    return data[:, :-1], data[:, -1].astype(int)
