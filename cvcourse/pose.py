"""Body pose: the MPII body points, heat maps → keypoints, and two pose backends with one interface.

Both backends return a :data:`Pose`: a dict from each of the 15 MPII body-point names (``"Head"``
… ``"Chest"``) to a :class:`Keypoint` ``(x, y, confidence)`` in the *input image's* pixel
coordinates, or ``None`` for a point the network did not find with enough confidence.

* :class:`OpenPoseMPII` (the course's model, full mode): the OpenPose MPII Caffe network through
  ``cv2.dnn.readNetFromCaffe``. Its output holds one heat map per MPII point; each becomes a
  keypoint with :func:`heatmaps_to_keypoints` (``cv2.minMaxLoc`` + a confidence threshold).
* :class:`MoveNetPose` (default): MoveNet SinglePose Lightning (TF Lite, int8), 17 COCO keypoints
  mapped onto the MPII points by :func:`coco_to_mpii` (see :data:`COCO_TO_MPII_RULES`).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import cv2
import numpy as np

from cvcourse import assets
from cvcourse.images import check_image
from cvcourse.tensorflow_setup import stderr_silenced
from cvcourse.validation import check_file, opencv_reason

#: The slides' MPII body points, in the order of the network's heat maps (the slides spell
#: "Right" as "Righth"; corrected here).
MPII_POINTS: tuple[str, ...] = (
    "Head",
    "Neck",
    "Right shoulder",
    "Right elbow",
    "Right wrist",
    "Left shoulder",
    "Left elbow",
    "Left wrist",
    "Right hip",
    "Right knee",
    "Right ankle",
    "Left hip",
    "Left knee",
    "Left ankle",
    "Chest",
    "Background",
)
#: The 15 body points a :data:`Pose` holds (every MPII point but the background map).
BODY_POINTS: tuple[str, ...] = MPII_POINTS[:15]

#: The skeleton: pairs of MPII indices joined by a line (OpenPose's MPI pose pairs).
POSE_PAIRS: tuple[tuple[int, int], ...] = (
    (0, 1),
    (1, 2),
    (2, 3),
    (3, 4),
    (1, 5),
    (5, 6),
    (6, 7),
    (1, 14),
    (14, 8),
    (8, 9),
    (9, 10),
    (14, 11),
    (11, 12),
    (12, 13),
)

#: MoveNet's 17 COCO keypoints, in the model's output order ("left" = the person's left).
COCO_KEYPOINTS: tuple[str, ...] = (
    "nose",
    "left_eye",
    "right_eye",
    "left_ear",
    "right_ear",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
)

#: How each MPII point is made from COCO keypoints: the mean of the listed points.
#: ``Head`` uses every face point found (at least one); the others need all of theirs.
COCO_TO_MPII_RULES: dict[str, tuple[str, ...]] = {
    "Head": ("nose", "left_eye", "right_eye", "left_ear", "right_ear"),
    "Neck": ("left_shoulder", "right_shoulder"),
    "Right shoulder": ("right_shoulder",),
    "Right elbow": ("right_elbow",),
    "Right wrist": ("right_wrist",),
    "Left shoulder": ("left_shoulder",),
    "Left elbow": ("left_elbow",),
    "Left wrist": ("left_wrist",),
    "Right hip": ("right_hip",),
    "Right knee": ("right_knee",),
    "Right ankle": ("right_ankle",),
    "Left hip": ("left_hip",),
    "Left knee": ("left_knee",),
    "Left ankle": ("left_ankle",),
    "Chest": ("left_shoulder", "right_shoulder", "left_hip", "right_hip"),
}

OPENPOSE_PROTOTXT = "openpose_mpii/pose_deploy_linevec_faster_4_stages.prototxt"
OPENPOSE_WEIGHTS = "openpose_mpii/pose_iter_160000.caffemodel"
MOVENET_MODEL = "pose_movenet/movenet_single_pose_lightning_ptq.tflite"

OPENPOSE_ORIGINAL = (
    "http://posefs1.perception.cs.cmu.edu/OpenPose/models/pose/mpi/pose_iter_160000.caffemodel"
)
#: Other places to get the OpenPose MPII files when CMU's server (posefs1) is down.
OPENPOSE_MIRRORS: tuple[str, ...] = (
    "OpenPose maintainers' Google Drive copy of all models (models.zip, see "
    "github.com/CMU-Perceptual-Computing-Lab/openpose/issues/1602): "
    "https://drive.google.com/uc?id=1QCSxJZpnWvM00hx49CJ2zky7PWGzpcEh",
    "LearnOpenCV's copy: https://www.dropbox.com/s/drumc6dzllfed16/pose_iter_160000.caffemodel?dl=1",
    "Kaggle dataset: https://www.kaggle.com/datasets/changethetuneman/openpose-model",
    "the prototxt is also in OpenCV's test data (opencv_extra, testdata/dnn): "
    "https://github.com/opencv/opencv_extra/blob/4.x/testdata/dnn/openpose_pose_mpi_faster_4_stages.prototxt",
    "OpenCV's download_models.py gives the caffemodel's SHA-1: "
    "a344f4da6b52892e44a0ca8a4c68ee605fc611cf",
)


class Keypoint(NamedTuple):
    """A body point in image pixels and the network's confidence in it (0–1)."""

    x: float
    y: float
    confidence: float


