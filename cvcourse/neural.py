"""Neural networks by hand, in numpy: the numbers of the course's neural-network slides.

* activation functions: :func:`step`, :func:`sigmoid` (and :func:`sigmoid_derivative`),
  :func:`tanh`, :func:`relu`, :func:`softmax`;
* the single-layer perceptron without bias (the slides' ``sum >= 1 → 1``):
  :func:`train_perceptron` returns one :class:`PerceptronEpoch` (predictions, errors, weights)
  per epoch, as the slides' tables;
* the multi-layer perceptron with sigmoid units, one step at a time: :func:`forward` (hidden
  sums and activations, output sums and activations), :func:`output_errors`, the losses
  (:func:`mean_absolute_error`, :func:`mean_squared_error`, :func:`root_mean_squared_error`),
  the deltas (:func:`output_delta`, :func:`hidden_delta`), :func:`updated_weights`; then
  :func:`train_mlp` (batch, stochastic or mini-batch gradient descent, optional bias);
* the slides' small data sets: the logic operators (:data:`LOGIC_INPUTS`,
  :data:`LOGIC_TARGETS`), the XOR network's starting weights (:data:`XOR_W_HIDDEN`,
  :data:`XOR_W_OUTPUT`), the credit-risk table (:data:`CREDIT_RISK_ROWS`,
  :func:`encode_credit_risk`) and the 5×5 digits (:data:`DIGITS_5X5`);
* printing and plotting helpers of the notebook: :func:`compare_with_slides`,
  :func:`truncate`, :func:`plot_logic`, and the slides' figures drawn from the numbers:
  :func:`plot_neuron` (one artificial neuron) and :func:`plot_network` (a network with one hidden
  layer, its weights on the edges).

Arrays follow one convention: one example per row. ``inputs`` is ``(n_examples, n_inputs)``, a
weight matrix is ``(n_from, n_to)`` (row ``i`` holds the weights leaving unit ``i``, as the
slides draw them), targets and outputs are ``(n_examples, n_outputs)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Sequence

import numpy as np

ArrayLike = np.ndarray | Sequence[float] | Sequence[Sequence[float]] | float

# --------------------------------------------------------------------------------------------
# Activation functions
# --------------------------------------------------------------------------------------------


def step(x: ArrayLike, threshold: float = 1.0) -> np.ndarray:
    """The step function of the slides' perceptron: 1 where ``x >= threshold``, else 0."""
    return (np.asarray(x, dtype=float) >= threshold).astype(float)


def sigmoid(x: ArrayLike) -> np.ndarray:
    """The logistic function ``1 / (1 + e^-x)``: large x → about 1, very negative x → about 0."""
    x = np.asarray(x, dtype=float)
    return 1.0 / (1.0 + np.exp(-x))


def sigmoid_derivative(activation: ArrayLike) -> np.ndarray:
    """The sigmoid's derivative written with its *output* ``y = sigmoid(x)``: ``y * (1 - y)``.

    As on the slides, pass the activation (``0.405``), not the sum (``-0.381``).
    """
    y = np.asarray(activation, dtype=float)
    return y * (1.0 - y)


def tanh(x: ArrayLike) -> np.ndarray:
    """The hyperbolic tangent ``(e^x - e^-x) / (e^x + e^-x)``, between -1 and 1."""
    return np.tanh(np.asarray(x, dtype=float))


def relu(x: ArrayLike) -> np.ndarray:
    """The rectified linear unit ``max(0, x)``."""
    return np.maximum(0.0, np.asarray(x, dtype=float))


def softmax(x: ArrayLike, axis: int = -1) -> np.ndarray:
    """``e^x / sum(e^x)`` along ``axis``: scores → probabilities that sum to 1.

    The maximum is subtracted first, which changes nothing mathematically but avoids overflow.
    """
    x = np.asarray(x, dtype=float)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def weighted_sum(inputs: ArrayLike, weights: ArrayLike) -> float | np.ndarray:
    """``sum(x_i * w_i)``: what an artificial neuron computes before its activation function."""
    x = np.asarray(inputs, dtype=float)
    w = np.asarray(weights, dtype=float)
    if x.shape[-1] != w.shape[0]:
        raise ValueError(f"{x.shape[-1]} inputs but {w.shape[0]} weights: they must match")
    result = x @ w
    return float(result) if np.ndim(result) == 0 else result


def hidden_neurons(n_inputs: int, n_outputs: int) -> float:
    """The slides' rule of thumb for the size of a hidden layer: ``(inputs + outputs) / 2``."""
    if n_inputs < 1 or n_outputs < 1:
        raise ValueError("a network has at least one input and one output")
    return (n_inputs + n_outputs) / 2


# --------------------------------------------------------------------------------------------
# Small data sets of the slides
# --------------------------------------------------------------------------------------------

#: The four rows of a two-input truth table, in the slides' order.
LOGIC_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)

#: The class column of the truth tables of the slides (and NAND, the homework).
LOGIC_TARGETS: dict[str, np.ndarray] = {
    "AND": np.array([0, 0, 0, 1], dtype=float),
    "OR": np.array([0, 1, 1, 1], dtype=float),
    "XOR": np.array([0, 1, 1, 0], dtype=float),
    "NAND": np.array([1, 1, 1, 0], dtype=float),
}

