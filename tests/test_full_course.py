"""Full-course mode (issue 21): every notebook with ``FULL_COURSE=True``, offline, on stand-ins.

``pytest -m full_course`` runs only these. Each notebook is executed with papermill in a clean
kernel, its parameters overridden: ``FULL_COURSE=True`` and the cuts of :data:`CUTS` (epochs,
sizes, frame counts), so that the full-mode code paths run in about a minute each on 2 cores;
the training is not the point. Sizes a notebook writes in a cell rather than in its parameters
are made smaller by exact text replacements (:data:`REWRITTEN`, each with its reason). Outputs
are not compared: the run must finish without an error, and the notebook's own asserts must
hold, except the few of :data:`SKIPPED_STEPS` (each named, with its reason: Mask R-CNN has no
stand-in; some asserts state what only the real trained weights, or the full training, give).

The files come through the same :func:`cvcourse.assets.path` lookup as in a lecture:
``CVCOURSE_ASSETS`` = the stand-ins (``tests/full_course/make_stand_ins.py``, generated into
``build/full_course/assets`` once and cached) + the real assets already in ``CVCOURSE_ASSETS``
(``shared/assets``: the default-mode files and the full mode's real text files), with
``CVCOURSE_OFFLINE=1``. Files a notebook saves (notebook 05's CNN, read again by 06) go to a
fresh ``build/full_course/downloads`` (``CVCOURSE_DOWNLOAD_DIR``), never the repository's.

Each notebook's wall and CPU seconds (the kernel's user + system time: on a loaded machine the
wall time says little) and outcome are appended to ``build/full_course/results.csv``.
"""

from __future__ import annotations

import csv
import os
import re
import resource
import shutil
import sys
import time
from pathlib import Path

import pytest

from cvcourse import assets

pytestmark = pytest.mark.full_course

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
BUILD = REPO_ROOT / "build" / "full_course"
CELL_TIMEOUT_S = 600

# Per notebook: the parameters besides FULL_COURSE=True. Default-mode sizes or less: the full
# mode's code paths with stand-in data and weights, not its hours of training.
CUTS: dict[str, dict[str, object]] = {
    "01": {"VIDEO_START": 40, "VIDEO_STOP": 200, "VIDEO_STEP": 8},
    "02": {},
    "03": {"OTHER_STOP": 460},
    "04": {
        "FASHION_TRAIN": 6000,
        "FASHION_TEST": 1000,
        "FASHION_EPOCHS": 5,
        "CHARACTERS_PER_CLASS": 200,
        "CHARACTER_EPOCHS": 20,
    },
    "05": {"N_TRAIN": 15000, "EPOCHS": 8},
    "06": {
        "N_TRAIN": 10,
        "N_VAL": 20,
        "IMAGE_SIZE": 75,
        "EPOCHS_SCRATCH": 5,
        "EPOCHS_HEAD": 5,
        "EPOCHS_FINE": 2,
    },
    "07": {"EPOCHS": 3, "VIDEO_START": 80, "VIDEO_STOP": 180, "VIDEO_STEP": 10},
    "08": {"N_TRAIN": None, "N_TEST": None, "EPOCHS": 10, "CONV_EPOCHS": 5},
    "09": {"INPUT_SIZE": 160, "INPUT_SIZES": [128, 160], "VIDEO_STOP": 30, "VIDEO_STEP": 10},
    "10": {"VIDEO_START": 20, "VIDEO_STOP": 60, "VIDEO_STEP": 10},
    "11": {"MAX_SIDE": 128, "STEPS": 4, "OCTAVES": [-1, 0]},  # -1: 98 px (InceptionV3: ≥ 75)
    "12": {"CONTENT_SIDE": 96, "STYLE_SIZE": 192, "STEPS": 12},  # ≥ 10: a cell checks 10 steps
    "13": {"N_TRAIN": None, "EPOCHS": 2},
    "14": {"VIDEO_STEP": 8},
}

