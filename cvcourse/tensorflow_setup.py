"""Importing TensorFlow/Keras quietly and reproducibly for the notebooks."""

from __future__ import annotations

import contextlib
import os
from typing import Iterator


@contextlib.contextmanager
def stderr_silenced() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null for the block (C++ libraries write there directly).

    Python exceptions are unaffected: they travel as objects, not through descriptor 2.
    """
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def import_tensorflow(seed: int | None = 0):
    """Import ``tensorflow`` and ``keras`` without TF's C++ start-up log; seed Python, NumPy, TF.

    ``TF_CPP_MIN_LOG_LEVEL=3`` (set by ``import cvcourse``) hides TF's later log lines, but the
    absl lines printed while TF loads ignore it — a projector and the output comparison of the
    tests both do better without them. Returns ``(tf, keras)``.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with stderr_silenced():
        import keras
        import tensorflow as tf
    if seed is not None:
        keras.utils.set_random_seed(seed)
    return tf, keras