#: The slides' input → hidden weights of the XOR network (row = input x1/x2, column = neuron).
XOR_W_HIDDEN = np.array([[-0.424, -0.740, -0.961], [0.358, -0.577, -0.469]])

#: The slides' hidden → output weights of the XOR network (one column: one output neuron).
XOR_W_OUTPUT = np.array([[-0.017], [-0.893], [0.148]])

#: The slides' 5×5 pixel vectors of a 6 and a 9 (row by row, 1 = ink).
DIGITS_5X5: dict[int, np.ndarray] = {
    6: np.array(
        [0, 1, 1, 1, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 1, 1, 0], dtype=float
    ),
    9: np.array(
        [0, 1, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0, 1, 1, 1, 0], dtype=float
    ),
}

CREDIT_RISK_COLUMNS = ("credit history", "debts", "properties", "annual income", "risk")

#: The slides' credit-risk table, row by row (income in the slides' notation, 15.000 = 15,000).
CREDIT_RISK_ROWS: tuple[tuple[str, str, str, str, str], ...] = (
    ("Bad", "High", "No", "< 15.000", "High"),
    ("Unknown", "High", "No", ">= 15.000 a <= 35.000", "High"),
    ("Unknown", "Low", "No", ">= 15.000 a <= 35.000", "Moderate"),
    ("Unknown", "Low", "No", "> 35.000", "High"),
    ("Unknown", "Low", "No", "> 35.000", "Low"),
    ("Unknown", "Low", "Yes", "> 35.000", "Low"),
    ("Bad", "Low", "No", "< 15.000", "High"),
    ("Bad", "Low", "Yes", "> 35.000", "Moderate"),
    ("Good", "Low", "No", "> 35.000", "Low"),
    ("Good", "High", "Yes", "> 35.000", "Low"),
    ("Good", "High", "No", "< 15.000", "High"),
    ("Good", "High", "No", ">= 15.000 a <= 35.000", "Moderate"),
    ("Good", "High", "No", "> 35.000", "Low"),
    ("Bad", "High", "No", ">= 15.000 a <= 35.000", "High"),
)

#: The slides' numeric codes of the four input columns.
CREDIT_RISK_CODES: dict[str, dict[str, int]] = {
    "credit history": {"Good": 1, "Unknown": 2, "Bad": 3},
    "debts": {"High": 1, "Low": 2},
    "properties": {"No": 1, "Yes": 2},
    "annual income": {"< 15.000": 1, ">= 15.000 a <= 35.000": 2, "> 35.000": 3},
}

#: The risk classes in the order of the slides' one-hot code (100 = High, 010, 001 = Low).
RISK_CLASSES = ("High", "Moderate", "Low")


def one_hot(labels: ArrayLike, n_classes: int) -> np.ndarray:
    """``(n,)`` integer labels → ``(n, n_classes)`` rows with a single 1 (``1 → 0 1 0``)."""
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"labels must be 1-D, got shape {labels.shape}")
    if labels.size and (
        labels.min() < 0 or labels.max() >= n_classes or not np.all(labels == labels.astype(int))
    ):
        raise ValueError(f"labels must be integers in 0..{n_classes - 1}")
    return np.eye(n_classes)[labels.astype(int)]


def encode_credit_risk(
    rows: Sequence[Sequence[str]] = CREDIT_RISK_ROWS,
) -> tuple[np.ndarray, np.ndarray]:
    """The slides' encoding of the credit-risk table: ``(inputs (n, 4), targets one-hot (n, 3))``.

    Inputs use the codes of :data:`CREDIT_RISK_CODES` (these categories are ordered, so one
    number per column works); the risk becomes one output neuron per class (:data:`RISK_CLASSES`).
    """
    from cvcourse.validation import check_names

    if isinstance(rows, (str, bytes)) or not isinstance(rows, Sequence):
        raise TypeError(f"rows must be a list of rows of 5 values, not {type(rows).__name__}")
    inputs, labels = [], []
    for i, row in enumerate(rows):
        row = check_names(row, f"rows[{i}]")
        if len(row) != 5:
            raise ValueError(
                f"row {i} has {len(row)} values, expected 5 ({', '.join(CREDIT_RISK_COLUMNS)})"
            )
        try:
            inputs.append(
                [
                    CREDIT_RISK_CODES[col][value]
                    for col, value in zip(CREDIT_RISK_COLUMNS[:4], row[:4])
                ]
            )
            labels.append(RISK_CLASSES.index(row[4]))
        except (KeyError, ValueError):
            raise ValueError(
                f"row {i} {tuple(row)} has a value outside the slides' categories"
            ) from None
    return np.array(inputs, dtype=float), one_hot(np.array(labels), len(RISK_CLASSES))


def categorical_error(expected: ArrayLike, predicted: ArrayLike) -> float:
    """The slides' error of one categorical prediction: ``sum |expected - predicted|``.

    ``expected = 1 0 0``, ``predicted = 0.95 0.02 0.03`` → ``0.05 + 0.02 + 0.03 = 0.08``.
    """
    e = np.asarray(expected, dtype=float)
    p = np.asarray(predicted, dtype=float)
    if e.shape != p.shape:
        raise ValueError(f"expected has shape {e.shape} but predicted has shape {p.shape}")
    return float(np.sum(np.abs(e - p)))


