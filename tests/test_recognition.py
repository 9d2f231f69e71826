"""Face recognition on the real Yale faces: loader, detect/align, LBPH, dlib descriptors, bad
input."""

from __future__ import annotations

import numpy as np
import pytest

from cvcourse import datasets, recognition
from cvcourse.images import read_image


@pytest.fixture(scope="module")
def yale():
    """All Yale images, subjects, conditions and face boxes (skipped when the asset is missing)."""
    from cvcourse import assets

    if assets.locate("yalefaces/subject15.wink") is None:
        pytest.skip("yalefaces not found locally (set CVCOURSE_ASSETS)")
    images, subjects, conditions = datasets.load_yalefaces()
    return images, subjects, conditions, [recognition.detect_face(im) for im in images]


def test_yale_loader(yale):
    images, subjects, conditions, _ = yale
    assert images.shape == (164, 243, 320) and images.dtype == np.uint8
    assert np.bincount(subjects).tolist() == [0, 10] + [11] * 14  # subject01.centerlight is missing
    assert set(conditions) == set(datasets.YALE_CONDITIONS)
    happy, s, c = datasets.load_yalefaces(["happy"])
    assert (
        len(happy) == 15
        and set(c) == {"happy"}
        and np.array_equal(happy[0], images[(subjects == 1) & (conditions == "happy")][0])
    )
    with pytest.raises(ValueError, match="unknown Yale condition"):
        datasets.load_yalefaces(["smiling"])


def test_yale_zip_loader_names_subject01_gif_centerlight(tmp_path, real_asset):
    import zipfile

    with zipfile.ZipFile(tmp_path / "yalefaces.zip", "w") as archive:
        archive.write(real_asset("yalefaces/subject01.happy"), "yalefaces/subject01.gif")
        archive.write(real_asset("yalefaces/subject02.wink"), "yalefaces/subject02.wink")
        archive.writestr("yalefaces/Readme.txt", "not an image")
    images, subjects, conditions = datasets.load_yalefaces_zip(tmp_path / "yalefaces.zip")
    assert images.shape == (2, 243, 320) and subjects.tolist() == [1, 2]
    assert conditions.tolist() == ["centerlight", "wink"]


def test_splits_are_reproducible_and_complete(yale):
    _, subjects, conditions, _ = yale
    train, test = recognition.split_by_condition(conditions, ("sad", "surprised"))
    assert len(test) == 30 and len(train) == 134 and not set(train) & set(test)
    a, b = (
        recognition.split_per_subject(subjects, 2, seed=3),
        recognition.split_per_subject(subjects, 2, seed=3),
    )
    assert np.array_equal(a[1], b[1]) and np.bincount(subjects[a[1]])[1:].tolist() == [2] * 15
    assert not np.array_equal(a[1], recognition.split_per_subject(subjects, 2, seed=4)[1])
    with pytest.raises(ValueError, match="no images with condition"):
        recognition.split_by_condition(conditions, ("angry",))


def test_every_yale_face_is_detected_and_aligned(yale):
    images, _, _, boxes = yale
    assert all(90 <= w <= 170 and 90 <= h <= 170 for _, _, w, h in boxes)  # one face, about 130 px
    crop = recognition.align_face(images[0], boxes[0])
    assert crop.shape == (100, 100) and crop.dtype == np.uint8
    assert recognition.check_face_crop(crop) is crop
    light = recognition.normalize_lighting(crop)
    assert light.shape == crop.shape and light.min() == 0 and light.max() == 255


def test_normalize_lighting_is_notebook_02s_written_out_tan_triggs(yale):
    """Notebook 02 writes Tan–Triggs out in six lines (γ 0.2, σ 1 and 2, α 0.1, τ 10): the helper
    does the same."""
    import cv2

    def tan_triggs(gray, gamma=0.2, sigma0=1.0, sigma1=2.0, alpha=0.1, tau=10.0):
        x = np.power(gray.astype(np.float32) / 255 + 1e-3, gamma)
        x = cv2.GaussianBlur(x, (0, 0), sigma0) - cv2.GaussianBlur(x, (0, 0), sigma1)
        x = x / np.mean(np.abs(x) ** alpha) ** (1 / alpha)
        x = x / np.mean(np.minimum(np.abs(x), tau) ** alpha) ** (1 / alpha)
        x = tau * np.tanh(x / tau)
        return cv2.normalize(x, None, 0, 255, cv2.NORM_MINMAX, dtype=cv2.CV_8U)

    images, subjects, conditions, boxes = yale
    for i in np.flatnonzero(
        (subjects == 2) & np.isin(conditions, ("centerlight", "leftlight", "rightlight"))
    ):
        crop = recognition.align_face(images[i], boxes[i])
        assert np.array_equal(tan_triggs(crop), recognition.normalize_lighting(crop))