# Names a notebook sets again after its parameters cell when FULL_COURSE is on (``if FULL_COURSE:
# N_TRAIN, EPOCHS = None, 15``), which would undo papermill's cuts. Until the notebook takes
# those values from its parameters cell (e.g. ``FULL_N_TRAIN, FULL_EPOCHS = None, 15`` there and
# ``N_TRAIN, EPOCHS = FULL_N_TRAIN, FULL_EPOCHS`` under ``if FULL_COURSE:``; then cut FULL_EPOCHS
# here and drop the entry), the run puts one cell right after the cell that sets them, assigning
# the cuts again. The test fails when a notebook no longer assigns a name listed here.
OVERRIDDEN: dict[str, tuple[str, ...]] = {
    "01": ("VIDEO_START", "VIDEO_STOP", "VIDEO_STEP"),
    "03": ("OTHER_STOP",),
    "04": (
        "FASHION_TRAIN",
        "FASHION_TEST",
        "FASHION_EPOCHS",
        "CHARACTERS_PER_CLASS",
        "CHARACTER_EPOCHS",
    ),
    "05": ("N_TRAIN", "EPOCHS"),
    "06": ("N_TRAIN", "N_VAL", "IMAGE_SIZE"),
    "07": ("EPOCHS", "VIDEO_START", "VIDEO_STOP", "VIDEO_STEP"),
    "08": ("N_TRAIN", "N_TEST", "EPOCHS", "CONV_EPOCHS"),
    "09": ("INPUT_SIZE", "VIDEO_STOP", "VIDEO_STEP"),
    "10": ("VIDEO_START", "VIDEO_STOP", "VIDEO_STEP"),
    "11": ("MAX_SIDE",),
    "12": ("CONTENT_SIDE", "STEPS"),
    "13": ("N_TRAIN", "EPOCHS"),
    "14": ("VIDEO_STEP",),
}

# Sizes a notebook writes in a cell, not in its parameters cell, so papermill cannot cut them:
# (a text that marks the cell, [(old text, new text), ...], why). Each old text is replaced in that
# cell, every occurrence, and one that no longer matches fails the run. The code that runs is the
# notebook's, with smaller numbers. Until the notebook takes them from its parameters cell (e.g.
# notebook 11: ``WIDGET_STEPS = 30`` and ``WIDGET_SIDE = 224`` there; then cut them in CUTS and
# drop the entry).
REWRITTEN: dict[str, list[tuple[str, list[tuple[str, str]], str]]] = {
    "11": [
        (
            "WIDGET_STEPS, WIDGET_STEP_SIZE, small =",
            [
                ("= 30, 0.03, dd.to_input(photo, 224)", "= 10, 0.03, dd.to_input(photo, 128)"),
                ('progress(LAYERS["all"],', 'progress(LAYERS["all"][::3],'),
            ],
            "the widget's 11 layers × 30 steps on 224 px took 283 of the run's 398 s on "
            "InceptionV3 (about 0.5 s a step, whatever the size); 4 of its layers (mixed0, 3, 6, "
            "9) × 10 steps on 128 px",
        ),
        (
            "interact_image(render,",
            [('layer=LAYERS["all"]', "layer=list(precomputed)")],
            "the widget offers the 4 layers dreamed above",
        ),
        (
            "for steps in (10, 40):",
            [
                ("(10, 40)", "(2, 8)"),
                ("change[e, 40]", "change[e, 8]"),
                ("change[e, 10]", "change[e, 2]"),
            ],
            "the step-size grid's 100 steps took 39 s; 2 and 8 steps keep its 4× ratio",
        ),
    ],
    "12": [
        (
            "closer = {}",
            [
                ("st.square_input(picture, 384)[0]", "st.square_input(picture, 192)[0]"),
                (
                    "st.to_tensor(painted)",
                    "st.to_tensor(cv2.resize(painted, (192, 192), interpolation=cv2.INTER_AREA))",
                ),
            ],
            "the homework check's VGG19 passes on 384-px squares took 37 s; the photos and "
            "Magenta's outputs both at 192 px",
        )
    ],
}