# --------------------------------------------------------------------------------------------
# Single-layer perceptron
# --------------------------------------------------------------------------------------------


def _as_inputs(inputs: ArrayLike, name: str = "inputs") -> np.ndarray:
    """``inputs`` as a float ``(n_examples, n_features)`` array, or a clear ``ValueError``."""
    x = np.asarray(inputs, dtype=float)
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError(f"{name} must be a 2-D array (one example per row), got shape {x.shape}")
    return x


def _as_targets(targets: ArrayLike, n_examples: int, name: str = "targets") -> np.ndarray:
    """``targets`` as ``(n_examples, n_outputs)``; a 1-D array is one output."""
    y = np.asarray(targets, dtype=float)
    if y.ndim == 1:
        y = y[:, None]
    if y.ndim != 2 or y.shape[0] != n_examples:
        raise ValueError(
            f"{name} must have one row per example ({n_examples}), got shape {y.shape}"
        )
    return y


def with_bias_input(inputs: ArrayLike) -> np.ndarray:
    """``inputs`` with a last column of ones: its weight is the neuron's bias."""
    x = _as_inputs(inputs)
    return np.hstack([x, np.ones((x.shape[0], 1))])


def perceptron_predict(inputs: ArrayLike, weights: ArrayLike, threshold: float = 1.0) -> np.ndarray:
    """``step(inputs @ weights)`` for every row of ``inputs``."""
    x = _as_inputs(inputs)
    w = np.asarray(weights, dtype=float)
    if w.shape != (x.shape[1],):
        raise ValueError(
            f"{x.shape[1]} inputs per example need {x.shape[1]} weights, got shape {w.shape}"
        )
    return step(x @ w, threshold)


@dataclass(frozen=True)
class PerceptronEpoch:
    """One pass over the table: what the perceptron predicted and how it changed its weights.

    The weights change after every wrong row (online learning, as on the slides), so
    ``predictions[i]`` is made with the weights of that moment.
    """

    epoch: int
    inputs: np.ndarray
    targets: np.ndarray
    weights_before: np.ndarray
    predictions: np.ndarray
    errors: np.ndarray
    weights: np.ndarray

    @property
    def accuracy(self) -> float:
        """Share of rows predicted right during the epoch (0.75 = the slides' 75 %)."""
        return float(np.mean(self.errors == 0))

    @property
    def converged(self) -> bool:
        """True when no row was wrong: the slides' ``while error != 0`` loop stops."""
        return bool(np.all(self.errors == 0))

    def table(self) -> str:
        """The slides' table (inputs, class, prediction, error), accuracy and weights."""
        n_in = self.inputs.shape[1]
        head = " ".join(f"x{i + 1:<2d}" for i in range(n_in))
        lines = [
            f"epoch {self.epoch}: weights before {_fmt_vector(self.weights_before)}",
            f"  {head} class prediction error",
        ]
        for x, t, p, e in zip(self.inputs, self.targets, self.predictions, self.errors):
            xs = " ".join(f"{v:<3g}" for v in x)
            lines.append(f"  {xs} {t:5g} {p:10g} {e:5g}")
        lines.append(f"  accuracy {self.accuracy:.0%}, weights after {_fmt_vector(self.weights)}")
        return "\n".join(lines)


def _fmt_vector(v: np.ndarray, decimals: int = 1) -> str:
    """``[0.1, 0.2]``: a short fixed-format vector for tables."""
    return "[" + ", ".join(f"{x:.{decimals}f}" for x in v) + "]"


def perceptron_epoch(
    inputs: ArrayLike,
    targets: ArrayLike,
    weights: ArrayLike,
    learning_rate: float = 0.1,
    threshold: float = 1.0,
    epoch: int = 1,
    decimals: int | None = 10,
) -> PerceptronEpoch:
    """One epoch of the slides' rule, row by row: predict, ``error = class - prediction``, and
    when the error is not 0, ``weight(n+1) = weight(n) + learning_rate * input * error``.

    ``decimals`` rounds the weights after each update: the slides' arithmetic is decimal, and
    without it binary floating point makes ``0.1 + 0.1 + ... (10 times)`` = 0.9999999999999999,
    which a ``>= 1`` step function rejects. ``None`` keeps the raw floats.
    """
    x = _as_inputs(inputs)
    y = np.asarray(targets, dtype=float)
    if y.shape != (x.shape[0],):
        raise ValueError(
            f"targets must be 1-D with one class per row ({x.shape[0]}), got shape {y.shape}"
        )
    w = np.array(weights, dtype=float)
    if w.shape != (x.shape[1],):
        raise ValueError(
            f"{x.shape[1]} inputs per example need {x.shape[1]} weights, got shape {w.shape}"
        )
    before = w.copy()
    predictions = np.empty(len(x))
    errors = np.empty(len(x))
    for i, (row, target) in enumerate(zip(x, y)):
        predictions[i] = step(row @ w, threshold)
        errors[i] = target - predictions[i]
        if errors[i] != 0:
            w = w + learning_rate * row * errors[i]
            if decimals is not None:
                w = np.round(w, decimals)
    return PerceptronEpoch(epoch, x, y, before, predictions, errors, w)


