"""One formatter and linter for the whole course: ruff, pinned in pyproject.toml's test extra.

The package, the tests and the notebooks' code cells are formatted at 100 characters a line (a
projector's slide width, CONTRIBUTING.md) and linted (pyflakes, pycodestyle errors, E501 at 100).
To fix a failure: ``.venv/bin/ruff format . && .venv/bin/ruff check --fix .``
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def ruff(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """Run the environment's ruff (``python -m ruff``) with the project's configuration."""
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=cwd, capture_output=True, text=True
    )


def test_everything_is_formatted_at_100_characters():
    out = ruff("format", "--check", ".")
    assert out.returncode == 0, f"not formatted (run `ruff format .`):\n{out.stdout}{out.stderr}"


def test_everything_passes_the_linter():
    out = ruff("check", "--output-format", "concise", ".")
    assert out.returncode == 0, f"ruff check:\n{out.stdout}{out.stderr}"


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    """A copy of the project's ruff configuration beside a notebook and a module with faults."""
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    long_line = "x = " + " + ".join(["1"] * 40)  # 157 characters, split by the formatter
    long_comment = "# " + "word " * 25  # 127 characters: only the linter catches it
    cell = {
        "cell_type": "code",
        "metadata": {},
        "outputs": [],
        "execution_count": None,
        "source": [long_line + "\n", long_comment + "\n", "import os\n"],
    }
    notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "planted.ipynb").write_text(json.dumps(notebook))
    (tmp_path / "planted.py").write_text(long_line + "\n" + long_comment + "\n")
    return tmp_path


def test_the_checks_catch_planted_faults(planted: Path):
    formatted = ruff("format", "--check", ".", cwd=planted)
    assert formatted.returncode == 1
    assert "planted.ipynb" in formatted.stdout and "planted.py" in formatted.stdout
    linted = ruff("check", "--output-format", "concise", ".", cwd=planted)
    assert linted.returncode == 1
    assert "planted.ipynb:cell 1:2:101: E501" in linted.stdout  # the comment, 127 > 100
    assert "planted.ipynb:cell 1:3:8: F401" in linted.stdout  # the unused import
    assert "planted.py:2:101: E501" in linted.stdout