Pose = dict[str, Keypoint | None]


Area = tuple[float, float, float, float]  # (x0, y0, width, height) in image pixels


def heatmaps_to_keypoints(
    heatmaps: np.ndarray, area: Area, threshold: float = 0.1
) -> list[Keypoint | None]:
    """One keypoint per heat map: the map's maximum (``cv2.minMaxLoc``), scaled to the image.

    ``heatmaps`` is ``K x H x W`` (one map per point); ``area`` is ``(x0, y0, width, height)``: the
    part of the image the maps cover (``(0, 0, w, h)`` for a whole ``w x h`` image). A map whose
    maximum is below ``threshold`` gives ``None`` (point missing). A map cell ``(col, row)``
    covers ``width / W`` x ``height / H`` pixels; its centre is
    ``x = x0 + width * (col + 0.5) / W``, ``y = y0 + height * (row + 0.5) / H``. (The often-quoted
    ``x = width * col / W`` gives the cell's corner: up to one cell up and to the left.)
    """
    heatmaps = np.asarray(heatmaps, dtype=np.float32)
    if heatmaps.ndim != 3 or 0 in heatmaps.shape:
        raise ValueError(f"heatmaps must be K x H x W, got shape {heatmaps.shape}")
    x0, y0, width, height = area
    h, w = heatmaps.shape[1:]
    points: list[Keypoint | None] = []
    for heatmap in heatmaps:
        _, confidence, _, (col, row) = cv2.minMaxLoc(heatmap)
        points.append(
            Keypoint(x0 + width * (col + 0.5) / w, y0 + height * (row + 0.5) / h, float(confidence))
            if confidence >= threshold
            else None
        )
    return points


def pose_from_points(points: list[Keypoint | None]) -> Pose:
    """A :data:`Pose` from the first 15 points in MPII order (a background point is dropped)."""
    if len(points) < len(BODY_POINTS):
        raise ValueError(f"need {len(BODY_POINTS)} points in MPII order, got {len(points)}")
    return dict(zip(BODY_POINTS, points))


