"""The trained network as a standalone NumPy script in the tutorial's style, its weights in an .npz beside it.

``write_script(path, trainer)`` writes ``model.py`` and ``model_weights.npz``. The script names things
as the tutorial does (w1, b1, ..., in_hidden_1, out_hidden_1, ..., in_output_layer, y_hat, grad_w3,
error_grad_upto_H2), with W of shape (out, in) and one column per sample, and is written out layer by
layer for any depth. It prints the network's predictions on the first training samples and the loss on
the whole training set.

With ``training=True`` the script instead trains the network again from the run's seed and prints the
loss before and after training, which equal the engine's bit for bit: it draws the data, the initial
weights and the shuffle orders exactly as ``engine.config.build`` and ``engine.trainer.Trainer`` do, and
performs every floating-point operation of ``engine/backprop.py``, ``engine/losses.py`` (the cross-entropies
from the output layer's logits) and ``engine/optimizers.py`` in the same order on arrays of the same memory
layout (which is why some lines differ from the tutorial's: the comments beside them say how). The
weights file then holds the engine's final weights, and the script checks its own against them. It
reproduces a run trained with the configuration's hyperparameters throughout: a learning rate changed
while the run trained is not in the file.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .atomic import atomic_open
from .departures import departure_note
from .script_data import data_code, travels

PREVIEW = 10  # predictions printed by the prediction script

# name -> (forward function, derivative function) definitions, in the engine's operation order
FUNCTIONS = {
    "sigmoid": ('''\
def sig(x):  # Sigmoid; -x capped so that exp cannot overflow (the engine's form)
    return 1 / (1 + np.exp(np.minimum(-x, EXP_CAP)))
''', '''\
def sig_dash(s):  # Sigmoid derivative from its output s = sig(x): the tutorial's sig(x) * (1 - sig(x))
    return (1 - s) * s
'''),
    "tanh": ('''\
def tanh(x):  # tanh
    return np.tanh(x)
''', '''\
def tanh_dash(t):  # tanh derivative from its output t = tanh(x)
    return 1 - t * t
'''),
    "relu": ('''\
def relu(x, leak = 0):  # ReLU, with a leak on the negative side
    return np.where(x <= 0, leak * x, x)
''', '''\
def relu_dash(x, leak = 0):  # ReLU derivative: the leak (not 0) at and below 0
    return np.where(x <= 0, leak, 1.0).astype(x.dtype)
'''),
    "linear": ('''\
def linear(x):  # no activation
    return x
''', ""),
    "softmax": ('''\
def softmax(x):  # over the units of each column, minus the column's max so exp cannot overflow
    e = np.exp(x - x.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)
''', '''\
def softmax_backward(grad, s):  # Jacobian of softmax times grad, per column: s * (grad - sum(grad * s))
    return (grad - (grad * s).sum(axis=0, keepdims=True)) * s
'''),
}
FUNCTIONS["leaky_relu"] = FUNCTIONS["relu"]

LOSSES = {
    "mse": '''\
def mse(y_true, y_pred):  # MSE, as a dot product (the engine's form of np.mean((y_true - y_pred)**2))
    d = (y_pred - y_true).ravel()
    return float(d.dot(d)) / d.size
''',
    # the cross-entropies from the output layer's logits z (engine/losses.py): log-sigmoid and
    # log-softmax, so the loss stays exact where sigmoid or softmax round to 0 or 1
    "bce": '''\
def bce(y_true, z):  # binary cross-entropy of p = sig(z), from z: max(z, 0) - y z + log(1 + e^-|z|)
    return float(np.mean(np.maximum(z, 0) - y_true * z + np.log1p(np.exp(-np.abs(z)))))
''',
    "cce": '''\
def cce(y_true, z):  # categorical cross-entropy of p = softmax(z), from z: log p = z - log(sum(e^z)) per column
    shifted = z - z.max(axis=0, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    return float(-np.sum(y_true * log_p) / y_true.shape[1])
''',
}
MSE_GRAD = '''\
def mse_grad(y_true, y_pred):  # MSE derivative, -2 (y_true - y_pred) / N as the engine computes it
    return (y_pred - y_true) * (2 / y_pred.size)
'''


def loss_line(loss: str, y: str) -> str:
    """The script's expression for the loss against targets ``y`` after the forward lines: MSE of y_hat,
    the cross-entropies of the output layer's logits in_output_layer (as engine/losses.py computes them)."""
    return f"{loss}({y}, {'y_hat' if loss == 'mse' else 'in_output_layer'})"


