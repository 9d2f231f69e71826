"""One place names the repository: every badge and setup cell agrees with cvcourse.repository."""

from __future__ import annotations

import json
import shutil

import pytest

from cvcourse import repository


def test_every_badge_and_setup_cell_points_at_the_published_revision():
    bad = repository.mismatches()
    assert not bad, "run `python -m cvcourse.repository point OWNER/NAME TAG`:\n" + "\n".join(
        map(str, bad)
    )
    assert len(repository.course_files()) >= 16  # 14 notebooks, README, CONTRIBUTING


def test_the_revision_is_pinned_not_a_branch():
    assert repository.REVISION not in ("main", "master", "HEAD")
    assert repository.pip_requirement().endswith(f"@{repository.REVISION}")


@pytest.fixture
def copies(tmp_path):
    """A notebook and the README copied aside (the check and the re-pointing run on them)."""
    notebook = tmp_path / "09_yolo.ipynb"
    shutil.copy(repository.ROOT / "notebooks" / "09_yolo.ipynb", notebook)
    readme = tmp_path / "README.md"
    shutil.copy(repository.ROOT / "README.md", readme)
    return notebook, readme


def test_a_stray_reference_is_found_and_repointing_fixes_it(copies):
    notebook, readme = copies
    text = notebook.read_text(encoding="utf-8")
    planted = text.replace(f"{repository.REPOSITORY}@{repository.REVISION}", "someone/fork@main", 1)
    planted = planted.replace(f"blob/{repository.REVISION}/", "blob/main/", 1)
    notebook.write_text(planted, encoding="utf-8")
    kinds = sorted(m.kind for m in repository.mismatches([notebook, readme]))
    assert kinds == ["badge", "badge", "setup cell"]  # the wrong badge, and so no badge of its own
    unpinned = planted.replace("someone/fork@main", repository.REPOSITORY)
    notebook.write_text(unpinned, encoding="utf-8")
    assert "(no revision)" in " ".join(m.found for m in repository.mismatches([notebook]))

    notebook.write_text(repository.repoint(unpinned, "someone/fork", "v9.9"), encoding="utf-8")
    assert not repository.mismatches([notebook], "someone/fork", "v9.9")
    first = "".join(json.loads(notebook.read_text(encoding="utf-8"))["cells"][0]["source"])
    assert repository.colab_url("09_yolo.ipynb", "someone/fork", "v9.9") in first


def test_point_refuses_a_branch_and_a_malformed_name(copies):
    with pytest.raises(ValueError, match="not a moving branch"):
        repository.point("someone/fork", "main", files=list(copies))
    with pytest.raises(ValueError, match="owner/name"):
        repository.point("fork", "v1", files=list(copies))