def coco_to_mpii(coco: np.ndarray, threshold: float = 0.3) -> Pose:
    """Map 17 COCO keypoints (rows ``x, y, score`` in image pixels) onto the MPII points.

    Rules (:data:`COCO_TO_MPII_RULES`): a point is the mean of its COCO sources and its confidence
    their lowest score; sources below ``threshold`` do not count. ``Head`` is the centre of the
    face points that were found (MoveNet has no head-top point: this is the middle of the head,
    a little lower than MPII's head top); ``Neck`` is the midpoint of the shoulders; ``Chest`` the
    mean of both shoulders and both hips. Every other point is its COCO namesake.
    """
    coco = np.asarray(coco, dtype=np.float64)
    if coco.shape != (len(COCO_KEYPOINTS), 3):
        raise ValueError(
            f"expected {len(COCO_KEYPOINTS)} x 3 COCO keypoints (x, y, score), got {coco.shape}"
        )
    found = {name: row for name, row in zip(COCO_KEYPOINTS, coco) if row[2] >= threshold}
    pose: Pose = {}
    for name, sources in COCO_TO_MPII_RULES.items():
        rows = [found[s] for s in sources if s in found]
        complete = rows if name == "Head" else (rows if len(rows) == len(sources) else [])
        if complete:
            x, y = np.mean([r[:2] for r in complete], axis=0)
            pose[name] = Keypoint(float(x), float(y), float(min(r[2] for r in complete)))
        else:
            pose[name] = None
    return pose


