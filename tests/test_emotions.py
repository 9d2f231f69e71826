"""Emotion helpers on the real assets: the Yale expressions, the pretrained FER2013 model, the
clip."""

from __future__ import annotations

import numpy as np
import pytest

from cvcourse import assets, datasets, faces
from cvcourse import emotions as em
from cvcourse.images import read_image


@pytest.fixture(scope="module")
def keras():
    from cvcourse.tensorflow_setup import import_tensorflow

    return import_tensorflow(seed=0)[1]


@pytest.fixture
def model(keras, real_asset):
    return em.load_emotion_model(real_asset(em.PRETRAINED_MODEL))


@pytest.fixture
def yale(real_asset):
    real_asset("yalefaces/subject01.happy")
    return datasets.load_yalefaces(datasets.YALE_EXPRESSIONS)


def test_yale_loader_expressions(yale):
    images, subjects, conditions = yale
    assert images.shape == (75, 243, 320) and images.dtype == np.uint8
    assert sorted(set(subjects.tolist())) == list(range(1, 16))
    for person in range(1, 16):
        assert sorted(conditions[subjects == person].tolist()) == sorted(datasets.YALE_EXPRESSIONS)


def test_yale_loader_rejects_unknown_condition():
    with pytest.raises(ValueError, match="unknown Yale condition"):
        datasets.load_yalefaces(["angry"])


def test_course_cnn_architecture(keras):
    model = em.build_emotion_cnn()
    assert model.input_shape == (None, 48, 48, 1) and model.output_shape == (None, 7)
    assert model.count_params() == 1_327_655  # 4 blocks 32-64-128-256, dense 64-64, 7 classes
    assert sum(isinstance(layer, keras.layers.BatchNormalization) for layer in model.layers) == 8
    assert sum(isinstance(layer, keras.layers.Dropout) for layer in model.layers) == 6
    assert em.build_emotion_cnn(n_classes=5, num_features=8).output_shape == (None, 5)


def test_pretrained_model_shapes(model):
    assert model.input_shape == (None, 64, 64, 1) and model.output_shape == (None, 7)


def test_load_emotion_model_errors(keras, tmp_path, real_asset):
    with pytest.raises(FileNotFoundError):
        em.load_emotion_model(tmp_path / "missing.hdf5")
    with pytest.raises(ValueError, match="not a Keras model"):
        em.load_emotion_model(real_asset("photos/grace_hopper.jpg"))


def test_scaling():
    pixels = np.array([0, 255], dtype=np.uint8)
    assert em.scale_to_minus1_1(pixels).tolist() == [-1.0, 1.0]
    assert em.scale_to_0_1(pixels).tolist() == [0.0, 1.0]


def test_pretrained_reads_yale_expressions(model, yale):
    """Happy faces are easy: at least 12 of the 15 Yale people; the [-1, 1] scaling matters."""
    images, subjects, conditions = yale
    boxes = [em.largest_box(faces.haar_faces(im)) for im in images]
    keep = np.isin(conditions, list(em.YALE_TO_FER2013))
    right = {"[-1, 1]": 0, "[0, 1]": 0}
    happy = 0
    for image, box, condition in zip(images[keep], np.array(boxes)[keep], conditions[keep]):
        truth = em.YALE_TO_FER2013[condition]
        for name, scale in (("[-1, 1]", em.scale_to_minus1_1), ("[0, 1]", em.scale_to_0_1)):
            p = em.classify_faces(model, image, [tuple(box)], preprocess=scale)[0]
            right[name] += em.FER2013_EMOTIONS[p.argmax()] == truth
            happy += (
                name == "[-1, 1]"
                and condition == "happy"
                and em.FER2013_EMOTIONS[p.argmax()] == "happy"
            )
    assert happy >= 12, happy
    assert right["[-1, 1]"] >= 33 and right["[-1, 1]"] > right["[0, 1]"] + 5, (
        right
    )  # 39 vs 29 of 60


def test_crop_face(real_asset):
    photo = read_image(real_asset("photos/grace_hopper.jpg"))
    crop = em.crop_face(photo, (150, 90, 200, 240), 64)
    assert crop.shape == (64, 64) and crop.dtype == np.uint8
    assert em.crop_face(photo, (-20, -20, 100, 100), 48, margin=0.5).shape == (48, 48)  # clipped
    with pytest.raises(ValueError, match="outside"):
        em.crop_face(photo, (5000, 5000, 10, 10), 48)
    with pytest.raises(TypeError):
        em.crop_face(None, (0, 0, 10, 10), 48)