def test_leave_one_out_on_the_training_photos_chooses_radius_3(yale):
    """Notebook 02's radius choice: each training face vs its nearest other training photo (distance
    0, itself or an exact copy, skipped); OpenCV's predict_collect and the chi-square matrix
    agree."""
    import cv2

    images, subjects, conditions, boxes = yale
    crops = [
        recognition.normalize_lighting(recognition.align_face(im, b))
        for im, b in zip(images, boxes)
    ]
    train, _ = recognition.split_by_condition(conditions, ("sad", "surprised"))
    right = {}
    for radius in (1, 2, 3):
        d = recognition.chi_square_distances(
            *[recognition.lbph_features(crops, radius=radius)] * 2
        )[np.ix_(train, train)]
        right[radius] = int(
            np.sum(subjects[train][np.where(d > 0, d, np.inf).argmin(axis=1)] == subjects[train])
        )
    assert right == {1: 132, 2: 133, 3: 134}
    model = recognition.create_lbph(radius=2)
    model.train([crops[i] for i in train], subjects[train].astype(np.int32))
    by_opencv = 0
    for i in train:
        collector = cv2.face.StandardCollector_create()
        model.predict_collect(crops[i], collector)
        by_opencv += next(label for label, d in collector.getResults(True) if d > 0) == subjects[i]
    assert by_opencv == right[2]


def test_lbph_recognises_the_test_faces_and_saves(yale, tmp_path):
    images, subjects, conditions, boxes = yale
    crops = [
        recognition.normalize_lighting(recognition.align_face(im, b))
        for im, b in zip(images, boxes)
    ]
    train, test = recognition.split_by_condition(conditions, ("sad", "surprised"))
    assert recognition.evaluate_lbph(crops, subjects, train, test) >= 0.967
    train, test = recognition.split_per_subject(subjects, 2, seed=0)
    assert recognition.evaluate_lbph(crops, subjects, train, test) >= 0.9
    # the precomputed chi-square matrix gives the same answers as OpenCV's predict
    features = recognition.lbph_features(crops)
    distances = recognition.chi_square_distances(features, features)
    assert features.shape == (164, 16384) and np.allclose(np.diag(distances), 0)
    assert recognition.nearest_accuracy(
        distances, subjects, train, test
    ) == recognition.evaluate_lbph(crops, subjects, train, test)
    assert (
        recognition.nearest_accuracy(distances, subjects, train, test, threshold=-1.0) == 0.0
    )  # all "unknown"
    lbph = recognition.create_lbph()
    lbph.train([crops[i] for i in train], subjects[train].astype(np.int32))
    lbph.write(str(tmp_path / "lbph.yml"))
    again = recognition.load_lbph(tmp_path / "lbph.yml")
    ranked_labels, ranked = recognition.lbph_distances(again, crops[test[0]])
    assert (
        len(ranked_labels) == len(train)
        and ranked_labels[0] == subjects[test[0]]
        and np.all(np.diff(ranked) >= 0)
    )
    assert np.isclose(ranked[0], distances[test[0], train].min(), rtol=1e-4)


def test_dlib_descriptors_match_with_threshold_05(yale):
    images, subjects, conditions, boxes = yale
    pick = np.flatnonzero(
        np.isin(subjects, (1, 2, 3)) & np.isin(conditions, ("normal", "happy", "sad"))
    )
    descriptors = np.array([recognition.face_descriptor(images[i], boxes[i]) for i in pick])
    assert descriptors.shape == (9, 128)
    assert np.all(np.isfinite(descriptors)) and np.all(np.linalg.norm(descriptors, axis=1) > 1)
    enrol, query = pick[conditions[pick] != "sad"], conditions[pick] == "sad"
    labels, distances = recognition.match_descriptor(
        descriptors[query], descriptors[~query], subjects[enrol]
    )
    assert labels.tolist() == subjects[pick][query].tolist() and distances.max() < 0.5
    far, _ = recognition.match_descriptor(
        descriptors[query], descriptors[~query], subjects[enrol], threshold=0.01
    )
    assert np.all(far == recognition.UNKNOWN)
    points = recognition.face_landmarks(images[pick[0]], boxes[pick[0]], points=68)
    x, y, w, h = boxes[pick[0]]
    assert points.shape == (68, 2) and np.all((points[:, 0] > x - 10) & (points[:, 0] < x + w + 10))


def test_bad_input_gives_one_clear_error(yale, real_asset, tmp_path):
    images = yale[0]
    dog = read_image(real_asset("detection_images/dog.jpg"))
    with pytest.raises(recognition.NoFaceError, match="no face found"):
        recognition.face_descriptor(dog)
    with pytest.raises(ValueError, match="face crop"):
        recognition.check_face_crop(images[0])
    with pytest.raises(FileNotFoundError, match="no LBPH model"):
        recognition.load_lbph(tmp_path / "missing.yml")
    with pytest.raises(FileNotFoundError, match="no dlib model file"):
        recognition.load_dlib_model(tmp_path / "missing.dat")
    with pytest.raises(TypeError, match="None"):
        recognition.align_face(None)
    with pytest.raises(ValueError, match="different lengths"):
        recognition.descriptor_distances(np.zeros(128), np.zeros((3, 64)))
    with pytest.raises(ValueError, match="labels"):
        recognition.match_descriptor(np.zeros(128), np.zeros((3, 128)), [1, 2])
