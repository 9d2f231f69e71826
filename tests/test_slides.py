"""Lecture mode: slide metadata of every notebook is consistent, and the reveal.js deck works
offline."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from cvcourse import slides

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_slide_metadata_is_consistent(notebook):
    nb = nbformat.read(notebook, as_version=4)
    assert slides.problems(nb) == [], (
        f"run: python -m cvcourse.slides tag {notebook.relative_to(notebook.parents[1])}"
    )
    kinds = [c.metadata.slideshow.slide_type for c in nb.cells]
    assert kinds[0] == "slide" and kinds.count("slide") >= 3, (
        "a title slide and the sections as slides"
    )
    assert "skip" in kinds[:6], (
        "the set-up cells (Colab, parameters, imports) are skipped when presenting"
    )


def test_tagging_is_stable_and_follows_the_rules():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 99 · Title"),
        nbformat.v4.new_code_cell("import sys\nif 'google.colab' in sys.modules:\n    pass"),
        nbformat.v4.new_code_cell("FULL_COURSE = False", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import numpy as np"),
        nbformat.v4.new_markdown_cell("## 1 · A section"),
        nbformat.v4.new_code_cell("\n".join(f"x{i} = {i}" for i in range(30))),
        nbformat.v4.new_code_cell("\n".join(f"y{i} = {i}" for i in range(30))),
        nbformat.v4.new_markdown_cell("### A detail"),
    ]
    kinds = [c.metadata.slideshow.slide_type for c in slides.assign(nb).cells]
    assert kinds == ["slide", "skip", "skip", "skip", "slide", "-", "subslide", "subslide"]
    assert slides.problems(nb) == []
    nb.cells[6].metadata.slideshow.slide_type = "-"  # 60 lines on one screen
    nb.cells[3].metadata.slideshow.slide_type = "slidez"
    found = slides.problems(nb, estimate=True)
    assert any("units on one screen" in p for p in found) and any("'slidez'" in p for p in found)
    assert not any("units" in p for p in slides.problems(nb)), "the browser measures screens"


def test_measured_heights_decide_where_subslides_start():
    """The packing on given heights (slide pixels), as `slides tag` does with measured ones."""
    kinds = ["slide", "subslide", "skip", "slide", "-", "-", "-", "subslide", "-", "-"]
    heights = [300, 200, None, 100, 300, 300, 700, 100, 100, 50]
    assert slides.pack(kinds, heights, 600) == [
        "slide",
        "subslide",
        "skip",
        "slide",
        "-",  # 100 + 300
        "subslide",  # 100 + 300 + 300 > 600
        "subslide",  # taller than a screen: a screen of its own
        "subslide",
        "-",
        "-",
    ]
    assert slides.pack(["slide", "-", "-"], [100, 250, 250], 600) == ["slide", "-", "-"]
    assert slides.pack(["slide", "-", "-"], [100, 250, 251], 600) == ["slide", "-", "subslide"]


def test_the_title_slide_holds_the_title_and_the_plan():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 99 · Title\n\n**Plan of attack**\n\n1. One"),
        nbformat.v4.new_code_cell("import sys\nif 'google.colab' in sys.modules:\n    pass"),
        nbformat.v4.new_markdown_cell("**Parameters.** `FULL_COURSE = True` runs it all."),
        nbformat.v4.new_code_cell("FULL_COURSE = False", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import numpy as np\nMODEL = 'small'"),
        nbformat.v4.new_markdown_cell("## 1 · A section"),
    ]
    assert slides.rule_kinds(nb) == ["slide", "skip", "subslide", "skip", "-", "slide"]
    kinds = [c.metadata.slideshow.slide_type for c in slides.assign(nb, [100] * 6).cells]
    assert kinds == ["slide", "skip", "subslide", "skip", "-", "slide"]
    assert slides.screens(nb)[0] == [0]


def test_a_cell_that_only_asserts_is_run_but_not_presented():
    guard = "# the accuracy the text quotes\nassert accuracy > 0.9, (\n    accuracy)\nassert n == 3"
    printed = nbformat.v4.new_code_cell(
        "assert n == 3", outputs=[nbformat.v4.new_output("stream", name="stdout", text="checked\n")]
    )
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 99 · Title"),
        nbformat.v4.new_markdown_cell("## 1 · A section"),
        nbformat.v4.new_code_cell("accuracy, n = 0.95, 3"),
        nbformat.v4.new_code_cell(guard),  # a guard: skipped
        nbformat.v4.new_code_cell(guard + "\nprint(n)"),  # does more than assert
        printed,  # asserts, but a learner sees what it printed
        nbformat.v4.new_code_cell("%time assert n == 3"),  # a magic line is not an assert
        nbformat.v4.new_code_cell(""),
    ]
    kinds = [c.metadata.slideshow.slide_type for c in slides.assign(nb).cells]
    assert kinds == ["slide", "slide", "-", "skip", "-", "-", "-", "-"]
    assert [slides.is_guard(c) for c in nb.cells] == [
        False,
        False,
        False,
        True,
        False,
        False,
        False,
        False,
    ]
    assert slides.problems(nb) == []
    nb.cells[3].metadata.slideshow.slide_type = "-"  # the guard shown as a slide
    assert slides.problems(nb) == [
        "cell 3: only asserts, shown as '-' (expected 'skip': run, not presented)"
    ]


@pytest.mark.parametrize("notebook", NOTEBOOKS[:1] + NOTEBOOKS[-1:], ids=lambda p: p.stem)
def test_deck_loads_nothing_from_the_network(notebook, tmp_path):
    html_file = slides.deck(notebook, tmp_path)
    html = html_file.read_text(encoding="utf-8")
    loaded = re.findall(
        r'<script[^>]+src="([^"]+)"|<link[^>]+href="([^"]+)"|import [^;]*? from \'([^\']+)\'', html
    )
    loaded = [next(filter(None, groups)) for groups in loaded]
    assert loaded, "the deck loads reveal.js and its styles"
    for url in loaded:
        assert not re.match(r"(https?:)?//", url), f"the deck loads {url} from the network"
        assert (tmp_path / url.split("?")[0]).is_file(), f"{url} is missing beside the deck"
    assert html.count("<section") > 5, "one section per slide"
    assert "widget-view+json" not in html and "colab-badge.svg" not in html
