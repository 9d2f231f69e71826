"""Is every sentence of the lesson backed by the notebook? Four checks over the saved notebooks.

None of them executes a notebook: they read the cells and the saved outputs.

1. **Numbers** (:func:`number_violations`): every number in a markdown cell must be found in
   that notebook's own saved outputs (in any usual format: 0.979 = 97.9 % = 98 %, 15,000 =
   15000), in its code (literals and strings, not comments), in the slides of its part
   (``../shared/course/slides.txt``), or in the notebook's short list of outside facts
   (``tests/claims_facts.toml``, each with its source). A number written with more digits than
   were printed does not match (text "0.979", output "0.98"); fewer digits do (text "0.98" or
   "98 %", output "0.979"). A whole number after "about", "~" or "≈" may be off by half the
   unit of its last non-zero digit or 5 %, whichever is more ("about 8,000" for 7,938). A
   result of arithmetic written just before it ("202 × 140 = 28,280") is backed when the
   arithmetic is right (its operands are numbers of the text, checked on their own).
   Ignored by rule: section numbers in headings, list numbering, references to notebooks,
   sections, parts, figures and cells ("notebook 05", "section 3", "Figure 3", "07 · Emotions"),
   years in citations ("Henriques et al., 2015", "(2013)", "CVPR 2017"), software versions
   ("TensorFlow 2.16", "OpenCV 4.x"), numbers inside identifiers (``conv4_2``, ``VGG19``,
   ``YOLOv4``, ``FER2013``), inside code spans and code blocks, in link targets, and the
   indices and exponents of formulas (``x_i``, ``w^2``).
2. **Vocabulary** (:func:`vocabulary_violations`): no words for the maintainers ("committed",
   "nbval", "compared by the tests", "the tests", "reference figures") in markdown, code
   comments or printed outputs: a learner reads them.
3. **Opening** (:func:`opening_violations`): the first cell is ``# NN · Title``, the
   Open-in-Colab badge (:func:`cvcourse.repository.badge`) and the slides' plan of attack as a
   numbered list (item by item, in order, the same count; the wording may be adapted).
4. **Homework** (:func:`homework_violations`): a "Homework" heading, then a markdown cell
   "Solution — try first", then the solution's code, then a checking cell with ``assert``.

Checks 1, 2 and 4 are held to a baseline (``tests/claims_baseline.txt``): the known violations
of today, which can only shrink. ``tests/test_claims.py`` fails on a violation that is not in
the baseline and on a baseline entry that no longer occurs. Check 3 has no baseline.

Command line (from the repository root)::

    python tests/claims_check.py                     # counts and violations per notebook
    python tests/claims_check.py 06 12               # only these notebooks, every violation listed
    python tests/claims_check.py --write-baseline    # rewrite the baseline (refuses to add entries
                                                     # unless --allow-new is given)
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import math
import re
import sys
import tokenize
import tomllib
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Sequence

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from cvcourse import repository  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SLIDES = ROOT.parent / "shared" / "course" / "slides.txt"
FACTS = Path(__file__).with_name("claims_facts.toml")
BASELINE = Path(__file__).with_name("claims_baseline.txt")
#: the checks held to the baseline
BASELINED = ("number", "vocabulary", "homework")

#: each notebook's plan(s) of attack on the slides, by the title after "PLAN OF ATTACK – "
#: ("" is the untitled plan of the neural-network part, Part 1 / 2 / 3)
PLANS = {
    "01": ["FACE DETECTION"],
    "02": ["FACE RECOGNITION"],
    "03": ["OBJECT TRACKING"],
    "04": ["", "NEURAL NETWORKS FOR IMAGE CLASSIFICATION"],
    "05": ["CONVOLUTIONAL NEURAL NETWORKS FOR IMAGE CLASSIFICATION"],
    "06": ["TRANSFER LEARNING AND FINE TUNING FOR IMAGE CLASSIFICATION"],
    "07": ["NEURAL NETWORKS FOR CLASSIFICATION OF EMOTIONS"],
    "08": ["AUTOENCODERS"],
    "09": ["YOLO (YOU ONLY LOOK ONCE)"],
    "10": ["RECOGNITION OF GESTURES AND ACTIONS"],
    "11": ["DEEP DREAM"],
    "12": ["STYLE TRANSFER"],
    "13": ["GANs (GENERATIVE ADVERSARIAL NETWORKS)"],
    "14": ["IMAGE SEGMENTATION"],
}

VOCABULARY = {
    "committed": r"\bcommitted\b",
    "nbval": r"\bnbval\b",
    "compared by the tests": r"\bcompared by the tests\b",
    "the tests": r"\bthe tests\b",
    "reference figures": r"\breference figures?\b",
}

SEPARATOR = "Solution — try first"


# ----------------------------------------------------------------------------------------------
# reading notebooks


def _text(value: str | list[str]) -> str:
    return value if isinstance(value, str) else "".join(value)


def load(path: Path) -> dict:
    """A notebook as JSON."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def output_texts(cell: dict) -> list[str]:
    """Everything a cell printed or displayed as text (HTML without its tags)."""
    texts = []
    for out in cell.get("outputs", []):
        if "text" in out:
            texts.append(_text(out["text"]))
        data = out.get("data", {})
        if "application/vnd.jupyter.widget-view+json" in data:
            continue  # its text/plain is a repr of the widget, not something a learner reads
        for mime in ("text/markdown", "text/latex"):
            if mime in data:
                texts.append(_text(data[mime]))
        if "text/html" in data:
            texts.append(re.sub(r"<[^>]+>", " ", _text(data["text/html"])))
        elif "text/plain" in data and not any(k.startswith("image/") for k in data):
            texts.append(_text(data["text/plain"]))
        if out.get("output_type") == "error":
            texts.append(" ".join(out.get("traceback", [])))
    return texts