def train_perceptron(
    inputs: ArrayLike,
    targets: ArrayLike,
    learning_rate: float = 0.1,
    max_epochs: int = 100,
    threshold: float = 1.0,
    weights: ArrayLike | None = None,
    decimals: int | None = 10,
) -> list[PerceptronEpoch]:
    """Epochs of :func:`perceptron_epoch` until one has no error, or ``max_epochs``.

    Weights start at 0 unless given. The last epoch of the list is the error-free one when the
    problem is linearly separable; check :attr:`PerceptronEpoch.converged`. For a bias, pass
    :func:`with_bias_input` ``(inputs)``: the last weight is then the bias.
    """
    x = _as_inputs(inputs)
    w = np.zeros(x.shape[1]) if weights is None else np.asarray(weights, dtype=float)
    if max_epochs < 1:
        raise ValueError("max_epochs must be at least 1")
    history: list[PerceptronEpoch] = []
    for epoch in range(1, max_epochs + 1):
        history.append(perceptron_epoch(x, targets, w, learning_rate, threshold, epoch, decimals))
        w = history[-1].weights
        if history[-1].converged:
            break
    return history


def decision_line(weights: ArrayLike, x1: ArrayLike, threshold: float = 1.0) -> np.ndarray:
    """The ``x2`` values where ``w1*x1 + w2*x2 (+ b) = threshold``: the perceptron's border.

    ``weights`` is ``(w1, w2)`` or ``(w1, w2, bias)``; ``nan`` everywhere when ``w2 == 0``.
    """
    w = np.asarray(weights, dtype=float)
    if w.shape not in ((2,), (3,)):
        raise ValueError(
            "decision_line draws 2-input perceptrons: weights (w1, w2[, bias]), got shape "
            f"{w.shape}"
        )
    x1 = np.asarray(x1, dtype=float)
    bias = w[2] if len(w) == 3 else 0.0
    if w[1] == 0:
        return np.full_like(x1, np.nan)
    return (threshold - bias - w[0] * x1) / w[1]


# --------------------------------------------------------------------------------------------
# Multi-layer perceptron (sigmoid units), step by step
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MLP:
    """Weights (and optional biases) of a network with one hidden layer of sigmoid units."""

    w_hidden: np.ndarray
    w_output: np.ndarray
    b_hidden: np.ndarray | None = None
    b_output: np.ndarray | None = None

    def __post_init__(self) -> None:
        w_h = np.array(self.w_hidden, dtype=float)
        w_o = np.array(self.w_output, dtype=float)
        if w_h.ndim != 2:
            raise ValueError(f"w_hidden must be (n_inputs, n_hidden), got shape {w_h.shape}")
        if w_o.ndim == 1:
            w_o = w_o[:, None]
        if w_o.ndim != 2 or w_o.shape[0] != w_h.shape[1]:
            raise ValueError(
                f"w_output must be (n_hidden={w_h.shape[1]}, n_outputs), got shape {w_o.shape}"
            )
        object.__setattr__(self, "w_hidden", w_h)
        object.__setattr__(self, "w_output", w_o)
        for name, size in (("b_hidden", w_h.shape[1]), ("b_output", w_o.shape[1])):
            b = getattr(self, name)
            if b is not None:
                b = np.array(b, dtype=float).reshape(-1)
                if b.shape != (size,):
                    raise ValueError(f"{name} must have {size} values, got shape {b.shape}")
                object.__setattr__(self, name, b)

    @property
    def has_bias(self) -> bool:
        """True when the network has bias weights."""
        return self.b_hidden is not None

    @property
    def n_parameters(self) -> int:
        """Number of trainable numbers: weights plus biases."""
        n = self.w_hidden.size + self.w_output.size
        if self.has_bias:
            n += self.b_hidden.size + self.b_output.size
        return n

    def predict(self, inputs: ArrayLike) -> np.ndarray:
        """The output activations ``(n_examples, n_outputs)``."""
        return forward(inputs, self).output_activations


def init_mlp(
    n_inputs: int,
    n_hidden: int,
    n_outputs: int,
    bias: bool = True,
    seed: int = 0,
    scale: float = 1.0,
) -> MLP:
    """Random weights uniform in ``[-scale, scale]`` (biases too, when ``bias``), seeded."""
    if min(n_inputs, n_hidden, n_outputs) < 1:
        raise ValueError("every layer needs at least one neuron")
    rng = np.random.default_rng(seed)
    u = lambda *shape: rng.uniform(-scale, scale, shape)  # noqa: E731
    return MLP(
        u(n_inputs, n_hidden),
        u(n_hidden, n_outputs),
        u(n_hidden) if bias else None,
        u(n_outputs) if bias else None,
    )


def add_bias(mlp: MLP, value: float = 0.0) -> MLP:
    """The same network with bias weights (all ``value``) added; unchanged if it has them."""
    if mlp.has_bias:
        return mlp
    return replace(
        mlp,
        b_hidden=np.full(mlp.w_hidden.shape[1], value),
        b_output=np.full(mlp.w_output.shape[1], value),
    )


