"""cvcourse.neural: the numbers of the neural-network slides, and real behaviour of the code."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from cvcourse import neural

X = neural.LOGIC_INPUTS
XOR = neural.LOGIC_TARGETS["XOR"]


@pytest.fixture
def xor_step():
    """One backpropagation step of the slides' XOR network (learning rate 0.3)."""
    return neural.backprop_step(X, XOR, neural.MLP(neural.XOR_W_HIDDEN, neural.XOR_W_OUTPUT), 0.3)


# --- artificial neuron and activation functions ---------------------------------------------


def test_weighted_sum_and_step_of_the_slides():
    assert neural.weighted_sum([35, 25], [0.8, 0.1]) == pytest.approx(30.5)
    assert neural.weighted_sum([35, 25], [-0.8, 0.1]) == pytest.approx(-25.5)
    assert neural.step(30.5) == 1 and neural.step(-25.5) == 0
    assert neural.step(1.0) == 1 and neural.step(0.999) == 0  # "greater or equal to 1"


def test_weighted_sum_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="3 inputs but 2 weights"):
        neural.weighted_sum([1, 2, 3], [0.1, 0.2])


def test_activation_functions():
    assert neural.sigmoid(0) == 0.5
    assert neural.sigmoid(20) == pytest.approx(1, abs=1e-8) and neural.sigmoid(
        -20
    ) == pytest.approx(0, abs=1e-8)
    assert neural.sigmoid_derivative(0.1) == pytest.approx(0.09)  # the slides' d = 0.1 * (1 - 0.1)
    assert neural.tanh(0) == 0 and neural.tanh(10) == pytest.approx(1)
    np.testing.assert_array_equal(neural.relu([-2, 0, 3]), [0, 0, 3])
    np.testing.assert_allclose(neural.softmax([2.0, 1.0, 0.1]), [0.659, 0.242, 0.099], atol=5e-4)
    big = neural.softmax([[1000.0, 1000.0], [0.0, 0.0]])  # no overflow, rows sum to 1
    np.testing.assert_allclose(big, 0.5)


def test_tanh_and_softmax_are_the_slides_formulas():
    # notebook 04 writes both formulas out before using the helpers
    x = np.linspace(-5, 5, 41)
    np.testing.assert_allclose(neural.tanh(x), (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x)))
    scores = np.array([2.0, 1.0, 0.1])
    np.testing.assert_allclose(neural.softmax(scores), np.exp(scores) / np.exp(scores).sum())


def test_hidden_neuron_rule_of_thumb():
    assert [neural.hidden_neurons(i, o) for i, o in [(2, 1), (7, 1), (8, 2), (4, 3)]] == [
        1.5,
        4,
        5,
        3.5,
    ]
    with pytest.raises(ValueError):
        neural.hidden_neurons(0, 1)


# --- perceptron --------------------------------------------------------------------------------


def test_perceptron_learns_and_as_on_the_slides():
    history = neural.train_perceptron(X, neural.LOGIC_TARGETS["AND"], learning_rate=0.1)
    first = history[0]
    np.testing.assert_array_equal(first.weights_before, [0, 0])
    np.testing.assert_array_equal(first.predictions, [0, 0, 0, 0])
    np.testing.assert_array_equal(first.errors, [0, 0, 0, 1])
    assert first.accuracy == 0.75
    np.testing.assert_allclose(first.weights, [0.1, 0.1])  # 0 + 0.1 * 1 * 1
    np.testing.assert_allclose(history[1].weights, [0.2, 0.2])  # 0.1 + 0.1 * 1 * 1
    assert [e.accuracy for e in history] == [0.75] * 5 + [1.0]
    assert history[-1].converged and not history[-2].converged
    np.testing.assert_allclose(history[-1].weights, [0.5, 0.5])
    assert "accuracy 75%, weights after [0.1, 0.1]" in first.table()


