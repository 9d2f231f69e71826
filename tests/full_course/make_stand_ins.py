"""Stand-ins for the full course's big files, for running every notebook with ``FULL_COURSE=True``
offline (issue 21). They are generated, never committed, and never the real thing.

``python tests/full_course/make_stand_ins.py [FOLDER]`` (default ``build/full_course/assets``)
writes a folder laid out like ``shared/assets`` (``<folder>/<registry name>``) and the manifest
``STAND-INS.csv`` in it: each file's registry name, the sha256 and size of the stand-in, what it
stands for and how it was made. :mod:`cvcourse.assets` accepts a file of a ``CVCOURSE_ASSETS``
folder that this manifest lists only when its sha256 is the manifest's, and announces it as a
stand-in; every other file is still checked against the registry.

What is made (random values are seeded: the same stand-ins on every run of one set of versions):

* ``yolov4/yolov4.weights``: a Darknet weights file of the exact size ``yolov4.cfg`` implies;
* ``openpose_mpii/pose_iter_160000.caffemodel``: Caffe's binary ``NetParameter``, written by hand
  in protobuf's wire format, with one blob pair for every convolution of the prototxt;
* ``keras/*_notop.h5``: InceptionV3 and VGG19 built with ``weights=None``, saved in the Keras 2
  HDF5 layout that ``keras.applications`` reads for these file names;
* ``mnist/mnist.npz``, ``fer2013/fer2013.csv``, ``cats_and_dogs/cats_and_dogs_filtered.zip`` and
  ``yalefaces_full/yalefaces.zip``: the real layouts and dtypes, a few hundred images each
  (scikit-learn's digits, the shared Yale faces, drawn shapes).

Not made: Mask R-CNN's frozen TensorFlow graph (no honest stand-in: it is a trained detector
exported by the TF Object Detection API); the full-course run skips that step by name.

The real text files (``yolov4.cfg``, the OpenPose prototxt) and the shared Yale faces are read
through :func:`cvcourse.assets.path`, hash-checked, from the folders in ``CVCOURSE_ASSETS``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
import struct
import sys
import time
import zipfile
from pathlib import Path
from typing import Callable

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_FOLDER = REPO_ROOT / "build" / "full_course" / "assets"
MANIFEST = "STAND-INS.csv"  # the name cvcourse.assets looks for (assets.STAND_IN_MANIFEST)
MAKER = "tests/full_course/make_stand_ins.py"
SEED = 21


# --- Darknet -------------------------------------------------------------------------------------


def darknet_sections(cfg_text: str) -> list[tuple[str, dict[str, str]]]:
    """The ``[section]`` blocks of a Darknet cfg, in order, each with its ``key=value`` options."""
    sections: list[tuple[str, dict[str, str]]] = []
    for raw in cfg_text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("["):
            sections.append((line.strip("[]").strip(), {}))
        elif "=" in line and sections:
            key, value = line.split("=", 1)
            sections[-1][1][key.strip()] = value.strip()
    return sections


def darknet_convolutions(cfg_text: str) -> list[tuple[int, int, int, bool]]:
    """``(filters, input channels per group, kernel size, batch_normalize)`` of every
    ``[convolutional]`` layer, following the channels through route, shortcut, pooling and
    upsampling layers as darknet does."""
    sections = darknet_sections(cfg_text)
    if not sections or sections[0][0] not in ("net", "network"):
        raise ValueError("not a Darknet cfg: it must start with a [net] section")
    channels: list[int] = []  # output channels of each layer after [net]
    previous = int(sections[0][1].get("channels", 3))
    convolutions = []
    for kind, options in sections[1:]:
        index = len(channels)
        if kind == "convolutional":
            filters, size = int(options["filters"]), int(options.get("size", 1))
            groups = int(options.get("groups", 1))
            convolutions.append(
                (filters, previous // groups, size, options.get("batch_normalize", "0") == "1")
            )
            out = filters
        elif kind == "route":
            layers = [int(n) for n in options["layers"].split(",")]
            out = sum(channels[n if n >= 0 else index + n] for n in layers)
            out //= int(options.get("groups", 1))
        elif kind in ("shortcut", "maxpool", "upsample", "yolo", "dropout", "avgpool"):
            out = previous
        else:
            raise ValueError(f"cfg section [{kind}] is not handled by this stand-in maker")
        channels.append(out)
        previous = out
    return convolutions


DARKNET_HEADER = struct.pack(
    "<iiiq", 0, 2, 5, 0
)  # major 0, minor 2, revision 5, images seen (int64)


def darknet_weights_size(cfg_text: str) -> int:
    """The bytes of the weights file the cfg implies: the 20-byte header + 4 per number."""
    numbers = sum(
        f * (c * k * k + (4 if bn else 1)) for f, c, k, bn in darknet_convolutions(cfg_text)
    )
    return len(DARKNET_HEADER) + 4 * numbers


def make_darknet_weights(cfg: Path, out: Path, rng: np.random.Generator) -> str:
    """Random Darknet weights for ``cfg``: He-scaled kernels, batch norms that pass values through.

    Per convolution darknet stores biases, then (with batch norm) scales, rolling means and
    rolling variances, then the kernel. The detection heads (no batch norm) get a bias of -6, so
    that few of the random boxes pass the 0.25 confidence threshold.
    """
    with out.open("wb") as f:
        f.write(DARKNET_HEADER)
        for filters, channels, size, bn in darknet_convolutions(cfg.read_text()):
            fan_in = channels * size * size
            if bn:
                norm = np.zeros((4, filters), np.float32)
                norm[1], norm[3] = 1.0, 1.0  # biases 0, scales 1, means 0, variances 1
                f.write(norm.tobytes())
            else:
                f.write(np.full(filters, -6.0, np.float32).tobytes())
            kernel = rng.standard_normal(filters * fan_in, dtype=np.float32) * np.float32(
                np.sqrt(1.0 / fan_in)
            )
            f.write(kernel.tobytes())
    return (
        f"random weights for the cfg's {len(darknet_convolutions(cfg.read_text()))} convolutions "
        f"(seed {SEED})"
    )


# --- Caffe ---------------------------------------------------------------------------------------


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited protobuf field (wire type 2)."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def caffe_blob(values: np.ndarray) -> bytes:
    """A ``BlobProto``: ``shape`` (7) = ``BlobShape`` with packed int64 ``dim`` (1), and
    ``data`` (5) as packed float32."""
    shape = _field(1, b"".join(_varint(int(d)) for d in values.shape))
    return _field(7, shape) + _field(5, values.astype("<f4").tobytes())


def caffe_layer(name: str, kind: str, blobs: list[np.ndarray]) -> bytes:
    """A ``LayerParameter``: ``name`` (1), ``type`` (2), ``blobs`` (7)."""
    return (
        _field(1, name.encode())
        + _field(2, kind.encode())
        + b"".join(_field(7, caffe_blob(b)) for b in blobs)
    )


def prototxt_layers(text: str) -> tuple[dict[str, int], list[dict]]:
    """The network inputs (name → channels) and the layers of a Caffe deploy prototxt: for each,
    name, type, bottoms, tops and, for convolutions, num_output, kernel_size and group."""
    text = re.sub(r"#[^\n]*", "", text)
    inputs = {}
    for match in re.finditer(
        r'^input:\s*"([^"]+)"((?:\s*input_dim:\s*\d+)+)', text, flags=re.MULTILINE
    ):
        inputs[match.group(1)] = [int(d) for d in re.findall(r"\d+", match.group(2))][1]
    layers = []
    for block in re.split(r"^layer\s*\{", text, flags=re.MULTILINE)[1:]:
        get = lambda key: re.findall(rf'\b{key}:\s*"?([^"\s]+)"?', block)  # noqa: E731
        layers.append(
            {
                "name": get("name")[0],
                "type": get("type")[0],
                "bottom": get("bottom"),
                "top": get("top"),
                "num_output": get("num_output"),
                "kernel_size": get("kernel_size"),
                "group": get("group"),
            }
        )
    return inputs, layers


def make_caffemodel(prototxt: Path, out: Path, rng: np.random.Generator) -> str:
    """A Caffe model for ``prototxt``: every convolution gets a He-scaled random kernel
    ``(num_output, channels / group, k, k)`` and a zero bias, named as in the prototxt."""
    inputs, layers = prototxt_layers(prototxt.read_text())
    channels = dict(inputs)
    convolutions = 0
    with out.open("wb") as f:
        f.write(_field(1, b"stand-in for " + prototxt.stem.encode()))
        for layer in layers:
            bottoms = [channels[b] for b in layer["bottom"]]
            if layer["type"] == "Convolution":
                n, k = int(layer["num_output"][0]), int(layer["kernel_size"][0])
                group = int(layer["group"][0]) if layer["group"] else 1
                fan_in = bottoms[0] // group * k * k
                kernel = rng.standard_normal((n, bottoms[0] // group, k, k), dtype=np.float32)
                kernel *= np.float32(np.sqrt(2.0 / fan_in))
                f.write(
                    _field(
                        100,
                        caffe_layer(
                            layer["name"], "Convolution", [kernel, np.zeros(n, np.float32)]
                        ),
                    )
                )
                out_channels = n
                convolutions += 1
            elif layer["type"] == "Concat":
                out_channels = sum(bottoms)
            elif layer["type"] in ("ReLU", "Pooling", "Dropout"):
                out_channels = bottoms[0]
            else:
                raise ValueError(
                    f"prototxt layer type {layer['type']} is not handled by this stand-in maker"
                )
            for top in layer["top"]:
                channels[top] = out_channels
    return (
        f"protobuf NetParameter written by hand: random blobs for the prototxt's {convolutions} "
        f"convolutions (seed {SEED})"
    )


# --- Keras ---------------------------------------------------------------------------------------

KERAS_NOTOP = {
    "keras/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5": "InceptionV3",
    "keras/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5": "VGG19",
}


def save_keras2_weights(model, out: Path) -> None:
    """``model``'s weights in the Keras 2 HDF5 layout of the Keras Applications files (what
    ``model.load_weights`` reads for a ``.h5`` name not ending in ``.weights.h5``): attribute
    ``layer_names``; per layer a group with attribute ``weight_names`` and one dataset each."""
    import h5py
    import keras

    with h5py.File(out, "w") as f:
        f.attrs["layer_names"] = [layer.name.encode() for layer in model.layers]
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = keras.__version__.encode()
        for layer in model.layers:
            group = f.create_group(layer.name)
            names = [f"{layer.name}/{w.path.rsplit('/', 1)[-1]}:0".encode() for w in layer.weights]
            group.attrs["weight_names"] = names
            for name, weight in zip(names, layer.weights):
                group.create_dataset(name.decode(), data=np.asarray(weight.numpy()))


def make_keras_notop(application: str) -> Callable[[Path, np.random.Generator], str]:
    def make(out: Path, rng: np.random.Generator) -> str:
        import os

        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import keras

        keras.utils.set_random_seed(SEED)
        model = getattr(keras.applications, application)(include_top=False, weights=None)
        calibrated = calibrate_batch_norms(model)
        save_keras2_weights(model, out)
        return (
            f"keras.applications.{application}(include_top=False, weights=None): its random "
            f"initial weights ({model.count_params():,}) in the Keras 2 HDF5 layout"
            + (
                f", the moving means and variances of its {calibrated} batch norms set from one "
                "batch of the shared photos (so that activations and gradients neither vanish "
                "nor explode)"
                if calibrated
                else ""
            )
        )

    return make


CALIBRATION_PHOTOS = (
    "photos/grace_hopper.jpg",
    "detection_images/dog.jpg",
    "detection_images/person.jpg",
    "style_transfer/great_wave_kanagawa.jpg",
)


def calibrate_batch_norms(model, size: int = 160) -> int:
    """Set every batch norm's moving mean and variance to its batch's statistics on the shared
    photos (one forward pass in training mode with momentum 0); returns how many there are.

    ``weights=None`` leaves them at 0 and 1, which do not normalise anything: through InceptionV3's
    94 batch norms the signal then shrinks until the gradient on the pixels is ~1e-6.
    """
    import cv2
    import keras

    norms = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    if not norms:
        return 0
    batch = (
        np.stack(
            [
                cv2.resize(
                    cv2.imread(str(_real(name)))[:, :, ::-1],
                    (size, size),
                    interpolation=cv2.INTER_AREA,
                )
                for name in CALIBRATION_PHOTOS
            ]
        ).astype(np.float32)
        / 127.5
        - 1
    )
    momenta = [layer.momentum for layer in norms]
    for layer in norms:
        layer.momentum = 0.0
    model(batch, training=True)
    for layer, momentum in zip(norms, momenta):
        layer.momentum = momentum
    return len(norms)


# --- data sets -----------------------------------------------------------------------------------


# Training and test digits. Notebook 13's by-hand steps train on images[64 * k : 64 * (k + 1)] for
# k = 1 … 40 (the first 64 are its "real" batch), so full mode needs at least 64 × 41 = 2,624
# training images: fewer would feed it empty batches (NaN losses, no error) once they run out.
# tests/test_full_course.py reads that bound from the notebook and checks it against this size.
MNIST_SIZES = (3000, 500)


def make_mnist(out: Path, rng: np.random.Generator) -> str:
    """Keras' ``mnist.npz`` layout: ``x_train (n, 28, 28) uint8``, ``y_train (n,) uint8``, and
    the same for the test set; scikit-learn's 8×8 digits scaled to 20×20 in a 28×28 frame."""
    import cv2
    from sklearn.datasets import load_digits

    digits = load_digits()
    n_train, n_test = MNIST_SIZES
    order = rng.integers(0, len(digits.target), size=n_train + n_test)  # each digit ~2 times
    # centred, as MNIST's digits are (shifting them at random would make the shift, not the
    # digit, what PCA's first components see)
    images = [
        np.pad(cv2.resize(digits.images[k] / 16.0, (20, 20), interpolation=cv2.INTER_LINEAR), 4)
        for k in order
    ]
    x = np.clip(np.round(np.stack(images) * 255), 0, 255).astype(np.uint8)
    y = digits.target[order].astype(np.uint8)
    with out.open("wb") as f:
        np.savez_compressed(
            f, x_train=x[:n_train], y_train=y[:n_train], x_test=x[n_train:], y_test=y[n_train:]
        )
    return (
        f"{n_train} + {n_test} scikit-learn digits drawn at random (8×8, scaled to 20×20, centred "
        "in 28×28)"
    )


