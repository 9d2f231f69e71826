"""The notebook benchmark executes notebooks in a clean kernel and reports time and memory."""

from __future__ import annotations

import nbformat

from cvcourse import bench


def test_measure_executes_and_can_write_outputs(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import os\nprint(sum(range(10)), os.getcwd())")]
    file = tmp_path / "00_tiny.ipynb"
    nbformat.write(nb, file)
    row = bench.measure(file, write=True)
    assert row["notebook"] == "00_tiny.ipynb" and 0 < row["seconds"] < 60 and row["peak_mib"] > 10
    out = nbformat.read(file, as_version=4).cells[0].outputs[0]["text"]
    assert out == f"45 {tmp_path}\n"  # ran in the notebook's own folder
    assert "| 00_tiny.ipynb |" in bench.table([row])