def test_perceptron_or_and_the_floating_point_trap():
    history = neural.train_perceptron(X, neural.LOGIC_TARGETS["OR"])
    assert history[-1].converged and len(history) == 9
    np.testing.assert_allclose(history[-1].weights, [1.0, 1.0])
    raw = neural.train_perceptron(X, neural.LOGIC_TARGETS["OR"], decimals=None)
    assert raw[-1].converged and len(raw) == 10  # 0.1 added ten times is 0.9999999999999999
    np.testing.assert_allclose(raw[-1].weights, [1.1, 1.1])


def test_perceptron_never_converges_on_xor():
    history = neural.train_perceptron(X, XOR, max_epochs=50)
    assert len(history) == 50 and not any(e.converged for e in history)
    assert max(e.accuracy for e in history) <= 0.5
    np.testing.assert_allclose(history[-1].weights, history[-2].weights)  # a cycle


def test_nand_needs_a_bias():
    nand = neural.LOGIC_TARGETS["NAND"]
    assert not neural.train_perceptron(X, nand, max_epochs=30)[-1].converged
    history = neural.train_perceptron(neural.with_bias_input(X), nand)
    assert history[-1].converged
    np.testing.assert_array_equal(
        neural.perceptron_predict(neural.with_bias_input(X), history[-1].weights), nand
    )
    np.testing.assert_array_equal(
        neural.perceptron_predict(neural.with_bias_input(X), [-0.5, -0.5, 1.5]), nand
    )


