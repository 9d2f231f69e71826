"""Where the course is published: the one place that names its GitHub repository and revision.

The Open-in-Colab badge of every notebook, every notebook's Colab setup cell, the badges and
install lines of the README and CONTRIBUTING, and the download URL of every file the course
ships inside ``cvcourse`` (:func:`raw_url`) are made from :data:`REPOSITORY` and :data:`REVISION`.
Colab installs that revision (a tag or a commit, never a moving branch), so a learner's notebook and
the helpers it installs always match.

Command line::

    python -m cvcourse.repository check                      # list every place that disagrees
    python -m cvcourse.repository point OWNER/NAME REVISION  # re-point them all (a fork, a new tag)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

#: the course's GitHub repository, ``owner/name``
REPOSITORY = "cvcourse/cvcourse"
#: the tag (or commit) that the badges open and the setup cells install
REVISION = "v0.1.0"

ROOT = Path(__file__).resolve().parents[1]
THIS_FILE = Path(__file__).resolve()

_NAME = r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+"
_REV = r"[A-Za-z0-9_.+-]+"
#: every kind of reference to the repository: the regex that finds it (groups: repository, revision)
#: and the template that writes it
REFERENCES = {
    "badge": (
        re.compile(rf"https://colab\.research\.google\.com/github/({_NAME})/blob/({_REV})/"),
        "https://colab.research.google.com/github/{repository}/blob/{revision}/",
    ),
    "setup cell": (
        re.compile(rf"git\+https://github\.com/({_NAME})(?:@({_REV}))?(?![\w./@-])"),
        "git+https://github.com/{repository}@{revision}",
    ),
}


def colab_url(notebook: str, repository: str = REPOSITORY, revision: str = REVISION) -> str:
    """The Open-in-Colab address of ``notebooks/<notebook>`` at the published revision."""
    return f"https://colab.research.google.com/github/{repository}/blob/{revision}/notebooks/{notebook}"


def badge(notebook: str, repository: str = REPOSITORY, revision: str = REVISION) -> str:
    """The Markdown of the Open-in-Colab badge of ``notebook`` (a file name in ``notebooks/``)."""
    return (
        "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        f"({colab_url(notebook, repository, revision)})"
    )


def pip_requirement(repository: str = REPOSITORY, revision: str = REVISION) -> str:
    """What Colab's setup cell gives ``pip install``: the package at the published revision."""
    return f"cvcourse @ git+https://github.com/{repository}@{revision}"


def raw_url(path: str, repository: str = REPOSITORY, revision: str = REVISION) -> str:
    """The download address of a file of the repository (``path`` relative to its root)."""
    return f"https://raw.githubusercontent.com/{repository}/{revision}/{path}"


def course_files() -> list[Path]:
    """The files that refer to the repository: notebooks, README, CONTRIBUTING."""
    files = sorted((ROOT / "notebooks").glob("*.ipynb"))
    return files + [f for f in (ROOT / "README.md", ROOT / "CONTRIBUTING.md") if f.is_file()]


@dataclass(frozen=True)
class Mismatch:
    """One reference that names another repository or revision than this module."""

    file: Path
    kind: str
    found: str

    def __str__(self) -> str:
        return f"{self.file.relative_to(ROOT)}: {self.kind} {self.found}"


def mismatches(
    files: Sequence[Path] | None = None, repository: str = REPOSITORY, revision: str = REVISION
) -> list[Mismatch]:
    """Every badge or setup-cell install in ``files`` that names another repository or revision
    than ``repository@revision`` (an install without a revision too), and every notebook whose
    first cell lacks its own badge."""
    found = []
    for file in course_files() if files is None else files:
        text = file.read_text(encoding="utf-8")
        for kind, (pattern, _) in REFERENCES.items():
            for match in pattern.finditer(text):
                if match.group(1, 2) != (repository, revision):
                    found.append(
                        Mismatch(
                            file, kind, f"{match.group(1)}@{match.group(2) or '(no revision)'}"
                        )
                    )
        if file.suffix == ".ipynb" and colab_url(
            file.name, repository, revision
        ) not in _first_cell(file):
            found.append(
                Mismatch(
                    file, "badge", f"missing from the first cell (expected {colab_url(file.name)})"
                )
            )
    return found


def _first_cell(notebook: Path) -> str:
    """The source of a notebook's first cell."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "".join(cells[0]["source"]) if cells else ""


def repoint(text: str, repository: str, revision: str) -> str:
    """``text`` with every badge and setup-cell install pointed at ``repository@revision``."""
    for pattern, template in REFERENCES.values():
        text = pattern.sub(template.format(repository=repository, revision=revision), text)
    return text


def point(repository: str, revision: str, files: Sequence[Path] | None = None) -> list[Path]:
    """Re-point every course file and this module at ``repository@revision``; returns the changed
    files."""
    if not re.fullmatch(_NAME, repository):
        raise ValueError(f"repository must be 'owner/name', got {repository!r}")
    if not re.fullmatch(_REV, revision) or revision in ("main", "master", "HEAD"):
        raise ValueError(
            f"revision must be a tag or a commit (not a moving branch), got {revision!r}"
        )
    changed = []
    for file in course_files() if files is None else files:
        text = file.read_text(encoding="utf-8")
        new = repoint(text, repository, revision)
        if new != text:
            file.write_text(new, encoding="utf-8")
            changed.append(file)
    module = THIS_FILE.read_text(encoding="utf-8")
    new = re.sub(r'(?m)^REPOSITORY = ".*"$', f'REPOSITORY = "{repository}"', module)
    new = re.sub(r'(?m)^REVISION = ".*"$', f'REVISION = "{revision}"', new)
    if new != module:
        THIS_FILE.write_text(new, encoding="utf-8")
        changed.append(THIS_FILE)
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    """``check`` or ``point OWNER/NAME REVISION``."""
    parser = argparse.ArgumentParser(
        prog="python -m cvcourse.repository", description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "check", help="list every badge, setup cell or URL that disagrees with this module"
    )
    p_point = sub.add_parser(
        "point", help="re-point every badge, setup cell and URL, and this module"
    )
    p_point.add_argument("repository", help="owner/name on GitHub")
    p_point.add_argument("revision", help="the tag or commit Colab installs (not a branch)")
    args = parser.parse_args(argv)
    if args.command == "point":
        changed = point(args.repository, args.revision)
        print(f"{len(changed)} files now point at {args.repository}@{args.revision}")
        for file in changed:
            print(f"  {file.relative_to(ROOT)}")
        return 0
    bad = mismatches()
    for mismatch in bad:
        print(mismatch)
    print(f"{len(bad)} references disagree with {REPOSITORY}@{REVISION}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
