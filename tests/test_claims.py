"""The lesson's words are backed by the notebook: numbers, vocabulary, opening, homework layout.

The checks live in ``tests/claims_check.py`` (its docstring gives the rules); they read the
saved notebooks and execute none. Numbers, vocabulary and homework are held to
``tests/claims_baseline.txt`` (today's known violations: the list can only shrink); the opening
has no baseline. Each check is also run on a notebook with a planted fault.
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest

import claims_check as claims

NOTEBOOKS = claims.NOTEBOOKS
IDS = [p.stem for p in NOTEBOOKS]


@pytest.fixture(scope="module")
def slides() -> str:
    text = claims.slides_text()
    if text is None:
        message = f"the slides ({claims.SLIDES}) are needed for their numbers and plans of attack"
        if os.environ.get("CVCOURSE_REQUIRE_ASSETS"):
            pytest.fail(message)
        pytest.skip(message)
    return text


@pytest.fixture(scope="module")
def facts() -> dict:
    return claims.load_facts()


def _markdown(source: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def _code(source: str, printed: str | None = None) -> dict:
    outputs = [{"output_type": "stream", "name": "stdout", "text": printed}] if printed else []
    return {
        "cell_type": "code",
        "metadata": {},
        "source": source,
        "outputs": outputs,
        "execution_count": None,
    }


def _write(path: Path, nb: dict) -> Path:
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _notebook(stem: str) -> Path:
    return next(p for p in NOTEBOOKS if p.stem.startswith(stem))


# ---------------------------------------------------------------------------------------------
# the 14 notebooks


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=IDS)
def test_no_violation_beyond_the_baseline(notebook, slides, facts):
    found = claims.violations(notebook, slides, facts)
    new, gone = claims.compare(found, claims.read_baseline(), [notebook.stem])
    lines = [f"new: {v}" for v in new] + [f"fixed, still in the baseline: {line}" for line in gone]
    assert not lines, (
        "\n".join(lines)
        + "\nfix the new ones (print the number, cite it in tests/claims_facts.toml, "
        "or drop it); then shrink the baseline: python tests/claims_check.py --write-baseline"
    )


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=IDS)
def test_opening_is_title_badge_and_the_slides_plan(notebook, slides):
    assert claims.opening_violations(notebook, slides=slides) == []


def test_outside_facts_are_few_sourced_and_used(slides, facts):
    stems = {p.stem for p in NOTEBOOKS}
    for stem, table in facts.items():
        assert stem in stems, f"claims_facts.toml: no notebook {stem}"
        assert len(table) <= 5, f"{stem}: {len(table)} outside facts; print what a cell can print"
        used = claims.check_numbers(_notebook(stem[:2]), slides=slides, facts=facts).facts_used
        for number, what in table.items():
            assert len(claims.parse_numbers(claims.masked_markdown(number))) == 1, (
                f"{stem}: {number!r} is one number"
            )
            assert re.search(r"\b(1[5-9]|20)\d\d\b", what) and "—" in what, (
                f"{stem}: {number!r} needs what it is — and its source with a year"
            )
            assert number in used, (
                f"{stem}: the outside fact {number!r} is used by no sentence any more: remove it"
            )


def test_baseline_lines_name_a_notebook_and_a_baselined_check():
    stems = {p.stem for p in NOTEBOOKS}
    for line in claims.read_baseline():
        fields = line.split("\t")
        assert len(fields) == 4 and fields[0] in stems and fields[1] in claims.BASELINED, line


# ---------------------------------------------------------------------------------------------
# planted faults


def test_a_planted_wrong_number_is_named_with_its_notebook_and_cell(tmp_path, slides, facts):
    source = _notebook("06")
    nb = claims.load(source)
    printed = "\n".join(
        t for c in nb["cells"] if c["cell_type"] == "code" for t in claims.output_texts(c)
    )
    match = re.search(r"test accuracy (0\.979)", printed) or re.search(
        r"test accuracy (\d\.\d{3})", printed
    )
    assert match, f"{source.name} prints no 'test accuracy 0.xxx' to plant a wrong number beside"
    accuracy = match[1]  # 0.979, the frozen ImageNet head's, in today's run
    wrong = "0.91"
    assert not claims.notebook_pool(nb).backs(claims.parse_numbers(wrong)[0]), (
        "06 prints 0.91: plant another number"
    )
    before = claims.number_violations(source, nb, slides, facts)
    planted = copy.deepcopy(nb)
    planted["cells"].append(
        _markdown(f"The frozen ImageNet features reach a test accuracy of {accuracy}.")
    )
    right = _write(tmp_path / source.name, planted)
    assert claims.number_violations(right, slides=slides, facts=facts) == before, (
        "the printed value is backed"
    )
    for same in (
        f"{float(accuracy):.1%}".replace("%", " %"),
        f"{float(accuracy):.0%}",
        f"{float(accuracy):.2f}",
    ):
        planted["cells"][-1]["source"] = (
            f"The frozen ImageNet features reach a test accuracy of {same}."
        )
        assert (
            claims.number_violations(_write(right, planted), slides=slides, facts=facts) == before
        ), same
    planted["cells"][-1]["source"] = (
        f"The frozen ImageNet features reach a test accuracy of {wrong}."
    )
    after = claims.number_violations(_write(right, planted), slides=slides, facts=facts)
    new, _ = claims.compare(after, Counter(v.key() for v in before), [source.stem])
    assert [(v.notebook, v.cell, v.item) for v in new] == [
        (source.stem, len(planted["cells"]) - 1, wrong)
    ]
    assert f"{source.stem} cell {len(planted['cells']) - 1}: number '0.91'" in str(new[0])


def test_numbers_in_every_usual_format_and_the_issues_examples():
    printed = (
        "test accuracy 0.979\n15000 training images, 1,234 weights\nKCF is 2.5 times faster\n"
        "score 0.2\ncrossing at frame 72\nloss 1.2e-05\n58.3% kept\npatch 202 x 140\n"
    )
    nb = {
        "cells": [
            _markdown("# 99 · Title"),
            _code("x = images.reshape(-1, 28, 28)  # 10 classes\nlr = 1e-3", printed),
        ]
    }
    good = (
        "## 3 · Results\n1. first\n2. second\n\nThe accuracy is 0.979 = 97.9 % = 98 % (0.98), on "
        "15,000 images (15000) with about 1,200 weights; KCF is 2.5× faster. The loss falls to "
        "1.2e-5, 58 % (0.583) are kept. `conv4_2` and block5_conv2, VGG19, YOLOv4 and Darknet-53 "
        "are names, `x[3:7]` is code, 28×28 and 28 × 28 pixels are in the code, a learning rate of "
        "10⁻³. Gatys et al. (2016), CVPR 2016, Henriques et al., 2015; TensorFlow 2.16, OpenCV "
        "4.x; notebook 05, section 3, Figure 3; next: **07 · Emotions**. [a "
        "link](https://example.com/a/123) and 202 × 140 = 28,280, (28 + 72) / 2.5 = 40."
    )
    bad = (
        "Fashion-MNIST has 60,000 images, the cell scores 0.25, chance is 25 %, the car crosses "
        "around frame 90, the accuracy is 0.93, the expression 202 × 140 = 28,000, 10 classes."
    )
    nb["cells"] += [_markdown(good), _markdown(bad)]
    result = claims.check_numbers(Path("99_planted.ipynb"), nb, slides="", facts={})
    assert [(i, n.text) for i, n in result.unbacked] == [
        (3, "60,000"),
        (3, "0.25"),
        (3, "25 %"),
        (3, "90"),
        (3, "0.93"),
        (3, "28,000"),
        (3, "10"),
    ]
    assert len(result.checked) == 32 and [n.text for _, n in result.computed] == ["28,280", "40"]
    facts = {"99_planted": {"60,000": "Fashion-MNIST training images — Xiao et al. 2017"}}
    result = claims.check_numbers(
        Path("99_planted.ipynb"), nb, slides="Fashion 0.25 and 10", facts=facts
    )
    assert [n.text for _, n in result.unbacked] == [
        "90",
        "0.93",
        "28,000",
    ]  # 25 % is the slides' 0.25
    assert result.facts_used == {"60,000"}


def test_maintainer_vocabulary_is_found_in_markdown_comments_and_outputs(tmp_path):
    source = _notebook("01")
    nb = claims.load(source)
    before = claims.vocabulary_violations(source, nb)
    nb["cells"] += [
        _markdown("The reference figures are committed with the notebook."),
        _code("x = 1  # not compared by the tests (nbval)\ntext = 'committed'  # a string is code"),
        _code("print(x)", "checked by the tests\n"),
    ]
    after = claims.vocabulary_violations(_write(tmp_path / source.name, nb), nb)
    new, _ = claims.compare(after, Counter(v.key() for v in before), [source.stem])
    n = len(nb["cells"])
    assert sorted((v.cell, v.item) for v in new) == [
        (n - 3, "committed"),
        (n - 3, "reference figures"),
        (n - 2, "compared by the tests"),
        (n - 2, "nbval"),
        (n - 1, "the tests"),
    ]


@pytest.mark.parametrize(
    "fault", ["setup cell first", "no title", "no badge", "plan reordered", "plan cut short"]
)
def test_an_opening_without_title_badge_or_plan_fails(fault, tmp_path, slides):
    source = _notebook("06")
    nb = claims.load(source)
    path = _write(tmp_path / source.name, nb)
    assert claims.opening_violations(path, nb, slides) == []
    title = claims._text(nb["cells"][0]["source"])
    if fault == "setup cell first":  # as 11 and 12 were: the Colab cell opens the notebook
        nb["cells"] = nb["cells"][1:]
        expected = {
            "no title “# 06 · …”",
            "no Open-in-Colab badge",
            "no plan of attack as a numbered list",
        }
    elif fault == "no title":
        nb["cells"][0]["source"] = title.replace("# 06 · ", "# ", 1)
        expected = {"no title “# 06 · …”"}
    elif fault == "no badge":
        nb["cells"][0]["source"] = title.replace(claims.repository.badge(source.name), "")
        expected = {"no Open-in-Colab badge"}
    elif fault == "plan reordered":
        nb["cells"][0]["source"] = title.replace(
            "1. Intuition about transfer learning", "1. Intuition about fine tuning"
        )
        expected = {"no plan of attack as a numbered list"}
    else:
        nb["cells"][0]["source"] = re.sub(r"\n4\. .*", "", title)
        expected = {"no plan of attack as a numbered list"}
    assert {v.item for v in claims.opening_violations(_write(path, nb), nb, slides)} == expected


def test_homework_layout(tmp_path):
    def notebook(*cells):
        return {"cells": [_markdown("# 99 · Title"), *cells]}

    task = _markdown("## Homework\nCount the cars.")
    separator = _markdown(f"**{claims.SEPARATOR}**")
    solution = _code("cars = count(frames)")
    check = _code("# Check\nassert cars == 7, cars")
    summary = _markdown("## Summary\nDone.")
    path = tmp_path / "99_planted.ipynb"

    def found(nb):
        return [v.item for v in claims.homework_violations(path, nb)]

    assert found(notebook(task, separator, solution, check, summary)) == []
    assert (
        found(notebook(task, _markdown("Solution — try first!"), solution, solution, check)) == []
    )
    assert found(notebook(task, solution, check, summary)) == [f"no “{claims.SEPARATOR}” cell"]
    assert found(notebook(task, separator, check, summary)) == [
        "no solution code after the separator"
    ]
    assert found(notebook(task, separator, solution, summary, check)) == [
        "no checking cell (assert) after the solution"
    ]
    assert found(notebook(task, check, separator, solution)) == [
        "no checking cell (assert) after the solution"
    ]
    assert found(notebook(summary, solution)) == ["no Homework section"]
    assert found(
        notebook(
            _markdown(f"## Homework\nCount the cars.\n\n**{claims.SEPARATOR}**"), solution, check
        )
    ) == ["the separator is in the task's cell"]
    real = _notebook("01")  # a real notebook with its separator removed
    nb = claims.load(real)
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = claims._text(cell["source"]).replace(claims.SEPARATOR, "Solution")
    assert [v.item for v in claims.homework_violations(real, nb)] == [
        f"no “{claims.SEPARATOR}” cell"
    ]


def test_the_baseline_only_shrinks(tmp_path):
    a = claims.Violation("99_x", "number", 3, "0.91", "accuracy 0.91 here")
    b = claims.Violation("99_x", "number", 7, "60,000", "60,000 images")
    path = tmp_path / "baseline.txt"
    claims.write_baseline([a, b, a], path)
    baseline = claims.read_baseline(path)
    assert baseline[a.key()] == 2 and claims.compare([a, b, a], baseline, ["99_x"]) == ([], [])
    moved = claims.Violation(
        "99_x", "number", 12, "0.91", "accuracy 0.91 here"
    )  # cells moved: same entry
    assert claims.compare([moved, b, a], baseline, ["99_x"]) == ([], [])
    assert claims.compare([a, b], baseline, ["99_x"]) == (
        [],
        [a.key()],
    )  # fixed once: the line must go
    c = claims.Violation("99_x", "vocabulary", 1, "nbval", "nbval")
    assert claims.compare([a, a, b, c], baseline, ["99_x"]) == ([c], [])
    assert claims.compare([], baseline, ["98_y"]) == ([], [])  # other notebooks' lines are theirs