def test_perceptron_rejects_bad_shapes():
    with pytest.raises(ValueError, match="2-D"):
        neural.train_perceptron([0, 1, 1], [0, 1, 1])
    with pytest.raises(ValueError, match="one class per row"):
        neural.train_perceptron(X, [0, 1, 1])
    with pytest.raises(ValueError, match="need 2 weights"):
        neural.train_perceptron(X, XOR, weights=[0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="need 2 weights"):
        neural.perceptron_predict(X, [1.0])
    with pytest.raises(ValueError, match="max_epochs"):
        neural.train_perceptron(X, XOR, max_epochs=0)


def test_decision_line():
    np.testing.assert_allclose(neural.decision_line([0.5, 0.5], [0.0, 1.0]), [2.0, 1.0])
    np.testing.assert_allclose(neural.decision_line([-0.5, -0.5, 1.5], [0.0]), [1.0])  # with bias
    assert np.isnan(neural.decision_line([1.0, 0.0], [0.0])).all()
    with pytest.raises(ValueError):
        neural.decision_line([1.0], [0.0])


# --- the slides' XOR network, by hand -----------------------------------------------------------


def test_xor_forward_pass(xor_step):
    fw = xor_step.forward
    np.testing.assert_allclose(fw.hidden_sums[3], [-0.066, -1.317, -1.430], atol=1e-12)
    np.testing.assert_allclose(fw.hidden_activations[1], [0.589, 0.360, 0.385], atol=5e-4)
    np.testing.assert_allclose(fw.output_sums[:, 0].round(3), [-0.381, -0.274, -0.254, -0.168])
    slides = [0.405, 0.431, 0.436, 0.458]
    np.testing.assert_allclose(fw.output_activations[:, 0], slides, atol=1.5e-3)
    # the slides cut (not round) to three decimals
    np.testing.assert_allclose(neural.truncate(fw.output_activations[:, 0]), slides)
    np.testing.assert_allclose(fw.output_activations[:, 0].round(3), [0.406, 0.432, 0.437, 0.458])


def test_xor_losses():
    out = neural.forward(X, neural.MLP(neural.XOR_W_HIDDEN, neural.XOR_W_OUTPUT)).output_activations
    assert round(neural.mean_absolute_error(XOR, out), 3) == 0.499  # the slides' "Average = 0.499"
    # the slides' MSE 0.252 / RMSE 0.501 come from mis-squared errors (0.322, 0.316); correct:
    assert round(neural.mean_squared_error(XOR, out), 3) == 0.254
    assert round(neural.root_mean_squared_error(XOR, out), 3) == 0.504
    assert round(neural.mean_squared_error(XOR, [0.405, 0.431, 0.436, 0.458]), 3) == 0.254
    np.testing.assert_allclose(
        neural.output_errors(XOR, [0.405, 0.431, 0.436, 0.458])[:, 0],
        [-0.405, 0.569, 0.564, -0.458],
    )


def test_xor_deltas(xor_step):
    d = neural.sigmoid_derivative(xor_step.forward.output_activations[:, 0])
    np.testing.assert_allclose(d.round(3)[[0, 2, 3]], [0.241, 0.246, 0.248])
    slides = [-0.097, 0.139, 0.138, -0.113]
    np.testing.assert_allclose(neural.truncate(xor_step.delta_output[:, 0]), slides)
    np.testing.assert_allclose(xor_step.delta_output[:, 0], slides, atol=1.1e-3)
    slides_hidden = [
        [0.000, 0.021, -0.003],
        [-0.000, -0.028, 0.004],
        [-0.000, -0.026, 0.004],
        [0.000, 0.016, -0.002],
    ]
    np.testing.assert_allclose(xor_step.delta_hidden, slides_hidden, atol=1.1e-3)
    # (the slides computed these from already-cut numbers, e.g. 0.218 * (-0.893) * 0.138 → -0.026
    # where full precision gives -0.0271)


def test_xor_weight_update(xor_step):
    fw = xor_step.forward
    np.testing.assert_allclose(
        neural.input_times_delta(fw.hidden_activations, xor_step.delta_output)[:, 0].round(3),
        [0.033, 0.022, 0.021],
    )
    np.testing.assert_allclose(xor_step.mlp.w_output[:, 0].round(3), [-0.007, -0.886, 0.154])
    slides = np.array([[-0.424, -0.743, -0.960], [0.358, -0.580, -0.468]])
    ours = xor_step.mlp.w_hidden.round(3)
    same = np.isclose(ours, slides)
    assert same.sum() == 4  # -0.9606 and -0.5805 round to -0.961 and -0.581
    np.testing.assert_allclose(xor_step.mlp.w_hidden, slides, atol=1.1e-3)
    # updated_weights is the formula weight + input * delta * learning_rate
    np.testing.assert_allclose(
        neural.updated_weights(
            neural.XOR_W_OUTPUT, fw.hidden_activations, xor_step.delta_output, 0.3
        ),
        xor_step.mlp.w_output,
    )


def test_the_notebooks_numpy_cells_match_the_helper(xor_step):
    """Notebook 04 writes the forward pass, the deltas and the update out in numpy before it uses
    backprop_step; the same lines here must give the helper's numbers and the printed ones."""
    w_hidden, w_output = neural.XOR_W_HIDDEN, neural.XOR_W_OUTPUT
    hidden = 1 / (1 + np.exp(-(X @ w_hidden)))
    output = 1 / (1 + np.exp(-(hidden @ w_output)))
    errors = XOR[:, None] - output
    delta_output = errors * output * (1 - output)
    delta_hidden = hidden * (1 - hidden) * (delta_output @ w_output.T)
    new_w_output = w_output + hidden.T @ delta_output * 0.3
    new_w_hidden = w_hidden + X.T @ delta_hidden * 0.3
    np.testing.assert_allclose(xor_step.forward.hidden_activations, hidden, rtol=0, atol=1e-15)
    np.testing.assert_allclose(xor_step.delta_output, delta_output, rtol=0, atol=1e-15)
    np.testing.assert_allclose(xor_step.delta_hidden, delta_hidden, rtol=0, atol=1e-15)
    np.testing.assert_allclose(xor_step.mlp.w_output, new_w_output, rtol=0, atol=1e-15)
    np.testing.assert_allclose(xor_step.mlp.w_hidden, new_w_hidden, rtol=0, atol=1e-15)
    # the numbers the notebook prints (4 decimals) and explains
    np.testing.assert_allclose(
        (X.T @ delta_hidden).round(4), [[-0.0001, -0.0101, 0.0015], [-0.0001, -0.0117, 0.0023]]
    )
    np.testing.assert_allclose(
        new_w_hidden.round(4), [[-0.4240, -0.7430, -0.9606], [0.3580, -0.5805, -0.4683]]
    )
    np.testing.assert_allclose(new_w_output[:, 0].round(4), [-0.0071, -0.8864, 0.1543])


def test_where_the_slides_differ_in_the_xor_update(xor_step):
    """The causes notebook 04 gives for the slides' input-to-hidden numbers, checked."""
    # -0.009: the slide's own sum of its (cut) deltas is -0.010, an arithmetic slip
    assert round(1 * -0.026 + 1 * 0.016, 3) == -0.010
    assert round(float((X.T @ xor_step.delta_hidden)[0, 1]), 3) == -0.010
    # -0.743 from -0.740 + (-0.009) * 0.3 = -0.7427 is rounded, not cut: the slides *mostly* cut
    assert (
        round(-0.740 - 0.009 * 0.3, 3) == -0.743 and neural.truncate(-0.740 - 0.009 * 0.3) == -0.742
    )
    # -0.580: input x delta -0.012 on both sides; -0.577 + (-0.012) * 0.3 = -0.5806, cut
    assert round(float((X.T @ xor_step.delta_hidden)[1, 1]), 3) == -0.012
    assert (
        neural.truncate(-0.577 - 0.012 * 0.3) == -0.580
        and round(xor_step.mlp.w_hidden[1, 1], 3) == -0.581
    )
    # 0.002 from cut deltas 0.004 + (-0.002); full precision 0.00148
    assert float(
        neural.truncate(xor_step.delta_hidden[2, 2]) + neural.truncate(xor_step.delta_hidden[3, 2])
    ) == pytest.approx(0.002)
    assert round(float((X.T @ xor_step.delta_hidden)[0, 2]), 5) == 0.00148
    # the hidden derivatives on the slides are cut; the first hidden activation appears rounded
    # (0.589, 0.396, 0.484) on some slides and cut (0.588, 0.395, 0.483) on others
    h = xor_step.forward.hidden_activations
    np.testing.assert_allclose(
        neural.truncate(h[1:] * (1 - h[1:])),
        [[0.242, 0.230, 0.236], [0.239, 0.218, 0.200], [0.249, 0.166, 0.155]],
    )
    np.testing.assert_allclose(h[1:, 0].round(3), [0.589, 0.396, 0.484])
    np.testing.assert_allclose(neural.truncate(h[1:, 0]), [0.588, 0.395, 0.483])


def test_keras_sgd_mse_reproduces_one_update_by_hand(xor_step):
    """The notebook's bridge: Keras, SGD on the mean squared error, one batch of the 4 rows, gives
    the by-hand update when its learning rate is 0.3 * 4 / 2 (its loss is a mean of squares)."""
    from cvcourse.tensorflow_setup import import_tensorflow

    _, keras = import_tensorflow(seed=0)
    net = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(3, activation="sigmoid", use_bias=False),
            keras.layers.Dense(1, activation="sigmoid", use_bias=False),
        ]
    )
    net.set_weights([neural.XOR_W_HIDDEN, neural.XOR_W_OUTPUT])
    net.compile(optimizer=keras.optimizers.SGD(learning_rate=0.3 * 4 / 2), loss="mse")
    assert net.evaluate(X, XOR, verbose=0) == pytest.approx(
        neural.mean_squared_error(XOR, xor_step.forward.output_activations), abs=1e-6
    )
    net.fit(X, XOR, batch_size=4, epochs=1, shuffle=False, verbose=0)
    w_hidden, w_output = net.get_weights()
    np.testing.assert_allclose(w_hidden, xor_step.mlp.w_hidden, atol=1e-6)
    np.testing.assert_allclose(w_output, xor_step.mlp.w_output, atol=1e-6)
    assert not np.allclose(w_hidden, neural.XOR_W_HIDDEN, atol=1e-3)  # it did move


