"""Running TensorFlow Lite models: the LiteRT runtime, or TensorFlow's own interpreter."""
from __future__ import annotations

from pathlib import Path

import numpy as np


def interpreter_class():
    """``ai_edge_litert``'s ``Interpreter`` when installed, else ``tf.lite.Interpreter``."""
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        from cvcourse.tensorflow_setup import import_tensorflow

        tf, _ = import_tensorflow(seed=None)
        Interpreter = tf.lite.Interpreter
    return Interpreter


def load_interpreter(model_file: str | Path, num_threads: int | None = None):
    """A ready (tensors allocated) TF Lite interpreter for ``model_file``.

    TF Lite's C++ start-up line ("INFO: Created TensorFlow Lite XNNPACK delegate for CPU.") is
    kept out of the notebooks; Python exceptions pass as usual.
    """
    from cvcourse.tensorflow_setup import stderr_silenced

    model_file = Path(model_file)
    if not model_file.is_file():
        raise FileNotFoundError(f"no TF Lite model at {model_file}")
    with stderr_silenced():
        interpreter = interpreter_class()(model_path=str(model_file), num_threads=num_threads)
        interpreter.allocate_tensors()
    return interpreter


def run(interpreter, *inputs: np.ndarray) -> list[np.ndarray]:
    """Feed ``inputs`` in the model's input order, invoke, and return every output as an array.

    Raises ``ValueError`` naming the expected shape and dtype when an input does not fit.
    """
    details = interpreter.get_input_details()
    if len(inputs) != len(details):
        raise ValueError(f"the model takes {len(details)} inputs, got {len(inputs)}")
    for array, detail in zip(inputs, details):
        array = np.asarray(array)
        shape = tuple(int(n) for n in detail["shape"])
        if array.shape != shape or array.dtype != detail["dtype"]:
            raise ValueError(f"input '{detail['name']}' must be {shape} {np.dtype(detail['dtype'])}, "
                             f"got {array.shape} {array.dtype}")
        interpreter.set_tensor(detail["index"], array)
    interpreter.invoke()
    return [interpreter.get_tensor(d["index"]) for d in interpreter.get_output_details()]
