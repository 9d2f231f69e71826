"""Bad input anywhere in the public API gets one clear error (issue 22).

A table (:data:`TABLE`) lists every public ``cvcourse`` function (and method) that takes an image,
a list of images, a box, a path, a model or a list of names, with a call that puts a value into
that argument and valid values everywhere else. :func:`test_bad_value_is_refused` feeds each the
bad values of its kind (:data:`BAD_VALUES`): ``None``, empty / 1-d / 4-d / 2-channel arrays,
uint16 / float32 / bool / NaN images, boxes outside the image or without area, missing paths,
directories, 0-byte files, text files named like an image or a model, a bare string where a list
of names belongs. Each must raise ``ValueError``, ``TypeError`` or ``FileNotFoundError`` naming the
argument (or the file) — never return, never hang, never let a raw OpenCV C++ error through.

A value that is *not* bad for one function (``draw_boxes`` draws on float images too) is listed
in its row's ``accepts`` with the reason.
:func:`test_every_public_function_with_such_an_argument_has_a_row` walks the API, so a new public
function fails until it has a row (or a line in :data:`NOT_CHECKED` saying why it needs none).
Generated cases (hypothesis) check the box and array rules on many more values. The eight cases
found by hand come last, one test each, with their new messages.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import inspect
import math
import pkgutil
import re
import signal
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import cvcourse
from cvcourse import assets
from cvcourse.images import read_image, resize_to_width

ALLOWED = (ValueError, TypeError, FileNotFoundError)
CALL_SECONDS = 120  # "never hang": one call may take this long at most (the first loads TensorFlow)


# ---------------------------------------------------------------- valid inputs (real assets, loaded
# once)
def asset(name: str) -> Path:
    """A real course asset, or skip naming it."""
    found = assets.locate(name)
    if found is None:
        pytest.skip(f"asset {name} not found locally (set CVCOURSE_ASSETS)")
    return found


class Inputs:
    """The valid values the rows start from, each built the first time a row needs it."""

    @functools.cached_property
    def photo(self) -> np.ndarray:
        """Grace Hopper, BGR uint8, 112 × 96."""
        return resize_to_width(read_image(asset("photos/grace_hopper.jpg")), 96)

    @functools.cached_property
    def gray(self) -> np.ndarray:
        return cv2.cvtColor(self.photo, cv2.COLOR_BGR2GRAY)

    @functools.cached_property
    def face(self) -> np.ndarray:
        """A Yale face, gray uint8 243 × 320."""
        return read_image(asset("yalefaces/subject02.normal"), gray=True)

    @functools.cached_property
    def crop(self) -> np.ndarray:
        from cvcourse import recognition

        return recognition.align_face(self.face)

    @functools.cached_property
    def lbph(self):
        from cvcourse import recognition

        model = recognition.create_lbph()
        model.train([self.crop, self.crop[:, ::-1].copy()], np.array([1, 2], np.int32))
        return model

    @functools.cached_property
    def yolo(self):
        from cvcourse import yolo

        return yolo.load_yolo()

    @functools.cached_property
    def movenet(self):
        from cvcourse import pose

        return pose.MoveNetPose()

    @functools.cached_property
    def deeplab(self):
        from cvcourse import segmentation

        return segmentation.DeepLab()

    @functools.cached_property
    def selfie(self):
        from cvcourse import segmentation

        return segmentation.SelfieSegmenter()

    @functools.cached_property
    def magenta(self):
        from cvcourse import style_transfer

        return style_transfer.load_magenta()

    @functools.cached_property
    def style_network(self):
        from cvcourse import style_transfer

        return style_transfer.load_style_network()

    @functools.cached_property
    def mobilenet_base(self):
        from cvcourse import mobilenet

        return mobilenet.build_feature_extractor(32)

    @functools.cached_property
    def mobilenet_notop(self):
        from cvcourse import mobilenet

        return mobilenet.build_mobilenet_v1(include_top=False)

    @functools.cached_property
    def emotion_model(self):
        from cvcourse import emotions

        return emotions.load_emotion_model()

    @functools.cached_property
    def tmp(self) -> Path:
        """A folder for the files a call writes."""
        import tempfile

        return Path(tempfile.mkdtemp(prefix="cvcourse-bad-input-"))

    @functools.cached_property
    def small(self) -> np.ndarray:
        """The photo as a 28 × 28 gray uint8 image (Fashion-MNIST's size)."""
        return cv2.resize(self.gray, (28, 28), interpolation=cv2.INTER_AREA)

    @functools.cached_property
    def gan(self):
        """An untrained DCGAN (generator, discriminator)."""
        from cvcourse import gan

        return gan.build_generator(), gan.build_discriminator()

    @functools.cached_property
    def unit(self) -> np.ndarray:
        """The photo as RGB floats in [0, 1], 32 × 32 (style transfer's image)."""
        from cvcourse import style_transfer

        return style_transfer.to_tensor(self.photo, max_side=32)

    @functools.cached_property
    def digits(self) -> np.ndarray:
        """Eight 28 × 28 gray floats in [0, 1] (the autoencoders' batch)."""
        return (np.stack([cv2.resize(self.gray, (28, 28))] * 8) / 255.0).astype(np.float32)


INPUTS = Inputs()


# ---------------------------------------------------------------- the bad values of each kind
def _two_channels(valid: np.ndarray) -> np.ndarray:
    gray = valid if valid.ndim == 2 else valid[..., 0]
    return np.stack([gray, gray], axis=-1)


def _four_d(valid: np.ndarray) -> np.ndarray:
    return valid.reshape((1,) + valid.shape + ((1,) if valid.ndim == 2 else ()))


def _with_nan(valid: np.ndarray) -> np.ndarray:
    out = valid.astype(np.float32) / (255.0 if valid.dtype == np.uint8 else 1.0)
    out.flat[out.size // 2] = np.nan
    return out


IMAGE_VALUES: dict[str, Callable[[np.ndarray], object]] = {
    "None": lambda v: None,
    "a path string": lambda v: "photo.jpg",
    "an empty array": lambda v: v[:0],
    "a 1-d array": lambda v: v.ravel()[:50],
    "a 4-d array": _four_d,
    "a 2-channel array": _two_channels,
    "uint16": lambda v: v.astype(np.uint16) * 257,
    "float32": lambda v: v.astype(np.float32) / (255.0 if v.dtype == np.uint8 else 1.0),
    "bool": lambda v: v > (127 if v.dtype == np.uint8 else 0.5),
    "NaN": _with_nan,
}
IMAGES_VALUES: dict[str, Callable[[np.ndarray], object]] = {
    "None": lambda v: None,
    "a bare string": lambda v: "frames.mp4",
    "an empty list": lambda v: [],
    "a list holding None": lambda v: [v, None],
    "a list holding a 1-d array": lambda v: [v, v.ravel()[:50]],
    "a list holding a bool image": lambda v: [v, v > 0.5 * v.max()],
    "a list holding a NaN image": lambda v: [v, _with_nan(v)],
}
BOX_VALUES: dict[str, object] = {
    "None": None,
    "a string": "10, 10, 20, 20",
    "three numbers": (10, 10, 20),
    "NaN": (math.nan, 10, 20, 20),
    "outside the image": (10_000, 10_000, 50, 50),
    "zero size": (10, 10, 0, 0),
    "negative size": (10, 10, -20, -20),
}
PATH_VALUES = ("a missing file", "a directory", "a 0-byte file", "a text file")
OUTPUT_PATH_VALUES = ("None", "a directory")
NAMES_VALUES = ("a bare string",)
MODEL_VALUES = ("None", "a path string")

KINDS = {
    "image": tuple(IMAGE_VALUES),
    "images": tuple(IMAGES_VALUES),
    "box": tuple(BOX_VALUES),
    "path": PATH_VALUES,
    "output path": OUTPUT_PATH_VALUES,
    "names": NAMES_VALUES,
    "model": MODEL_VALUES,
}
BAD_VALUES = KINDS  # the name the module docstring uses


@dataclasses.dataclass(frozen=True)
class Row:
    """One argument of one public function: how to call it with a value there.

    ``call(value, inputs)`` passes ``value`` as ``arg`` and valid :class:`Inputs` elsewhere;
    ``valid`` gives the valid image the bad images are made from (default: the photo); ``ext`` is
    the file extension of the bad paths; ``example`` the one name of the bare string; ``accepts``
    the bad values of the kind that are fine here, each with the reason.
    """

    target: str
    arg: str
    kind: str
    call: Callable[[object, Inputs], object]
    valid: Callable[[Inputs], np.ndarray] = lambda c: c.photo
    ext: str = ""
    example: str = "name"
    accepts: dict[str, str] = dataclasses.field(default_factory=dict)

    def values(self) -> list[str]:
        return [label for label in KINDS[self.kind] if label not in self.accepts]


ANY_DEPTH = {
    "uint16": "drawing/converting works on any numeric depth",
    "float32": "drawing/converting works on any numeric depth",
}
FLOAT_OK = {"float32": "float images are this function's input"}
MATRIX = {
    "uint16": "a matrix of any numbers",
    "float32": "a matrix of any numbers",
    "bool": "a 0/1 matrix (the slides' images)",
}


ALL_IMAGES = tuple(IMAGES_VALUES)
LISTED_IMAGES = (
    "a list holding None",
    "a list holding a 1-d array",
    "a list holding a bool image",
    "a list holding a NaN image",
)
MODELS = ("None", "a path string")
DETECT = {"None": "None means: find the face with detect_face"}
NOTHING_IN = {"an empty list": "no crops in, no answers out (an empty result of the right shape)"}
NO_IMAGE = {
    "outside the image": "no image to lie outside of",
    "zero size": "an empty box is a valid box (IoU 0)",
}


def image(target: str, call, arg: str = "image", **kw) -> Row:
    return Row(target, arg, "image", call, **kw)


def path(target: str, call, ext: str, arg: str = "path", **kw) -> Row:
    return Row(target, arg, "path", call, ext=ext, **kw)


def names(target: str, call, arg: str, example: str = "name", **kw) -> Row:
    return Row(target, arg, "names", call, example=example, **kw)


def model(target: str, call, arg: str = "model", **kw) -> Row:
    return Row(target, arg, "model", call, **kw)


def box(target: str, call, arg: str = "box", **kw) -> Row:
    return Row(target, arg, "box", call, **kw)


def images(target: str, call, arg: str = "images", **kw) -> Row:
    return Row(target, arg, "images", call, **kw)


def _m(name: str):
    return importlib.import_module(f"cvcourse.{name}")


def _ax():
    import matplotlib.pyplot as plt

    return plt.subplots()[1]


X32 = np.zeros((1, 32, 32, 3), np.float32)  # a network input batch of one

TABLE: list[Row] = [
    # ---- autoencoders: batches of gray images in [0, 1]
    images(
        "autoencoders.add_gaussian_noise",
        lambda v, c: _m("autoencoders").add_gaussian_noise(v, 0.1),
        valid=lambda c: c.digits[0],
    ),
    images(
        "autoencoders.mean_psnr",
        lambda v, c: _m("autoencoders").mean_psnr(c.digits[:2], v),
        valid=lambda c: c.digits[0],
    ),
    images(
        "autoencoders.reconstruction_errors",
        lambda v, c: _m("autoencoders").reconstruction_errors(v, c.digits[:2]),
        valid=lambda c: c.digits[0],
    ),
    images(
        "autoencoders.to_28x28", lambda v, c: _m("autoencoders").to_28x28(v), valid=lambda c: c.gray
    ),
    path(
        "autoencoders.load_mnist",
        lambda v, c: _m("autoencoders").load_mnist(file=v),
        ".npz",
        arg="file",
    ),
    # ---- characters
    image(
        "characters.draw_kid",
        lambda v, c: _m("characters").draw_kid(v, np.random.default_rng(0)),
        arg="canvas",
    ),
    image(
        "characters.draw_dad",
        lambda v, c: _m("characters").draw_dad(v, np.random.default_rng(0)),
        arg="canvas",
    ),
    image("characters.colour_masks", lambda v, c: _m("characters").colour_masks(v)),
    image("characters.colour_features", lambda v, c: _m("characters").colour_features(v)),
    images("characters.extract_features", lambda v, c: _m("characters").extract_features(v)),
    Row(
        "characters.write_features_csv",
        "path",
        "output path",
        lambda v, c: _m("characters").write_features_csv(v, np.zeros((1, 6)), np.zeros(1, int)),
    ),
    path(
        "characters.read_features_csv", lambda v, c: _m("characters").read_features_csv(v), ".csv"
    ),
    # ---- convolution: the slides' matrices of numbers
    image(
        "convolution.cross_correlate",
        lambda v, c: _m("convolution").cross_correlate(v, np.ones((2, 2))),
        valid=lambda c: c.gray[:6, :6],
        accepts=MATRIX,
    ),
    image(
        "convolution.feature_map_steps",
        lambda v, c: _m("convolution").feature_map_steps(v, np.ones((2, 2))),
        valid=lambda c: c.gray[:6, :6],
        accepts=MATRIX,
    ),
    image(
        "convolution.convolve",
        lambda v, c: _m("convolution").convolve(v, np.ones((2, 2))),
        valid=lambda c: c.gray[:6, :6],
        accepts=MATRIX,
    ),
    image(
        "convolution.keras_feature_maps",
        lambda v, c: _m("convolution").keras_feature_maps(v, np.ones((2, 2))),
        valid=lambda c: c.gray[:6, :6],
        accepts=MATRIX,
    ),
    image(
        "convolution.apply_detector",
        lambda v, c: _m("convolution").apply_detector(v, np.ones((3, 3))),
        valid=lambda c: c.gray,
        accepts=MATRIX,
    ),
    image(
        "convolution.detector_explorer",
        lambda v, c: _m("convolution").detector_explorer(v),
        valid=lambda c: c.gray,
        accepts=MATRIX,
    ),
    image(
        "convolution.step_explorer",
        lambda v, c: _m("convolution").step_explorer(v, np.ones((2, 2))),
        valid=lambda c: c.gray[:6, :6],
        accepts=MATRIX,
    ),
    names(
        "convolution.show_matrices",
        lambda v, c: _m("convolution").show_matrices([np.eye(2)] * 3, v, show=False),
        "titles",
        "abc",
    ),
    names(
        "convolution.matrices_html",
        lambda v, c: _m("convolution").matrices_html([np.eye(2)] * 3, v),
        "titles",
        "abc",
    ),
    names(
        "convolution.plot_dense_step",
        lambda v, c: _m("convolution").plot_dense_step(
            np.ones(2), np.ones(2), np.ones(3), np.ones((2, 2)), np.ones((2, 3)), v, show=False
        ),
        "output_labels",
        "abc",
    ),
    # ---- datasets
    path("datasets.read_idx", lambda v, c: _m("datasets").read_idx(v), ".gz", arg="file"),
    path(
        "datasets.load_dlib_boxes",
        lambda v, c: _m("datasets").load_dlib_boxes(v),
        ".xml",
        arg="xml_file",
    ),
    names(
        "datasets.load_yalefaces",
        lambda v, c: _m("datasets").load_yalefaces(v),
        "conditions",
        "happy",
    ),
    path(
        "datasets.load_yalefaces_zip",
        lambda v, c: _m("datasets").load_yalefaces_zip(v),
        ".zip",
        arg="file",
    ),
    # ---- deep dream
    image("deepdream.to_input", lambda v, c: _m("deepdream").to_input(v)),
    model(
        "deepdream.dream_model",
        lambda v, c: _m("deepdream").dream_model(v, ["Conv2d_1_pointwise"]),
        arg="base",
    ),
    names(
        "deepdream.dream_model",
        lambda v, c: _m("deepdream").dream_model(c.mobilenet_base, v),
        "layers",
        "Conv2d_1_pointwise",
    ),
    model("deepdream.layer_outputs", lambda v, c: _m("deepdream").layer_outputs(v, X32)),
    model("deepdream.dream_loss", lambda v, c: _m("deepdream").dream_loss(v, X32)),
    model("deepdream.dream_step", lambda v, c: _m("deepdream").dream_step(v, X32, 0.01)),
    model("deepdream.run_dream", lambda v, c: _m("deepdream").run_dream(v, X32, steps=1)),
    model("deepdream.octave_dream", lambda v, c: _m("deepdream").octave_dream(v, X32, steps=1)),
    # ---- display
    images("display.image_grid", lambda v, c: _m("display").image_grid(v)),
    names(
        "display.image_grid",
        lambda v, c: _m("display").image_grid([c.photo] * 3, v),
        "titles",
        "abc",
    ),
    images("display.show_images", lambda v, c: _m("display").show_images(v)),
    names(
        "display.show_images",
        lambda v, c: _m("display").show_images([c.photo] * 3, v),
        "titles",
        "abc",
    ),
    image(
        "display.draw_boxes",
        lambda v, c: _m("display").draw_boxes(v, [(1, 1, 5, 5)]),
        accepts=ANY_DEPTH,
    ),
    names(
        "display.draw_boxes",
        lambda v, c: _m("display").draw_boxes(c.photo, [(1, 1, 5, 5)] * 3, v),
        "labels",
        "abc",
    ),
    image(
        "display.draw_landmarks",
        lambda v, c: _m("display").draw_landmarks(v, [(5, 5)]),
        accepts=ANY_DEPTH,
    ),
    images(
        "display.show_frame_strip", lambda v, c: _m("display").show_frame_strip(v), arg="frames"
    ),
    names(
        "display.show_frame_strip",
        lambda v, c: _m("display").show_frame_strip([c.photo] * 3, titles=v),
        "titles",
        "abc",
    ),
    images("display.show_video", lambda v, c: _m("display").show_video(v), arg="frames"),
    image("display.encode_image", lambda v, c: _m("display").encode_image(v), accepts=ANY_DEPTH),
    # ---- emotions
    path(
        "emotions.load_emotion_model",
        lambda v, c: _m("emotions").load_emotion_model(v),
        ".hdf5",
        arg="file",
    ),
    images(
        "emotions.scale_to_minus1_1",
        lambda v, c: _m("emotions").scale_to_minus1_1(v),
        arg="faces",
        valid=lambda c: c.gray,
    ),
    images(
        "emotions.scale_to_0_1",
        lambda v, c: _m("emotions").scale_to_0_1(v),
        arg="faces",
        valid=lambda c: c.gray,
    ),
    image(
        "emotions.crop_face",
        lambda v, c: _m("emotions").crop_face(v, (10, 10, 40, 40), 48),
        accepts=ANY_DEPTH,
    ),
    box("emotions.crop_face", lambda v, c: _m("emotions").crop_face(c.photo, v, 48)),
    model(
        "emotions.classify_faces",
        lambda v, c: _m("emotions").classify_faces(v, c.photo, [(10, 10, 40, 40)]),
    ),
    image(
        "emotions.classify_faces",
        lambda v, c: _m("emotions").classify_faces(c.emotion_model, v, [(10, 10, 40, 40)]),
    ),
    names(
        "emotions.emotion_labels",
        lambda v, c: _m("emotions").emotion_labels(np.full((1, 7), 1 / 7), v),
        "class_names",
        "abcdefg",
    ),
    image(
        "emotions.draw_emotions",
        lambda v, c: _m("emotions").draw_emotions(v, [(1, 1, 5, 5)], np.full((1, 7), 1 / 7)),
        accepts=ANY_DEPTH,
    ),
    names(
        "emotions.draw_emotions",
        lambda v, c: _m("emotions").draw_emotions(
            c.photo, [(1, 1, 5, 5)], np.full((1, 7), 1 / 7), v
        ),
        "class_names",
        "abcdefg",
    ),
    names(
        "emotions.plot_emotion_bars",
        lambda v, c: _m("emotions").plot_emotion_bars(np.full((3, 7), 1 / 7), v, show=False),
        "titles",
        "abc",
    ),
    names(
        "emotions.plot_emotion_bars",
        lambda v, c: _m("emotions").plot_emotion_bars(
            np.full((1, 7), 1 / 7), class_names=v, show=False
        ),
        "class_names",
        "abcdefg",
    ),
    model(
        "emotions.emotions_in_frames",
        lambda v, c: _m("emotions").emotions_in_frames(v, [c.photo], lambda f: [(10, 10, 40, 40)]),
    ),
    images(
        "emotions.emotions_in_frames",
        lambda v, c: _m("emotions").emotions_in_frames(
            c.emotion_model, v, lambda f: [(10, 10, 40, 40)]
        ),
        arg="frames",
        accepts=NOTHING_IN,
    ),
    names(
        "emotions.plot_emotion_timeline",
        lambda v, c: _m("emotions").plot_emotion_timeline(
            [0], np.full((1, 7), 1 / 7), v, show=False
        ),
        "class_names",
        "abcdefg",
    ),
    path("emotions.load_fer2013", lambda v, c: _m("emotions").load_fer2013(v), ".csv", arg="file"),
    # ---- faces
    image("faces.haar_faces", lambda v, c: _m("faces").haar_faces(v)),
    image("faces.hog_faces", lambda v, c: _m("faces").hog_faces(v)),
    image("faces.cnn_faces", lambda v, c: _m("faces").cnn_faces(v, 0)),
    # ---- gan
    images("gan.check_batch", lambda v, c: _m("gan").check_batch(v), valid=lambda c: c.small),
    images("gan.to_model_range", lambda v, c: _m("gan").to_model_range(v), valid=lambda c: c.small),
    images("gan.to_uint8", lambda v, c: _m("gan").to_uint8(v), valid=lambda c: c.small),
    images("gan.grid", lambda v, c: _m("gan").grid(v, 1, 2), valid=lambda c: c.small),
    model(
        "gan.make_train_step",
        lambda v, c: _m("gan").make_train_step(v, c.gan[1], *_m("gan").make_optimizers()),
        arg="generator",
    ),
    model(
        "gan.make_train_step",
        lambda v, c: _m("gan").make_train_step(c.gan[0], v, *_m("gan").make_optimizers()),
        arg="discriminator",
    ),
    model(
        "gan.train",
        lambda v, c: _m("gan").train(v, c.gan[1], np.zeros((2, 28, 28, 1), np.float32), 1),
        arg="generator",
    ),
    model(
        "gan.train",
        lambda v, c: _m("gan").train(c.gan[0], v, np.zeros((2, 28, 28, 1), np.float32), 1),
        arg="discriminator",
    ),
    images("gan.train", lambda v, c: _m("gan").train(*c.gan, v, 1), valid=lambda c: c.small),
    # ---- course_models
    model("course_models.layer_configs", lambda v, c: _m("course_models").layer_configs(v)),
    # ---- haar, hog, images, lbp
    image(
        "haar.integral_image",
        lambda v, c: _m("haar").integral_image(v),
        valid=lambda c: c.gray,
        accepts=ANY_DEPTH,
    ),
    path(
        "haar.cascade_summary",
        lambda v, c: _m("haar").cascade_summary(v),
        ".xml",
        arg="cascade_xml",
    ),
    image(
        "hog.gradients",
        lambda v, c: _m("hog").gradients(v),
        arg="gray",
        valid=lambda c: c.gray,
        accepts=ANY_DEPTH,
    ),
    image("images.check_image", lambda v, c: _m("images").check_image(v), accepts=ANY_DEPTH),
    path("images.read_image", lambda v, c: _m("images").read_image(v), ".jpg"),
    image("images.to_rgb", lambda v, c: _m("images").to_rgb(v), accepts=ANY_DEPTH),
    image(
        "images.resize_to_width",
        lambda v, c: _m("images").resize_to_width(v, 20),
        accepts=ANY_DEPTH,
    ),
    image(
        "lbp.lbp_image",
        lambda v, c: _m("lbp").lbp_image(v),
        arg="gray",
        valid=lambda c: c.gray,
        accepts=ANY_DEPTH,
    ),
    # ---- mobilenet
    path(
        "mobilenet.read_tflite_tensors",
        lambda v, c: _m("mobilenet").read_tflite_tensors(v),
        ".tflite",
        arg="model_file",
    ),
    model(
        "mobilenet.load_tflite_weights",
        lambda v, c: _m("mobilenet").load_tflite_weights(v, asset(_m("mobilenet").MODEL_ASSET)),
    ),
    path(
        "mobilenet.load_tflite_weights",
        lambda v, c: _m("mobilenet").load_tflite_weights(c.mobilenet_notop, v),
        ".tflite",
        arg="model_file",
    ),
    path(
        "mobilenet.read_labels",
        lambda v, c: _m("mobilenet").read_labels(v),
        ".txt",
        arg="labels_file",
    ),
    path(
        "mobilenet.load_mobilenet",
        lambda v, c: _m("mobilenet").load_mobilenet(v),
        ".tflite",
        arg="model_file",
    ),
    path(
        "mobilenet.load_mobilenet",
        lambda v, c: _m("mobilenet").load_mobilenet(labels_file=v),
        ".txt",
        arg="labels_file",
    ),
    image("mobilenet.preprocess", lambda v, c: _m("mobilenet").preprocess(v)),
    images("mobilenet.preprocess_batch", lambda v, c: _m("mobilenet").preprocess_batch(v)),
    names(
        "mobilenet.top_k", lambda v, c: _m("mobilenet").top_k(np.full(3, 1 / 3), v), "labels", "abc"
    ),
    model("mobilenet.feature_extractor", lambda v, c: _m("mobilenet").feature_extractor(v)),
    path(
        "mobilenet.build_feature_extractor",
        lambda v, c: _m("mobilenet").build_feature_extractor(32, model_file=v),
        ".tflite",
        arg="model_file",
    ),
    # ---- neural (plots of the slides' networks)
    names(
        "neural.encode_credit_risk", lambda v, c: _m("neural").encode_credit_risk(v), "rows", "abc"
    ),
    names(
        "neural.plot_logic",
        lambda v, c: _m("neural").plot_logic(_ax(), [0, 0, 0, 1], colors=v),
        "colors",
        "rgbk",
    ),
    names(
        "neural.plot_network",
        lambda v, c: _m("neural").plot_network(
            _ax(), np.ones((2, 2)), np.ones((2, 1)), input_names=v
        ),
        "input_names",
        "ab",
    ),
    # ---- nms
    box("nms.iou_with", lambda v, c: _m("nms").iou_with(v, [(0, 0, 10, 10)]), accepts=NO_IMAGE),
    # ---- pose
    image("pose.letterbox", lambda v, c: _m("pose").letterbox(v, 192)),
    path("pose.MoveNetPose", lambda v, c: _m("pose").MoveNetPose(v), ".tflite", arg="model_file"),
    image("pose.MoveNetPose.prepare", lambda v, c: c.movenet.prepare(v)),
    image("pose.MoveNetPose.coco_keypoints", lambda v, c: c.movenet.coco_keypoints(v)),
    image("pose.MoveNetPose.estimate", lambda v, c: c.movenet.estimate(v)),
    image("pose.MoveNetPose.heatmaps", lambda v, c: c.movenet.heatmaps(v)),
    model(
        "pose.heatmap_tensor_detail",
        lambda v, c: _m("pose").heatmap_tensor_detail(v),
        arg="interpreter",
    ),
    model("pose.OpenPoseMPII", lambda v, c: _m("pose").OpenPoseMPII(v), arg="net"),
    path(
        "pose.OpenPoseMPII.from_files",
        lambda v, c: _m("pose").OpenPoseMPII.from_files(v, asset("yolo_fastest/coco.names")),
        ".prototxt",
        arg="prototxt",
    ),
    path(
        "pose.OpenPoseMPII.from_files",
        lambda v, c: _m("pose").OpenPoseMPII.from_files(asset("yolo_fastest/coco.names"), v),
        ".caffemodel",
        arg="weights",
    ),
    # the OpenPose network is full-course (200 MB): any cv2.dnn network carries the image to its
    # check
    image(
        "pose.OpenPoseMPII.heatmaps", lambda v, c: _m("pose").OpenPoseMPII(c.yolo.net).heatmaps(v)
    ),
    image(
        "pose.OpenPoseMPII.estimate", lambda v, c: _m("pose").OpenPoseMPII(c.yolo.net).estimate(v)
    ),
    image("pose.draw_skeleton", lambda v, c: _m("pose").draw_skeleton(v, {}), accepts=ANY_DEPTH),
    image(
        "pose.heatmap_overlay",
        lambda v, c: _m("pose").heatmap_overlay(v, np.zeros((4, 4)), (0, 0, 96, 112)),
    ),
    # ---- recognition
    image("recognition.detect_face", lambda v, c: _m("recognition").detect_face(v)),
    box("recognition.box_to_rect", lambda v, c: _m("recognition").box_to_rect(v), accepts=NO_IMAGE),
    path(
        "recognition.load_dlib_model",
        lambda v, c: _m("recognition").load_dlib_model(v),
        ".dat",
        arg="file",
    ),
    image(
        "recognition.face_landmarks",
        lambda v, c: _m("recognition").face_landmarks(v, (60, 60, 120, 120)),
        valid=lambda c: c.face,
    ),
    box("recognition.face_landmarks", lambda v, c: _m("recognition").face_landmarks(c.face, v)),
    image(
        "recognition.align_face",
        lambda v, c: _m("recognition").align_face(v, (60, 60, 120, 120)),
        valid=lambda c: c.face,
    ),
    box(
        "recognition.align_face",
        lambda v, c: _m("recognition").align_face(c.face, v),
        accepts=DETECT,
    ),
    image(
        "recognition.check_face_crop",
        lambda v, c: _m("recognition").check_face_crop(v),
        arg="crop",
        valid=lambda c: c.crop,
    ),
    image(
        "recognition.normalize_lighting",
        lambda v, c: _m("recognition").normalize_lighting(v),
        arg="gray",
        valid=lambda c: c.crop,
        accepts=ANY_DEPTH,
    ),
    path("recognition.load_lbph", lambda v, c: _m("recognition").load_lbph(v), ".yml", arg="file"),
    model(
        "recognition.lbph_distances",
        lambda v, c: _m("recognition").lbph_distances(v, c.crop),
        arg="recognizer",
    ),
    image(
        "recognition.lbph_distances",
        lambda v, c: _m("recognition").lbph_distances(c.lbph, v),
        arg="crop",
        valid=lambda c: c.crop,
    ),
    image(
        "recognition.face_descriptor",
        lambda v, c: _m("recognition").face_descriptor(v, (60, 60, 120, 120)),
        valid=lambda c: c.face,
    ),
    box(
        "recognition.face_descriptor",
        lambda v, c: _m("recognition").face_descriptor(c.face, v),
        accepts=DETECT,
    ),
    names(
        "recognition.split_by_condition",
        lambda v, c: _m("recognition").split_by_condition(v, ["sad"]),
        "conditions",
        "sad",
    ),
    names(
        "recognition.split_by_condition",
        lambda v, c: _m("recognition").split_by_condition(["sad", "happy"], v),
        "test_conditions",
        "sad",
    ),
    model(
        "recognition.lbph_predict",
        lambda v, c: _m("recognition").lbph_predict(v, [c.crop]),
        arg="recognizer",
    ),
    images(
        "recognition.lbph_predict",
        lambda v, c: _m("recognition").lbph_predict(c.lbph, v),
        arg="crops",
        valid=lambda c: c.crop,
        accepts=NOTHING_IN,
    ),
    images(
        "recognition.evaluate_lbph",
        lambda v, c: _m("recognition").evaluate_lbph(v, [1, 2], np.array([0]), np.array([1])),
        arg="crops",
        valid=lambda c: c.crop,
    ),
    images(
        "recognition.lbph_features",
        lambda v, c: _m("recognition").lbph_features(v),
        arg="crops",
        valid=lambda c: c.crop,
    ),
    # ---- segmentation
    image(
        "segmentation.model_input", lambda v, c: _m("segmentation").model_input(v, 32, -1.0, 1.0)
    ),
    path(
        "segmentation.read_voc_labels",
        lambda v, c: _m("segmentation").read_voc_labels(v),
        ".txt",
        arg="labels_file",
    ),
    image("segmentation.overlay", lambda v, c: _m("segmentation").overlay(v, c.photo)),
    image(
        "segmentation.overlay",
        lambda v, c: _m("segmentation").overlay(c.photo, v),
        arg="color_mask",
    ),
    names(
        "segmentation.class_shares",
        lambda v, c: _m("segmentation").class_shares(np.zeros((4, 4), int), v),
        "names",
        "abc",
    ),
    path(
        "segmentation.DeepLab",
        lambda v, c: _m("segmentation").DeepLab(v),
        ".tflite",
        arg="model_file",
    ),
    path(
        "segmentation.DeepLab",
        lambda v, c: _m("segmentation").DeepLab(labels_file=v),
        ".txt",
        arg="labels_file",
    ),
    image("segmentation.DeepLab.preprocess", lambda v, c: c.deeplab.preprocess(v)),
    image("segmentation.DeepLab.scores", lambda v, c: c.deeplab.scores(v)),
    image("segmentation.DeepLab.segment", lambda v, c: c.deeplab.segment(v)),
    path(
        "segmentation.SelfieSegmenter",
        lambda v, c: _m("segmentation").SelfieSegmenter(v),
        ".tflite",
        arg="model_file",
    ),
    image("segmentation.SelfieSegmenter.probability", lambda v, c: c.selfie.probability(v)),
    image(
        "segmentation.replace_background",
        lambda v, c: _m("segmentation").replace_background(
            v, np.ones(c.photo.shape[:2]), (0, 0, 0)
        ),
    ),
    image(
        "segmentation.replace_background",
        lambda v, c: _m("segmentation").replace_background(c.photo, np.ones(c.photo.shape[:2]), v),
        arg="background",
    ),
    image(
        "segmentation.plot_segmentation",
        lambda v, c: _m("segmentation").plot_segmentation(
            v, np.zeros(c.photo.shape[:2], int), ["background"], show=False
        ),
    ),
    names(
        "segmentation.plot_segmentation",
        lambda v, c: _m("segmentation").plot_segmentation(
            c.photo, np.zeros(c.photo.shape[:2], int), v, show=False
        ),
        "names",
        "abc",
    ),
    image(
        "segmentation.selective_search",
        lambda v, c: _m("segmentation").selective_search(v, width=48),
    ),
    image(
        "segmentation.grabcut_mask",
        lambda v, c: _m("segmentation").grabcut_mask(v, (10, 10, 60, 60), iterations=1),
    ),
    box(
        "segmentation.grabcut_mask",
        lambda v, c: _m("segmentation").grabcut_mask(c.photo, v, iterations=1),
    ),
    image("segmentation.draw_instances", lambda v, c: _m("segmentation").draw_instances(v, [])),
    names(
        "segmentation.draw_instances",
        lambda v, c: _m("segmentation").draw_instances(
            c.photo, [np.ones(c.photo.shape[:2], bool)] * 3, v
        ),
        "labels",
        "abc",
    ),
    names(
        "segmentation.coco90_names",
        lambda v, c: _m("segmentation").coco90_names(v),
        "coco80",
        "person",
    ),
    path(
        "segmentation.MaskRCNN",
        lambda v, c: _m("segmentation").MaskRCNN(v, asset("yolo_fastest/coco.names"), ["a"] * 80),
        ".pb",
        arg="graph",
    ),
    path(
        "segmentation.MaskRCNN",
        lambda v, c: _m("segmentation").MaskRCNN(asset("yolo_fastest/coco.names"), v, ["a"] * 80),
        ".pbtxt",
        arg="config",
    ),
    names(
        "segmentation.MaskRCNN",
        lambda v, c: _m("segmentation").MaskRCNN(
            asset("yolo_fastest/yolo-fastest-1.1.cfg"), asset("yolo_fastest/coco.names"), v
        ),
        "coco80",
        "person",
    ),
    # Mask R-CNN is full-course (170 MB): a stand-in with any cv2.dnn network carries the image to
    # its check
    image("segmentation.MaskRCNN.detect", lambda v, c: _mask_rcnn_stand_in(c).detect(v)),
    # ---- style transfer
    image("style_transfer.to_tensor", lambda v, c: _m("style_transfer").to_tensor(v)),
    model(
        "style_transfer.style_network",
        lambda v, c: _m("style_transfer").style_network(
            v, ["Conv2d_1_pointwise"], ["Conv2d_1_pointwise"], lambda x: x
        ),
        arg="base",
    ),
    names(
        "style_transfer.style_network",
        lambda v, c: _m("style_transfer").style_network(
            c.mobilenet_base, v, ["Conv2d_1_pointwise"], lambda x: x
        ),
        "style_layers",
        "Conv2d_1_pointwise",
    ),
    names(
        "style_transfer.style_network",
        lambda v, c: _m("style_transfer").style_network(
            c.mobilenet_base, ["Conv2d_1_pointwise"], v, lambda x: x
        ),
        "content_layers",
        "Conv2d_1_pointwise",
    ),
    model(
        "style_transfer.style_targets",
        lambda v, c: _m("style_transfer").style_targets(v, c.unit, c.unit),
        arg="network",
    ),
    image(
        "style_transfer.style_targets",
        lambda v, c: _m("style_transfer").style_targets(c.style_network, v, c.unit),
        arg="content",
        valid=lambda c: c.unit,
        accepts=FLOAT_OK,
    ),
    image(
        "style_transfer.style_targets",
        lambda v, c: _m("style_transfer").style_targets(c.style_network, c.unit, v),
        arg="style",
        valid=lambda c: c.unit,
        accepts=FLOAT_OK,
    ),
    model(
        "style_transfer.transfer_losses",
        lambda v, c: _m("style_transfer").transfer_losses(v, c.unit[None], [], [], 1.0, 1.0, 1.0),
        arg="network",
    ),
    model(
        "style_transfer.stylize",
        lambda v, c: _m("style_transfer").stylize(v, c.unit, c.unit, steps=1),
        arg="network",
    ),
    image(
        "style_transfer.stylize",
        lambda v, c: _m("style_transfer").stylize(c.style_network, v, c.unit, steps=1),
        arg="content",
        valid=lambda c: c.unit,
        accepts=FLOAT_OK,
    ),
    image(
        "style_transfer.stylize",
        lambda v, c: _m("style_transfer").stylize(c.style_network, c.unit, v, steps=1),
        arg="style",
        valid=lambda c: c.unit,
        accepts=FLOAT_OK,
    ),
    image("style_transfer.square_input", lambda v, c: _m("style_transfer").square_input(v, 32)),
    path(
        "style_transfer.load_magenta",
        lambda v, c: _m("style_transfer").load_magenta(v),
        ".tflite",
        arg="predict_file",
    ),
    path(
        "style_transfer.load_magenta",
        lambda v, c: _m("style_transfer").load_magenta(None, v),
        ".tflite",
        arg="transfer_file",
    ),
    model(
        "style_transfer.style_vector",
        lambda v, c: _m("style_transfer").style_vector(v, c.photo),
        arg="predictor",
    ),
    image(
        "style_transfer.style_vector",
        lambda v, c: _m("style_transfer").style_vector(c.magenta[0], v),
    ),
    model(
        "style_transfer.magenta_stylize",
        lambda v, c: _m("style_transfer").magenta_stylize(
            v, c.photo, np.zeros((1, 1, 1, 100), np.float32)
        ),
        arg="transformer",
    ),
    image(
        "style_transfer.magenta_stylize",
        lambda v, c: _m("style_transfer").magenta_stylize(
            c.magenta[1], v, np.zeros((1, 1, 1, 100), np.float32)
        ),
        arg="content",
    ),
    # ---- tflite
    path(
        "tflite.load_interpreter",
        lambda v, c: _m("tflite").load_interpreter(v),
        ".tflite",
        arg="model_file",
    ),
    model("tflite.run", lambda v, c: _m("tflite").run(v, X32), arg="interpreter"),
    # ---- tracking
    box("tracking.check_box", lambda v, c: _m("tracking").check_box(v, c.photo)),
    image(
        "tracking.check_box",
        lambda v, c: _m("tracking").check_box((1, 1, 5, 5), v),
        arg="frame",
        accepts=ANY_DEPTH,
    ),
    image(
        "tracking.Tracker.init",
        lambda v, c: _m("tracking").create_tracker("MIL").init(v, (10, 10, 40, 40)),
        arg="frame",
    ),
    box(
        "tracking.Tracker.init", lambda v, c: _m("tracking").create_tracker("MIL").init(c.photo, v)
    ),
    image("tracking.Tracker.update", lambda v, c: _started_tracker(c).update(v), arg="frame"),
    model(
        "tracking.track",
        lambda v, c: _m("tracking").track(v, [c.photo] * 2, (10, 10, 40, 40)),
        arg="tracker",
    ),
    images(
        "tracking.track",
        lambda v, c: _m("tracking").track("MIL", v, (10, 10, 40, 40)),
        arg="frames",
    ),
    box("tracking.track", lambda v, c: _m("tracking").track("MIL", [c.photo] * 2, v)),
    path(
        "tracking.load_reference", lambda v, c: _m("tracking").load_reference(v), ".csv", arg="file"
    ),
    # ---- training
    names(
        "training.plot_history",
        lambda v, c: _m("training").plot_history({"accuracy": [0.5], "loss": [1.0]}, v, show=False),
        "metrics",
        "accuracy",
    ),
    names(
        "training.plot_confusion_matrix",
        lambda v, c: _m("training").plot_confusion_matrix(np.eye(3, dtype=int), v, show=False),
        "class_names",
        "abc",
    ),
    images(
        "training.show_predictions",
        lambda v, c: _m("training").show_predictions(v, [0, 0], [0, 1], ["a", "b"], show=False),
        valid=lambda c: c.gray,
    ),
    names(
        "training.show_predictions",
        lambda v, c: _m("training").show_predictions(
            np.stack([c.gray] * 2), [0, 1], [0, 1], v, show=False
        ),
        "class_names",
        "ab",
    ),
    image(
        "training.plot_feature_maps",
        lambda v, c: _m("training").plot_feature_maps(np.zeros((4, 4, 2)), image=v, show=False),
        accepts={
            **ANY_DEPTH,
            "None": "None means: no input image beside the maps",
            "a 4-d array": (
                "a batch of one (1, H, W, C), the model's input, is squeezed like the maps"
            ),
        },
    ),
    model("training.save_model", lambda v, c: _m("training").save_model(v, c.tmp / "model.keras")),
    Row(
        "training.save_model",
        "file",
        "output path",
        lambda v, c: _m("training").save_model(c.mobilenet_base, v),
    ),
    # ---- transfer
    model(
        "transfer.unfreeze_from",
        lambda v, c: _m("transfer").unfreeze_from(v, "Conv2d_1_pointwise"),
        arg="base",
    ),
    image("transfer.enlarge", lambda v, c: _m("transfer").enlarge(v), accepts=ANY_DEPTH),
    model("transfer.predict_classes", lambda v, c: _m("transfer").predict_classes(v, X32)),
    # ---- video
    path("video.open_video", lambda v, c: _m("video").open_video(v), ".mp4", arg="source"),
    path(
        "video.open_video",
        lambda v, c: _m("video").open_video(99, fallback=v),
        ".mp4",
        arg="fallback",
    ),
    path("video.iter_frames", lambda v, c: list(_m("video").iter_frames(v)), ".jpg", arg="source"),
    path(
        "video.iter_frames",
        lambda v, c: list(_m("video").iter_frames(99, fallback=v, max_frames=1)),
        ".mp4",
        arg="fallback",
    ),
    path("video.read_frames", lambda v, c: _m("video").read_frames(v), ".jpg", arg="source"),
    path("video.video_info", lambda v, c: _m("video").video_info(v), ".mp4", arg="video"),
    path("video.video_fps", lambda v, c: _m("video").video_fps(v), ".mp4", arg="source"),
    Row(
        "video.write_video",
        "file",
        "output path",
        lambda v, c: _m("video").write_video(v, [c.photo]),
    ),
    images(
        "video.write_video",
        lambda v, c: _m("video").write_video(c.tmp / "clip.mp4", v),
        arg="frames",
    ),
    # ---- yolo
    path(
        "yolo.read_class_names",
        lambda v, c: _m("yolo").read_class_names(v),
        ".names",
        accepts={
            "a text file": (
                "any text lists class names, one a line (YoloDetector checks their number)"
            )
        },
    ),
    path("yolo.weights_count", lambda v, c: _m("yolo").weights_count(v), ".weights"),
    model("yolo.network_weight_count", lambda v, c: _m("yolo").network_weight_count(v), arg="net"),
    path("yolo.cfg_classes", lambda v, c: _m("yolo").cfg_classes(v), ".cfg", arg="cfg"),
    path(
        "yolo.YoloDetector",
        lambda v, c: _m("yolo").YoloDetector(v, *_yolo_files()[1:]),
        ".cfg",
        arg="cfg",
    ),
    path(
        "yolo.YoloDetector",
        lambda v, c: _m("yolo").YoloDetector(_yolo_files()[0], v, _yolo_files()[2]),
        ".weights",
        arg="weights",
    ),
    path(
        "yolo.YoloDetector",
        lambda v, c: _m("yolo").YoloDetector(*_yolo_files()[:2], v),
        ".names",
        arg="names",
    ),
    image("yolo.YoloDetector.forward", lambda v, c: c.yolo.forward(v)),
    image("yolo.YoloDetector.detect", lambda v, c: c.yolo.detect(v)),
    image(
        "yolo.draw_detections", lambda v, c: _m("yolo").draw_detections(v, []), accepts=ANY_DEPTH
    ),
]

#: Public functions and arguments the walk finds that need no row, and why.
NOT_CHECKED: dict[tuple[str, str], str] = {
    ("video.is_live", "source"): "a predicate: it answers for any value",
    ("style_transfer.blend_style", "style"): "a style vector (100 numbers), not an image",
}
#: Modules the walk skips, and why.
EXCLUDED_MODULES: dict[str, str] = {
    "assets": "the asset registry: names and downloads, tested in test_assets.py",
    "bench": "the notebook runner (a command-line tool)",
    "slides": "the lecture-mode tool (a command-line tool)",
    "jupyter_setup": "the JupyterLab settings tool",
    "tensorflow_setup": "imports TensorFlow; takes no image, box, path, model or names",
    "repository": "the publishing tool (repository and revision), not called by the notebooks",
    "validation": "the checks themselves, tested by their own cases below",
}


def _yolo_files() -> tuple[Path, Path, Path]:
    return (
        asset("yolo_fastest/yolo-fastest-1.1.cfg"),
        asset("yolo_fastest/yolo-fastest-1.1.weights"),
        asset("yolo_fastest/coco.names"),
    )


def _mask_rcnn_stand_in(c: Inputs):
    from cvcourse import segmentation

    stand_in = object.__new__(segmentation.MaskRCNN)
    stand_in.net, stand_in.names = c.yolo.net, ["-"] * 90
    return stand_in


def _started_tracker(c: Inputs):
    from cvcourse import tracking

    tracker = tracking.create_tracker("MIL")
    tracker.init(c.photo, (10, 10, 40, 40))
    return tracker


# ---------------------------------------------------------------- making the bad values
@pytest.fixture(scope="session")
def bad_files(tmp_path_factory) -> Callable[[str, str], Path]:
    """``bad_files(label, ext)``: a missing file, a directory, a 0-byte or a text file named
    ``*ext``."""
    root = tmp_path_factory.mktemp("bad_files")
    (root / "a folder").mkdir()

    def make(label: str, ext: str) -> Path:
        if label == "a missing file":
            return root / f"missing{ext}"
        if label == "a directory":
            return root / "a folder"
        file = root / (f"empty{ext}" if label == "a 0-byte file" else f"notes{ext}")
        if not file.exists():
            file.write_bytes(
                b"" if label == "a 0-byte file" else b"These are notes, not what the name says.\n"
            )
        return file

    return make


def bad_value(row: Row, label: str, bad_files) -> object:
    """The bad value ``label`` of the row's kind, made for this row."""
    if row.kind == "image":
        return IMAGE_VALUES[label](np.asarray(row.valid(INPUTS)))
    if row.kind == "images":
        return IMAGES_VALUES[label](np.asarray(row.valid(INPUTS)))
    if row.kind == "box":
        return BOX_VALUES[label]
    if row.kind == "path":
        return bad_files(label, row.ext)
    if row.kind == "output path":
        return None if label == "None" else bad_files(label, "")
    if row.kind == "names":
        return row.example
    if row.kind == "model":
        return None if label == "None" else "model.tflite"
    raise AssertionError(f"unknown kind {row.kind}")


@contextmanager
def time_limit(seconds: int):
    """Raise ``TimeoutError`` in the main thread after ``seconds`` (a call that hangs fails the
    test)."""

    def alarm(*_):
        raise TimeoutError(f"the call did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def names_the_argument(row: Row, value: object, message: str) -> bool:
    """The message names the argument (or, for a path, the file)."""
    if isinstance(value, Path) and (str(value) in message or value.name in message):
        return True
    return re.search(rf"\b{re.escape(row.arg)}", message) is not None


def cases():
    for row in TABLE:
        for label in row.values():
            yield pytest.param(row, label, id=f"{row.target}({row.arg}={label})")


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("row, label", list(cases()))
def test_bad_value_is_refused(row: Row, label: str, bad_files):
    import matplotlib.pyplot as plt

    value = bad_value(row, label, bad_files)
    try:
        with time_limit(CALL_SECONDS):
            result = row.call(value, INPUTS)
    except ALLOWED as error:
        message = str(error)
        assert (
            not isinstance(error, cv2.error)
            and "Assertion failed" not in message
            and "(-215" not in message
        ), f"a raw OpenCV error: {message}"
        assert names_the_argument(row, value, message), (
            f"the message does not name {row.arg!r}: {message}"
        )
    except Exception as error:  # noqa: BLE001 - the point is to report which
        pytest.fail(
            f"{type(error).__name__} instead of ValueError/TypeError/FileNotFoundError: {error}"
        )
    else:
        pytest.fail(f"accepted {label} and returned {type(result).__name__}: {str(result)[:120]}")
    finally:
        plt.close("all")


# ---------------------------------------------------------------- the table covers the API
IMAGE_ARGS = {
    "image",
    "gray",
    "frame",
    "crop",
    "content",
    "style",
    "color_mask",
    "background",
    "canvas",
}
IMAGES_ARGS = {"images", "crops", "frames", "faces"}
PATH_ARGS = {
    "path",
    "file",
    "xml_file",
    "model_file",
    "labels_file",
    "cfg",
    "cascade_xml",
    "prototxt",
    "graph",
    "config",
    "predict_file",
    "transfer_file",
    "source",
    "video",
}
MODEL_ARGS = {
    "model",
    "recognizer",
    "interpreter",
    "network",
    "net",
    "predictor",
    "transformer",
    "base",
    "generator",
    "discriminator",
    "tracker",
}
NAMES_ANNOTATION = re.compile(r"\b(Sequence|list)\[str\]|\btuple\[str, \.\.\.\]")
NOT_A_VALUE = ("bool", "int", "float", "str")  # flags and numbers that share a name (gray: bool)


def kind_of(parameter: inspect.Parameter) -> str | None:
    """The kind of bad values an argument must refuse, from its name and type hint (None: no
    kind)."""
    hint = "" if parameter.annotation is inspect.Parameter.empty else str(parameter.annotation)
    name = parameter.name
    if "Path" in hint or name in PATH_ARGS:
        return "path"
    if hint in NOT_A_VALUE:
        return None
    if name in IMAGE_ARGS:
        return "image"
    if name in IMAGES_ARGS:
        return "images"
    if name == "box":
        return "box"
    if NAMES_ANNOTATION.search(hint) or name in {"conditions", "test_conditions", "coco80"}:
        return "names"
    if name in MODEL_ARGS:
        return "model"
    return None


def public_callables(package=cvcourse):
    """``(dotted name, function)`` of every public function, constructor and method of the
    package."""
    seen = set()
    for info in pkgutil.iter_modules(package.__path__):
        if info.name in EXCLUDED_MODULES or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for name, obj in vars(module).items():
            if (
                name.startswith("_")
                or getattr(obj, "__module__", None) != module.__name__
                or id(obj) in seen
            ):
                continue
            seen.add(id(obj))
            if inspect.isfunction(obj):
                yield f"{info.name}.{name}", obj
            elif inspect.isclass(obj) and not issubclass(obj, BaseException):
                # a record (dataclass, named tuple) holds values; it does not process them
                if "__init__" in vars(obj) and not dataclasses.is_dataclass(obj):
                    yield f"{info.name}.{name}", obj.__init__
                for method_name, method in vars(obj).items():
                    function = (
                        method.__func__
                        if isinstance(method, (classmethod, staticmethod))
                        else method
                    )
                    if not method_name.startswith("_") and inspect.isfunction(function):
                        yield f"{info.name}.{name}.{method_name}", function


def api_arguments(package=cvcourse) -> dict[tuple[str, str], str]:
    """``{(function, argument): kind}`` of every public argument that takes one of the kinds."""
    found = {}
    for target, function in public_callables(package):
        for parameter in inspect.signature(function).parameters.values():
            kind = kind_of(parameter) if parameter.name not in ("self", "cls", "argv") else None
            if kind:
                found[target, parameter.name] = kind
    return found


def uncovered(found: dict[tuple[str, str], str]) -> list[str]:
    """The arguments with no row in :data:`TABLE` and no line in :data:`NOT_CHECKED`."""
    listed = {(row.target, row.arg) for row in TABLE} | set(NOT_CHECKED)
    return sorted(
        f"{target}({arg}: {kind})"
        for (target, arg), kind in found.items()
        if (target, arg) not in listed
    )


def test_every_public_function_with_such_an_argument_has_a_row():
    found = api_arguments()
    assert not uncovered(found), (
        "public arguments without a row in TABLE (add one, with the bad values it "
        f"accepts and why, or a line in NOT_CHECKED): {uncovered(found)}"
    )
    stale = sorted({(row.target, row.arg) for row in TABLE} - set(found))
    assert not stale, f"rows for arguments the API no longer has: {stale}"
    wrong_kind = sorted(
        (row.target, row.arg, row.kind, found[row.target, row.arg])
        for row in TABLE
        if row.kind not in ("output path",)
        and found[row.target, row.arg] != row.kind
        and not (row.kind == "image" and row.accepts is MATRIX)
    )
    assert not wrong_kind, f"rows whose kind differs from the walk's: {wrong_kind}"


def test_a_new_public_function_without_a_row_fails_the_walk(monkeypatch):
    from cvcourse import images

    def sharpen(image, amount: float = 1.0):
        """A function someone adds without a row."""
        return image

    before = set(uncovered(api_arguments()))
    sharpen.__module__ = images.__name__
    monkeypatch.setattr(images, "sharpen", sharpen, raising=False)
    assert set(uncovered(api_arguments())) - before == {"images.sharpen(image: image)"}


def test_the_walk_finds_every_kind():
    found = api_arguments()
    assert set(found.values()) == {"image", "images", "box", "path", "names", "model"}
    assert (
        found["yolo.YoloDetector", "names"] == "path"
        and found["segmentation.class_shares", "names"] == "names"
    )
    assert ("images.read_image", "gray") not in found  # a bool flag, not an image


# ---------------------------------------------------------------- generated cases (hypothesis)
GENERATED = settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def image_and_missing_box(draw) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """An image size and a box that has no area or does not overlap the image at all."""
    height, width = draw(st.integers(1, 400)), draw(st.integers(1, 400))
    where = draw(st.sampled_from(["no area", "right", "below", "left", "above"]))
    big = st.integers(1, 2000)
    if where == "no area":
        x, y = draw(st.integers(-100, 500)), draw(st.integers(-100, 500))
        w, h = draw(
            st.sampled_from(
                [(0, draw(big)), (draw(big), 0), (-draw(big), draw(big)), (draw(big), -draw(big))]
            )
        )
    elif where == "right":
        x, y, w, h = (
            draw(st.integers(width, 5000)),
            draw(st.integers(-100, 500)),
            draw(big),
            draw(big),
        )
    elif where == "below":
        x, y, w, h = (
            draw(st.integers(-100, 500)),
            draw(st.integers(height, 5000)),
            draw(big),
            draw(big),
        )
    elif where == "left":
        w = draw(big)
        x, y, h = draw(st.integers(-5000, -w)), draw(st.integers(-100, 500)), draw(big)
    else:
        h = draw(big)
        x, y, w = draw(st.integers(-100, 500)), draw(st.integers(-5000, -h)), draw(big)
    return np.zeros((height, width), np.uint8), (x, y, w, h)


@GENERATED
@given(image_and_missing_box())
def test_generated_boxes_that_miss_the_image_are_refused(case):
    from cvcourse.validation import check_box

    image, box = case
    with pytest.raises(ValueError, match=r"^box .*(has no area|lies outside the \d+×\d+ image)"):
        check_box(box, image)


@GENERATED
@given(st.integers(1, 300), st.integers(1, 300), st.data())
def test_generated_boxes_that_overlap_the_image_are_kept(height, width, data):
    from cvcourse.validation import check_box

    x, y = data.draw(st.integers(-200, width - 1)), data.draw(st.integers(-200, height - 1))
    w, h = data.draw(st.integers(max(1, 1 - x), 600)), data.draw(st.integers(max(1, 1 - y), 600))
    assert check_box((x, y, w, h), np.zeros((height, width))) == (x, y, w, h)


@settings(
    max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(image_and_missing_box())
def test_generated_missing_boxes_are_refused_by_every_box_function(case):
    from cvcourse import emotions, recognition, segmentation

    image, box = case
    face = np.dstack([image] * 3)
    for call in (
        lambda: recognition.align_face(face, box),
        lambda: recognition.face_descriptor(face, box),
        lambda: recognition.face_landmarks(face, box),
        lambda: emotions.crop_face(face, box, 48),
        lambda: segmentation.grabcut_mask(face, box),
    ):
        with pytest.raises(ValueError, match="box"):
            call()


BAD_DTYPES = st.sampled_from([np.bool_, np.complex64, np.str_])
# object arrays are built directly: hypothesis 6.100 (the declared floor) cannot infer elements for
# dtype object
OBJECT_ARRAYS = st.builds(
    lambda fill: np.full((4, 4, 3), fill, dtype=object), st.sampled_from([None, 0, "x"])
)
BAD_SHAPES = st.one_of(
    st.tuples(st.integers(1, 6)),  # 1-d
    st.tuples(st.integers(1, 6), st.integers(1, 6), st.sampled_from([2, 5, 6])),  # 2, 5, 6 channels
    st.tuples(*[st.integers(1, 4)] * 4),
    st.tuples(*[st.integers(1, 3)] * 5),  # 4-d, 5-d
    st.tuples(st.integers(0, 3), st.just(0)),
)  # empty


@GENERATED
@given(
    st.one_of(
        hnp.arrays(np.uint8, BAD_SHAPES), hnp.arrays(BAD_DTYPES, st.just((4, 4, 3))), OBJECT_ARRAYS
    )
)
def test_generated_bad_arrays_are_refused_by_the_image_functions(array):
    from cvcourse import faces, images, pose, segmentation

    for call in (
        lambda: images.check_image(array),
        lambda: images.to_rgb(array),
        lambda: faces.haar_faces(array),
        lambda: pose.letterbox(array, 64),
        lambda: segmentation.model_input(array, 32, 0.0, 1.0),
    ):
        with pytest.raises((TypeError, ValueError), match=r"^image "):
            call()


@GENERATED
@given(
    hnp.arrays(
        np.float32,
        st.tuples(st.integers(1, 20), st.integers(1, 20)),
        elements=st.floats(0, 1, width=32),
    ),
    st.data(),
)
def test_generated_nan_or_infinity_anywhere_is_refused(array, data):
    from cvcourse.images import check_image

    where = data.draw(st.integers(0, array.size - 1))
    array.flat[where] = data.draw(st.sampled_from([np.nan, np.inf, -np.inf]))
    with pytest.raises(ValueError, match=r"^image holds 1 NaN or infinite value"):
        check_image(array)


@GENERATED
@given(st.text(max_size=30))
def test_generated_bare_strings_are_never_split_into_letters(text):
    from cvcourse import datasets, recognition
    from cvcourse.validation import check_names

    for call, arg in (
        (lambda: check_names(text, "names"), "names"),
        (lambda: datasets.load_yalefaces(text), "conditions"),
        (lambda: recognition.split_by_condition(["sad", "happy"], text), "test_conditions"),
    ):
        with pytest.raises(
            TypeError, match=f"^{arg} must be a list of names, not the single string"
        ):
            call()


# ---------------------------------------------------------------- the eight cases of issue 22
def test_1_yolo_refuses_non_uint8_images_and_thresholds_outside_0_1():
    from cvcourse import yolo

    detector = yolo.load_yolo()
    photo = read_image(asset("faces_group/2008_002079.jpg"))  # 9 people at a dinner table
    assert yolo.count_classes(detector.detect(photo))["person"] == 9
    for bad in (photo.astype(np.uint16) * 257, photo.astype(np.float32) / 255):
        for call in (detector.detect, detector.forward):
            with pytest.raises(
                ValueError,
                match=rf"^image has dtype {bad.dtype}; YOLO takes uint8 \(0-255\) images: "
                r"convert with np\.clip",
            ):
                call(bad)
    with pytest.raises(ValueError, match=r"^confidence must be between 0 and 1, got 1\.5$"):
        detector.detect(photo, confidence=1.5)
    with pytest.raises(ValueError, match=r"^nms_iou must be between 0 and 1, got -0\.1$"):
        detector.detect(photo, nms_iou=-0.1)


def test_2_a_face_box_outside_the_image_is_refused_and_one_cut_by_the_border_is_kept():
    from cvcourse import recognition

    gray = read_image(asset("yalefaces/subject02.normal"), gray=True)
    for call in (recognition.align_face, recognition.face_descriptor, recognition.face_landmarks):
        with pytest.raises(
            ValueError,
            match=r"^box \(1000, 1000, 50, 50\) lies outside the 320×243 image: "
            r"it must overlap 0 ≤ x < 320, 0 ≤ y < 243$",
        ):
            call(gray, (1000, 1000, 50, 50))
    x, y, w, h = recognition.detect_face(gray)
    cut = (-w // 4, y, w, h)  # a quarter of the face hangs over the left border
    crop = recognition.align_face(gray, cut)
    assert crop.shape == (100, 100) and crop.std() > 20  # a face, not a black square
    assert recognition.face_descriptor(gray, cut).shape == (128,)


def test_3_a_bare_string_is_not_split_into_letters():
    from cvcourse import datasets, recognition

    with pytest.raises(
        TypeError,
        match=r"^conditions must be a list of names, not the single string 'happy': "
        r"write \['happy'\] \(a list with one name\)$",
    ):
        datasets.load_yalefaces("happy")
    images, _, conditions = (
        datasets.load_yalefaces(["happy"])
        if assets.locate("yalefaces/subject15.wink")
        else pytest.skip("yalefaces not found locally")
    )
    assert len(images) == 15 and set(conditions) == {"happy"}
    with pytest.raises(
        TypeError, match=r"^test_conditions must be a list of names, not the single string 'sad'"
    ):
        recognition.split_by_condition(["sad", "happy", "sad"], "sad")
    assert [
        a.tolist() for a in recognition.split_by_condition(["sad", "happy", "sad"], ["sad"])
    ] == [[1], [0, 2]]


def test_4_haar_faces_refuses_float_images_in_one_sentence():
    from cvcourse import faces

    gray = read_image(asset("yalefaces/subject02.normal"), gray=True)
    assert len(faces.haar_faces(gray)) == 1
    with pytest.raises(
        ValueError,
        match=r"^image has dtype float32; the Haar cascade takes uint8 \(0-255\) images: ",
    ):
        faces.haar_faces(gray.astype(np.float32))
    with pytest.raises(ValueError, match=r"^scale_factor must be > 1"):
        faces.haar_faces(
            gray, scale_factor=1.0
        )  # OpenCV's own "(-215:Assertion failed) scaleFactor > 1"
    with pytest.raises(
        ValueError, match=r"^dlib detectors need uint8 images, got float32 for image: convert"
    ):
        faces.hog_faces(gray.astype(np.float32))


def test_5_a_tflite_model_that_is_not_movenet_is_named_when_loading():
    from cvcourse import pose, segmentation

    other = asset("imagenet_classifier/mobilenet_v1_0.25_224_1_default_1.tflite")
    with pytest.raises(
        ValueError,
        match=r"^model_file mobilenet_v1_0\.25_224_1_default_1\.tflite is not a MoveNet "
        r"SinglePose model: expected one input 1×S×S×3 \(uint8 or float32 RGB\) and one "
        r"output 1×1×17×3 .*, it has inputs \[1×224×224×3 float32\] and outputs "
        r"\[1×1001 float32\]\. Leave model_file out",
    ):
        pose.MoveNetPose(other)
    with pytest.raises(
        ValueError,
        match=r"is not MediaPipe's selfie segmentation: .* outputs \[1×257×257×21 float32\]",
    ):
        segmentation.SelfieSegmenter(asset(segmentation.DEEPLAB_ASSET))
    assert pose.MoveNetPose().input_size == 192  # the real MoveNet still loads


def test_6_corrupt_model_and_annotation_files_name_the_file(tmp_path):
    from cvcourse import datasets, recognition

    notes = tmp_path / "model.yml"
    notes.write_text("These are notes, not an LBPH model.\n")
    with pytest.raises(
        ValueError,
        match=rf"^{re.escape(str(notes))} is not an LBPH model OpenCV can read "
        r"\(Input file is invalid\): train one and save it",
    ):
        recognition.load_lbph(notes)
    crop = INPUTS.crop
    trained = recognition.create_lbph()
    trained.train([crop, crop[:, ::-1].copy()], np.array([1, 2], np.int32))
    trained.write(str(tmp_path / "lbph.yml"))
    assert (
        recognition.load_lbph(tmp_path / "lbph.yml").predict(crop)[0] == 1
    )  # a real model still loads
    cut = tmp_path / "training.xml"
    cut.write_text(asset("faces_group/training.xml").read_text()[:300])
    with pytest.raises(
        ValueError,
        match=rf"^{re.escape(str(cut))} is not valid XML \(.*line \d+, column \d+\): "
        r"is the file cut short\?$",
    ):
        datasets.load_dlib_boxes(cut)
    other = tmp_path / "cascade.xml"
    other.write_text("<opencv_storage><cascade/></opencv_storage>")
    with pytest.raises(
        ValueError,
        match=r"is not a dlib imglab file: expected <dataset><images>.*found <opencv_storage>",
    ):
        datasets.load_dlib_boxes(other)


def test_7_read_frames_refuses_a_text_file_named_jpg(tmp_path):
    from cvcourse import video

    notes = tmp_path / "photo.jpg"
    notes.write_text("These are notes, not a JPEG.\n")
    with pytest.raises(
        ValueError,
        match=rf"^{re.escape(str(notes))} is not a video OpenCV can decode: "
        r"not even its first frame can be read$",
    ):
        video.read_frames(notes)
    with pytest.raises(ValueError, match="is not a video OpenCV can decode"):
        video.read_frames(notes, start=5)  # the check does not depend on where reading starts
    assert (
        len(video.read_frames(asset("photos/grace_hopper.jpg"))) == 1
    )  # a real JPEG is a one-frame video
    assert (
        video.read_frames("videos/slow_traffic_small.mp4", start=100_000) == []
    )  # past the end: nothing, no error
    with pytest.raises(
        TypeError,
        match=r"^source must be a webcam index \(an int\), a video file path or an asset name, not "
        r"NoneType",
    ):
        video.read_frames(None)


def test_8_lbph_predict_evaluate_and_distances_agree_on_the_crop_size():
    from cvcourse import recognition

    crop = INPUTS.crop
    small = cv2.resize(crop, (50, 50), interpolation=cv2.INTER_AREA)
    message = (
        r"expected a 100×100 gray uint8 face crop, got a 50×50 uint8 image: crop every face at the "
        r"same size"
    )
    with pytest.raises(ValueError, match=f"^{message}"):
        recognition.lbph_distances(INPUTS.lbph, small)
    with pytest.raises(ValueError, match=rf"^crops\[0\]: {message}"):
        recognition.lbph_predict(INPUTS.lbph, [small])
    with pytest.raises(ValueError, match=rf"^crops\[2\]: {message}"):
        recognition.evaluate_lbph(
            [crop, crop[:, ::-1].copy(), small], [1, 2, 1], np.array([0, 1]), np.array([2])
        )
    # crops of another size agree too when that size is given to all three
    smalls = [small, small[:, ::-1].copy()]
    model = recognition.create_lbph()
    model.train(smalls, np.array([1, 2], np.int32))
    assert recognition.lbph_predict(model, [small], size=50)[0].tolist() == [1]
    assert recognition.lbph_distances(model, small, size=50)[0][0] == 1
    assert (
        recognition.evaluate_lbph(
            smalls + [small], [1, 2, 1], np.array([0, 1]), np.array([2]), size=50
        )
        == 1.0
    )


# ---------------------------------------------------------------- the shared checks
def test_check_file_says_missing_directory_empty_or_not_a_path(tmp_path):
    from cvcourse.validation import check_file

    (tmp_path / "empty.dat").write_bytes(b"")
    (tmp_path / "model.dat").write_bytes(b"weights")
    assert (
        check_file(str(tmp_path / "model.dat"), "file", "dlib model file") == tmp_path / "model.dat"
    )
    with pytest.raises(FileNotFoundError, match=r"^no dlib model file at .*gone\.dat: get it$"):
        check_file(tmp_path / "gone.dat", "file", "dlib model file", ": get it")
    with pytest.raises(
        ValueError,
        match=r"^file .* is a directory, not a file: give the path of the dlib model file itself$",
    ):
        check_file(tmp_path, "file", "dlib model file")
    with pytest.raises(
        ValueError,
        match=r"^file .*empty\.dat is an empty file \(0 bytes\), not a valid dlib model file",
    ):
        check_file(tmp_path / "empty.dat", "file", "dlib model file")
    with pytest.raises(
        TypeError,
        match=r"^file must be the path of the dlib model file \(a str or pathlib\.Path\), not "
        r"NoneType$",
    ):
        check_file(None, "file", "dlib model file")


def test_check_names_fraction_model_and_output_file(tmp_path):
    from cvcourse.validation import check_fraction, check_model, check_names, check_output_file

    assert check_names(np.array(["a", "b"]), "names") == ("a", "b")
    assert check_names(("happy",), "names", choices=("happy", "sad")) == ("happy",)
    with pytest.raises(
        ValueError, match=r"^names: unknown name\(s\) \['angry'\]; choose from \('happy', 'sad'\)$"
    ):
        check_names(["angry"], "names", choices=("happy", "sad"))
    with pytest.raises(TypeError, match=r"^names must hold names \(strings\); got 3 \(int\)$"):
        check_names(["a", 3], "names")
    with pytest.raises(
        TypeError, match=r"^names must be a list of names such as \['happy', 'sad'\], not NoneType$"
    ):
        check_names(None, "names")
    assert check_fraction(np.float32(0.5), "iou") == 0.5
    for bad in (float("nan"), -0.01, 1.01):
        with pytest.raises(ValueError, match=r"^iou must be between 0 and 1"):
            check_fraction(bad, "iou")
    with pytest.raises(TypeError, match=r"^iou must be a number between 0 and 1, not str$"):
        check_fraction("0.5", "iou")
    with pytest.raises(
        TypeError,
        match=r"^model must be a Keras model, got the path 'm\.keras': load the model first$",
    ):
        check_model("m.keras", "model", ("predict",), "a Keras model")
    with pytest.raises(TypeError, match=r"^model must be a Keras model; a list has no predict$"):
        check_model([], "model", ("predict",), "a Keras model")
    assert check_output_file(tmp_path / "new.csv", "path") == tmp_path / "new.csv"
    with pytest.raises(
        ValueError, match=r"^path .* is a directory: give the path of the file to write in it$"
    ):
        check_output_file(tmp_path, "path")


def test_opencv_reason_keeps_the_readable_phrase():
    from cvcourse.validation import opencv_reason

    with pytest.raises(cv2.error) as caught:
        cv2.resize(np.zeros((0, 0), np.uint8), (2, 2))
    assert (
        "(-215:Assertion failed)" in str(caught.value)
        and opencv_reason(caught.value) == "!ssize.empty()"
    )
    with pytest.raises(cv2.error) as caught:
        cv2.cvtColor(np.zeros((4, 4, 2), np.uint8), cv2.COLOR_BGR2GRAY)
    assert opencv_reason(caught.value).startswith("Invalid number of channels in input image:")
    with pytest.raises(cv2.error) as caught:
        cv2.face.LBPHFaceRecognizer_create().read(__file__)
    assert opencv_reason(caught.value) == "Input file is invalid"
    assert opencv_reason(ValueError("plain text")) == "plain text"