def test_train_mlp_converges_with_bias_only():
    net = neural.MLP(neural.XOR_W_HIDDEN, neural.XOR_W_OUTPUT)
    no_bias = neural.train_mlp(X, XOR, net, 0.3, epochs=5000, tol=0.05)
    with_bias = neural.train_mlp(X, XOR, neural.add_bias(net), 0.3, epochs=5000, tol=0.05)
    assert not no_bias.converged and with_bias.converged
    assert with_bias.epochs < 5000 and with_bias.mae[-1] < 0.05 < with_bias.mae[0]
    assert neural.accuracy(XOR, with_bias.mlp.predict(X)) == 1.0
    assert with_bias.mlp.n_parameters == 6 + 3 + 3 + 1 and net.n_parameters == 9
    assert np.all(np.diff(with_bias.mse[:100]) < 0)  # batch gradient descent: the loss goes down


def test_bias_is_added_to_the_sum_and_updated_with_input_1():
    # notebook 04's cell: the forward pass with biases by hand, and one update of the biases
    net = neural.train_mlp(
        X,
        XOR,
        neural.add_bias(neural.MLP(neural.XOR_W_HIDDEN, neural.XOR_W_OUTPUT)),
        0.3,
        epochs=200,
    ).mlp
    hidden = neural.sigmoid(X @ net.w_hidden + net.b_hidden)
    np.testing.assert_allclose(neural.sigmoid(hidden @ net.w_output + net.b_output), net.predict(X))
    np.testing.assert_allclose(neural.forward(X, net).hidden_sums[0], net.b_hidden)  # input 0 0
    step = neural.backprop_step(
        X, XOR, neural.add_bias(neural.MLP(neural.XOR_W_HIDDEN, neural.XOR_W_OUTPUT)), 0.3
    )
    np.testing.assert_allclose(step.mlp.b_output, 0.3 * step.delta_output.sum(axis=0))
    np.testing.assert_allclose(step.mlp.b_hidden, 0.3 * step.delta_hidden.sum(axis=0))


