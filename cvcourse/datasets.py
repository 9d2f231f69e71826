"""Loaders of the course's data sets, one function per data set (provenance in each docstring)."""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from cvcourse import assets
from cvcourse.validation import check_file, check_names

FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)


def read_idx(file: str | Path) -> np.ndarray:
    """Read an IDX file (gzipped or not), the format of MNIST and Fashion-MNIST."""
    file = check_file(file, "file", "IDX file")
    opener = gzip.open if file.suffix == ".gz" else open
    try:
        with opener(file, "rb") as f:
            data = f.read()
    except (OSError, EOFError) as error:  # gzip.BadGzipFile, a gzip stream cut short
        raise ValueError(f"{file} is not a readable gzipped IDX file ({error})") from None
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{file} is not an unsigned-byte IDX file")
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    array = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if array.size != int(np.prod(shape)):
        raise ValueError(f"{file} is truncated: {array.size} values for shape {shape}")
    return array.reshape(shape)


def load_fashion_mnist(
    n_train: int | None = None, n_test: int | None = None
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Fashion-MNIST: 28×28 gray uint8 images of 10 clothing classes, 60,000 train + 10,000 test.

    Returns ``(x_train, y_train), (x_test, y_test)`` like ``keras.datasets``; ``n_train`` /
    ``n_test`` keep the first N of each (the files are in a fixed, class-balanced order).
    Class names: :data:`FASHION_MNIST_CLASSES`.

    Source: Zalando Research, https://github.com/zalandoresearch/fashion-mnist (MIT licence).
    """

    def part(images: str, labels: str, n: int | None) -> tuple[np.ndarray, np.ndarray]:
        x = read_idx(assets.path(f"fashion_mnist/{images}"))
        y = read_idx(assets.path(f"fashion_mnist/{labels}"))
        return x[:n], y[:n]

    return (
        part("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", n_train),
        part("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", n_test),
    )


def load_dlib_boxes(
    xml_file: str | Path | None = None,
) -> dict[str, list[tuple[int, int, int, int]]]:
    """Face boxes ``(x, y, w, h)`` per image file name from a dlib imglab XML file.

    The default is ``faces_group/training.xml``: 4 PASCAL VOC group photos annotated by dlib's
    authors (BSL-1.0 boxes; the photos are Flickr images, respect Flickr's terms). A file that is
    not such XML (cut short, another format) raises ``ValueError`` naming it.
    """
    xml_file = (
        check_file(xml_file, "xml_file", "dlib imglab XML file")
        if xml_file is not None
        else assets.path("faces_group/training.xml")
    )
    try:
        root = ET.parse(xml_file).getroot()
    except ET.ParseError as error:
        raise ValueError(f"{xml_file} is not valid XML ({error}): is the file cut short?") from None
    if root.tag != "dataset" or root.find("images") is None:
        raise ValueError(
            f"{xml_file} is not a dlib imglab file: expected <dataset><images><image file=...>, "
            f"found <{root.tag}>"
        )
    boxes: dict[str, list[tuple[int, int, int, int]]] = {}
    for image in root.iter("image"):
        try:
            boxes[Path(image.get("file")).name] = [
                (int(b.get("left")), int(b.get("top")), int(b.get("width")), int(b.get("height")))
                for b in image.iter("box")
                if b.get("ignore") != "1"
            ]
        except (TypeError, ValueError):
            raise ValueError(
                f"{xml_file}: an <image> without a file name, or a <box> without integer "
                f"left, top, width and height: {ET.tostring(image, encoding='unicode')[:200]}"
            ) from None
    return boxes


YALE_CONDITIONS = (
    "centerlight",
    "glasses",
    "happy",
    "leftlight",
    "noglasses",
    "normal",
    "rightlight",
    "sad",
    "sleepy",
    "surprised",
    "wink",
)
YALE_EXPRESSIONS = ("happy", "normal", "sad", "sleepy", "surprised")


def load_yalefaces(
    conditions: tuple[str, ...] | list[str] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The Yale faces: 15 people × 11 conditions (one is missing), 243×320 gray uint8 GIFs.

    Returns ``(images, subjects, conditions)``: an ``(n, 243, 320)`` array, the person of each image
    (1–15) and its condition (``"happy"``, ``"leftlight"``, … see :data:`YALE_CONDITIONS`), in
    file order. ``conditions``, a list of names (``["happy"]`` for one), keeps only those, e.g.
    :data:`YALE_EXPRESSIONS` (the five facial expressions). Split by ``subjects`` so no person is in
    both training and test sets.

    Source: Yale Face Database (Belhumeur, Hespanha, Kriegman 1997), free for research use with
    citation; not an open licence.
    """
    from cvcourse.images import read_image

    wanted = YALE_CONDITIONS if conditions is None else check_names(conditions, "conditions")
    if not wanted:
        raise ValueError(
            f"conditions is empty: give at least one of {YALE_CONDITIONS}, or None for all"
        )
    unknown = sorted(set(wanted) - set(YALE_CONDITIONS))
    if unknown:
        raise ValueError(f"unknown Yale condition(s) {unknown}; choose from {YALE_CONDITIONS}")
    names = [n for n in assets.names("yalefaces/") if n.rsplit(".", 1)[-1] in wanted]
    if not names:
        raise FileNotFoundError("no Yale face images in the asset registry")
    images = np.stack([read_image(assets.path(n), gray=True) for n in names])
    subjects = np.array([int(n.split("subject")[1].split(".")[0]) for n in names])
    return images, subjects, np.array([n.rsplit(".", 1)[-1] for n in names])


def load_yalefaces_zip(file: str | Path | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The Yale faces from the original UCSD zip (full course mode), returned like
    :func:`load_yalefaces`.

    The zip holds all 165 images; its ``subject01.gif`` is subject 1's "centerlight" image (the one
    the default asset folder lacks). Other files (``Readme.txt``, ``.DS_Store``) are skipped.
    """
    import io
    import zipfile

    file = (
        check_file(file, "file", "zip file")
        if file is not None
        else assets.path("yalefaces_full/yalefaces.zip")
    )
    images, subjects, conditions = [], [], []
    if not zipfile.is_zipfile(file):
        raise ValueError(f"{file} is not a zip file (the UCSD yalefaces.zip)")
    with zipfile.ZipFile(file) as archive:
        for member in sorted(archive.namelist()):
            name = member.rsplit("/", 1)[-1]
            stem, _, condition = name.partition(".")
            condition = "centerlight" if condition == "gif" else condition
            if not stem.startswith("subject") or condition not in YALE_CONDITIONS:
                continue
            data = archive.read(member)
            image = _decode_gray(data)
            if image is None:
                from PIL import Image

                image = np.array(Image.open(io.BytesIO(data)).convert("L"))
            images.append(image)
            subjects.append(int(stem[len("subject") :]))
            conditions.append(condition)
    if not images:
        raise ValueError(f"{file} holds no Yale face images (subjectNN.condition)")
    return np.stack(images), np.array(subjects), np.array(conditions)


def _decode_gray(data: bytes) -> np.ndarray | None:
    """Bytes of an image file → a gray uint8 array, None when OpenCV cannot decode it."""
    import cv2

    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