def _call(act, x: str) -> str:
    """The script's expression for act applied to the variable ``x``."""
    if act.name == "leaky_relu":
        return f"relu({x}, leak = {act.alpha!r})"
    return f"{ {'sigmoid': 'sig'}.get(act.name, act.name)}({x})"


def _names(L: int):
    """(z names, a names) per layer 1..L: in_hidden_l / out_hidden_l, then in_output_layer / y_hat."""
    zs = [f"in_hidden_{l}" for l in range(1, L)] + ["in_output_layer"]
    acts = [f"out_hidden_{l}" for l in range(1, L)] + ["y_hat"]
    return zs, acts


def forward_lines(network, x: str = "x") -> list[str]:
    zs, acts = _names(network.n_layers)
    lines, a = [], x
    for l, act in enumerate(network.activations, start=1):
        lines += [f"{zs[l - 1]} = w{l}.dot({a}) + b{l}", f"{acts[l - 1]} = {_call(act, zs[l - 1])}"]
        a = acts[l - 1]
    return lines


def _cross_activation(act, grad: str, z: str, a: str) -> str:
    """The expression for grad times the activation's derivative (the line Jumping Back crosses)."""
    if act.name == "sigmoid":
        return f"{grad} * sig_dash({a})"
    if act.name == "tanh":
        return f"{grad} * tanh_dash({a})"
    if act.name in ("relu", "leaky_relu"):
        leak = f", leak = {act.alpha!r}" if act.name == "leaky_relu" else ""
        return f"{grad} * relu_dash({z}{leak})"
    if act.name == "softmax":
        return f"softmax_backward({grad}, {a})"
    return grad  # linear: the derivative is 1


def backward_lines(network, loss: str) -> list[str]:
    """Jumping Back from y to w1, leaving grad_w{l}, grad_b{l} for every layer."""
    L = network.n_layers
    zs, acts = _names(L)
    out = network.activations[-1]
    lines = ["ones = np.ones((x.shape[1], 1), dtype)  # grad_b = the gradient summed over the batch: a product with ones"]
    if loss == "mse":
        lines.append(f"error_grad_upto_I_OL = {_cross_activation(out, 'mse_grad(y, y_hat)', zs[-1], 'y_hat')}"
                     "  # cross the loss line, then the output's activation line")
    else:  # sigmoid + bce, softmax + cce: both lines at once, (y_hat - y) / N
        scale = "y.size" if loss == "bce" else "y.shape[1]"
        lines.append(f"error_grad_upto_I_OL = (y_hat - y) * (1.0 / {scale})"
                     f"  # the loss and the {out.name} line crossed together")
    delta = "error_grad_upto_I_OL"
    for l in range(L, 0, -1):
        below = acts[l - 2] if l > 1 else "x"
        lines += [f"grad_w{l} = {delta}.dot({below}.T)", f"grad_b{l} = {delta}.dot(ones)"]
        if l > 1:
            # Rule 2 (sum over axis 0 of the gradient broadcast with w) is this matrix product.
            lines.append(f"error_grad_upto_H{l - 1} = w{l}.T.dot({delta})  # jump back over w{l}")
            nxt = f"error_grad_upto_I_H{l - 1}"
            lines.append(f"{nxt} = {_cross_activation(network.activations[l - 2], f'error_grad_upto_H{l - 1}', zs[l - 2], acts[l - 2])}")
            delta = nxt
    return lines