def _python_lines(source: str) -> str:
    """``source`` with IPython magics and shell lines blanked, so that it tokenizes."""
    return (
        "\n".join("" if re.match(r"\s*[%!]", line) else line for line in source.splitlines()) + "\n"
    )


def split_code(source: str) -> tuple[str, list[str]]:
    """``(code without comments, [comments])`` of a code cell."""
    code, comments = [], []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(_python_lines(source)).readline):
            if tok.type == tokenize.COMMENT:
                comments.append(tok.string)
            elif tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
                code.append(tok.string)
        return " ".join(code), comments
    except (tokenize.TokenError, IndentationError, SyntaxError):
        comments = re.findall(r"#[^\n'\"]*$", source, flags=re.M)
        return re.sub(r"#[^\n'\"]*$", "", source, flags=re.M), comments


# ----------------------------------------------------------------------------------------------
# numbers

_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_NUMBER = re.compile(
    r"(?<![\w.,/\\])"  # not inside a word, another number or a path
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?"  # 60,000
    r"|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d.,]?\d)"  # 25 000
    r"|\d+(?:\.\d+)?)"  # 0.979, 15
    r"(?:[eE](?P<exp>[-+−]?\d+))?"  # 1e-3
    r"(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹][⁰¹²³⁴⁵⁶⁷⁸⁹]*|⁻[⁰¹²³⁴⁵⁶⁷⁸⁹]+)?"  # 10⁴, 10⁻²
    r"(?P<unit>\s?(?:%|×|x(?![A-Za-z])|million\b|billion\b|thousand\b|[kM]\b))?"
)
#: letters a number may carry without being part of an identifier ("96px", "5 s", "3rd", "2D")
_UNIT_SUFFIX = re.compile(
    r"(?:px|ms|s|fps|h|min|k|M|MB|GB|KB|kB|D|d|nd|rd|st|th|x|×|%)(?![A-Za-z0-9_])"
)
_APPROX = re.compile(
    r"(?:~|≈|≃|\babout|\baround|\broughly|\bnearly|\balmost|\bapprox(?:imately|\.)?|"
    r"\bsome|\bcirca|\bof the order of)\s*$",
    re.I,
)
_SCALE = {"million": 1e6, "billion": 1e9, "thousand": 1e3, "k": 1e3, "M": 1e6}


@dataclass(frozen=True)
class Number:
    """A number as written in the text: its value, the digits shown, and how it is meant."""

    text: str  # as written, e.g. "97.9 %"
    value: float  # in the unit written (97.9 for "97.9 %"), scale applied
    decimals: int  # digits after the decimal point as written
    percent: bool = False
    approx: bool = False
    scale: float = 1.0  # 1e6 for "1.2 million"
    start: int = 0  # position in the cell's source

    @property
    def tolerance(self) -> float:
        """How far a printed value may be from :attr:`value` and still be this number."""
        unit = 10.0**-self.decimals * self.scale
        if self.approx and self.decimals == 0:  # "about 8,000": 7,938 is meant; "~20×": 18.7
            digits = self.text.split()[0].replace(",", "").rstrip("%×x")
            zeros = len(digits) - len(digits.rstrip("0")) if digits.isdigit() else 0
            return max(unit / 2, 10.0**zeros * self.scale / 2, 0.05 * abs(self.value))
        return unit / 2