def yale_files() -> list[tuple[str, Path]]:
    """The shared Yale faces as ``(registry name, local path)``, through the asset lookup."""
    from cvcourse import assets

    return [(name, assets.path(name, download=False)) for name in assets.names("yalefaces/")]


def _read_gray(path: Path) -> np.ndarray:
    from PIL import Image

    return np.array(Image.open(path).convert("L"))


def make_fer2013(out: Path, rng: np.random.Generator) -> str:
    """FER2013's CSV layout (``emotion,pixels,Usage``: a label 0–6, 2304 space-separated pixels,
    ``Training``/``PublicTest``/``PrivateTest``) from the shared Yale faces: each of the four
    expressions with a FER2013 class, cropped round the face with a random shift, flipped at
    random, as 48×48 gray."""
    import cv2

    from cvcourse.emotions import FER2013_EMOTIONS, YALE_TO_FER2013

    faces = [
        (_read_gray(p), FER2013_EMOTIONS.index(YALE_TO_FER2013[n.rsplit(".", 1)[1]]))
        for n, p in yale_files()
        if n.rsplit(".", 1)[1] in YALE_TO_FER2013
    ]
    usages = {"Training": 6, "PublicTest": 1, "PrivateTest": 1}  # crops of every face per usage
    rows = 0
    with out.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["emotion", "pixels", "Usage"])
        for usage, copies in usages.items():
            for _ in range(copies):
                for gray, label in faces:
                    dx, dy = rng.integers(-8, 9, size=2)
                    crop = gray[40 + dy : 210 + dy, 75 + dx : 245 + dx]
                    face = cv2.resize(crop, (48, 48), interpolation=cv2.INTER_AREA)
                    if rng.random() < 0.5:
                        face = face[:, ::-1]
                    writer.writerow([label, " ".join(map(str, face.ravel().tolist())), usage])
                    rows += 1
    return (
        f"{rows} rows: 48×48 crops of the shared Yale faces with a FER2013 expression "
        f"({', '.join(YALE_TO_FER2013)}), randomly shifted and flipped, {usages}"
    )


