"""Fixtures of the unit tests: real course assets (skipped, naming the file, when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cvcourse import assets

# taken when the tests start, before a test isolates the environment from the real folders
_SEARCH_DIRS = assets.search_dirs()


@pytest.fixture
def real_asset():
    """``real_asset(name)`` → the local path of a real course asset, or skip naming it."""

    def find(name: str) -> Path:
        found = next((d / name for d in _SEARCH_DIRS if (d / name).is_file()), None)
        if found is None:
            if os.environ.get("CVCOURSE_REQUIRE_ASSETS"):
                pytest.fail(
                    f"asset {name} not found (CVCOURSE_ASSETS={os.environ.get('CVCOURSE_ASSETS')})"
                )
            pytest.skip(f"asset {name} not found locally (set CVCOURSE_ASSETS)")
        return found

    return find


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item (``item.rep_call``), for fixtures that save
    evidence."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