def parse_numbers(text: str) -> list[Number]:
    """Every number in ``text`` (already masked), with its format."""
    found = []
    for m in _NUMBER.finditer(text):
        after = text[m.end() : m.end() + 4]
        unit = (m.group("unit") or "").strip()
        if not unit and re.match(r"[A-Za-z_]", after) and not _UNIT_SUFFIX.match(after):
            continue  # part of an identifier: 2008_002079, 3rd is fine, 5abc is not
        digits = re.sub(r"[, \u00a0\u202f]", "", m.group("num"))
        value = float(digits)
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        if m.group("exp"):
            value *= 10.0 ** int(m.group("exp").replace("−", "-"))
            decimals = max(0, decimals - int(m.group("exp").replace("−", "-")))
        if m.group("sup") and digits == "10":  # 10⁻² is 0.01; in 0.569² the number is 0.569
            exponent = int(m.group("sup").translate(_SUPERSCRIPT))
            value, decimals = 10.0**exponent, max(0, -exponent)
        scale = _SCALE.get(unit, 1.0)
        approx = bool(_APPROX.search(text[max(0, m.start() - 25) : m.start()]))
        found.append(
            Number(
                text[m.start() : m.end()].strip(),
                value * scale,
                decimals,
                unit == "%",
                approx,
                scale,
                m.start(),
            )
        )
    for k in range(
        len(found) - 2, -1, -1
    ):  # a range shares its unit and its "about": "about 60–70 %"
        first, second = found[k], found[k + 1]
        between = text[first.start + len(first.text) : second.start]
        if re.fullmatch(r"\s*(?:–|-|…|to)\s*", between) and not (first.percent or first.scale != 1):
            found[k] = replace(
                first, percent=second.percent, scale=second.scale, value=first.value * second.scale
            )
            found[k + 1] = replace(found[k + 1], approx=first.approx or second.approx)
    return found


def pool_values(text: str) -> list[tuple[float, bool]]:
    """Every number printed in ``text`` as ``(value, is_percent)``, read generously.

    "60,000" gives 60000 and also 60 and 0; "1.2e-05" gives 1.2e-05; "97.9%" is a percentage.
    Signs are dropped (a text may say "a drop of 0.3" for a printed -0.3).
    """
    values = []
    for m in re.finditer(r"\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?P<pct>\s?%)?", text):
        try:
            values.append((float(m.group(0).rstrip("% ")), bool(m.group("pct"))))
        except ValueError:
            continue
    for m in re.finditer(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?P<pct>\s?%)?", text):
        values.append((float(m.group(0).rstrip("% ").replace(",", "")), bool(m.group("pct"))))
    for m in re.finditer(
        r"(?<![\d.])\d{1,3}(?:[_ \u00a0\u202f]\d{3})+(?![\d.,]?\d)", text
    ):  # 60_000, 25 000
        values.append((float(re.sub(r"\D", "", m.group(0))), False))
    return values