def _zip_write(archive: zipfile.ZipFile, name: str, data: bytes | str) -> None:
    """Write a member with a fixed time stamp: the same bytes give the same zip (and sha256)."""
    archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)


CATS_DOGS_SPLITS = {"train": (0, 100), "validation": (2000, 50)}  # (first number, images per class)


def _animal(kind: str, rng: np.random.Generator) -> np.ndarray:
    """A drawn stand-in photo: "cats" are warm discs on a light ground, "dogs" cool stripes on a
    dark one, both noisy, of random size (as the real photos' sizes vary)."""
    import cv2

    h, w = (int(v) for v in rng.integers(90, 160, size=2))
    ground = rng.integers(150, 230) if kind == "cat" else rng.integers(20, 100)
    image = np.full((h, w, 3), ground, np.uint8)
    for _ in range(int(rng.integers(2, 5))):
        colour = tuple(
            int(c)
            for c in (
                rng.integers(0, 90, 3)
                + (np.array([0, 60, 160]) if kind == "cat" else np.array([160, 90, 0]))
            )
        )
        if kind == "cat":
            centre = (int(rng.integers(0, w)), int(rng.integers(0, h)))
            cv2.circle(image, centre, int(rng.integers(10, 40)), colour, -1)
        else:
            x = int(rng.integers(0, w))
            cv2.line(
                image, (x, 0), (x + int(rng.integers(-40, 40)), h), colour, int(rng.integers(4, 12))
            )
    noise = rng.normal(0, 12, image.shape)
    return np.clip(image + noise, 0, 255).astype(np.uint8)