def _params(L: int) -> list[str]:
    return [p for l in range(1, L + 1) for p in (f"w{l}", f"b{l}")]


def update_lines(config, L: int) -> list[str]:
    """The optimizer's step on every parameter, as engine/optimizers.py computes it."""
    lines = []
    if config.weight_decay:
        lines += [f"grad_w{l} = grad_w{l} + weight_decay * w{l}  # L2 on the weights, not the biases"
                  for l in range(1, L + 1)]
    if config.optimizer == "adam":
        lines.append("t += 1")
    for p in _params(L):
        if config.optimizer == "sgd":
            lines.append(f"update_{p} = - learning_rate * grad_{p}")
        elif config.optimizer == "momentum":
            lines += [f"velocity_{p} = momentum * velocity_{p} + learning_rate * grad_{p}",
                      f"update_{p} = - velocity_{p}"]
        else:
            lines.append(f"update_{p}, m_{p}, v_{p} = adam(grad_{p}, m_{p}, v_{p}, t)")
        lines.append(f"{p} += update_{p}")
    return lines


ADAM = '''\
def adam(grad, m, v, t):  # Adam (Kingma & Ba, 2015), in the engine's operation order
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * (grad * grad)
    step = m / (np.sqrt(v * (1 / (1 - beta2 ** t))) + epsilon)
    return - step * (learning_rate / (1 - beta1 ** t)), m, v
'''


def _functions(network, loss: str, training: bool) -> list[str]:
    defs = []
    for act in network.activations:
        f, d = FUNCTIONS[act.name]
        for text in (f, d if training else ""):
            if text and text not in defs:
                defs.append(text)
    defs.append(LOSSES[loss])
    if training and loss == "mse":
        defs.append(MSE_GRAD)
    return defs


def _constants(network) -> list[str]:
    dt = network.dtype
    lines = [f"dtype = np.{dt.name}"]
    if any(a.name == "sigmoid" for a in network.activations):
        lines.append(f"EXP_CAP = {708.0 if dt == np.float64 else 88.0}  # exp(708) is near float64's limit, exp(88) float32's")
    return lines


def _header(trainer, training: bool, weights_name: str) -> list[str]:
    c = trainer.config
    what = ("Trains it again from the seed and prints the loss before and after training, bit for bit the\n"
            "engine's; then checks its final weights against those in " if training else
            "Prints its predictions on the first training samples and the loss on the training set;\nthe weights are in ")
    return ['"""Backprop Lab: the network ' + trainer.network.describe() + f", {c.loss}, {c.optimizer}, on '{trainer.data.name}'.",
            "",
            what + f"{weights_name} (beside this file). Needs only NumPy.",
            *([] if not (training and departure_note(trainer)) else ["", "Note: " + departure_note(trainer) + "."]),
            '"""',
            "from pathlib import Path",
            "",
            "import numpy as np",
            "",
            f"weights = np.load(Path(__file__).with_name({weights_name!r}))"]


def _join(parts: list) -> str:
    out = []
    for part in parts:
        out.append(part if isinstance(part, str) else "\n".join(part))
    return "\n\n".join(p.rstrip("\n") for p in out if p) + "\n"


def _indent(lines: list[str], n: int) -> list[str]:
    return [" " * n + s if s else s for s in lines]


