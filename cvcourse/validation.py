"""One clear sentence for bad input: the checks the public functions share.

Every check raises ``TypeError`` (the wrong kind of thing), ``ValueError`` (the right kind, a bad
value) or ``FileNotFoundError`` (no such file), and its message names the argument or the file,
says what was expected and what was given and, where there is one, what to do. Images are checked
by :func:`cvcourse.images.check_image`; this module adds the rest:

* :func:`check_file`: a path to an existing, non-empty file (not a directory);
* :func:`check_output_file`: a path to write a file to (not a directory);
* :func:`check_names`: a list of names, never a bare string (which Python would split into letters);
* :func:`check_box`: an ``(x, y, w, h)`` box of four finite numbers with an area, overlapping the
  image;
* :func:`check_uint8`: an image that a detector or a network needs as 0–255 ``uint8``;
* :func:`check_fraction`: a threshold such as a confidence, between 0 and 1;
* :func:`check_model`: a loaded model object rather than ``None`` or its file name;
* :func:`opencv_reason`: the one readable phrase of an OpenCV C++ error, to quote in a message.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

Box = tuple[int, int, int, int]


def check_file(path: object, name: str, what: str, hint: str = "") -> Path:
    """``path`` as a ``Path`` if it names an existing, non-empty regular file; else a clear error.

    ``what`` says what the file should be (``"LBPH model"``, ``"image file"``): a missing file
    raises ``FileNotFoundError("no {what} at {path}{hint}")``, so a message reads e.g. "no LBPH
    model at m.yml: train one and save it with recognizer.write(path)". A directory or a 0-byte
    file raises ``ValueError``; something that is not a path at all (``None``, an array)
    ``TypeError``.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"{name} must be the path of the {what} (a str or pathlib.Path), not "
            f"{type(path).__name__}"
        )
    file = Path(path)
    if file.is_dir():
        raise ValueError(
            f"{name} {file} is a directory, not a file: give the path of the {what} itself"
        )
    if not file.is_file():
        raise FileNotFoundError(f"no {what} at {file}{hint}")
    if file.stat().st_size == 0:
        raise ValueError(
            f"{name} {file} is an empty file (0 bytes), not a valid {what}: was its download or "
            "save cut short?"
        )
    return file


