"""Lecture mode: every notebook presents as a slideshow that follows the slides' plan of attack.

Each cell carries ``metadata.slideshow.slide_type`` (the keys RISE and ``nbconvert --to slides``
read): the title and every ``##`` section open a **slide**, ``###`` headings and cells that would
overflow the screen open a **subslide**, set-up cells (the Colab cell, the parameters, the
imports before the first section) and guards (a code cell with no output that only asserts) are
**skip**: run, not presented; everything else continues its slide (``-``).

The "one screen" rule, checked by :func:`problems`: a (sub)slide holds at most
:data:`SCREEN_UNITS` units, where a cell counts its source lines (wrapped at
:data:`LINE_CHARS` characters), 12 units per image output and its text output lines (at most 12,
since the deck scrolls long text). A single cell that alone exceeds the budget stands on its own
(sub)slide: it cannot be split without rewriting it.

Command line::

    python -m cvcourse.slides tag notebooks/*.ipynb   # (re)assign the slide types
    python -m cvcourse.slides check notebooks/*.ipynb # report cells that break the rules
    python -m cvcourse.slides deck notebooks/04_neural_networks.ipynb  # offline reveal.js deck

The deck is written to ``build/slides/`` with reveal.js, require.js and MathJax copied beside it
from ``cvcourse/lecture/`` (no CDN: it opens from disk on a projector without network).
"""

from __future__ import annotations

import argparse
import ast
import re
import shutil
import sys
from pathlib import Path
from typing import Sequence