# Steps that cannot run offline on stand-ins, by notebook: (kind, a text that marks it, why).
# Kind "cell": the cell is replaced by a line that prints the reason. Kind "assert": only the
# assert statements holding the text are, in their cell (they check what only the real trained
# weights or data can give). Nothing else is skipped, and a marker that no longer matches fails.
SKIPPED_STEPS: dict[str, list[tuple[str, str, str]]] = {
    "05": [
        (
            "assert",
            marker,
            "the CNN's accuracy bars (85 %, above the dense network's) are for the full 60,000 "
            "images × 15 epochs; augmented and cut to 15,000 × 8 it reaches about 84 %",
        )
        for marker in ("cnn_accuracy > 0.85", "cnn_accuracy > dense_accuracy")
    ],
    "06": [
        (
            "assert",
            marker,
            "transfer from ImageNet beating the small CNN by these margins needs "
            "InceptionV3's ImageNet weights (the stand-in's random base reaches about 88 %)",
        )
        for marker in (
            "head_accuracy >= 0.93",
            "margin >= 0.04",
            "hw_head_accuracy > 0.85",
            "hw_head_accuracy > hw_scratch_accuracy",
        )
    ],
    "08": [
        (
            "assert",
            "ae_mse[2] < pca_mse[2]",
            "the autoencoder beats PCA at codes of 2 and 8 numbers after the full 60,000 MNIST "
            "digits × 50 epochs, not on 3,000 stand-in digits × 10",
        )
    ],
    "09": [
        (
            "cell",
            "count_crossings(traffic, LINE_Y)",
            "counting the 4 vehicles that cross the line needs YOLOv4's trained weights "
            "(the stand-in finds nothing)",
        )
    ],
    "11": [
        (
            "assert",
            marker,
            "the grid-artefact bars are measured on MobileNet (default mode); on "
            "InceptionV3 only its real ImageNet weights can say whether they hold",
        )
        for marker in (
            "grid_loss[1] < grid_loss[0] - 0.2",
            "max(rolled_loss) - min(rolled_loss) < 0.1",
        )
    ]
    + [
        (
            "assert",
            "np.mean(others < gain[CHANNEL]) >= 0.9",
            "one channel outgrowing 90 % of the others needs InceptionV3's trained channels (the "
            "stand-in's random ones rise together)",
        )
    ],
    "12": [
        (
            "assert",
            'final["style"] < history["style"][0] / 10',
            "the style loss falls tenfold over the full 1,000 steps on VGG19's ImageNet weights, "
            f"not in {CUTS['12']['STEPS']} steps on the stand-in's random VGG19",
        )
    ]
    + [
        (
            "assert",
            marker,
            "the grid shortcut and its pattern are measured on MobileNet (default "
            "mode); on VGG19 only its real ImageNet weights can say whether they hold",
        )
        for marker in (
            'final_style["no roll"] < final_style["roll"] / 2',
            "no_roll[0].min() > 5",
            "rolled[0].max() < 1.3",
        )
    ],
    "13": [
        (
            "assert",
            marker,
            "the training dynamics (who leads when, who ends ahead) are those of the "
            "real data: 20 epochs of MNIST, not 2 of 3,000 stand-in digits",
        )
        for marker in ("f20 > r20 + 0.1", "0.35 < p < 0.75", "d_last < 2 * np.log(2) < 2 * g_last")
    ],
    "14": [("cell", "load_mask_rcnn(", "Mask R-CNN: its frozen TensorFlow graph has no stand-in")],
}


def notebook_id(path: Path) -> str:
    return path.name[:2]


def missing_real_assets() -> list[str]:
    """Real files the full-course run needs from CVCOURSE_ASSETS that are not on disk: every
    default-mode asset, and the full mode's real text files (those with a sha256)."""
    wanted = [
        a.name
        for a in assets.registry().values()
        if a.mode == "default"
        or (
            a.mode == "full"
            and a.sha256
            and a.name.rsplit(".", 1)[-1] in ("cfg", "names", "prototxt")
        )
    ]
    return [name for name in wanted if assets.locate(name) is None]


