"""Every slide of every offline deck fits a 1280×720 projector screen, measured in Chromium.

For each notebook in ``notebooks/`` the reveal.js deck (``python -m cvcourse.slides deck``) is
built into a temporary folder and opened in headless Chromium at 1280×720; every (sub)slide is
shown in turn and measured in slide pixels (:func:`cvcourse.slides.measure`). A slide fails when
its content is taller than the slide box, when a code, output or text line is cut at the right,
or when its text is smaller than 22 px (prose) / 16 px (code and output). One browser serves
all the decks; each deck takes a few seconds.

Where it fails, re-tag the notebook (``python -m cvcourse.slides tag NOTEBOOK``, which measures
the cells in the same way); a cell that alone is taller than the screen and cannot be split by the
deck (a long code cell, a wide printed line) has to be shortened in the notebook.

Skipped, saying how to install them, where Chromium or chromedriver is missing. Run it alone with
``.venv/bin/python -m pytest tests/test_slide_fit.py -p no:nbval -o addopts=""``.
"""

from __future__ import annotations

import base64
import zlib
from pathlib import Path

import nbformat
import pytest

from cvcourse import slides

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        slides.CHROMIUM is None or slides.CHROMEDRIVER is None,
        reason="the slide measurement needs Chromium and its driver: on Debian/Ubuntu "
        "`apt-get install chromium chromium-driver` (CI installs them)",
    ),
]


@pytest.fixture(scope="module")
def driver():
    pytest.importorskip(
        "selenium.webdriver", reason="selenium is in the test extra: pip install -e '.[test]'"
    )
    with slides.browser() as browser:
        yield browser


@pytest.fixture(scope="module")
def deck_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("decks")


def png(width: int, height: int) -> str:
    """A grey PNG of ``width`` × ``height`` pixels, base64-encoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    rows = b"".join(b"\0" + b"\x80" * width for _ in range(height))
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
    return base64.b64encode(data + chunk(b"IEND", b"")).decode()


def picture(width: int, height: int) -> dict:
    return nbformat.v4.new_output(
        "display_data", data={"image/png": png(width, height), "text/plain": "<Figure>"}
    )


def printed(text: str) -> dict:
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def a_notebook(*cells) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 99 · Title\n\n**Plan of attack**\n\n1. One\n2. Two"),
        nbformat.v4.new_markdown_cell("## 1 · A section"),
        *cells,
    ]
    return nb


def measured_faults(nb, driver, folder: Path, name: str) -> tuple[list[str], dict]:
    path = folder / f"{name}.ipynb"
    nbformat.write(slides.assign(nb), path)
    measured = slides.measure(slides.deck(path, folder), driver)
    return slides.faults(nb, measured), measured


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_every_slide_fits_a_projector(notebook, driver, deck_dir):
    nb = nbformat.read(notebook, as_version=4)
    measured = slides.measure(slides.deck(notebook, deck_dir), driver)
    assert (measured["width"], measured["height"]) == (slides.DECK_WIDTH, slides.DECK_HEIGHT)
    assert measured["viewport"] == [1280, 720] and 0.9 < measured["scale"] <= 1
    fonts = {
        kind: min(s["fonts"][kind]["px"] for s in measured["slides"] if kind in s["fonts"])
        for kind in ("prose", "code")
    }
    assert fonts["prose"] >= slides.MIN_PROSE_PX and fonts["code"] >= slides.MIN_CODE_PX, fonts
    found = slides.faults(nb, measured)
    assert not found, (
        f"{notebook.name}: {len(found)} of {len(measured['slides'])} slides do not fit a "
        f"1280×720 screen (re-tag: python -m cvcourse.slides tag notebooks/{notebook.name}):\n"
        + "\n".join(found)
    )


def test_the_check_catches_what_a_projector_cannot_show(driver, tmp_path):
    long_code = "\n".join(f"value_{i} = {i}  # one of sixty lines" for i in range(60))
    nb = a_notebook(
        nbformat.v4.new_code_cell("x = 1", outputs=[printed("ok\n")]),  # fits
        nbformat.v4.new_markdown_cell("### Too long"),
        nbformat.v4.new_code_cell(long_code),  # 60 lines: taller than the box
        nbformat.v4.new_markdown_cell("### Too wide"),
        nbformat.v4.new_code_cell("print(row)", outputs=[printed("0123456789" * 15 + "\n")]),
        nbformat.v4.new_markdown_cell("### Too tall a picture"),
        nbformat.v4.new_markdown_cell(  # a picture in the text: not capped by the deck
            f'A diagram:\n\n<img src="data:image/png;base64,{png(40, 900)}" height="900">'
        ),
    )
    found, _ = measured_faults(nb, driver, tmp_path, "planted")
    assert any("cells [4]" in f and "px tall" in f for f in found), found
    assert any("cell 6's output is" in f and "wider than the slide" in f for f in found), found
    assert any("cells [8]" in f and "px tall" in f for f in found), found
    assert len(found) == 3, found
    assert not any("cell 2" in f for f in found)


def test_the_deck_continues_what_one_cell_cannot_fit(driver, tmp_path):
    """A long text goes on at a paragraph, a code cell's pictures below its code."""
    text = "\n\n".join(f"Paragraph {i}: " + "words to read from the back " * 8 for i in range(14))
    drawing = "\n".join(f"step_{i} = {i}" for i in range(14)) + "\nplt.show()"
    nb = a_notebook(
        nbformat.v4.new_markdown_cell(text),
        nbformat.v4.new_code_cell(drawing, outputs=[picture(900, 600), picture(900, 600)]),
    )
    found, measured = measured_faults(nb, driver, tmp_path, "long")
    assert found == []
    ids = {cell.id: i for i, cell in enumerate(nb.cells)}
    shown = [[ids[c["id"]] for c in s["cells"]] for s in measured["slides"]]
    assert shown[0] == [0] and sum(2 in cells for cells in shown) >= 2, f"text on slides: {shown}"
    assert shown.count([3]) == 3, f"code, then one picture a slide: {shown}"
    pictures = [c["output"] for s in measured["slides"] for c in s["cells"] if ids[c["id"]] == 3]
    assert pictures[0] < 50 and min(pictures[1:]) > 300, pictures
