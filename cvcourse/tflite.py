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
    kept out of the notebooks. A missing file raises ``FileNotFoundError``; a file that is not a TF
    Lite flat buffer (an empty or cut-short download, another format) ``ValueError`` naming it.
    """
    from cvcourse.tensorflow_setup import stderr_silenced
    from cvcourse.validation import check_file

    model_file = check_file(model_file, "model_file", "TF Lite model")
    try:
        with stderr_silenced():
            interpreter = interpreter_class()(model_path=str(model_file), num_threads=num_threads)
            interpreter.allocate_tensors()
    except (ValueError, RuntimeError) as error:
        raise ValueError(
            f"{model_file} is not a TF Lite model the interpreter can read ({error})"
        ) from None
    return interpreter


def describe_tensors(details: list[dict]) -> str:
    """``"[1×192×192×3 uint8]"``: the shapes and types of a model's inputs or outputs, for
    messages."""
    return (
        "["
        + ", ".join(
            "×".join(str(int(n)) for n in d["shape"]) + f" {np.dtype(d['dtype'])}" for d in details
        )
        + "]"
    )


def run(interpreter, *inputs: np.ndarray) -> list[np.ndarray]:
    """Feed ``inputs`` in the model's input order, invoke, and return every output as an array.

    Raises ``ValueError`` naming the expected shape and dtype when an input does not fit.
    """
    from cvcourse.validation import check_model

    check_model(
        interpreter,
        "interpreter",
        ("get_input_details", "invoke"),
        "a TF Lite interpreter (load_interpreter)",
    )
    details = interpreter.get_input_details()
    if len(inputs) != len(details):
        raise ValueError(f"the model takes {len(details)} inputs, got {len(inputs)}")
    for array, detail in zip(inputs, details):
        array = np.asarray(array)
        shape = tuple(int(n) for n in detail["shape"])
        if array.shape != shape or array.dtype != detail["dtype"]:
            raise ValueError(
                f"input '{detail['name']}' must be {shape} {np.dtype(detail['dtype'])}, "
                f"got {array.shape} {array.dtype}"
            )
        interpreter.set_tensor(detail["index"], array)
    interpreter.invoke()
    return [interpreter.get_tensor(d["index"]) for d in interpreter.get_output_details()]