@pytest.fixture(scope="session")
def stand_ins() -> Path:
    """The stand-in folder (made once, then cached in build/full_course/assets)."""
    missing = missing_real_assets()
    if missing:
        message = (
            f"real assets not found: {', '.join(missing[:5])} … (set CVCOURSE_ASSETS to "
            "shared/assets)"
        )
        (pytest.fail if os.environ.get("CVCOURSE_REQUIRE_ASSETS") else pytest.skip)(message)
    sys.path.insert(0, str(REPO_ROOT / "tests" / "full_course"))
    try:
        import make_stand_ins
    finally:
        sys.path.pop(0)
    return make_stand_ins.make(BUILD / "assets", log=lambda line: None)


@pytest.fixture(scope="session")
def full_course_env(stand_ins):
    """The kernel's environment: stand-ins first, then the real assets; offline; its own
    download folder (what notebooks save there stays out of the repository)."""
    downloads = BUILD / "downloads"
    shutil.rmtree(downloads, ignore_errors=True)
    downloads.mkdir(parents=True)
    real = [p for p in os.environ.get(assets.ENV_DIRS, "").split(os.pathsep) if p]
    return {
        assets.ENV_DIRS: os.pathsep.join([str(stand_ins), *real]),
        assets.ENV_OFFLINE: "1",
        assets.ENV_DOWNLOAD_DIR: str(downloads),
    }


def assigns(source: str, name: str) -> bool:
    """True when a line of ``source`` assigns ``name`` (alone or in a tuple), not only reads it."""
    return (
        re.search(
            rf"^[ \t]*(?:[\w.]+[ \t]*,[ \t]*)*{name}[ \t]*(?:,[ \t]*[\w.]+[ \t]*)*=(?!=)",
            source,
            flags=re.MULTILINE,
        )
        is not None
    )


def prepare(path: Path, out: Path) -> list[str]:
    """Write ``path``'s notebook to ``out`` with the re-applied cuts and the skipped steps;
    returns what was changed, for the report. Fails when a listed change no longer applies."""
    import nbformat

    key, nb = notebook_id(path), nbformat.read(path, as_version=4)
    first = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", ()))
    changes = []
    names = OVERRIDDEN.get(key, ())
    setters = {
        n: [
            i
            for i, c in enumerate(nb.cells)
            if i > first
            and c.cell_type == "code"
            and "FULL_COURSE" in c.source
            and assigns(c.source, n)
        ]
        for n in names
    }
    stale = [n for n, cells in setters.items() if not cells]
    assert not stale, (
        f"{path.name} no longer sets {stale} after its parameters: remove them from OVERRIDDEN"
    )
    for index in sorted({cells[0] for cells in setters.values()}, reverse=True):
        here = [n for n in names if setters[n][0] == index]
        cell = nbformat.v4.new_code_cell(
            "# full-course test: the cuts again (issue 21)\n"
            + "".join(f"{n} = {CUTS[key][n]!r}\n" for n in here)
        )
        cell.metadata["tags"] = ["full-course-cuts"]
        nb.cells.insert(index + 1, cell)
        changes.append(f"cuts {here} re-applied after cell {index}")
    for marker, replacements, reason in REWRITTEN.get(key, []):
        cells = [c for c in nb.cells if c.cell_type == "code" and marker in c.source]
        assert len(cells) == 1, f"{path.name}: {len(cells)} cells with {marker!r}: update REWRITTEN"
        for old, new in replacements:
            assert old in cells[0].source, f"{path.name}: no {old!r} any more: update REWRITTEN"
            cells[0].source = cells[0].source.replace(old, new)
        changes.append(f"rewritten: {reason}")
    for kind, marker, reason in SKIPPED_STEPS.get(key, []):
        cells = [c for c in nb.cells if c.cell_type == "code" and marker in c.source]
        assert cells, f"{path.name} has no cell with {marker!r}: update SKIPPED_STEPS"
        note = f"print({f'Skipped in the full-course test: {reason}.'!r})"
        for cell in cells:
            cell.source = note if kind == "cell" else without_asserts(cell.source, marker, note)
        changes.append(f"skipped {kind}: {reason}")
    nbformat.write(nb, out)
    return changes