@dataclass(frozen=True)
class Forward:
    """Everything the forward pass computes, one row per example."""

    inputs: np.ndarray
    hidden_sums: np.ndarray
    hidden_activations: np.ndarray
    output_sums: np.ndarray
    output_activations: np.ndarray


def forward(inputs: ArrayLike, mlp: MLP) -> Forward:
    """Input → hidden → output: ``sum = inputs @ weights (+ bias)``,
    ``activation = sigmoid(sum)``."""
    x = _as_inputs(inputs)
    if x.shape[1] != mlp.w_hidden.shape[0]:
        raise ValueError(
            f"the network has {mlp.w_hidden.shape[0]} inputs but the examples have {x.shape[1]} "
            "columns"
        )
    hidden_sums = x @ mlp.w_hidden + (mlp.b_hidden if mlp.has_bias else 0.0)
    hidden = sigmoid(hidden_sums)
    output_sums = hidden @ mlp.w_output + (mlp.b_output if mlp.has_bias else 0.0)
    return Forward(x, hidden_sums, hidden, output_sums, sigmoid(output_sums))


def output_errors(targets: ArrayLike, outputs: ArrayLike) -> np.ndarray:
    """``error = correct - prediction``, the slides' simplest loss, per example and output."""
    out = np.asarray(outputs, dtype=float)
    out = out[:, None] if out.ndim == 1 else out
    y = _as_targets(targets, out.shape[0])
    if y.shape != out.shape:
        raise ValueError(f"targets have shape {y.shape} but outputs have shape {out.shape}")
    return y - out


def mean_absolute_error(targets: ArrayLike, outputs: ArrayLike) -> float:
    """Mean of ``|correct - prediction|``: the slides' "Average = 0.499"."""
    return float(np.mean(np.abs(output_errors(targets, outputs))))


def mean_squared_error(targets: ArrayLike, outputs: ArrayLike) -> float:
    """``MSE = mean((correct - prediction)^2)``: big errors count much more than small ones."""
    return float(np.mean(output_errors(targets, outputs) ** 2))


def root_mean_squared_error(targets: ArrayLike, outputs: ArrayLike) -> float:
    """``RMSE = sqrt(MSE)``, in the units of the outputs."""
    return float(np.sqrt(mean_squared_error(targets, outputs)))


def output_delta(errors: ArrayLike, output_activations: ArrayLike) -> np.ndarray:
    """``delta_output = error * sigmoid_derivative``."""
    e = np.asarray(errors, dtype=float)
    a = np.asarray(output_activations, dtype=float)
    if e.shape != a.shape:
        raise ValueError(f"errors have shape {e.shape} but output activations have shape {a.shape}")
    return e * sigmoid_derivative(a)


def hidden_delta(
    hidden_activations: ArrayLike, w_output: ArrayLike, delta_output: ArrayLike
) -> np.ndarray:
    """``delta_hidden = sigmoid_derivative * weight * delta_output`` (summed over the outputs).

    Shapes: activations ``(n, n_hidden)``, ``w_output`` ``(n_hidden, n_outputs)``, output deltas
    ``(n, n_outputs)``; the result is ``(n, n_hidden)``.
    """
    h = np.asarray(hidden_activations, dtype=float)
    w = np.asarray(w_output, dtype=float)
    w = w[:, None] if w.ndim == 1 else w
    d = np.asarray(delta_output, dtype=float)
    d = d[:, None] if d.ndim == 1 else d
    if h.ndim != 2 or w.shape[0] != h.shape[1] or d.shape != (h.shape[0], w.shape[1]):
        raise ValueError(
            f"incompatible shapes: hidden activations {h.shape}, w_output {w.shape}, "
            f"output deltas {d.shape}"
        )
    return sigmoid_derivative(h) * (d @ w.T)


def input_times_delta(layer_inputs: ArrayLike, delta: ArrayLike) -> np.ndarray:
    """``sum over examples of input * delta`` for every weight: the slides' "input x delta"."""
    x = _as_inputs(layer_inputs, "layer_inputs")
    d = np.asarray(delta, dtype=float)
    d = d[:, None] if d.ndim == 1 else d
    if d.ndim != 2 or d.shape[0] != x.shape[0]:
        raise ValueError(f"{x.shape[0]} examples of inputs but deltas of shape {d.shape}")
    return x.T @ d


def updated_weights(
    weights: ArrayLike, layer_inputs: ArrayLike, delta: ArrayLike, learning_rate: float
) -> np.ndarray:
    """``weight(n+1) = weight(n) + input * delta * learning_rate`` (summed over the examples).

    The error is ``correct - prediction``, so adding moves the weights down the loss gradient.
    """
    w = np.asarray(weights, dtype=float)
    step_ = input_times_delta(layer_inputs, delta)
    if w.ndim == 1 and step_.shape[1] == 1:
        step_ = step_[:, 0]
    if step_.shape != w.shape:
        raise ValueError(f"weights have shape {w.shape} but input x delta has shape {step_.shape}")
    return w + learning_rate * step_


@dataclass(frozen=True)
class Backprop:
    """One weight update: the forward pass, errors, deltas and the new network."""

    forward: Forward
    errors: np.ndarray
    delta_output: np.ndarray
    delta_hidden: np.ndarray
    mlp: MLP