def prediction_script(trainer, weights_name: str) -> str:
    net, c = trainer.network, trainer.config
    L = net.n_layers
    shapes = [a.shape for wb in zip(net.weights, net.biases) for a in wb]
    load = [f"{p} = weights[{p!r}]  # {shape}" for p, shape in zip(_params(L), shapes)]
    load += ["x = weights['x']  # the training inputs, one column per sample", "y = weights['y']  # their targets"]
    body = forward_lines(net) + [
        "",
        "np.set_printoptions(precision=6, suppress=True)",
        f"print('the first {PREVIEW} training samples: prediction y_hat, target y')",
        f"for i in range(min({PREVIEW}, x.shape[1])):",
        "    print(f'sample {i + 1}: y_hat {y_hat[:, i]}  y {y[:, i]}')",
        f"print(f'loss on the {{x.shape[1]}} training samples is {{{loss_line(c.loss, 'y')}!r}}')"]
    return _join([_header(trainer, False, weights_name), _constants(net), *_functions(net, c.loss, False),
                   load, body])


def _init_lines(net, init: str) -> list[str]:
    lines = []
    for l, w in enumerate(net.weights, start=1):
        n_out, n_in = w.shape
        if init == "uniform":
            draw = f"rng.random_sample(size = ({n_out}, {n_in}))  # the tutorial's np.random.random"
        elif init == "xavier":
            draw = f"xavier({n_out}, {n_in})"
        else:
            draw = f"he({n_out}, {n_in})"
        cast = ".astype(dtype)" if net.dtype != np.float64 else ""
        if cast and "#" in draw:
            draw = draw.replace("  #", f"{cast}  #")
        else:
            draw += cast
        lines += [f"w{l} = {draw}", f"b{l} = np.zeros(shape = ({n_out}, 1), dtype = dtype)"]
    return lines


INITS = {"xavier": '''\
def xavier(n_out, n_in):  # Glorot's uniform(-r, r), r = sqrt(6 / (in + out))
    r = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-r, r, size = (n_out, n_in))
''', "he": '''\
def he(n_out, n_in):  # normal(0, sqrt(2 / in))
    return rng.standard_normal(size = (n_out, n_in)) * np.sqrt(2.0 / n_in)
''', "uniform": ""}