def slide_values(text: str) -> list[tuple[float, bool]]:
    """:func:`pool_values` of the slides, where "160.000" may also be a thousands separator."""
    extra = [
        (float(m.group(0).replace(".", "")), False)
        for m in re.finditer(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+(?![\d.,]?\d)", text)
    ]
    return pool_values(text) + extra


class Pool:
    """The numbers a notebook backs its text with, searchable by value."""

    def __init__(self, values: Iterable[tuple[float, bool]] = ()):
        self.values = sorted({(abs(v), pct) for v, pct in values if math.isfinite(v)})
        self._plain = sorted(v for v, _ in self.values)
        self._as_percent = sorted(
            {v * 100 for v, pct in self.values if not pct} | {v for v, pct in self.values if pct}
        )
        self._as_fraction = sorted({v / 100 for v, pct in self.values if pct})

    @staticmethod
    def _near(sorted_values: list[float], target: float, tolerance: float) -> bool:
        import bisect

        eps = 1e-9 * max(1.0, abs(target))
        i = bisect.bisect_left(sorted_values, target - tolerance - eps)
        return i < len(sorted_values) and sorted_values[i] <= target + tolerance + eps

    def backs(self, number: Number) -> bool:
        """Does a value of this pool, in some usual format, read as ``number``?"""
        target, tol = abs(number.value), number.tolerance
        if number.percent:  # "98 %": a printed 98, 98 %, 97.9 % or 0.979
            return self._near(self._as_percent, target, tol) or self._near(self._plain, target, tol)
        return self._near(self._plain, target, tol) or self._near(self._as_fraction, target, tol)


def mask(pattern: str | re.Pattern, text: str, group: int | str = 0, flags: int = 0) -> str:
    """``text`` with every match of ``pattern`` (or its ``group``) blanked, positions kept."""

    def blank(m: re.Match) -> str:
        start, end = m.span(group)
        if start < 0:
            return m.group(0)
        s0 = m.start()
        inner = re.sub(r"[^\n]", " ", m.group(0)[start - s0 : end - s0])
        return m.group(0)[: start - s0] + inner + m.group(0)[end - s0 :]

    return re.sub(pattern, blank, text, flags=flags)


_REFERENCE = (
    r"(?i)\b(?:notebooks?|sections?|§|parts?|plan items?|items?|figures?|fig\.|tables?|"
    r"chapters?|cells?|steps? of the plan|lectures?)[\s-]*"
    r"(\d+(?:\s*(?:–|-|,|and|or|&|to)\s*\d+)*)"
)
_VERSION = (
    r"(?i)(?:\b(?:python|tensorflow|keras|opencv|numpy|scikit-learn|scikit-image|dlib|dlib-bin|"
    r"jupyterlab|nbconvert|reveal\.js|mathjax|mediapipe|yolo-fastest|chromium|ipykernel|"
    r"matplotlib|pytorch|cuda|colab's keras|release|version)\s+|\bv)"
    r"(\d+(?:\.\d+)*(?:\.x)?(?:\s*(?:–|-|,|and|or|/)\s*\d+(?:\.\d+)+)*)"
)
_CITATION_YEAR = (
    r"(?:\bet\s+al\.?,?\s*|\b[A-Z][A-Za-z*]+,?\s+|,\s*|\(\s*|\band\s+|\bc\.\s*)"
    r"((?:1\d|20)\d\d)(?![\d,.]?\d)"
)


def masked_markdown(source: str) -> str:
    """``source`` with everything the numbers check ignores by rule blanked (positions kept)."""
    text = source
    text = mask(r"<!--.*?-->", text, flags=re.S)
    text = mask(r"```.*?```", text, flags=re.S)  # code blocks
    text = mask(r"`[^`\n]*`", text)  # code spans
    text = mask(r"!\[[^\]]*\]\([^)]*\)", text)  # images
    text = mask(r"\]\(([^)]*)\)", text, group=1)  # link targets
    text = mask(r"<[^>\n]+>", text)  # HTML tags
    text = mask(r"https?://\S+", text)
    text = mask(r"(?m)^#{1,6}\s+(\d+(?:\.\d+)*)", text, group=1)  # section numbers
    text = mask(r"(?m)^\s*(?:[-*]\s+)?(\d+)[.)]\s", text, group=1)  # list numbering
    text = mask(r"\(\d\)\s", text)  # inline enumeration "(1) input image"
    text = mask(r"\b(\d\d)\s*·", text, group=1)  # "07 · Emotion classification"
    text = mask(_REFERENCE, text, group=1)
    text = mask(_VERSION, text, group=1)
    text = mask(r"\b\d+\.x\b", text)
    text = mask(_CITATION_YEAR, text, group=1)
    text = mask(r"[_^]\{[^}]*\}|[_^]\\?\w+", text)  # formula indices and exponents
    text = mask(r"(?<=[A-Za-z]{2}-)\d+\b", text)  # names: Darknet-53 (not 1e-5)
    text = re.sub(r"(?<=\d)x(?=\d)", "×", text)  # 5x5 is 5 × 5
    return text


_OPERATORS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}