def backprop_step(
    inputs: ArrayLike, targets: ArrayLike, mlp: MLP, learning_rate: float
) -> Backprop:
    """Forward pass, errors, output and hidden deltas, then every weight (and bias) updated once."""
    fw = forward(inputs, mlp)
    y = _as_targets(targets, fw.inputs.shape[0])
    if y.shape[1] != mlp.w_output.shape[1]:
        raise ValueError(
            f"the network has {mlp.w_output.shape[1]} outputs but targets have {y.shape[1]} columns"
        )
    errors = y - fw.output_activations
    d_out = output_delta(errors, fw.output_activations)
    d_hid = hidden_delta(fw.hidden_activations, mlp.w_output, d_out)
    new = MLP(
        updated_weights(mlp.w_hidden, fw.inputs, d_hid, learning_rate),
        updated_weights(mlp.w_output, fw.hidden_activations, d_out, learning_rate),
        mlp.b_hidden + learning_rate * d_hid.sum(axis=0) if mlp.has_bias else None,
        mlp.b_output + learning_rate * d_out.sum(axis=0) if mlp.has_bias else None,
    )
    return Backprop(fw, errors, d_out, d_hid, new)


@dataclass(frozen=True)
class TrainResult:
    """The trained network and its loss on the whole training set after every epoch."""

    mlp: MLP
    mae: np.ndarray
    mse: np.ndarray
    updates: int
    converged: bool = False
    epochs: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "epochs", len(self.mae))


def train_mlp(
    inputs: ArrayLike,
    targets: ArrayLike,
    mlp: MLP,
    learning_rate: float = 0.3,
    epochs: int = 1000,
    batch_size: int | None = None,
    tol: float | None = None,
    seed: int = 0,
    mean_gradient: bool = False,
) -> TrainResult:
    """Gradient descent with :func:`backprop_step`; the loss is recorded after each epoch.

    ``batch_size=None`` is batch gradient descent (all rows, then one update per epoch, as the
    slides' XOR example), ``1`` stochastic gradient descent (one update per row, rows shuffled
    every epoch with ``seed``), anything between mini-batch gradient descent. Training stops
    early once the mean absolute error is below ``tol``.

    ``mean_gradient=False`` sums ``input * delta`` over the rows of a batch, as the slides do;
    ``True`` averages it (as Keras does), so that a step has the same size whatever the batch.
    """
    x = _as_inputs(inputs)
    y = _as_targets(targets, x.shape[0])
    if epochs < 1:
        raise ValueError("epochs must be at least 1")
    n = x.shape[0]
    batch = n if batch_size is None else int(batch_size)
    if not 1 <= batch <= n:
        raise ValueError(
            f"batch_size must be between 1 and the number of examples ({n}), got {batch_size}"
        )
    rng = np.random.default_rng(seed)
    mae, mse = [], []
    updates = 0
    converged = False
    for _ in range(epochs):
        order = np.arange(n) if batch == n else rng.permutation(n)
        for start in range(0, n, batch):
            rows = order[start : start + batch]
            rate = learning_rate / len(rows) if mean_gradient else learning_rate
            mlp = backprop_step(x[rows], y[rows], mlp, rate).mlp
            updates += 1
        out = forward(x, mlp).output_activations
        mae.append(mean_absolute_error(y, out))
        mse.append(mean_squared_error(y, out))
        if tol is not None and mae[-1] < tol:
            converged = True
            break
    return TrainResult(mlp, np.array(mae), np.array(mse), updates, converged)


def compare_gradient_descent(
    inputs: ArrayLike,
    targets: ArrayLike,
    mlp: MLP,
    learning_rate: float = 0.5,
    epochs: int = 200,
    batch_sizes: dict[str, int | None] | None = None,
    seed: int = 0,
) -> dict[str, TrainResult]:
    """The same start, data and learning rate trained with several batch sizes.

    Each update uses the *mean* gradient of its batch (``mean_gradient=True``), so the three
    differ only in how many rows an update looks at. Default batch sizes:
    ``{"batch": None, "mini-batch (4)": 4, "stochastic": 1}``.
    """
    if batch_sizes is None:
        batch_sizes = {"batch": None, "mini-batch (4)": 4, "stochastic": 1}
    return {
        name: train_mlp(
            inputs, targets, mlp, learning_rate, epochs, size, seed=seed, mean_gradient=True
        )
        for name, size in batch_sizes.items()
    }


def accuracy(targets: ArrayLike, outputs: ArrayLike) -> float:
    """Share of right answers: ``output >= 0.5`` for one output, the largest output for several."""
    out = np.asarray(outputs, dtype=float)
    out = out[:, None] if out.ndim == 1 else out
    y = _as_targets(targets, out.shape[0])
    if y.shape != out.shape:
        raise ValueError(f"targets have shape {y.shape} but outputs have shape {out.shape}")
    if y.shape[1] == 1:
        return float(np.mean((out[:, 0] >= 0.5) == (y[:, 0] >= 0.5)))
    return float(np.mean(out.argmax(axis=1) == y.argmax(axis=1)))


# --------------------------------------------------------------------------------------------
# Printing and plotting for the notebook
# --------------------------------------------------------------------------------------------