def training_script(trainer, weights_name: str) -> str:
    net, c = trainer.network, trainer.config
    L = net.n_layers
    n = trainer.n
    B = trainer.batch_size
    steps_per_epoch = math.ceil(n / B)
    epochs, partial = divmod(trainer.steps, steps_per_epoch)
    data_defs, data_lines = data_code(c, trainer.data)
    hyper = {"learning_rate": c.learning_rate}
    if c.optimizer == "momentum":
        hyper["momentum"] = c.momentum
    if c.optimizer == "adam":
        hyper.update(beta1=c.beta1, beta2=c.beta2, epsilon=c.epsilon)
    if c.weight_decay:
        hyper["weight_decay"] = c.weight_decay
    setup = ["# Step 1: the data and the initial weights, drawn from one generator seeded as the engine seeds it",
             f"rng = np.random.RandomState({c.seed})  # the tutorial's np.random.seed({c.seed}), as a generator of its own",
             *data_lines, *_init_lines(net, c.init),
             "# the shuffling generator's seed is the next draw",
             "shuffle_rng = np.random.RandomState(int(rng.randint(0, 2**31 - 1)))",
             "# one column per sample, stored column by column as the engine stores them (the order of the",
             "# sums inside a matrix product follows the memory layout)",
             "X = np.asfortranarray(x_train, dtype = dtype)",
             "Y = np.asfortranarray(y_train, dtype = dtype)"]
    state = []
    if c.optimizer == "momentum":
        state = [f"velocity_{p} = np.zeros_like({p})" for p in _params(L)]
    elif c.optimizer == "adam":
        state = ["t = 0"] + [f"m_{p}, v_{p} = np.zeros_like({p}), np.zeros_like({p})" for p in _params(L)]
    opt = ["# Step 2: the optimizer", *[f"{k} = {v!r}" for k, v in hyper.items()], *state,
           f"batch_size = {B}", f"n = X.shape[1]  # {n} training sample{'s' if n != 1 else ''}",
           f"epochs = {epochs}" + (f"  # and {partial} step(s) of one more" if partial else "")]
    fwd = ["def loss_of(x, y):  # the network's loss on x, y, as the engine evaluates it", *_indent(forward_lines(net), 4),
           f"    return {loss_line(c.loss, 'y')}"]
    step = [*forward_lines(net), f"loss = {loss_line(c.loss, 'y')}", "# Step 3.2: Jumping Back",
            *backward_lines(net, c.loss), "# Step 3.3: the update", *update_lines(c, L)]
    epoch = ["if batch_size < n:  # a new order every epoch; the full batch is never shuffled",
             "    order = shuffle_rng.permutation(n)",
             "    X_epoch, Y_epoch = np.asfortranarray(X[:, order]), np.asfortranarray(Y[:, order])",
             "else:",
             "    X_epoch, Y_epoch = X, Y",
             "for start in range(0, n, batch_size):",
             "    x, y = X_epoch[:, start:start + batch_size], Y_epoch[:, start:start + batch_size]",
             *_indent(step, 4)]
    report = max(1, epochs // 10)
    loop = [f"print(f'loss before training is {{loss_of(X, Y)!r}}')",
            "# Step 3: the training loop, one mini-batch per step",
            "for epoch in range(epochs):",
            *_indent(epoch, 4),
            f"    if (epoch + 1) % {report} == 0:",
            f"        print(f'epoch {{epoch + 1}}: loss {{loss_of(X, Y)!r}}')"]
    if partial:
        loop += [f"# the run stopped {partial} step(s) into epoch {epochs + 1}",
                 "if batch_size < n:",
                 "    order = shuffle_rng.permutation(n)",
                 "    X_epoch, Y_epoch = np.asfortranarray(X[:, order]), np.asfortranarray(Y[:, order])",
                 f"for start in range(0, {partial} * batch_size, batch_size):",
                 "    x, y = X_epoch[:, start:start + batch_size], Y_epoch[:, start:start + batch_size]",
                 *_indent(step, 4)]
    end = ["# Step 4: the loss after training, and the weights against the engine's",
           f"print(f'loss after training is {{loss_of(X, Y)!r}}')",
           "same = all(np.array_equal(value, weights[name]) for name, value in [" +
           ", ".join(f"({p!r}, {p})" for p in _params(L)) + "])",
           "print(f'final weights equal the engine\\'s: {same}')"]
    if departure_note(trainer):
        end.append("print('(not expected to: see the note at the top of this file)')")
    defs = [*_functions(net, c.loss, True), *data_defs, INITS[c.init]]
    if c.optimizer == "adam":
        defs.append(ADAM)
    return _join([_header(trainer, True, weights_name), _constants(net), *defs, setup, opt, fwd, loop, end])


def write_script(path, trainer, training: bool = False) -> tuple[Path, Path]:
    """Write the script to ``path`` and its weights to ``<stem>_weights.npz`` beside it, atomically.
    Returns (script path, weights path). A training script of a run that departed from its configuration
    (``engine.departures``) says so at its top and at its end. ``trainer`` comes from ``engine.config.build`` or a run file."""
    path = Path(path)
    weights_path = path.with_name(f"{path.stem}_weights.npz")
    net = trainer.network
    arrays = {}
    for l, (w, b) in enumerate(zip(net.weights, net.biases), start=1):
        arrays[f"w{l}"], arrays[f"b{l}"] = w.copy(), b.copy()
    if training:
        text = training_script(trainer, weights_path.name)
        if travels(trainer.config):
            arrays["x_train"], arrays["y_train"] = trainer.data.X_train, trainer.data.Y_train
    else:
        text = prediction_script(trainer, weights_path.name)
        # column by column, as the engine stores them, so the printed loss is the engine's to the last bit
        arrays["x"] = np.asfortranarray(trainer.data.X_train, net.dtype)
        arrays["y"] = np.asfortranarray(trainer.data.Y_train, net.dtype)
    with atomic_open(weights_path, "wb") as f:
        np.savez(f, **arrays)
    with atomic_open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path, weights_path
