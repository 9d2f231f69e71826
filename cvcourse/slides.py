"""Lecture mode: every notebook presents as a slideshow that follows the slides' plan of attack.

Each cell carries ``metadata.slideshow.slide_type`` (the keys RISE and ``nbconvert --to slides``
read): the title and every ``##`` section open a **slide**; the first cell shown after the title
and ``###`` headings open a **subslide** (the title slide holds the title and the plan); set-up
cells (the Colab cell, the parameters, the imports before the first section) and guards (a code
cell with no output that only asserts) are **skip**: run, not presented; every other cell
continues its slide (``-``) or, when it would not fit, opens a **subslide**.

Whether it fits is measured, not estimated: ``tag`` renders the notebook's deck in headless
Chromium at a 1280×720 projector size, reads each presented cell's height (:func:`measure_cells`)
and fills each (sub)slide up to :data:`FIT_PX` (:func:`pack`). The deck's slide box is
:data:`DECK_WIDTH` × :data:`DECK_HEIGHT`, with prose at 22 px and code and output at 16 px
(``lecture/deck.css``), output pictures at most 400 px high; a cell that alone is taller than the
box continues on the next subslide (``lecture/deck.js``: a text at a paragraph, a code cell
before its outputs). ``check`` measures every slide (:func:`faults`): taller than the box, a line
wider than the slide, text too small. ``tests/test_slide_fit.py`` runs that check on all decks.
Without Chromium, ``tag`` and ``check`` say so and fall back to the 40-unit *estimate*
(:func:`cell_units`: source lines wrapped at :data:`LINE_CHARS`, 12 units per picture, printed
lines up to 12, :data:`SCREEN_UNITS` a screen), which sees neither line widths nor fonts.

Command line::

    python -m cvcourse.slides tag notebooks/*.ipynb   # (re)assign the slide types, measured
    python -m cvcourse.slides check notebooks/*.ipynb # report rules broken, slides that do not fit
    python -m cvcourse.slides deck notebooks/04_neural_networks.ipynb  # offline reveal.js deck

(``--estimate``: tag or check by the 40-unit estimate, without a browser.) The deck is written to
``build/slides/`` with reveal.js, require.js and MathJax copied beside it from
``cvcourse/lecture/`` (no CDN: it opens from disk on a projector without network).
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

SCREEN_UNITS = 40
LINE_CHARS = 100
IMAGE_UNITS = 12
TEXT_OUTPUT_CAP = 12
SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}
STATIC = Path(__file__).with_name("lecture")
DECK_WIDTH, DECK_HEIGHT = 1280, 720  # the reveal.js slide box, in slide pixels
SLIDE_PADDING = 40  # reveal.js pads a slide 20 px above and below its content
FIT_PX = 0.95 * DECK_HEIGHT - SLIDE_PADDING  # content a (sub)slide holds when tagging (5 % spare)
MIN_PROSE_PX, MIN_CODE_PX = 22, 16  # the smallest text readable from the back of a room
CHROMIUM = next(
    filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None
)
CHROMEDRIVER = shutil.which("chromedriver")
BROWSER_HINT = (
    "measuring slides needs Chromium and its driver: on Debian/Ubuntu "
    "`apt-get install chromium chromium-driver`, and selenium (pip install -e '.[test]')"
)
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


def rule_kinds(nb: dict) -> list[str]:
    """The slide type each cell of ``nb`` gets by rule, before fitting screens: the title and
    ``##`` sections are ``"slide"``; the first cell shown after the title and ``###`` headings are
    ``"subslide"`` (the title slide holds the title and the plan); set-up cells and guards are
    ``"skip"``; every other cell is ``"-"``, free to continue the slide or to open a subslide."""
    kinds = []
    in_intro, after_title = True, False
    for i, cell in enumerate(nb["cells"]):
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        if i == 0:
            kind = "slide"
        elif cell["cell_type"] == "markdown" and re.match(r"##(?!#)", source):
            kind, in_intro = "slide", False
        elif in_intro and _is_setup(cell) or is_guard(cell):
            kind = "skip"
        elif cell["cell_type"] == "markdown" and source.startswith("###"):
            kind = "subslide"
        elif in_intro and not after_title:
            kind = "subslide"
        else:
            kind = "-"
        after_title = after_title or (i > 0 and kind != "skip")
        kinds.append(kind)
    return kinds


def pack(kinds: Sequence[str], sizes: Sequence[float | None], budget: float) -> list[str]:
    """Fill (sub)slides greedily: a free cell (``"-"``) opens a ``"subslide"`` when it would take
    its screen past ``budget``; the other kinds stay. ``sizes``: what each cell takes (ignored for
    ``"skip"``). A cell larger than ``budget`` alone gets a screen of its own."""
    packed, used = [], 0.0
    for kind, size in zip(kinds, sizes):
        if kind == "-" and used + size > budget:
            kind = "subslide"
        if kind in ("slide", "subslide"):
            used = 0.0
        if kind != "skip":
            used += size
        packed.append(kind)
    return packed


def assign(nb: dict, heights: Sequence[float | None] | None = None) -> dict:
    """Give every cell of ``nb`` (a notebook as JSON) its slide type, in place; returns ``nb``.

    ``heights``: each cell's height on a slide, measured in Chromium (:func:`measure_cells`);
    screens are then filled up to :data:`FIT_PX`. Without it (no browser) the fallback is the
    40-unit estimate (:func:`cell_units`, :data:`SCREEN_UNITS`), which does not see line widths
    and fonts.
    """
    kinds = rule_kinds(nb)
    if heights is None:
        kinds = pack(kinds, [cell_units(cell) for cell in nb["cells"]], SCREEN_UNITS)
    else:
        kinds = pack(kinds, heights, FIT_PX)
    for cell, kind in zip(nb["cells"], kinds):
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


def problems(nb: dict, estimate: bool = False) -> list[str]:
    """Every way ``nb``'s slide metadata breaks the rules; empty when consistent. Whether each
    screen fits is measured in the browser (:func:`faults`); ``estimate``: also report screens
    over the 40-unit estimate (the fallback without a browser)."""
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
        if estimate and units > SCREEN_UNITS and len(group) > 1:
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


def deck(notebook: Path, out_dir: Path | None = None, *, nb=None, split: bool = True) -> Path:
    """Write an offline reveal.js deck of ``notebook``; returns the HTML file.

    reveal.js 4.0.2 (the version nbconvert's template targets), require.js, jQuery and a MathJax
    2.7.7 subset are copied from ``cvcourse/lecture/`` next to the HTML, so no file comes from a
    CDN. The slide is :data:`DECK_WIDTH` × :data:`DECK_HEIGHT` (a 1280×720 projector shows it at
    about its own size) and ``lecture/deck.css`` sets the fonts and caps the pictures.
    ``lecture/deck.js`` continues a slide taller than the box on a new subslide below it (a long
    text at a paragraph, a code cell before its outputs), measured where the deck is shown;
    ``split=False`` leaves it out (to measure the cells whole). ``nb``: the notebook already read
    (for example re-tagged), else it is read from ``notebook``.
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
    for name in ("deck.css", "deck.js"):  # they may have changed since the folder was copied
        shutil.copy2(STATIC / name, out_dir / "lecture" / name)
    nb = _deck_notebook(nb if nb is not None else nbformat.read(notebook, as_version=4))
    exporter = SlidesExporter(
        reveal_url_prefix="lecture/reveal.js",
        reveal_theme="simple",
        reveal_scroll=True,  # a safety net only: every slide fits (tests/test_slide_fit.py)
        reveal_number="c/t",
        require_js_url="lecture/require.js",
        jquery_url="lecture/jquery.min.js",
        mathjax_url="lecture/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    )
    if exporter.has_trait("reveal_width"):
        exporter.reveal_width, exporter.reveal_height = str(DECK_WIDTH), str(DECK_HEIGHT)
    if exporter.has_trait("mermaid_js_url"):  # nbconvert ≥ 7.7 imports mermaid on every page
        exporter.mermaid_js_url = "./lecture/mermaid-stub.mjs"
    html, _ = exporter.from_notebook_node(nb)
    html = html.replace("</head>", '<link rel="stylesheet" href="lecture/deck.css">\n</head>', 1)
    if split:
        html = html.replace("</body>", '<script src="lecture/deck.js"></script>\n</body>', 1)
    target = out_dir / (Path(notebook).stem + ".slides.html")
    target.write_text(html, encoding="utf-8")
    return target


# JavaScript run in a deck's page: visits every (sub)slide and measures it in slide pixels
JS_MEASURE = r"""
const done = arguments[arguments.length - 1];
const cellOf = e => {
  const c = e.closest(".jp-Cell");
  return c ? c.dataset.cellId || c.id.replace(/^cell-id=/, "") : "";
};
const shown = e => e.getClientRects().length > 0;
const SKIP_FONT = ".MathJax_CHTML, .MathJax_Display, .MathJax, .MJX_Assistive_MathML, sub, sup, "
  + "script, style, .jp-InputPrompt, .jp-OutputPrompt, .anchor-link";
function measureSlide(Reveal, s) {
  const W = Reveal.getConfig().width, scale = Reveal.getScale(), box = s.getBoundingClientRect();
  const cells = [...s.querySelectorAll(".jp-Cell")].map(c => {
    const r = c.getBoundingClientRect();
    const part = sel => { const e = c.querySelector(sel); return e ? e.offsetHeight : 0; };
    return {id: cellOf(c), top: (r.top - box.top) / scale, height: r.height / scale,
            input: part(".jp-Cell-inputWrapper"), output: part(".jp-Cell-outputWrapper")};
  });
  const cut = {};
  for (const e of s.querySelectorAll(
      "pre, img, table, .MathJax_Display, .jp-RenderedMarkdown > *, .jp-OutputArea-output")) {
    if (!shown(e)) continue;
    const right = (e.getBoundingClientRect().right - box.left) / scale - W;
    const style = e.style.cssText;  // a line wrapped to fit counts as a line too wide
    if (e.tagName === "PRE")
      e.style.cssText += ";white-space:pre;word-break:normal;overflow-wrap:normal";
    const hidden = e.scrollWidth - e.clientWidth;
    e.style.cssText = style;
    const px = Math.round(Math.max(hidden, right));
    if (px > 1) {
      const what = e.closest(".jp-OutputArea-output") ? "output" :
        e.closest(".jp-RenderedMarkdown") ? "text" : "code";
      const key = cellOf(e) + " " + what;
      cut[key] = Math.max(cut[key] || 0, px);
    }
  }
  const fonts = {};
  const walker = document.createTreeWalker(s, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const e = n.parentElement;
    if (!n.textContent.trim() || !shown(e) || e.closest(SKIP_FONT)) continue;
    const px = parseFloat(getComputedStyle(e).fontSize);
    const kind = e.closest("pre, code, .jp-OutputArea-output") ? "code" : "prose";
    if (!fonts[kind] || px < fonts[kind].px)
      fonts[kind] = {px: px, cell: cellOf(e), text: n.textContent.trim().slice(0, 40)};
  }
  return {height: s.scrollHeight, cells: cells, cut: cut, fonts: fonts};
}
require(["lecture/reveal.js/dist/reveal.js"], Reveal => {
  const run = () => {
    Reveal.configure({transition: "none", backgroundTransition: "none"});
    const config = Reveal.getConfig();
    const slides = Reveal.getSlides().map(s => {
      const i = Reveal.getIndices(s);
      Reveal.slide(i.h, i.v);
      return Object.assign({h: i.h, v: i.v || 0}, measureSlide(Reveal, s));
    });
    done({width: config.width, height: config.height, scale: Reveal.getScale(),
          viewport: [innerWidth, innerHeight], slides: slides});
  };
  const settled = () => Promise.all([...document.images].map(i => i.decode().catch(() => null)))
    .then(() => document.fonts.ready)
    .then(() => (window.MathJax && MathJax.Hub) ? new Promise(ok => MathJax.Hub.Queue(ok)) : null)
    .then(() => window.cvcourseDeck)  // lecture/deck.js has split what does not fit
    .then(run).catch(e => done({error: String(e && e.stack || e)}));
  Reveal.isReady() ? settled() : Reveal.addEventListener("ready", settled);
}, e => done({error: String(e)}));
"""


def chromium_options(width: int, height: int, profile: str | Path):
    """selenium options for the system's headless Chromium: a ``width``×``height`` window, its
    own profile folder, and nothing that goes online (updates, sync, background requests)."""
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size={width},{height}",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    return options


@contextmanager
def browser() -> Iterator:
    """Headless Chromium (the system's, through selenium) with a 1280×720 projector viewport.

    Raises ``RuntimeError`` (saying how to install them) where Chromium, its driver or selenium is
    missing.
    """
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as err:
        raise RuntimeError(BROWSER_HINT) from err
    if CHROMIUM is None or CHROMEDRIVER is None:
        raise RuntimeError(BROWSER_HINT)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="cvcourse-chromium-") as profile:
        options = chromium_options(DECK_WIDTH, DECK_HEIGHT, profile)
        os.environ.setdefault("SE_OFFLINE", "true")  # selenium-manager must not go online
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        try:
            driver.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {
                    "width": DECK_WIDTH,
                    "height": DECK_HEIGHT,
                    "deviceScaleFactor": 1,
                    "mobile": False,
                },
            )
            driver.set_script_timeout(180)
            yield driver
        finally:
            driver.quit()