def make_cats_and_dogs(out: Path, rng: np.random.Generator) -> str:
    """The layout of ``cats_and_dogs_filtered.zip``: ``cats_and_dogs_filtered/{train,validation}/
    {cats,dogs}/{cat,dog}.N.jpg`` (train numbered from 0, validation from 2000) and
    ``vectorize.py``; drawn JPEG stand-ins (see :func:`_animal`)."""
    import cv2

    import shutil

    # cvcourse.transfer unzips it beside the zip once: an old unzipped copy must go with the old zip
    shutil.rmtree(out.parent / "cats_and_dogs_filtered", ignore_errors=True)
    count = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        _zip_write(
            z,
            "cats_and_dogs_filtered/vectorize.py",
            "# stand-in: the real zip holds a helper script here\n",
        )
        for split, (first, n) in CATS_DOGS_SPLITS.items():
            for kind in ("cat", "dog"):
                for i in range(first, first + n):
                    ok, jpeg = cv2.imencode(
                        ".jpg", _animal(kind, rng), [cv2.IMWRITE_JPEG_QUALITY, 85]
                    )
                    assert ok
                    _zip_write(
                        z, f"cats_and_dogs_filtered/{split}/{kind}s/{kind}.{i}.jpg", jpeg.tobytes()
                    )
                    count += 1
    return (
        f"{count} drawn JPEGs (cats: warm discs on light, dogs: cool stripes on dark), "
        f"{CATS_DOGS_SPLITS}"
    )


