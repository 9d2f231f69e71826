"""Quiet, seeded TensorFlow import."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cvcourse.tensorflow_setup import stderr_silenced


def test_stderr_silenced_hides_descriptor_2_and_restores_it():
    code = (
        "import os\nfrom cvcourse.tensorflow_setup import stderr_silenced\n"
        "with stderr_silenced():\n    os.write(2, b'hidden\\n')\nos.write(2, b'shown\\n')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stderr == "shown\n"


def test_exceptions_still_surface():
    with pytest.raises(ZeroDivisionError):
        with stderr_silenced():
            1 / 0
    assert os.write(2, b"") == 0  # descriptor 2 is usable again


def test_import_tensorflow_is_silent_and_seeded():
    code = (
        "from cvcourse.tensorflow_setup import import_tensorflow\n"
        "tf, keras = import_tensorflow(seed=3)\nimport numpy as np\n"
        "a = np.random.rand(); tf2, _ = import_tensorflow(seed=3); b = np.random.rand()\n"
        "print(a == b, keras.__version__.split('.')[0])\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.split() == ["True", "3"]
    assert "absl" not in out.stderr and "oneDNN" not in out.stderr