def measure(html: Path, driver) -> dict:
    """Every (sub)slide of the deck ``html`` as shown in ``driver`` (see :func:`browser`).

    Returns ``{"width", "height", "scale", "viewport", "slides"}``; each slide is ``{"h", "v",
    "height"`` (content and reveal's padding, slide px), ``"cells"`` (``id``, ``top``, ``height``,
    ``input``, ``output`` px), ``"cut"`` (``"<cell id> code|output|text"`` → px past the right
    edge, a wrapped line measured unwrapped), ``"fonts"`` (``"prose"``/``"code"`` → the smallest
    ``{"px", "cell", "text"}``)``}``.
    """
    driver.get(Path(html).resolve().as_uri())
    result = driver.execute_async_script(JS_MEASURE)
    if "error" in result:
        raise RuntimeError(f"{Path(html).name}: {result['error']}")
    return result


def faults(nb: dict, measured: dict) -> list[str]:
    """What a projector cannot show in a measured deck (:func:`measure`) of ``nb``: a slide taller
    than the box, a line cut at the right, text under :data:`MIN_PROSE_PX` / :data:`MIN_CODE_PX`.
    Empty when every slide fits."""
    index = {cell.get("id"): i for i, cell in enumerate(nb["cells"])}
    found = []
    for slide in measured["slides"]:
        where = f"slide {slide['h'] + 1}.{slide['v'] + 1}"
        cells = [index.get(c["id"], c["id"]) for c in slide["cells"]]
        if slide["height"] > measured["height"] + 0.5:
            found.append(
                f"{where} (cells {cells}): {slide['height']:.0f} px tall, the box holds "
                f"{measured['height']}"
            )
        for key, px in sorted(slide["cut"].items()):
            cell, what = key.rsplit(" ", 1)
            found.append(
                f"{where}: cell {index.get(cell, cell)}'s {what} is {px} px wider than the "
                "slide (cut or wrapped at the right)"
            )
        for kind, least in (("prose", MIN_PROSE_PX), ("code", MIN_CODE_PX)):
            font = slide["fonts"].get(kind)
            if font and font["px"] < least - 0.01:
                found.append(
                    f"{where}: cell {index.get(font['cell'], font['cell'])}'s {kind} at "
                    f"{font['px']:g} px (at least {least}): {font['text']!r}"
                )
    return found