def make_yale_zip(out: Path, rng: np.random.Generator) -> str:
    """The UCSD ``yalefaces.zip`` layout: ``yalefaces/subjectNN.condition`` GIFs, subject 1's
    centerlight image named ``subject01.gif``, a ``Readme.txt`` and a ``.DS_Store``. The shared
    assets hold the 164 other images (real); subject 1's centerlight is a copy of its "normal"."""
    files = dict(yale_files())
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        _zip_write(
            z,
            "yalefaces/Readme.txt",
            "stand-in zip: the Yale faces of the course's shared assets\n",
        )
        _zip_write(z, "yalefaces/.DS_Store", b"\0\0\0\1Bud1" + bytes(24))
        _zip_write(z, "yalefaces/subject01.gif", files["yalefaces/subject01.normal"].read_bytes())
        for name, path in sorted(files.items()):
            _zip_write(z, f"yalefaces/{name.split('/', 1)[1]}", path.read_bytes())
    return (
        f"the {len(files)} shared Yale GIFs + subject01.gif (a copy of subject01.normal, "
        "standing for the missing centerlight image), Readme.txt, .DS_Store"
    )


# --- the folder ----------------------------------------------------------------------------------


def _real(name: str) -> Path:
    from cvcourse import assets

    return assets.path(name, download=False)