def format_numbers(values: ArrayLike, decimals: int = 3) -> str:
    """Fixed-width numbers (``-0.381  -0.274``); ``nan`` (a value the slides do not give) is
    ``?``."""
    width = decimals + 4
    return " ".join(
        "?".rjust(width) if np.isnan(v) else f"{v:{width}.{decimals}f}"
        for v in np.asarray(values, dtype=float).ravel()
    )


def compare_with_slides(label: str, full: ArrayLike, slides: ArrayLike, decimals: int = 3) -> str:
    """One line: a value at full precision (rounded for printing), the slides' value, and whether
    they agree to ``decimals`` decimals (``differs`` names how many numbers do not). Slide values
    given as ``nan`` (not shown on the slides) are printed ``?`` and the verdict says how many of
    the values the slides show: such a row is never plainly "same"."""
    f = np.asarray(full, dtype=float).ravel()
    s = np.asarray(slides, dtype=float).ravel()
    if f.shape != s.shape:
        raise ValueError(f"{label}: {f.size} computed values but {s.size} slide values")
    shown = np.round(f, decimals)
    given = ~np.isnan(s)
    off = given & (np.abs(shown - s) > 0.5 * 10.0**-decimals)
    verdict = "same" if not off.any() else f"differs ({off.sum()} of {given.sum()})"
    if not given.all():  # a value the slides do not show is not "the same"
        verdict = f"{given.sum()} of {given.size} on the slides: {verdict}"
    return (
        f"{label:<22s} {format_numbers(shown, decimals)} | {format_numbers(s, decimals)}  {verdict}"
    )


def truncate(values: ArrayLike, decimals: int = 3) -> np.ndarray:
    """Cut (not round) to ``decimals`` decimals, as the slides often do: 0.405886 → 0.405."""
    factor = 10.0**decimals
    return np.trunc(np.asarray(values, dtype=float) * factor) / factor


def plot_logic(
    ax,
    targets: ArrayLike,
    weights: Sequence[ArrayLike] = (),
    title: str = "",
    threshold: float = 1.0,
    colors: Sequence[str] | None = None,
    limits: tuple[float, float] = (-0.5, 1.5),
) -> None:
    """A truth table on ``ax`` (class 1 filled, class 0 hollow) and the perceptron borders
    ``w1*x1 + w2*x2 (+ bias) = threshold`` of each weight vector in ``weights``; the side where
    the last one answers 1 is shaded."""
    from cvcourse.validation import check_names

    colors = None if colors is None else check_names(colors, "colors")
    y = np.asarray(targets, dtype=float)
    if y.shape != (4,):
        raise ValueError(
            f"targets must be the 4 classes of a two-input truth table, got shape {y.shape}"
        )
    xs = np.linspace(limits[0], limits[1], 200)
    if len(weights):
        w = np.asarray(weights[-1], dtype=float)
        g1, g2 = np.meshgrid(xs, xs)
        grid = np.stack(
            [g1.ravel(), g2.ravel()] + ([np.ones(g1.size)] if len(w) == 3 else []), axis=1
        )
        ax.contourf(
            g1,
            g2,
            step(grid @ w, threshold).reshape(g1.shape),
            levels=[0.5, 1.5],
            colors=["#ffe9a8"],
        )
    for i, w in enumerate(weights):
        color = colors[i] if colors is not None else "tab:blue"
        ax.plot(xs, decision_line(w, xs, threshold), color=color, alpha=0.9)
    for (x1, x2), c in zip(LOGIC_INPUTS, y):
        ax.scatter(
            x1, x2, s=140, zorder=3, edgecolors="black", facecolors="black" if c else "white"
        )
    ax.set(xlim=limits, ylim=limits, xlabel="x1", ylabel="x2", title=title, aspect="equal")
    ax.grid(alpha=0.3)


def _node(
    ax, xy: tuple[float, float], text: str, color: str = "white", radius: float = 0.22
) -> None:
    import matplotlib.patches as mpatches

    ax.add_patch(mpatches.Circle(xy, radius, facecolor=color, edgecolor="black", zorder=3))
    ax.text(*xy, text, ha="center", va="center", fontsize=10, zorder=4)


def _edge(
    ax,
    start: tuple[float, float],
    end: tuple[float, float],
    weight: float,
    label_at: float = 0.5,
    radius: float = 0.22,
    label: str | None = None,
) -> None:
    """An arrow from node to node, red for a positive weight, blue for a negative one (as in
    notebook 05's drawings), as thick as the weight is big, with the weight written on it at
    ``label_at`` of its length."""
    (x0, y0), (x1, y1) = start, end
    length = float(np.hypot(x1 - x0, y1 - y0))
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    color = "tab:blue" if weight < 0 else "tab:red"
    ax.annotate(
        "",
        xy=(x1 - ux * radius, y1 - uy * radius),
        xytext=(x0 + ux * radius, y0 + uy * radius),
        arrowprops=dict(arrowstyle="->", color=color, lw=0.8 + 2.5 * min(abs(weight), 1.0)),
        zorder=1,
    )
    lx, ly = x0 + (x1 - x0) * label_at, y0 + (y1 - y0) * label_at
    ax.text(
        lx,
        ly,
        f"{weight:g}" if label is None else label,
        ha="center",
        va="center",
        fontsize=9,
        color=color,
        zorder=2,
        bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none"),
    )