def test_stochastic_and_mini_batch_loops_written_out_match_train_mlp():
    # notebook 04's train_by_hand: shuffle every epoch, one backprop_step per batch, rate / rows
    x, y = neural.encode_credit_risk()
    start = neural.init_mlp(4, 4, 3, seed=0)
    runs = neural.compare_gradient_descent(x, y, start, learning_rate=1.0, epochs=10, seed=0)
    for name, size in (("stochastic", 1), ("mini-batch (4)", 4)):
        rng, mlp = np.random.default_rng(0), start
        for _ in range(10):
            order = rng.permutation(len(x))
            for first in range(0, len(order), size):
                rows = order[first : first + size]
                mlp = neural.backprop_step(x[rows], y[rows], mlp, 1.0 / len(rows)).mlp
        assert neural.mean_squared_error(y, mlp.predict(x)) == pytest.approx(runs[name].mse[-1])


def test_batch_sizes_and_gradient_descent_comparison():
    x, y = neural.encode_credit_risk()
    start = neural.init_mlp(4, 4, 3, seed=0)
    assert neural.train_mlp(x, y, start, epochs=3).updates == 3
    assert neural.train_mlp(x, y, start, epochs=3, batch_size=1).updates == 42
    assert neural.train_mlp(x, y, start, epochs=3, batch_size=4).updates == 12
    runs = neural.compare_gradient_descent(x, y, start, learning_rate=1.0, epochs=300)
    assert list(runs) == ["batch", "mini-batch (4)", "stochastic"]
    assert runs["stochastic"].mse[-1] < runs["mini-batch (4)"].mse[-1] < runs["batch"].mse[-1]
    again = neural.compare_gradient_descent(x, y, start, learning_rate=1.0, epochs=300)
    np.testing.assert_array_equal(
        again["stochastic"].mse, runs["stochastic"].mse
    )  # seeded shuffling
    with pytest.raises(ValueError, match="batch_size"):
        neural.train_mlp(x, y, start, batch_size=15)