# registry name: (what it stands for, version, maker). Bump a version when its maker changes: a
# cached file of another version is made again (the others are kept).
MAKERS: dict[str, tuple[str, int, Callable[[Path, np.random.Generator], str]]] = {
    "yolov4/yolov4.weights": (
        "YOLOv4 COCO weights (AlexeyAB/darknet release)",
        1,
        lambda out, rng: make_darknet_weights(_real("yolov4/yolov4.cfg"), out, rng),
    ),
    "openpose_mpii/pose_iter_160000.caffemodel": (
        "OpenPose MPII body model, 4 stages (CMU)",
        1,
        lambda out, rng: make_caffemodel(
            _real("openpose_mpii/pose_deploy_linevec_faster_4_stages.prototxt"), out, rng
        ),
    ),
    **{
        name: (f"ImageNet weights of Keras' {app} without its top", 2, make_keras_notop(app))
        for name, app in KERAS_NOTOP.items()
    },
    "mnist/mnist.npz": ("MNIST, 60,000 + 10,000 handwritten digits (Keras' copy)", 3, make_mnist),
    "fer2013/fer2013.csv": (
        "FER2013, 35,887 48×48 faces with 7 emotions (Kaggle)",
        1,
        make_fer2013,
    ),
    "cats_and_dogs/cats_and_dogs_filtered.zip": (
        "Kaggle Dogs vs. Cats, the 3,000-photo filtered set",
        2,
        make_cats_and_dogs,
    ),
    "yalefaces_full/yalefaces.zip": (
        "the UCSD Yale Face Database zip, 165 images",
        2,
        make_yale_zip,
    ),
}
# full-mode files with no stand-in, and why (the full-course run skips their steps by name)
NO_STAND_IN = {
    "mask_rcnn/mask_rcnn_inception_v2_coco_2018_01_28.tar.gz": (
        "a frozen TensorFlow Object Detection graph: no honest stand-in can be generated"
    ),
    "mask_rcnn/mask_rcnn_inception_v2_coco_2018_01_28.pbtxt": (
        "OpenCV's text graph for that frozen graph: useless without it"
    ),
}
FIELDS = ["name", "sha256", "bytes", "stands_for", "made_by"]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


def read_manifest(folder: Path) -> dict[str, dict[str, str]]:
    """The rows of ``folder``'s stand-in manifest by name (empty when there is none)."""
    file = folder / MANIFEST
    if not file.is_file():
        return {}
    with file.open(newline="", encoding="utf-8") as f:
        return {row["name"]: row for row in csv.DictReader(f)}


def made_by(name: str) -> str:
    """The start of the manifest's ``made_by`` for ``name``: this script and the maker's version."""
    return f"{MAKER} ({name} v{MAKERS[name][1]})"


def cached(folder: Path, rows: dict[str, dict[str, str]], name: str) -> bool:
    """True when ``folder`` holds this version of ``name``'s stand-in, of the listed size (the
    asset lookup checks its sha256 on every use)."""
    row, file = rows.get(name), folder / name
    return (
        row is not None
        and row["made_by"].startswith(made_by(name) + ":")
        and file.is_file()
        and file.stat().st_size == int(row["bytes"])
    )


def make(
    folder: Path = DEFAULT_FOLDER, force: bool = False, log: Callable[[str], None] = print
) -> Path:
    """Make the stand-ins in ``folder``, keeping those already there in this version (unless
    ``force``), and write the manifest; returns ``folder``."""
    folder = Path(folder)
    old = {} if force else read_manifest(folder)
    keep = [name for name in MAKERS if cached(folder, old, name)]
    if len(keep) == len(MAKERS) and set(old) == set(MAKERS):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MANIFEST).unlink(missing_ok=True)  # no manifest while the files change
    rows = []
    for number, (name, (stands_for, _, maker)) in enumerate(MAKERS.items()):
        if name in keep:
            rows.append(old[name])
            continue
        start = time.perf_counter()
        out = folder / name
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".part")
        how = maker(tmp, np.random.default_rng([SEED, number]))
        tmp.replace(out)
        rows.append(
            {
                "name": name,
                "sha256": sha256(out),
                "bytes": out.stat().st_size,
                "stands_for": stands_for,
                "made_by": f"{made_by(name)}: {how}",
            }
        )
        log(f"{name}: {out.stat().st_size:,} bytes in {time.perf_counter() - start:.1f} s")
    tmp = folder / (MANIFEST + ".part")
    with tmp.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(folder / MANIFEST)
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--force", action="store_true", help="make them again even if cached")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    folder = make(args.folder, force=args.force)
    total = sum((folder / n).stat().st_size for n in MAKERS)
    print(
        f"{len(MAKERS)} stand-ins, {total / 1e6:.0f} MB, in {folder} "
        f"({time.perf_counter() - start:.1f} s)"
    )
    for name, why in NO_STAND_IN.items():
        print(f"no stand-in for {name}: {why}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO_ROOT))
    sys.exit(main())
