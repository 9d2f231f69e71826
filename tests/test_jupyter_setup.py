"""JupyterLab set-up: the course's defaults land where JupyterLab reads them; notebooks are
trusted."""

from __future__ import annotations

import json
import sys

import nbformat

from cvcourse import jupyter_setup


def test_settings_land_where_jupyterlab_reads_them(tmp_path):
    from jupyterlab_server.settings_utils import _get_overrides

    file = jupyter_setup.install_settings(tmp_path)
    assert file == tmp_path / "share/jupyter/lab/settings/overrides.d/cvcourse.json"
    assert jupyter_setup.install_settings(tmp_path) == file  # idempotent
    overrides, error = _get_overrides(str(file.parents[1]))
    assert not error
    assert overrides["@jupyterlab/apputils-extension:notification"]["checkForUpdates"] is False
    assert (
        "@jupyter-widgets/jupyterlab-manager:plugin" not in overrides
    )  # saveState would erase saved widgets


def test_trust_signs_a_notebook(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))  # a fresh signature database
    notebook = tmp_path / "nb.ipynb"
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "1",
                outputs=[nbformat.v4.new_output("display_data", data={"text/html": "<b>1</b>"})],
            )
        ]
    )
    nbformat.write(nb, notebook)
    assert not jupyter_setup.is_trusted(notebook)
    assert jupyter_setup.trust([notebook]) == 1
    assert jupyter_setup.is_trusted(notebook)
    nb.cells[0].outputs[0].data["text/html"] = (
        "<b>2</b>"  # any change of an output: no longer trusted
    )
    nbformat.write(nb, notebook)
    assert not jupyter_setup.is_trusted(notebook)


def test_this_environment_is_set_up():
    """The README's install command ran ``python -m cvcourse.jupyter_setup`` here."""
    assert (
        json.loads(jupyter_setup.settings_file(sys.prefix).read_text()) == jupyter_setup.SETTINGS
    ), f"run: {sys.executable} -m cvcourse.jupyter_setup"
    untrusted = [
        nb.name for nb in jupyter_setup.course_notebooks() if not jupyter_setup.is_trusted(nb)
    ]
    assert not untrusted, (
        f"not trusted (widgets show as text before a run): {untrusted}; run: {sys.executable} -m "
        "cvcourse.jupyter_setup"
    )