def test_mlp_rejects_bad_shapes():
    with pytest.raises(ValueError, match="w_output"):
        neural.MLP(np.zeros((2, 3)), np.zeros((2, 1)))
    with pytest.raises(ValueError, match="w_hidden"):
        neural.MLP(np.zeros(3), np.zeros((3, 1)))
    with pytest.raises(ValueError, match="b_hidden"):
        neural.MLP(np.zeros((2, 3)), np.zeros(3), b_hidden=np.zeros(2), b_output=np.zeros(1))
    net = neural.MLP(neural.XOR_W_HIDDEN, neural.XOR_W_OUTPUT)
    with pytest.raises(ValueError, match="2 inputs but the examples have 3"):
        neural.forward(np.zeros((4, 3)), net)
    with pytest.raises(ValueError, match="one row per example"):
        neural.backprop_step(X, [0, 1, 1], net, 0.3)
    with pytest.raises(ValueError, match="1 outputs but targets have 2"):
        neural.backprop_step(X, np.zeros((4, 2)), net, 0.3)
    with pytest.raises(ValueError, match="incompatible shapes"):
        neural.hidden_delta(np.zeros((4, 3)), np.zeros((2, 1)), np.zeros((4, 1)))
    with pytest.raises(ValueError):
        neural.output_delta(np.zeros(4), np.zeros(3))


def test_init_mlp_is_seeded():
    a, b, c = (
        neural.init_mlp(4, 4, 3, seed=1),
        neural.init_mlp(4, 4, 3, seed=1),
        neural.init_mlp(4, 4, 3, seed=2),
    )
    np.testing.assert_array_equal(a.w_hidden, b.w_hidden)
    assert not np.array_equal(a.w_hidden, c.w_hidden)
    assert a.n_parameters == 4 * 4 + 4 + 4 * 3 + 3
    assert not neural.init_mlp(2, 3, 1, bias=False).has_bias


# --- several outputs: the credit-risk table ----------------------------------------------------

SLIDES_CREDIT_CODES = """3 1 1 1 100
2 1 1 2 100
2 2 1 2 010
2 2 1 3 100
2 2 1 3 001
2 2 2 3 001
3 2 1 1 100
3 2 2 3 010
1 2 1 3 001
1 1 2 3 001
1 1 1 1 100
1 1 1 2 010
1 1 1 3 001
3 1 1 2 100"""


def test_credit_risk_encoding_matches_the_slides():
    x, y = neural.encode_credit_risk()
    assert x.shape == (14, 4) and y.shape == (14, 3)
    for row, xi, yi in zip(SLIDES_CREDIT_CODES.splitlines(), x, y):
        *inputs, risk = row.split()
        np.testing.assert_array_equal(xi, [int(v) for v in inputs])
        np.testing.assert_array_equal(yi, [int(c) for c in risk])


def test_credit_risk_network_learns_all_but_the_contradiction():
    x, y = neural.encode_credit_risk()
    r = neural.train_mlp(x, y, neural.init_mlp(4, 4, 3, seed=0), learning_rate=0.3, epochs=3000)
    wrong = np.flatnonzero(r.mlp.predict(x).argmax(1) != y.argmax(1))
    assert len(wrong) == 1 and wrong[0] in (3, 4)  # rows 4 and 5: same inputs, different risk


def test_encode_and_one_hot_reject_bad_input():
    with pytest.raises(ValueError, match="outside the slides' categories"):
        neural.encode_credit_risk([("Bad", "High", "No", "lots", "High")])
    with pytest.raises(ValueError, match="expected 5"):
        neural.encode_credit_risk([("Bad", "High", "No")])
    with pytest.raises(ValueError):
        neural.one_hot([0, 3], 3)
    np.testing.assert_array_equal(neural.one_hot([1], 3), [[0, 1, 0]])


def test_categorical_error():
    # the slide writes 0.05 + 0.02 + 0.03 = 0.08; the sum is 0.10
    assert neural.categorical_error([1, 0, 0], [0.95, 0.02, 0.03]) == pytest.approx(0.10)
    with pytest.raises(ValueError):
        neural.categorical_error([1, 0, 0], [0.95, 0.05])


