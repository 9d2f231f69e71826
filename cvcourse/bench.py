"""Execute notebooks in clean kernels and report wall seconds and peak memory per notebook.

``python -m cvcourse.bench [--write] [NOTEBOOK ...]`` (default: every ``notebooks/*.ipynb``)
prints a Markdown table. ``--write`` saves the executed notebooks in place: the way committed
outputs are regenerated. Each notebook runs in its own process, whose kernel's peak resident
memory is read from ``getrusage(RUSAGE_CHILDREN)``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Sequence

from cvcourse.assets import REPO_ROOT

BUDGET_S = 90.0


def execute(notebook: Path, write: bool = False, timeout: int = 600) -> float:
    """Execute ``notebook`` top to bottom in a fresh kernel (cwd = its folder); returns seconds."""
    import nbclient
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    start = time.perf_counter()
    nbclient.NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(notebook.parent)}},
    ).execute()
    seconds = time.perf_counter() - start
    if write:
        normalise_metadata(nb)
        nbformat.write(nb, notebook)
        from cvcourse.jupyter_setup import trust

        trust([notebook])  # regenerated outputs stay trusted: saved widgets render before a run
    return seconds


def normalise_metadata(nb) -> None:
    """The metadata every course notebook carries: a python3 kernelspec, no jupytext pairing."""
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nb.metadata.pop("jupytext", None)
    for cell in nb.cells:
        cell.metadata.pop("jupytext", None)
        cell.metadata.pop("lines_to_next_cell", None)


def measure(notebook: Path, write: bool = False) -> dict:
    """Run :func:`execute` in a child process; returns ``{notebook, seconds, peak_mib}``."""
    out = subprocess.run(
        [sys.executable, "-m", "cvcourse.bench", "--one", str(notebook)]
        + (["--write"] if write else []),
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise RuntimeError(f"{notebook.name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(rows: Sequence[dict]) -> str:
    """The Markdown table of measured rows."""
    lines = ["| notebook | wall s | peak MiB | ≤ 90 s |", "|---|---:|---:|:---:|"]
    for r in rows:
        lines.append(
            f"| {r['notebook']} | {r['seconds']:.1f} | {r['peak_mib']:.0f} | "
            f"{'yes' if r['seconds'] <= BUDGET_S else 'NO'} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point (see the module docstring)."""
    parser = argparse.ArgumentParser(
        prog="python -m cvcourse.bench", description=__doc__.split("\n")[0]
    )
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument(
        "--write", action="store_true", help="save the executed notebooks (regenerate outputs)"
    )
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        seconds = execute(args.notebooks[0], write=args.write)
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(
            json.dumps(
                {
                    "notebook": args.notebooks[0].name,
                    "seconds": seconds,
                    "peak_mib": peak_kib / 1024,
                }
            )
        )
        return 0
    notebooks = args.notebooks or sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    rows = []
    for nb in notebooks:
        rows.append(measure(nb, write=args.write))
        print(
            f"{rows[-1]['notebook']}: {rows[-1]['seconds']:.1f} s, {rows[-1]['peak_mib']:.0f} MiB",
            file=sys.stderr,
        )
    print(table(rows))
    return 0 if all(r["seconds"] <= BUDGET_S for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