def without_asserts(source: str, marker: str, note: str) -> str:
    """``source`` with each assert statement that holds ``marker`` replaced by ``note``."""
    import ast

    lines = source.splitlines()
    found = [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Assert) and marker in ast.get_source_segment(source, node)
    ]
    assert found, f"no assert statement holds {marker!r}: update SKIPPED_STEPS"
    for node in sorted(found, key=lambda n: -n.lineno):
        indent = lines[node.lineno - 1][: node.col_offset]
        lines[node.lineno - 1 : node.end_lineno] = [indent + note]
    return "\n".join(lines) + "\n"


def record(row: dict) -> None:
    file = BUILD / "results.csv"
    new = not file.exists()
    with file.open("a", newline="") as f:
        writer = csv.DictWriter(f, ["notebook", "wall_s", "cpu_s", "outcome", "changes"])
        if new:
            writer.writeheader()
        writer.writerow(row)


def children_cpu_s() -> float:
    """CPU seconds of this process's finished children (the kernels, once they exited)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def failure_text(exc: Exception) -> str:
    """The failing cell's error, without the colour codes, trimmed to its last lines."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc))
    return "\n".join(text.strip().splitlines()[-25:])


def test_mnist_stand_in_fills_notebook_13s_steps():
    """Notebook 13 trains by hand on ``images[B * k : B * (k + 1)]`` for ``k in range(1, N)``:
    in full mode (all of MNIST) the stand-in must hold ``B × N`` training digits, or the last
    steps get empty batches, whose NaN losses no assert left in the full-course run would catch."""
    import nbformat

    sys.path.insert(0, str(REPO_ROOT / "tests" / "full_course"))
    try:
        import make_stand_ins
    finally:
        sys.path.pop(0)
    nb = nbformat.read(REPO_ROOT / "notebooks" / "13_gans.ipynb", as_version=4)
    pattern = r"for k in range\(1, (\d+)\):.*?images\[(\d+) \* k : \2 \* \(k \+ 1\)\]"
    found = [re.search(pattern, c.source, re.DOTALL) for c in nb.cells if c.cell_type == "code"]
    found = [m for m in found if m]
    assert len(found) == 1, "notebook 13's by-hand steps changed: update this test"
    steps_end, batch = int(found[0].group(1)), int(found[0].group(2))
    assert make_stand_ins.MNIST_SIZES[0] >= batch * steps_end, (
        f"the MNIST stand-in has {make_stand_ins.MNIST_SIZES[0]} training digits; notebook 13's "
        f"by-hand steps read up to {batch * steps_end}"
    )


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_in_full_course_mode(notebook, full_course_env, monkeypatch, tmp_path):
    import papermill

    key = notebook_id(notebook)
    assert key in CUTS, f"{notebook.name} has no entry in CUTS"
    for name, value in full_course_env.items():
        monkeypatch.setenv(name, value)  # the kernel inherits this process's environment
    source = tmp_path / notebook.name
    changes = prepare(notebook, source)
    start, cpu = time.perf_counter(), children_cpu_s()
    outcome = "ok"
    try:
        papermill.execute_notebook(
            str(source),
            str(tmp_path / f"executed_{notebook.name}"),
            parameters={"FULL_COURSE": True, **CUTS[key]},
            kernel_name="python3",
            cwd=str(notebook.parent),
            execution_timeout=CELL_TIMEOUT_S,
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
        )
    except Exception as exc:  # papermill's PapermillExecutionError, or a timeout
        outcome = f"{type(exc).__name__}: {failure_text(exc)}"
        raise AssertionError(
            f"{notebook.name} in full-course mode ({'; '.join(changes) or 'as it is'}):\n"
            f"{failure_text(exc)}"
        ) from None
    finally:
        record(
            {
                "notebook": notebook.name,
                "wall_s": f"{time.perf_counter() - start:.1f}",
                "cpu_s": f"{children_cpu_s() - cpu:.1f}",
                "outcome": outcome,
                "changes": "; ".join(changes),
            }
        )
