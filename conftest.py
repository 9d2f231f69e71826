"""pytest set-up shared by the unit tests and nbval.

A notebook whose default-mode assets are not on disk is skipped, naming the missing files (as
scikit-image's tests do) — unless ``CVCOURSE_REQUIRE_ASSETS=1`` (set by ``.ci/run``), which
turns that into a failure, so a CI run with ``shared/assets`` present can never skip silently.
"""

from __future__ import annotations

import os
import re

import matplotlib
import pytest

matplotlib.use("Agg")


def absolute_asset_dirs() -> None:
    """Make each ``CVCOURSE_ASSETS`` folder absolute, relative to where pytest was started.

    The notebooks' kernels run in other folders (nbval: the notebook's; the browser test's
    JupyterLab: a copy of ``notebooks/``), where an entry such as ``../shared/assets`` would
    point elsewhere.
    """
    from cvcourse import assets

    folders = assets.env_dirs()
    if folders:
        os.environ[assets.ENV_DIRS] = os.pathsep.join(str(p.absolute()) for p in folders)


absolute_asset_dirs()  # before any test or kernel reads it

# nbval waits 5 s for each next output message of a finished cell; on a loaded 2-core machine a
# cell that updates a progress bar can take longer, and nbval then kills the kernel
NBVAL_OUTPUT_TIMEOUT_S = 60


def missing_assets(notebook_number: str) -> list[str]:
    """Default-mode assets of a notebook that are not on disk (none are downloaded)."""
    from cvcourse import assets

    return [
        n
        for n in assets.names(notebook=notebook_number, mode="default")
        if assets.locate(n) is None
    ]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip (or fail) every cell of a notebook whose assets are missing."""
    checked: dict[str, list[str]] = {}
    for item in items:
        if hasattr(item, "output_timeout"):  # an nbval cell: its 5 s wait for the kernel's last
            item.output_timeout = NBVAL_OUTPUT_TIMEOUT_S  # output fails on a busy machine
        match = re.match(r"(\d\d)_", item.path.name)
        if item.path.suffix != ".ipynb" or not match:
            continue
        if item.path not in checked:
            checked[item.path] = missing_assets(match.group(1))
        missing = checked[item.path]
        if not missing:
            continue
        from cvcourse import assets

        reason = (
            f"{item.path.name} needs assets not found locally: {', '.join(missing[:5])}"
            f"{' …' if len(missing) > 5 else ''} ({assets.missing_hint(missing)})"
        )
        if os.environ.get("CVCOURSE_REQUIRE_ASSETS"):
            raise pytest.UsageError(reason)
        item.add_marker(pytest.mark.skip(reason=reason))