def measure_cells(nb, driver, out_dir: Path) -> list[float | None]:
    """The height (slide px) each cell of ``nb`` takes on a slide, rendered alone in Chromium;
    ``None`` for the cells :func:`rule_kinds` skips."""
    import copy

    kinds = rule_kinds(nb)
    probe = copy.deepcopy(nb)
    for i, (cell, kind) in enumerate(zip(probe.cells, kinds)):
        cell.setdefault("metadata", {})["slideshow"] = {
            "slide_type": "skip" if kind == "skip" else "slide" if i == 0 else "subslide"
        }
    measured = measure(
        deck(Path(out_dir) / "measure.ipynb", out_dir, nb=probe, split=False), driver
    )
    heights: dict = {}
    for slide in measured["slides"]:
        if len(slide["cells"]) == 1:
            heights[slide["cells"][0]["id"]] = slide["height"] - SLIDE_PADDING
    return [
        None if kind == "skip" else heights[cell.get("id")] for cell, kind in zip(nb.cells, kinds)
    ]


def fit(paths: Sequence[Path], write: bool = True) -> int:
    """Tag (``write``) or check each notebook by measuring its deck in headless Chromium: each
    presented cell's height sets where subslides start (:func:`measure_cells`, :func:`pack`), then
    the deck is measured slide by slide (:func:`faults`). Prints what does not fit; returns the
    number of problems. Raises ``RuntimeError`` where no browser can run."""
    import tempfile

    import nbformat

    bad = 0
    with browser() as driver, tempfile.TemporaryDirectory(prefix="cvcourse-fit-") as tmp:
        for path in paths:
            nb = nbformat.read(path, as_version=4)
            if write:
                heights = measure_cells(nb, driver, Path(tmp))
                for i, height in enumerate(heights):
                    if height is not None and height > FIT_PX:
                        print(
                            f"{path.name}: cell {i} alone is {height:.0f} px tall (a screen "
                            f"holds {FIT_PX:.0f}): split it, or shorten its code or output"
                        )
                nbformat.write(assign(nb, heights), path)
            found = problems(nb) + faults(nb, measure(deck(path, Path(tmp), nb=nb), driver))
            for problem in found:
                print(f"{path.name}: {problem}")
            bad += len(found)
    return bad


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point (see the module docstring)."""
    parser = argparse.ArgumentParser(
        prog="python -m cvcourse.slides", description=__doc__.split("\n")[0]
    )
    parser.add_argument("command", choices=["tag", "check", "deck"])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, help="deck folder (default build/slides)")
    parser.add_argument(
        "--estimate",
        action="store_true",
        help="tag/check by the 40-unit estimate, without a browser (the fallback)",
    )
    args = parser.parse_args(argv)
    if args.command == "deck":
        for path in args.notebooks:
            print(deck(path, args.out))
        return 0
    if not args.estimate:
        try:
            return 1 if fit(args.notebooks, write=args.command == "tag") else 0
        except RuntimeError as err:
            if str(err) != BROWSER_HINT:
                raise
            print(
                f"no browser: {BROWSER_HINT}.\nFalling back to the 40-unit estimate, which does "
                "not measure the slides: run this again where Chromium is installed.",
                file=sys.stderr,
            )
    import nbformat

    bad = 0
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        if args.command == "tag":
            nbformat.write(assign(nb), path)
        for problem in problems(nb, estimate=True):
            bad += 1
            print(f"{path.name}: {problem}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