def test_classify_and_draw_grace_hopper(model, real_asset):
    photo = read_image(real_asset("photos/grace_hopper.jpg"))
    found = faces.hog_faces(photo, upsample=1)
    assert len(found) == 1
    p = em.classify_faces(model, photo, found)
    assert p.shape == (1, 7) and abs(p.sum() - 1) < 1e-4
    assert em.classify_faces(model, photo, []).shape == (0, 7)
    label = em.emotion_labels(p)[0]
    assert label.split()[0] in em.FER2013_EMOTIONS and label.endswith("%")
    drawn = em.draw_emotions(photo, found, p)
    assert drawn.shape == photo.shape and not np.array_equal(drawn, photo)


def test_largest_box():
    assert em.largest_box([]) is None
    assert em.largest_box([(0, 0, 10, 10), (5, 5, 30, 20), (1, 1, 12, 12)]) == (5, 5, 30, 20)


def test_emotions_in_clip(model, real_asset):
    from cvcourse.video import read_frames

    frames = read_frames(
        real_asset("videos/clip_01_tears_of_steel.mp4"), start=0, stop=180, step=10, width=480
    )
    p, boxes = em.emotions_in_frames(model, frames, lambda f: faces.hog_faces(f, upsample=0))
    assert p.shape == (len(frames), 7) and len(boxes) == len(frames)
    with_face = ~np.isnan(p[:, 0])
    assert np.array_equal(with_face, [b is not None for b in boxes])
    close_up = [8 <= i <= 17 for i in range(len(frames))]  # frames 80-170
    assert with_face[close_up].sum() >= 4, with_face  # the close-up has a face
    assert np.allclose(p[with_face].sum(axis=1), 1, atol=1e-4)


def test_emotions_in_frames_is_classify_faces_per_frame(model, real_asset):
    """The one batched prediction gives each frame what classify_faces gives its largest face."""
    from cvcourse.video import read_frames

    frames = read_frames(
        real_asset("videos/clip_01_tears_of_steel.mp4"), start=80, stop=130, step=10, width=480
    )
    p, boxes = em.emotions_in_frames(model, frames, lambda f: faces.hog_faces(f, upsample=0))
    assert any(b is not None for b in boxes) and any(b is None for b in [*boxes, None])
    for frame, box, row in zip(frames, boxes, p):
        if box is None:
            assert np.isnan(row).all()
        else:
            assert np.allclose(row, em.classify_faces(model, frame, [box])[0], atol=1e-5)


def test_plots():
    import matplotlib

    matplotlib.use("Agg")
    p = np.full((3, 7), 1 / 7)
    assert em.plot_emotion_bars(p, show=False) is not None
    assert em.plot_emotion_timeline([1, 2, 3], p, show=False) is not None
    with pytest.raises(ValueError, match="do not match"):
        em.plot_emotion_timeline([1, 2], p, show=False)
    with pytest.raises(ValueError):
        em.plot_emotion_bars(np.zeros((0, 7)), show=False)


def test_timeline_shows_single_frames_and_all_frames():
    p = np.full((6, 7), np.nan, dtype=np.float32)
    p[2] = p[5] = 1 / 7  # two frames with a face, each between frames without one
    p[0] = np.eye(7)[3]
    fig = em.plot_emotion_timeline([10, 12, 14, 16, 18, 20], p, show=False)
    ax = fig.axes[0]
    assert all(line.get_marker() == "o" for line in ax.get_lines())  # an isolated frame is a dot
    assert ax.get_xlim() == (10, 20)


def test_load_fer2013_format(tmp_path):
    rows = [
        ("3", " ".join(["10"] * 2304), "Training"),
        ("6", " ".join(["200"] * 2304), "PublicTest"),
        ("0", " ".join(["0"] * 2304), "Training"),
    ]
    file = tmp_path / "fer2013.csv"
    file.write_text("emotion,pixels,Usage\n" + "".join(f"{e},{p},{u}\n" for e, p, u in rows))
    x, y = em.load_fer2013(file)
    assert x.shape == (3, 48, 48) and x.dtype == np.uint8 and y.tolist() == [3, 6, 0]
    x, y = em.load_fer2013(file, usage="Training", n=1)
    assert y.tolist() == [3] and x[0, 0, 0] == 10
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="not the FER2013 CSV"):
        em.load_fer2013(bad)


def test_fer2013_missing_says_how(monkeypatch, tmp_path):
    """Without the manual download, the error names Kaggle and the folder to use."""
    monkeypatch.setenv("CVCOURSE_ASSETS", str(tmp_path))
    monkeypatch.setenv("CVCOURSE_OFFLINE", "1")
    if assets.locate("fer2013/fer2013.csv") is not None:
        pytest.skip("FER2013 is present here")
    with pytest.raises(assets.AssetNotFoundError, match="Kaggle"):
        em.load_fer2013()