def _evaluate(node: ast.AST) -> float:
    """The value of an arithmetic expression of numbers (nothing else is evaluated)."""
    if isinstance(node, ast.Expression):
        return _evaluate(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return float(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return _OPERATORS[type(node.op)](_evaluate(node.left), _evaluate(node.right))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return (
            -_evaluate(node.operand) if isinstance(node.op, ast.USub) else _evaluate(node.operand)
        )
    if (
        isinstance(node, ast.Call)
        and getattr(node.func, "id", "") in ("sqrt", "log")
        and len(node.args) == 1
    ):
        return getattr(math, node.func.id)(_evaluate(node.args[0]))
    raise ValueError("not arithmetic")


def computed_in_text(masked: str, number: Number) -> bool:
    """Is ``number`` the result of arithmetic written just before it ("202 × 140 = 28,280")?

    Its operands are numbers of the text and are checked on their own; this only accepts the
    result when the arithmetic is right (to the digits the result shows).
    """
    before = masked[: number.start]
    for latex, sign in ((r"\\cdot", "·"), (r"\\times", "×")):
        before = re.sub(latex, lambda m: " " * (len(m.group(0)) - 1) + sign, before)
    before = re.sub(r"\\?\bln\b", lambda m: "ł" * len(m.group(0)), before)  # natural logarithm
    m = re.search(r"([-+−×·*/()²³√ł\d.,\s]+?)(?:=|≈|\\approx)\s*$", before)
    if not m:
        return False
    expression = m.group(1)
    expression = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", expression)
    expression = (
        expression.replace("×", "*")
        .replace("·", "*")
        .replace("−", "-")
        .replace("²", "**2")
        .replace("³", "**3")
    )
    expression = re.sub(r"√\s*(\d+(?:\.\d+)?)", r"sqrt(\1)", expression)
    expression = re.sub(r"ł+\s*(\d+(?:\.\d+)?)", r"log(\1)", expression)
    expression = re.sub(r"(?<=[\d)])\s*(?=log\(|sqrt\()", "*", expression)  # 2 ln 2 is 2 × ln 2
    if "ł" in expression:
        return False
    if not re.search(r"[-+*/]|log\(|sqrt\(", expression.strip()):
        return False
    for start in range(len(expression)):  # the longest tail of the text that is arithmetic
        tail = expression[start:].strip()
        if not tail or not re.search(r"[-+*/]|log\(|sqrt\(", tail.lstrip("-")):
            break
        try:
            value = _evaluate(ast.parse(tail, mode="eval"))
        except (SyntaxError, ValueError, ZeroDivisionError, OverflowError):
            continue
        return abs(abs(value) - abs(number.value)) <= number.tolerance + 1e-9 * abs(number.value)
    return False


@dataclass
class NotebookNumbers:
    """The numbers check of one notebook: what was checked and what is not backed."""

    notebook: str
    checked: list[tuple[int, Number]] = field(default_factory=list)
    computed: list[tuple[int, Number]] = field(default_factory=list)
    unbacked: list[tuple[int, Number]] = field(default_factory=list)
    facts_used: set[str] = field(default_factory=set)


def markdown_numbers(nb: dict) -> list[tuple[int, Number, str]]:
    """``(cell index, number, masked cell)`` for every number the check looks at in ``nb``'s
    markdown."""
    found = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            masked = masked_markdown(_text(cell["source"]))
            found += [(i, n, masked) for n in parse_numbers(masked)]
    return found


def notebook_pool(nb: dict) -> Pool:
    """The numbers ``nb`` prints or has in its code (not in its comments)."""
    values: list[tuple[float, bool]] = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        for text in output_texts(cell):
            values += pool_values(text)
        code, _ = split_code(_text(cell["source"]))
        values += pool_values(code)
    return Pool(values)


def slides_text() -> str | None:
    """The slides as text, or None where ``../shared/course/slides.txt`` is absent."""
    return SLIDES.read_text(encoding="utf-8") if SLIDES.is_file() else None


def _plan_headings(slides: str) -> list[tuple[int, str]]:
    return [
        (m.start(), m.group(1) or "")
        for m in re.finditer(r"(?m)^PLAN OF ATTACK(?:\s+[–-]\s+(.+?))?\s*$", slides)
    ]


def slides_part(slides: str, number: str) -> str:
    """The slides of notebook ``number``'s part: from its first plan of attack to the next
    part's."""
    headings = _plan_headings(slides)
    starts = {
        nn: min((pos for pos, title in headings if title == titles[0]), default=None)
        for nn, titles in PLANS.items()
    }
    if starts.get(number) is None:  # not a course part, or slides without its plan: all of them
        return slides
    order = sorted(pos for pos in starts.values() if pos is not None)
    start = 0 if number == min(PLANS) else starts[number]
    later = [pos for pos in order if pos > starts[number]]
    return slides[start : later[0] if later else len(slides)]


def load_facts(path: Path = FACTS) -> dict[str, dict[str, str]]:
    """``{notebook stem: {number as written: "what it is — source"}}``."""
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def check_numbers(
    path: Path,
    nb: dict | None = None,
    slides: str | None = None,
    facts: dict[str, dict[str, str]] | None = None,
) -> NotebookNumbers:
    """Check every number of ``path``'s markdown against its outputs, code, slides and facts."""
    nb = load(path) if nb is None else nb
    stem = Path(path).stem
    slides = slides_text() if slides is None else slides
    facts = load_facts() if facts is None else facts
    pool = notebook_pool(nb)
    slide_pool = Pool(slide_values(slides_part(slides, stem[:2]))) if slides else Pool()
    fact_numbers = {text: parse_numbers(masked_markdown(text)) for text in facts.get(stem, {})}
    result = NotebookNumbers(stem)
    for i, number, masked in markdown_numbers(nb):
        result.checked.append((i, number))
        if pool.backs(number) or slide_pool.backs(number):
            continue
        if computed_in_text(masked, number):
            result.computed.append((i, number))
            continue
        fact = next(
            (
                t
                for t, ns in fact_numbers.items()
                if any(
                    abs(f.value - number.value) <= max(f.tolerance, number.tolerance) for f in ns
                )
            ),
            None,
        )
        if fact is not None:
            result.facts_used.add(fact)
            continue
        result.unbacked.append((i, number))
    return result


# ----------------------------------------------------------------------------------------------
# violations


@dataclass(frozen=True)
class Violation:
    """One thing a check found, keyed without the cell index (cells move; the words stay)."""

    notebook: str
    check: str
    cell: int
    item: str
    context: str

    def key(self) -> str:
        """The baseline's line for this violation."""
        return "\t".join((self.notebook, self.check, self.item, self.context))

    def __str__(self) -> str:
        where = f"cell {self.cell}" if self.cell >= 0 else "notebook"
        return f"{self.notebook} {where}: {self.check} {self.item!r} — “{self.context}”"


def _context(source: str, start: int, end: int, width: int = 30) -> str:
    before = source[max(0, start - width) : start].split("\n")[-1]
    after = source[end : end + width].split("\n")[0]
    return re.sub(r"\s+", " ", f"{before}{source[start:end]}{after}").strip()


def number_violations(
    path: Path,
    nb: dict | None = None,
    slides: str | None = None,
    facts: dict[str, dict[str, str]] | None = None,
) -> list[Violation]:
    """The numbers of ``path``'s markdown that nothing backs."""
    nb = load(path) if nb is None else nb
    result = check_numbers(path, nb, slides, facts)
    found = []
    for i, number in result.unbacked:
        source = _text(nb["cells"][i]["source"])
        found.append(
            Violation(
                result.notebook,
                "number",
                i,
                number.text,
                _context(source, number.start, number.start + len(number.text)),
            )
        )
    return found


def vocabulary_violations(path: Path, nb: dict | None = None) -> list[Violation]:
    """Maintainer words in ``path``'s markdown, code comments and printed outputs."""
    nb = load(path) if nb is None else nb
    stem = Path(path).stem
    found = []
    for i, cell in enumerate(nb["cells"]):
        source = _text(cell["source"])
        if cell["cell_type"] == "markdown":
            texts = [source]
        elif cell["cell_type"] == "code":
            texts = split_code(source)[1] + output_texts(cell)
        else:
            continue
        for text in texts:
            for word, pattern in VOCABULARY.items():
                for m in re.finditer(pattern, text, flags=re.I):
                    if word == "the tests" and re.search(
                        r"compared by\s+$", text[: m.start()], flags=re.I
                    ):
                        continue  # counted once, as "compared by the tests"
                    found.append(
                        Violation(stem, "vocabulary", i, word, _context(text, m.start(), m.end()))
                    )
    return found


def _headings(cell: dict) -> list[tuple[int, str]]:
    """``(level, title)`` of every heading line of a markdown cell."""
    if cell["cell_type"] != "markdown":
        return []
    source = mask(r"```.*?```", _text(cell["source"]), flags=re.S)
    return [
        (len(m.group(1)), m.group(2).strip()) for m in re.finditer(r"(?m)^(#{1,6})\s+(.+)$", source)
    ]


def _is_checking_cell(cell: dict) -> bool:
    if cell["cell_type"] != "code":
        return False
    try:
        tree = ast.parse(_python_lines(_text(cell["source"])))
    except SyntaxError:
        return bool(re.search(r"^\s*assert\b", _text(cell["source"]), flags=re.M))
    return any(isinstance(node, ast.Assert) for node in ast.walk(tree))


def homework_violations(path: Path, nb: dict | None = None) -> list[Violation]:
    """Where ``path``'s homework does not follow task → "Solution — try first" → code → check."""
    nb = load(path) if nb is None else nb
    stem = Path(path).stem
    cells = nb["cells"]
    starts = [
        (i, level, title)
        for i, c in enumerate(cells)
        for level, title in _headings(c)
        if re.search(r"\bhomework\b", title, re.I)
    ]
    if not starts:
        return [
            Violation(
                stem, "homework", -1, "no Homework section", "a heading that contains “Homework”"
            )
        ]
    found = []
    for start, level, title in starts:
        end = next(
            (
                j
                for j in range(start + 1, len(cells))
                if any(lv <= level for lv, _ in _headings(cells[j]))
            ),
            len(cells),
        )
        section = list(range(start, end))
        separator = next(
            (
                j
                for j in section
                if cells[j]["cell_type"] == "markdown"
                and SEPARATOR.lower() in _text(cells[j]["source"]).lower()
            ),
            None,
        )
        if separator is None:
            found.append(Violation(stem, "homework", start, f"no “{SEPARATOR}” cell", title))
            continue
        if separator == start:
            found.append(
                Violation(stem, "homework", start, "the separator is in the task's cell", title)
            )
        code = [j for j in section if j > separator and cells[j]["cell_type"] == "code"]
        solution = [j for j in code if not _is_checking_cell(cells[j])]
        if not solution:
            found.append(
                Violation(
                    stem, "homework", separator, "no solution code after the separator", title
                )
            )
        elif not any(_is_checking_cell(cells[j]) for j in code if j > solution[0]):
            found.append(
                Violation(
                    stem,
                    "homework",
                    solution[0],
                    "no checking cell (assert) after the solution",
                    title,
                )
            )
    return found


# ----------------------------------------------------------------------------------------------
# the opening


def slide_plans(slides: str) -> dict[str, list[str]]:
    """``{plan title: [item, …]}`` of every plan of attack on the slides (in their order)."""
    plans = {}
    lines = slides.splitlines()
    for k, line in enumerate(lines):
        m = re.match(r"PLAN OF ATTACK(?:\s+[–-]\s+(.+?))?\s*$", line)
        if not m:
            continue
        items: list[str] = []
        for nxt in lines[k + 1 :]:
            item = re.match(r"\s*(?:-\s*)?(\d+)\.\s+(.+?)\s*$", nxt)
            if item and int(item.group(1)) == len(items) + 1:
                items.append(item.group(2))
            elif (
                nxt.strip()
                and not item
                and re.fullmatch(r"[A-Z0-9 ().,&'–-]{3,}", nxt.strip())
                and items
            ):
                break  # the next slide's title
        plans[m.group(1) or ""] = items
    return plans


_STOPWORDS = {
    "with",
    "and",
    "the",
    "using",
    "about",
    "for",
    "of",
    "in",
    "on",
    "a",
    "an",
    "vs",
    "to",
}


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOPWORDS]


def item_matches(slide_item: str, notebook_item: str) -> bool:
    """Does the notebook's plan item say the slide's item (in its own words)?

    At least two thirds of the slide item's words must occur in the notebook's item, where a
    word also counts when it is part of a longer one ("kernel" in "kernelized") or written in
    parts ("haarcascade" as "Haar cascade").
    """
    words = _words(slide_item)
    plain = " ".join(_words(notebook_item))
    joined = plain.replace(" ", "")
    hits = sum(1 for w in words if w in plain or w in joined)
    return bool(words) and hits * 3 >= 2 * len(words)


def numbered_lists(markdown: str) -> list[list[str]]:
    """The numbered lists of a markdown text, each item with its continuation lines."""
    lists: list[list[str]] = []
    current: list[str] | None = None
    for line in markdown.splitlines():
        m = re.match(r"\s*(\d+)\.\s+(.*)", line)
        if m and int(m.group(1)) == 1:
            current = [m.group(2)]
            lists.append(current)
        elif m and current is not None and int(m.group(1)) == len(current) + 1:
            current.append(m.group(2))
        elif current is not None and line.startswith((" ", "\t")) and line.strip():
            current[-1] += " " + line.strip()
        elif line.strip():  # a paragraph (or a list that does not count on) ends the list
            current = None
    return lists


def opening_violations(
    path: Path, nb: dict | None = None, slides: str | None = None
) -> list[Violation]:
    """How ``path``'s first cell misses its title, badge or the slides' plan of attack."""
    nb = load(path) if nb is None else nb
    path = Path(path)
    stem, number = path.stem, path.stem[:2]
    cell = nb["cells"][0] if nb["cells"] else {"cell_type": "code", "source": ""}
    source = _text(cell["source"])
    found = []
    if cell["cell_type"] != "markdown" or not re.match(rf"# {number} · \S", source):
        first = source.splitlines()[0] if source.strip() else "(empty)"
        found.append(Violation(stem, "opening", 0, f"no title “# {number} · …”", first))
    if repository.badge(path.name) not in source:
        found.append(
            Violation(stem, "opening", 0, "no Open-in-Colab badge", repository.colab_url(path.name))
        )
    slides = slides_text() if slides is None else slides
    if slides is not None:
        plans = slide_plans(slides)
        lists = numbered_lists(source) if cell["cell_type"] == "markdown" else []
        for title in PLANS[number]:
            wanted = plans[title]
            if not any(
                len(got) == len(wanted) and all(map(item_matches, wanted, got)) for got in lists
            ):
                found.append(
                    Violation(
                        stem,
                        "opening",
                        0,
                        "no plan of attack as a numbered list",
                        " / ".join(wanted),
                    )
                )
    return found


# ----------------------------------------------------------------------------------------------
# all checks, the baseline, the command line


def violations(path: Path, slides: str | None = None, facts: dict | None = None) -> list[Violation]:
    """Every violation of the baselined checks (numbers, vocabulary, homework) in ``path``."""
    nb = load(path)
    return (
        number_violations(path, nb, slides, facts)
        + vocabulary_violations(path, nb)
        + homework_violations(path, nb)
    )


def read_baseline(path: Path = BASELINE) -> Counter:
    """The baseline as a multiset of :meth:`Violation.key` lines."""
    if not path.is_file():
        return Counter()
    lines = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    return Counter(lines)


def compare(
    found: Iterable[Violation], baseline: Counter, notebooks: Iterable[str]
) -> tuple[list[Violation], list[str]]:
    """``(new violations, baseline lines that no longer occur)`` for the given notebooks."""
    notebooks = set(notebooks)
    remaining = Counter({k: n for k, n in baseline.items() if k.split("\t")[0] in notebooks})
    new = []
    for v in found:
        if remaining[v.key()] > 0:
            remaining[v.key()] -= 1
        else:
            new.append(v)
    return new, sorted(k for k, n in remaining.items() for _ in range(n))


BASELINE_HEADER = (
    "# Known violations of the claims checks (tests/claims_check.py), one per line:\n"
    "# notebook<TAB>check<TAB>what<TAB>the words around it. tests/test_claims.py fails on a "
    "violation that\n"
    "# is not listed here and on a line that no longer occurs: fix the notebook, then shrink this "
    "file\n"
    "# with `python tests/claims_check.py --write-baseline`. Never add lines by hand.\n"
)


def write_baseline(found: Sequence[Violation], path: Path = BASELINE) -> None:
    """Write ``found`` as the baseline (sorted, so that a diff shows what was fixed)."""
    lines = sorted(v.key() for v in found)
    path.write_text(BASELINE_HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line (see the module docstring)."""
    parser = argparse.ArgumentParser(
        prog="python tests/claims_check.py", description=__doc__.split("\n")[0]
    )
    parser.add_argument("notebooks", nargs="*", help="notebook numbers (default: all)")
    parser.add_argument(
        "--write-baseline", action="store_true", help="rewrite tests/claims_baseline.txt"
    )
    parser.add_argument(
        "--allow-new", action="store_true", help="let --write-baseline add violations"
    )
    parser.add_argument(
        "--all", action="store_true", help="list every violation, also those in the baseline"
    )
    args = parser.parse_args(argv)
    paths = [p for p in NOTEBOOKS if not args.notebooks or p.name[:2] in args.notebooks]
    slides, facts = slides_text(), load_facts()
    if slides is None:
        print(
            f"warning: {SLIDES} not found: the slides' numbers and plans are not used",
            file=sys.stderr,
        )
    baseline = read_baseline()
    everything: list[Violation] = []
    print(
        f"{'notebook':32} {'numbers':>7} {'unbacked':>8} {'facts':>5} {'vocab':>5} {'homework':>8} "
        f"{'opening':>7} {'new':>4} {'gone':>4}"
    )
    status = 0
    for path in paths:
        nb = load(path)
        numbers = check_numbers(path, nb, slides, facts)
        found = (
            number_violations(path, nb, slides, facts)
            + vocabulary_violations(path, nb)
            + homework_violations(path, nb)
        )
        opening = opening_violations(path, nb, slides)
        everything += found
        new, gone = compare(found, baseline, [path.stem])
        kinds = Counter(v.check for v in found)
        print(
            f"{path.stem:32} {len(numbers.checked):7} {kinds['number']:8} "
            f"{len(facts.get(path.stem, {})):5} {kinds['vocabulary']:5} {kinds['homework']:8} "
            f"{len(opening):7} {len(new):4} {len(gone):4}"
        )
        shown = found if (args.all or args.notebooks) else new
        for v in shown + opening:
            print(f"    {v}")
        for line in gone if not args.write_baseline else []:
            print(f"    no longer occurs: {line}")
        unused = set(facts.get(path.stem, {})) - numbers.facts_used
        for fact in sorted(unused):
            print(f"    outside fact not used: {fact!r}")
        status |= bool(new or gone or opening or unused)
    if args.write_baseline:
        old = Counter(
            {k: n for k, n in baseline.items() if k.split("\t")[0] not in {p.stem for p in paths}}
        )
        new, _ = compare(everything, baseline, [p.stem for p in paths])
        if new and not args.allow_new:
            print(
                f"not written: {len(new)} violations are not in the baseline (fix them, or "
                "--allow-new)"
            )
            return 1
        kept = [
            Violation(*k.split("\t")[:2], -1, *k.split("\t")[2:])
            for k, n in old.items()
            for _ in range(n)
        ]
        write_baseline(everything + kept)
        print(f"wrote {BASELINE.relative_to(ROOT)}: {len(everything) + len(kept)} entries")
        return 0
    return int(status)


if __name__ == "__main__":
    sys.exit(main())