@dataclass(frozen=True)
class Letterbox:
    """How an image was padded to a square and resized for a square network input.

    The image sits in a ``side x side`` square at offset ``(pad_x, pad_y)``; the square is resized
    to ``input_size``. :meth:`to_image` maps normalised (0–1) square coordinates back.
    """

    side: int
    pad_x: int
    pad_y: int
    input_size: int

    def to_image(self, x_norm: np.ndarray, y_norm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Normalised coordinates in the padded square → pixel coordinates in the original image."""
        return np.asarray(x_norm) * self.side - self.pad_x, np.asarray(
            y_norm
        ) * self.side - self.pad_y


def letterbox(image: np.ndarray, input_size: int) -> tuple[np.ndarray, Letterbox]:
    """Pad ``image`` with black to a centred square (no distortion), then resize to ``input_size``².

    Returns the network-sized RGB image and the :class:`Letterbox` that undoes it.
    """
    image = _colour(image)
    h, w = image.shape[:2]
    side = max(h, w)
    pad_x, pad_y = (side - w) // 2, (side - h) // 2
    square = cv2.copyMakeBorder(
        image,
        pad_y,
        side - h - pad_y,
        pad_x,
        side - w - pad_x,
        cv2.BORDER_CONSTANT,
        value=(0, 0, 0),
    )
    resized = cv2.resize(
        square,
        (input_size, input_size),
        interpolation=cv2.INTER_AREA if side > input_size else cv2.INTER_LINEAR,
    )
    return cv2.cvtColor(resized, cv2.COLOR_BGR2RGB), Letterbox(side, pad_x, pad_y, input_size)


def _colour(image: np.ndarray) -> np.ndarray:
    """A checked BGR uint8 image (gray and BGRA are converted)."""
    image = check_image(image)
    if image.dtype != np.uint8:
        raise ValueError(
            f"image has dtype {image.dtype}; pose models take uint8 (0-255) BGR images"
        )
    if image.ndim == 2 or image.shape[2] == 1:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return image


class MoveNetPose:
    """MoveNet SinglePose (TF Lite) → 17 COCO keypoints → MPII :data:`Pose` (the default backend).

    Pre-processing: :func:`letterbox` to the model's square input (192 for Lightning), RGB, in the
    model's input type (uint8 as is; float32 as 0–255 floats). Output ``[1, 1, 17, 3]`` rows are
    ``(y, x, score)`` normalised to the padded square — note **y first** — mapped back with
    :meth:`Letterbox.to_image`.
    """

    def __init__(
        self,
        model_file: str | Path | None = None,
        threshold: float = 0.3,
        num_threads: int | None = None,
    ):
        from cvcourse.tflite import load_interpreter

        self.model_file = Path(model_file) if model_file else assets.path(MOVENET_MODEL)
        self.threshold = threshold
        self.num_threads = num_threads
        self.interpreter = load_interpreter(self.model_file, num_threads=num_threads)
        _check_movenet_signature(self.interpreter, self.model_file)
        detail = self.interpreter.get_input_details()[0]
        self.input_size = int(detail["shape"][1])
        self.input_dtype = np.dtype(detail["dtype"])
        self._debug_interpreter = None

    def prepare(self, image: np.ndarray) -> tuple[np.ndarray, Letterbox]:
        """The ``1 x S x S x 3`` input tensor for ``image`` and its :class:`Letterbox`."""
        rgb, box = letterbox(image, self.input_size)
        if self.input_dtype == np.uint8:
            tensor = rgb
        elif self.input_dtype == np.float32:
            tensor = rgb.astype(np.float32)
        else:
            raise ValueError(
                f"unsupported MoveNet input type {self.input_dtype} (expected uint8 or float32)"
            )
        return tensor[np.newaxis], box

    def coco_keypoints(self, image: np.ndarray) -> np.ndarray:
        """17 x 3 array of COCO keypoints ``(x, y, score)`` in ``image``'s pixel coordinates."""
        from cvcourse.tflite import run

        tensor, box = self.prepare(image)
        (output,) = run(self.interpreter, tensor)
        y_norm, x_norm, score = output[0, 0].T
        x, y = box.to_image(x_norm, y_norm)
        return np.stack([x, y, score], axis=1)

    def estimate(self, image: np.ndarray) -> Pose:
        """The MPII :data:`Pose` of the (single) person in ``image``."""
        return coco_to_mpii(self.coco_keypoints(image), self.threshold)

    __call__ = estimate

    heatmap_names = COCO_KEYPOINTS

    def heatmaps(self, image: np.ndarray) -> tuple[np.ndarray, Area]:
        """MoveNet's internal keypoint heat maps (17 x 48 x 48, values 0–1, COCO order) for
        ``image``, and the image area they cover ``(x0, y0, width, height)``.

        The model's output has no heat maps, but its graph computes them: the tensor
        ``kpt_heatmap_0/...`` (logits) followed by a sigmoid. A second interpreter that keeps all
        intermediate tensors (``experimental_preserve_all_tensors``) lets us read it after
        ``invoke``. The maps cover the padded square, which starts left of / above the image.
        """
        from cvcourse.tflite import interpreter_class, run

        if self._debug_interpreter is None:
            with warnings.catch_warnings(), stderr_silenced():
                warnings.simplefilter(
                    "ignore"
                )  # "intended for debugging purposes only": that is what we do
                self._debug_interpreter = interpreter_class()(
                    model_path=str(self.model_file),
                    num_threads=self.num_threads,
                    experimental_preserve_all_tensors=True,
                )
                self._debug_interpreter.allocate_tensors()
        tensor, box = self.prepare(image)
        run(self._debug_interpreter, tensor)
        detail = heatmap_tensor_detail(self._debug_interpreter)
        logits = self._debug_interpreter.get_tensor(detail["index"])[0]
        scale, zero_point = detail["quantization"]
        if scale:
            logits = (logits.astype(np.float32) - zero_point) * scale
        maps = np.transpose(1 / (1 + np.exp(-logits)), (2, 0, 1))
        return maps, (-box.pad_x, -box.pad_y, box.side, box.side)


def _check_movenet_signature(interpreter, model_file: str | Path) -> None:
    """``ValueError`` unless the model takes one ``1 x S x S x 3`` uint8/float32 image and gives one
    ``1 x 1 x 17 x 3`` output (MoveNet SinglePose's ``y, x, score`` of the 17 COCO keypoints).

    Another TF Lite model (an ImageNet classifier, a segmenter) would otherwise run and fail later
    with an unrelated error, or give numbers that are not keypoints.
    """
    from cvcourse.tflite import describe_tensors

    inputs, outputs = interpreter.get_input_details(), interpreter.get_output_details()
    shape_in = [int(n) for n in inputs[0]["shape"]] if len(inputs) == 1 else []
    fits = (
        len(shape_in) == 4
        and shape_in[0] == 1
        and shape_in[1] == shape_in[2] > 0
        and shape_in[3] == 3
        and np.dtype(inputs[0]["dtype"]) in (np.uint8, np.float32)
        and len(outputs) == 1
        and [int(n) for n in outputs[0]["shape"]] == [1, 1, len(COCO_KEYPOINTS), 3]
    )
    if not fits:
        raise ValueError(
            f"model_file {Path(model_file).name} is not a MoveNet SinglePose model: expected one "
            "input 1×S×S×3 (uint8 or float32 RGB) and one output 1×1×17×3 (y, x, score of 17 COCO "
            f"keypoints), it has inputs {describe_tensors(inputs)} and outputs "
            f"{describe_tensors(outputs)}. Leave model_file out for the course's {MOVENET_MODEL}"
        )


def heatmap_tensor_detail(interpreter) -> dict:
    """The details of MoveNet's keypoint heat-map logits tensor (``kpt_heatmap`` …, 17 channels)."""
    from cvcourse.validation import check_model

    check_model(
        interpreter, "interpreter", ("get_tensor_details",), "a TF Lite interpreter of MoveNet"
    )
    for detail in interpreter.get_tensor_details():
        if (
            "kpt_heatmap" in detail["name"]
            and len(detail["shape"]) == 4
            and detail["shape"][-1] == len(COCO_KEYPOINTS)
        ):
            return detail
    raise ValueError(
        "this TF Lite model has no 'kpt_heatmap' tensor with 17 channels (not a MoveNet SinglePose "
        "model?)"
    )


def openpose_files(download: bool | None = None) -> tuple[Path, Path]:
    """The local OpenPose MPII prototxt and caffemodel (downloaded on demand through the registry).

    Raises :class:`cvcourse.assets.AssetNotFoundError` naming the alternative mirrors when CMU's
    server cannot deliver them.
    """
    files, missing = [], []
    for name in (OPENPOSE_PROTOTXT, OPENPOSE_WEIGHTS):
        try:
            files.append(assets.path(name, download=download))
        except assets.AssetNotFoundError as exc:
            missing.append(str(exc))
    if missing:
        mirrors = "\n".join(f"  - {m}" for m in OPENPOSE_MIRRORS)
        raise assets.AssetNotFoundError(
            "\n".join(missing)
            + f"\nThe original server ({OPENPOSE_ORIGINAL}) is often down. Alternatives:\n"
            f"{mirrors}\nOr use the default backend: MoveNetPose() (FULL_COURSE = False)."
        )
    return files[0], files[1]


class OpenPoseMPII:
    """The course's OpenPose MPII model (Caffe) through OpenCV's DNN module (full mode).

    Input: ``cv2.dnn.blobFromImage(image, 1/255, (368, 368), (0, 0, 0), swapRB=False)``. Output
    ``1 x 44 x 46 x 46``: 16 heat maps (15 body points + background, :data:`MPII_POINTS`) then 28
    part-affinity fields. The first 15 maps become keypoints with :func:`heatmaps_to_keypoints`.
    """

    def __init__(
        self, net: cv2.dnn.Net, input_size: tuple[int, int] = (368, 368), threshold: float = 0.1
    ):
        from cvcourse.validation import check_model

        self.net = check_model(
            net, "net", ("setInput", "forward"), "a cv2.dnn network (use OpenPoseMPII.from_files())"
        )
        self.input_size = input_size
        self.threshold = threshold

    @classmethod
    def from_files(
        cls, prototxt: str | Path | None = None, weights: str | Path | None = None, **kwargs
    ) -> OpenPoseMPII:
        """Read the Caffe network (default: the registry's files, downloaded on demand)."""
        if prototxt is None or weights is None:
            prototxt, weights = openpose_files()
        prototxt, weights = (
            check_file(prototxt, "prototxt", "OpenPose file"),
            check_file(weights, "weights", "OpenPose file"),
        )
        try:
            net = cv2.dnn.readNetFromCaffe(str(prototxt), str(weights))
        except cv2.error as error:
            raise ValueError(
                f"OpenCV cannot read {prototxt.name} + {weights.name} as a Caffe network "
                f"({opencv_reason(error)}): are they the OpenPose .prototxt and .caffemodel?"
            ) from None
        return cls(net, **kwargs)

    heatmap_names = MPII_POINTS

    def heatmaps(self, image: np.ndarray) -> tuple[np.ndarray, Area]:
        """The network's 16 MPII heat maps (``16 x 46 x 46`` for a 368 x 368 input) for ``image``,
        and the area they cover: the whole image (the blob stretches it to the input size)."""
        image = _colour(image)
        blob = cv2.dnn.blobFromImage(
            image, 1.0 / 255, self.input_size, (0, 0, 0), swapRB=False, crop=False
        )
        self.net.setInput(blob)
        output = self.net.forward()
        if output.ndim != 4 or output.shape[1] < len(MPII_POINTS):
            raise ValueError(
                f"unexpected OpenPose output shape {output.shape}: is this the MPII model?"
            )
        return output[0, : len(MPII_POINTS)], (0, 0, image.shape[1], image.shape[0])

    def estimate(self, image: np.ndarray) -> Pose:
        """The MPII :data:`Pose` in ``image`` (the strongest response of each map: one person)."""
        maps, area = self.heatmaps(image)
        return pose_from_points(
            heatmaps_to_keypoints(maps[: len(BODY_POINTS)], area, self.threshold)
        )

    __call__ = estimate


def load_pose_model(full_course: bool = False, **kwargs) -> MoveNetPose | OpenPoseMPII:
    """The course's pose backend: OpenPose MPII in full mode, else MoveNet Lightning."""
    return OpenPoseMPII.from_files(**kwargs) if full_course else MoveNetPose(**kwargs)


def pose_points(pose: Pose) -> list[tuple[float, float] | None]:
    """The pose's ``(x, y)`` in MPII order (``None`` where missing), e.g. for drawing."""
    return [
        None if pose.get(name) is None else (pose[name].x, pose[name].y) for name in BODY_POINTS
    ]


def draw_skeleton(
    image: np.ndarray, pose: Pose, radius: int = 4, labels: bool = False
) -> np.ndarray:
    """A copy of ``image`` with the pose's points (red), its skeleton (yellow) and optional
    indices."""
    from cvcourse.display import draw_landmarks

    out = draw_landmarks(image, pose_points(pose), radius=radius, pairs=POSE_PAIRS)
    if labels:
        for i, point in enumerate(pose_points(pose)):
            if point is not None:
                cv2.putText(
                    out,
                    str(i),
                    (int(point[0]) + 4, int(point[1]) - 4),
                    cv2.FONT_HERSHEY_SIMPLEX,
                    0.4,
                    (255, 255, 255),
                    1,
                    cv2.LINE_AA,
                )
    return out


def format_pose(pose: Pose, decimals: int = 0) -> str:
    """The pose as a table: index, name, x, y, confidence (``missing`` where not found)."""
    lines = []
    for i, name in enumerate(BODY_POINTS):
        p = pose.get(name)
        lines.append(
            f"{i:2d} {name:15s} "
            + (
                "missing"
                if p is None
                else f"({p.x:5.{decimals}f}, {p.y:5.{decimals}f})  {p.confidence:.1f}"
            )
        )
    return "\n".join(lines)


def heatmap_overlay(
    image: np.ndarray, heatmap: np.ndarray, area: Area, alpha: float = 0.6
) -> np.ndarray:
    """``image`` with one heat map (values 0–1) stretched over ``area`` and blended in as colour."""
    image = _colour(image)
    h, w = image.shape[:2]
    x0, y0, width, height = area
    # heat-map cell (col, row) → image pixel: its centre x0 + sx * (col + 0.5), in pixel-index terms
    # (- 0.5)
    sx, sy = width / heatmap.shape[1], height / heatmap.shape[0]
    matrix = np.float32([[sx, 0, x0 + sx / 2 - 0.5], [0, sy, y0 + sy / 2 - 0.5]])
    stretched = cv2.warpAffine(
        np.clip(heatmap, 0, 1).astype(np.float32), matrix, (w, h), flags=cv2.INTER_LINEAR
    )
    colour = cv2.applyColorMap(np.uint8(255 * stretched), cv2.COLORMAP_JET)
    return cv2.addWeighted(image, 1 - alpha, colour, alpha, 0)