def test_accuracy():
    assert neural.accuracy([0, 1, 1, 0], [0.2, 0.7, 0.4, 0.1]) == 0.75
    assert neural.accuracy(
        np.eye(3), np.array([[0.8, 0.1, 0.1], [0.5, 0.4, 0.1], [0.1, 0.1, 0.8]])
    ) == pytest.approx(2 / 3)


def test_digits_5x5():
    assert set(neural.DIGITS_5X5) == {6, 9}
    assert (
        ",".join(f"{v:.0f}" for v in neural.DIGITS_5X5[6])
        == "0,1,1,1,0,0,1,0,0,0,1,1,1,0,0,0,1,0,1,0,0,1,1,1,0"
    )
    assert (
        ",".join(f"{v:.0f}" for v in neural.DIGITS_5X5[9])
        == "0,1,1,1,0,0,1,0,1,0,0,1,1,1,0,0,0,0,1,0,0,1,1,1,0"
    )


# --- printing and plotting ---------------------------------------------------------------------


def test_compare_with_slides_and_format():
    assert neural.format_numbers([-0.381, np.nan]) == " -0.381       ?"
    same = neural.compare_with_slides("sums", [-0.3810001, -0.274], [-0.381, -0.274])
    assert same.endswith(" same")
    # a value the slides do not show ("?") is not "the same": the verdict says how many were
    # compared
    partly = neural.compare_with_slides("sums", [-0.3810001, 0.2], [-0.381, np.nan])
    assert partly.endswith("1 of 2 on the slides: same") and "?" in partly
    assert neural.compare_with_slides("d", [0.2367, 0.5], [0.236, np.nan]).endswith(
        "1 of 2 on the slides: differs (1 of 1)"
    )
    assert neural.compare_with_slides("acts", [0.405886, 0.458], [0.405, 0.458]).endswith(
        "differs (1 of 2)"
    )
    with pytest.raises(ValueError, match="2 computed values but 3"):
        neural.compare_with_slides("x", [1, 2], [1, 2, 3])
    np.testing.assert_allclose(neural.truncate([0.405886, -0.0979]), [0.405, -0.097])


def test_plot_logic_draws():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    neural.plot_logic(ax, neural.LOGIC_TARGETS["AND"], [[0.5, 0.5]], "AND")
    assert len(ax.lines) == 1 and ax.get_title() == "AND"
    plt.close(fig)
    with pytest.raises(ValueError):
        neural.plot_logic(ax, [0, 1], [])


def test_plot_neuron_and_network_draw_the_numbers():
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2)
    assert neural.plot_neuron(a, [35, 25], [0.8, 0.1]) == pytest.approx(30.5)
    texts = [t.get_text() for t in a.texts]
    assert {"35", "25", "0.8", "0.1", "sum = 30.5", "1"} <= set(texts)
    assert neural.plot_neuron(a, [35, 25], [-0.8, 0.1]) == pytest.approx(-25.5)
    neural.plot_network(b, neural.XOR_W_HIDDEN, neural.XOR_W_OUTPUT)
    labels = {t.get_text() for t in b.texts}
    assert {
        "-0.424",
        "0.358",
        "-0.740",
        "-0.017",
        "-0.893",
        "0.148",
        "x1",
        "x2",
        "h3",
        "y1",
    } <= labels
    plt.close(fig)
    with pytest.raises(ValueError, match="do not fit"):
        neural.plot_network(b, neural.XOR_W_HIDDEN, np.zeros((2, 1)))
    with pytest.raises(ValueError, match="inputs but"):
        neural.plot_neuron(a, [35, 25], [0.8])


def test_edges_are_red_for_positive_and_blue_for_negative_weights():
    """The same convention as notebook 05's drawings (convolution.plot_dense_step, filters)."""
    import matplotlib.colors as mcolors
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    neural.plot_neuron(ax, [35, 25], [0.8, -0.1])
    colours = {t.get_text(): mcolors.to_hex(t.get_color()) for t in ax.texts}
    assert colours["0.8"] == mcolors.to_hex("tab:red")
    assert colours["-0.1"] == mcolors.to_hex("tab:blue")
    plt.close(fig)