def plot_neuron(
    ax, inputs: ArrayLike, weights: ArrayLike, threshold: float = 1.0, title: str = ""
) -> float:
    """The artificial neuron of the slides on ``ax``: each input on an arrow labelled with its
    weight, the sum ``Σ x·w`` computed from the numbers, the step function and its output.
    Returns the sum."""
    import matplotlib.patches as mpatches

    x = np.asarray(inputs, dtype=float).ravel()
    w = np.asarray(weights, dtype=float).ravel()
    total = float(weighted_sum(x, w))  # raises on mismatched lengths
    n = len(x)
    ys = np.linspace(0.8 * (n - 1), -0.8 * (n - 1), n) if n > 1 else np.zeros(1)
    for xi, wi, y in zip(x, w, ys):
        _node(ax, (0.0, y), f"{xi:g}", "#e8f0ff")
        _edge(ax, (0.0, y), (1.6, 0.0), wi, label_at=0.45)
    _node(ax, (1.6, 0.0), "Σ", "#fff3c4", radius=0.3)
    ax.text(1.6, -0.45, f"sum = {total:g}", ha="center", va="top", fontsize=10)
    ax.annotate("", xy=(2.55, 0.0), xytext=(1.9, 0.0), arrowprops=dict(arrowstyle="->", lw=1.2))
    ax.add_patch(
        mpatches.FancyBboxPatch(
            (2.55, -0.25),
            0.9,
            0.5,
            boxstyle="round,pad=0.05",
            facecolor="#e6f5e6",
            edgecolor="black",
        )
    )
    ax.text(3.0, 0.0, f"step\n(≥ {threshold:g})", ha="center", va="center", fontsize=9)
    out = float(step(total, threshold))
    ax.annotate("", xy=(4.1, 0.0), xytext=(3.5, 0.0), arrowprops=dict(arrowstyle="->", lw=1.2))
    ax.text(4.2, 0.0, f"{out:g}", ha="left", va="center", fontsize=14, fontweight="bold")
    ax.text(0.0, max(ys) + 0.5, "inputs x", ha="center", fontsize=9)
    ax.set(xlim=(-0.5, 4.7), ylim=(min(ys) - 0.8, max(ys) + 0.8), aspect="equal", title=title)
    ax.axis("off")
    return total


def plot_network(
    ax,
    w_hidden: ArrayLike,
    w_output: ArrayLike,
    title: str = "",
    input_names: Sequence[str] | None = None,
    decimals: int = 3,
) -> None:
    """A network with one hidden layer on ``ax``: one column of circles per layer, every weight
    written on its edge with ``decimals`` decimals (row ``i`` of a weight matrix = the weights
    leaving unit ``i``); red edges are positive weights, blue negative, thicker = bigger."""
    w_h = np.asarray(w_hidden, dtype=float)
    w_o = np.asarray(w_output, dtype=float)
    w_o = w_o[:, None] if w_o.ndim == 1 else w_o
    if w_h.ndim != 2 or w_o.ndim != 2 or w_o.shape[0] != w_h.shape[1]:
        raise ValueError(
            f"w_hidden (n_inputs, n_hidden) and w_output (n_hidden, n_outputs) do not fit: "
            f"{w_h.shape} and {w_o.shape}"
        )
    sizes = [w_h.shape[0], w_h.shape[1], w_o.shape[1]]
    from cvcourse.validation import check_names

    names = (
        list(check_names(input_names, "input_names"))
        if input_names is not None
        else [f"x{i + 1}" for i in range(sizes[0])]
    )
    if len(names) != sizes[0]:
        raise ValueError(f"{len(names)} input names for {sizes[0]} inputs")
    layer_x = [0.0, 2.2, 4.4]
    half = 0.45 * (max(sizes) - 1)  # every layer spread over the same height: labels do not collide
    pos = [
        [(layer_x[k], half * (1 - 2 * i / (n - 1)) if n > 1 else 0.0) for i in range(n)]
        for k, n in enumerate(sizes)
    ]
    for k, w in ((0, w_h), (1, w_o)):
        for i, start in enumerate(pos[k]):
            for j, end in enumerate(pos[k + 1]):
                _edge(
                    ax,
                    start,
                    end,
                    float(w[i, j]),
                    label_at=0.35 if k == 0 else 0.55,
                    label=f"{w[i, j]:.{decimals}f}",
                )
    for k, (layer, color) in enumerate(zip(pos, ("#e8f0ff", "#fff3c4", "#e6f5e6"))):
        for i, xy in enumerate(layer):
            _node(ax, xy, names[i] if k == 0 else ("h" if k == 1 else "y") + str(i + 1), color)
    top = max(y for layer in pos for _, y in layer)
    for x, label in zip(layer_x, ("input layer", "hidden layer", "output layer")):
        ax.text(x, top + 0.5, label, ha="center", fontsize=9)
    ax.set(xlim=(-0.5, 4.9), ylim=(-top - 0.5, top + 0.8), aspect="equal", title=title)
    ax.axis("off")
