"""Set up JupyterLab for the course: trusted notebooks and offline-friendly defaults.

``python -m cvcourse.jupyter_setup`` is part of the README's install command. It

* **trusts the course's notebooks** (``jupyter trust``: their signatures go into this user's
  notebook-signature database). JupyterLab renders the saved outputs of an untrusted notebook
  with safe renderers only, so before a run every widget shows as ``VBox(children=…)`` text;
  trusted, it shows each widget's starting view from the state saved in the notebook;
* writes ``<prefix>/share/jupyter/lab/settings/overrides.d/cvcourse.json``, default settings that
  JupyterLab reads for this environment (namespaced by package, so the user's own settings win):
  no news and no update checks, requests that only fail and pop up a notification offline.

The widget manager's ``saveState`` is deliberately left off: with it on, saving a notebook whose
kernel has not yet run the widget cells would replace the saved widget state with an empty one.

An editable ``pip install`` cannot place data files under the prefix, hence this small command.
``python -m cvcourse.bench --write`` signs the notebooks it regenerates, so they stay trusted.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Iterable

from cvcourse.assets import REPO_ROOT

SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}
}


def settings_file(prefix: str | Path = sys.prefix) -> Path:
    """Where the course's JupyterLab defaults go for the environment at ``prefix``."""
    return Path(prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / "cvcourse.json"


def install_settings(prefix: str | Path = sys.prefix) -> Path:
    """Write the course's JupyterLab defaults (idempotent); returns the file."""
    target = settings_file(prefix)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(SETTINGS, indent=2) + "\n", encoding="utf-8")
    return target


def course_notebooks() -> list[Path]:
    """The course's notebooks in this checkout (none when installed without one)."""
    return sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def trust(notebooks: Iterable[Path]) -> int:
    """Sign ``notebooks`` in this user's signature database, as ``jupyter trust`` does; returns the
    count."""
    import nbformat
    from nbformat.sign import NotebookNotary

    notary = NotebookNotary()
    count = 0
    for file in notebooks:
        notary.sign(nbformat.read(file, as_version=4))
        count += 1
    return count


def is_trusted(notebook: Path) -> bool:
    """True when JupyterLab will render ``notebook``'s saved outputs with every renderer."""
    import nbformat
    from nbformat.sign import NotebookNotary

    return NotebookNotary().check_signature(nbformat.read(notebook, as_version=4))


def main() -> int:
    """Command line entry point: install the settings, trust the notebooks."""
    print(f"JupyterLab defaults for the course: {install_settings()}")
    print(f"trusted {trust(course_notebooks())} course notebooks (their widgets show before a run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