def check_output_file(path: object, name: str) -> Path:
    """``path`` as a ``Path`` to write a file to: ``TypeError`` for a non-path, ``ValueError`` for a
    directory."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"{name} must be the path of the file to write (a str or pathlib.Path), not "
            f"{type(path).__name__}"
        )
    file = Path(path)
    if file.is_dir():
        raise ValueError(f"{name} {file} is a directory: give the path of the file to write in it")
    return file


def check_names(names: object, name: str, choices: Iterable[str] | None = None) -> tuple[str, ...]:
    """``names`` as a tuple of strings; a bare string or a non-list raises ``TypeError``.

    A string is itself a sequence of strings, so ``for n in "happy"`` would silently give the
    letters ``h, a, p, p, y``: the message shows the list to write instead. With ``choices``,
    a name outside them raises ``ValueError`` listing the choices.
    """
    if isinstance(names, (str, bytes)):
        raise TypeError(
            f"{name} must be a list of names, not the single string {names!r}: "
            f"write [{names!r}] (a list with one name)"
        )
    list_like = (
        isinstance(names, (Sequence, set, frozenset))
        or isinstance(names, np.ndarray)
        and names.ndim == 1
    )
    if not list_like:
        raise TypeError(
            f"{name} must be a list of names such as ['happy', 'sad'], not {type(names).__name__}"
        )
    values = tuple(names)
    wrong = [v for v in values if not isinstance(v, (str, np.str_))]
    if wrong:
        raise TypeError(
            f"{name} must hold names (strings); got {wrong[0]!r} ({type(wrong[0]).__name__})"
        )
    values = tuple(str(v) for v in values)
    if choices is not None:
        choices = tuple(choices)
        unknown = sorted(set(values) - set(choices))
        if unknown:
            raise ValueError(f"{name}: unknown name(s) {unknown}; choose from {choices}")
    return values


def check_box(box: object, image: np.ndarray | None, name: str = "box") -> Box:
    """``box`` as four ints ``(x, y, w, h)`` after checking that it has an area and overlaps
    ``image``.

    A box may stick out of the image (detectors return faces cut by the border), but one wholly
    outside it holds no pixels to work on: that raises ``ValueError`` naming the image size.
    With ``image=None`` only the numbers and the area are checked.
    """
    if not isinstance(box, (Sequence, np.ndarray)) or isinstance(box, (str, bytes)):
        raise TypeError(f"{name} must be four numbers (x, y, w, h), not {type(box).__name__}")
    values = list(np.ravel(box)) if isinstance(box, np.ndarray) else list(box)
    if len(values) != 4 or not all(_is_finite_number(v) for v in values):
        raise ValueError(f"{name} must be four finite numbers (x, y, w, h), got {box!r}")
    x, y, w, h = (int(round(float(v))) for v in values)
    if w <= 0 or h <= 0:
        raise ValueError(f"{name} {(x, y, w, h)} has no area: its width and height must be > 0")
    if image is None:
        return x, y, w, h
    height, width = image.shape[:2]
    if x >= width or y >= height or x + w <= 0 or y + h <= 0:
        raise ValueError(
            f"{name} {(x, y, w, h)} lies outside the {width}×{height} image: "
            f"it must overlap 0 ≤ x < {width}, 0 ≤ y < {height}"
        )
    return x, y, w, h


def check_uint8(image: np.ndarray, name: str, user: str) -> np.ndarray:
    """``image`` (already checked by ``check_image``) if its dtype is ``uint8``, else
    ``ValueError``.

    ``user`` names what needs it (``"YOLO"``, ``"the Haar cascade"``). A detector fed 0–1 floats
    or 16-bit pixels does not fail, it silently finds nothing or nonsense: hence the check.
    """
    if image.dtype != np.uint8:
        raise ValueError(
            f"{name} has dtype {image.dtype}; {user} takes uint8 (0-255) images: convert with "
            "np.clip(x, 0, 255).astype(np.uint8) (floats in 0-1: multiply by 255 first)"
        )
    return image


def check_fraction(value: object, name: str) -> float:
    """``value`` as a float if it is a number in [0, 1] (a probability, an IoU), else
    ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number between 0 and 1, not {type(value).__name__}")
    if not 0.0 <= float(value) <= 1.0:  # also refuses NaN
        raise ValueError(f"{name} must be between 0 and 1, got {value}")
    return float(value)


def check_model(model: object, name: str, needs: Sequence[str], what: str) -> object:
    """``model`` if it has the attributes ``needs`` (a loaded model of the right kind), else
    ``TypeError``.

    Catches ``None`` (a loader that failed), a file name passed where the loaded model belongs, and
    a model of another library (a TF Lite interpreter where a Keras model is needed).
    """
    if model is None or isinstance(model, (str, os.PathLike)):
        given = "None" if model is None else f"the path {str(model)!r}"
        raise TypeError(f"{name} must be {what}, got {given}: load the model first")
    missing = [attribute for attribute in needs if not hasattr(model, attribute)]
    if missing:
        raise TypeError(
            f"{name} must be {what}; a {type(model).__name__} has no {', '.join(missing)}"
        )
    return model


def _is_finite_number(value: object) -> bool:
    """True for a real, finite number (``bool`` excluded)."""
    return (
        isinstance(value, (int, float, np.integer, np.floating))
        and not isinstance(value, (bool, np.bool_))
        and math.isfinite(value)
    )


def opencv_reason(error: Exception) -> str:
    """The readable part of a ``cv2.error``: ``"Input file is invalid"`` out of
    ``"OpenCV(4.10.0) /io/.../persistence.cpp:767: error: (-5:Bad argument) Input file is invalid
    in function 'open'"``."""
    details = [line[2:].strip() for line in str(error).splitlines() if line.startswith("> ")]
    if details:  # the multi-line form: "> Invalid number of channels in input image: ..."
        return " ".join(details)
    text = " ".join(str(error).split())
    found = re.search(r"error: \(-?\d+:([^)]*)\) ?(.*?)(?:\s*in function .*)?$", text)
    return (found.group(2) or found.group(1)) if found else text