SCREEN_UNITS = 40
LINE_CHARS = 100
IMAGE_UNITS = 12
TEXT_OUTPUT_CAP = 12
SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}
STATIC = Path(__file__).with_name("lecture")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def cell_units(cell: dict) -> int:
    """How much of a screen ``cell`` fills (see the module docstring)."""
    source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
    units = sum(max(1, -(-len(line) // LINE_CHARS)) for line in source.splitlines())
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if any(k.startswith("image/") for k in data) or WIDGET_VIEW in data:
            units += IMAGE_UNITS
        else:
            text = out.get("text") or data.get("text/plain") or ""
            text = text if isinstance(text, str) else "".join(text)
            units += min(TEXT_OUTPUT_CAP, len(text.splitlines()))
    return units


def _is_setup(cell: dict) -> bool:
    """The Colab cell, the parameters cell and the imports: run, not presented."""
    source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
    return cell["cell_type"] == "code" and (
        "google.colab" in source
        or "parameters" in cell.get("metadata", {}).get("tags", [])
        or all(re.match(r"\s*(#.*)?$|\s*(import|from) \S", line) for line in source.splitlines())
    )


def is_guard(cell: dict) -> bool:
    """A code cell with no output whose statements are all ``assert`` (comments allowed).

    It checks the notebook's results (so a regression fails) but shows a learner nothing: in
    lecture mode it is skipped. Say in the markdown nearby what it checks where that matters.
    """
    if cell["cell_type"] != "code" or cell.get("outputs"):
        return False
    source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
    try:
        body = ast.parse(
            "\n".join("" if re.match(r"\s*[%!]", line) else line for line in source.splitlines())
        ).body
    except SyntaxError:
        return False
    return bool(body) and all(isinstance(node, ast.Assert) for node in body)


def assign(nb: dict) -> dict:
    """Give every cell of ``nb`` (a notebook as JSON) its slide type, in place; returns ``nb``."""
    used = 0
    in_intro = True
    for i, cell in enumerate(nb["cells"]):
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        units = cell_units(cell)
        if i == 0:
            kind = "slide"
        elif cell["cell_type"] == "markdown" and re.match(r"##(?!#)", source):
            kind, in_intro = "slide", False
        elif in_intro and _is_setup(cell) or is_guard(cell):
            kind = "skip"
        elif cell["cell_type"] == "markdown" and source.startswith("###"):
            kind = "subslide"
        elif used + units > SCREEN_UNITS:
            kind = "subslide"
        else:
            kind = "-"
        if kind in ("slide", "subslide"):
            used = 0
        if kind != "skip":
            used += units
        cell.setdefault("metadata", {})["slideshow"] = {"slide_type": kind}
    return nb


def screens(nb: dict) -> list[list[int]]:
    """The cell indices of each (sub)slide, skipped cells left out."""
    groups: list[list[int]] = []
    for i, cell in enumerate(nb["cells"]):
        kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        if kind == "skip" or kind == "notes":
            continue
        if kind in ("slide", "subslide") or not groups:
            groups.append([])
        groups[-1].append(i)
    return groups


def problems(nb: dict) -> list[str]:
    """Every way ``nb``'s slide metadata breaks the rules; empty when consistent."""
    found = []
    for i, cell in enumerate(nb["cells"]):
        kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        if kind not in SLIDE_TYPES:
            found.append(f"cell {i}: slide type {kind!r} (expected one of {sorted(SLIDE_TYPES)})")
        elif is_guard(cell) and kind != "skip":
            found.append(
                f"cell {i}: only asserts, shown as {kind!r} (expected 'skip': run, not presented)"
            )
    if (
        nb["cells"]
        and nb["cells"][0].get("metadata", {}).get("slideshow", {}).get("slide_type") != "slide"
    ):
        found.append("cell 0 (the title) does not open a slide")
    for group in screens(nb):
        units = sum(cell_units(nb["cells"][i]) for i in group)
        if units > SCREEN_UNITS and len(group) > 1:
            found.append(
                f"cells {group[0]}–{group[-1]}: {units} units on one screen (at most "
                f"{SCREEN_UNITS})"
            )
    return found


def _deck_notebook(nb):
    """A copy of ``nb`` (a NotebookNode) for the static deck: widget outputs become a note."""
    import copy

    import nbformat

    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)  # else the template loads the widget manager from a CDN
    note = nbformat.v4.new_output(
        "stream",
        name="stdout",
        text="(interactive widget: run it live in the JupyterLab slideshow)\n",
    )
    for cell in nb.cells:
        if (
            cell.cell_type == "markdown"
        ):  # the Colab badge is an image from the web: a link is enough
            cell.source = re.sub(r"\[!\[Open In Colab\]\([^)]*\)\]", "[Open in Colab]", cell.source)
        if cell.cell_type == "code":
            cell.outputs = [
                note if WIDGET_VIEW in out.get("data", {}) else out for out in cell.outputs
            ]
    return nb


def deck(notebook: Path, out_dir: Path | None = None) -> Path:
    """Write an offline reveal.js deck of ``notebook``; returns the HTML file.

    reveal.js 4.0.2 (the version nbconvert's template targets), require.js, jQuery and a MathJax
    2.7.7 subset are copied from ``cvcourse/lecture/`` next to the HTML, so no file comes from a
    CDN.
    """
    import nbformat
    from nbconvert import SlidesExporter

    out_dir = (
        Path(out_dir)
        if out_dir is not None
        else Path(__file__).resolve().parents[1] / "build" / "slides"
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    if not (out_dir / "lecture").is_dir():
        shutil.copytree(STATIC, out_dir / "lecture")
    nb = _deck_notebook(nbformat.read(notebook, as_version=4))
    exporter = SlidesExporter(
        reveal_url_prefix="lecture/reveal.js",
        reveal_theme="simple",
        reveal_scroll=True,
        reveal_number="c/t",
        require_js_url="lecture/require.js",
        jquery_url="lecture/jquery.min.js",
        mathjax_url="lecture/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    )
    if exporter.has_trait(
        "reveal_width"
    ):  # a wider page: 100-character code lines fit, pictures stay large
        exporter.reveal_width, exporter.reveal_height = "1280", "900"
    if exporter.has_trait("mermaid_js_url"):  # nbconvert ≥ 7.7 imports mermaid on every page
        exporter.mermaid_js_url = "./lecture/mermaid-stub.mjs"
    html, _ = exporter.from_notebook_node(nb)
    target = out_dir / (Path(notebook).stem + ".slides.html")
    target.write_text(html, encoding="utf-8")
    return target


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point (see the module docstring)."""
    parser = argparse.ArgumentParser(
        prog="python -m cvcourse.slides", description=__doc__.split("\n")[0]
    )
    parser.add_argument("command", choices=["tag", "check", "deck"])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, help="deck folder (default build/slides)")
    args = parser.parse_args(argv)
    bad = 0
    for path in args.notebooks:
        if args.command == "deck":
            print(deck(path, args.out))
            continue
        import nbformat

        nb = nbformat.read(path, as_version=4)
        if args.command == "tag":
            nbformat.write(assign(nb), path)
        for problem in problems(nb):
            bad += 1
            print(f"{path.name}: {problem}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
