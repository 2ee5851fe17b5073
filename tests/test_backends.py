"""The course on every Keras backend: setup picks it, autodiff agrees with finite differences
on it, and every shipped reference model loads on it with its card's metric.

Each backend runs in a subprocess (Keras fixes its backend when first imported). A backend
whose library is not installed is skipped; CI installs all three.
"""

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import helpers
from helpers import autodiff
from helpers.setup import BACKEND_MIN_VERSIONS, BACKENDS

ROOT = Path(__file__).resolve().parent.parent


def _installed(backend):
    return importlib.util.find_spec(backend) is not None


def _on(backend):
    return pytest.param(
        backend,
        marks=pytest.mark.skipif(not _installed(backend), reason=f"{backend} is not installed"),
    )


ALL = [_on(b) for b in BACKENDS]


def _run(backend, code, timeout=600):
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=ROOT, timeout=timeout)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


FINITE_DIFFERENCES = """
import json, numpy as np, keras, helpers
from helpers import autodiff
helpers.setup(0, verbose=False)
net = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4, activation="sigmoid"),
                        keras.layers.Dense(3, activation="tanh")])
x = np.random.default_rng(0).normal(size=(6, 5)).astype("float32")
f = lambda xx: keras.ops.convert_to_numpy(net(xx)).astype("float64")
eps = 1e-2
jac = autodiff.batch_jacobian(net, x)
fd = np.stack([(f(x + eps * e) - f(x - eps * e)) / (2 * eps)
               for e in np.eye(5, dtype="float32")], -1)
kernel = net.layers[0].kernel
loss = lambda: keras.ops.mean(net(x) ** 2)
grad = autodiff.gradient(loss, [kernel, net.layers[1].kernel])
w = kernel.numpy().astype("float64")
gfd = np.zeros_like(w)
for idx in np.ndindex(*w.shape):
    for sign in (1, -1):
        w2 = w.copy(); w2[idx] += sign * eps; kernel.assign(w2.astype("float32"))
        gfd[idx] += sign * float(keras.ops.convert_to_numpy(loss())) / (2 * eps)
kernel.assign(w.astype("float32"))
print(json.dumps({"backend": keras.backend.backend(), "jac_shape": list(jac.shape),
                  "jac_err": float(np.abs(jac - fd).max()), "jac_scale": float(np.abs(fd).max()),
                  "grad_shapes": [list(g.shape) for g in grad],
                  "grad_err": float(np.abs(grad[0] - gfd).max()),
                  "grad_scale": float(np.abs(gfd).max())}))
"""


@pytest.mark.parametrize("backend", ALL)
def test_autodiff_agrees_with_finite_differences(backend):
    got = _run(backend, FINITE_DIFFERENCES)
    assert got["backend"] == backend
    assert got["jac_shape"] == [6, 3, 5]
    assert got["grad_shapes"] == [[5, 4], [4, 3]]
    # central differences in float32 at eps = 1e-2: error ~ eps^2 * f''' + rounding / eps
    assert got["jac_err"] <= 2e-3 * max(1.0, got["jac_scale"]), got
    assert got["grad_err"] <= 2e-3 * max(1.0, got["grad_scale"]), got
    assert got["jac_scale"] > 1e-2 and got["grad_scale"] > 1e-3, "a vacuous comparison"


REFERENCES = """
import json, helpers
from helpers import reference
from helpers.data import data_dir
helpers.setup(0, verbose=False)
shipped = sorted(p.name.removesuffix(".weights.h5")
                 for p in (data_dir() / "reference").glob("*.weights.h5"))
out = {}
for name in shipped:
    card, rec = reference.reference_card(name), reference.recipe(name)
    model = reference.load_reference(name)
    out[name] = [float(rec.metric(model, rec.data(card["seed"]).x_test)), card["metric"]["test"]]
print(json.dumps(out))
"""


@pytest.mark.parametrize("backend", [b for b in ALL if b.values[0] != "tensorflow"])
def test_every_reference_model_gives_its_cards_metric_on(backend):
    # (on TensorFlow, tests/test_reference.py checks the same in-process)
    got = _run(backend, REFERENCES, timeout=900)
    shipped = sorted(p.name.removesuffix(".weights.h5")
                     for p in (ROOT / "data" / "reference").glob("*.weights.h5"))
    assert sorted(got) == shipped and shipped
    for name, (value, card) in got.items():
        assert value == pytest.approx(card, rel=1e-4), f"{name} on {backend}: {value} vs {card}"


@pytest.mark.parametrize("backend", ALL)
def test_setup_runs_the_chosen_backend_and_says_so(backend):
    code = ("import json, sys, io, contextlib, helpers, keras\n"
            "buf = io.StringIO()\n"
            "with contextlib.redirect_stdout(buf): helpers.setup(1)\n"
            "print(json.dumps([keras.backend.backend(), buf.getvalue()]))")
    running, banner = _run(backend, code)
    assert running == backend
    assert helpers.setup.__module__ and re.search(
        {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}[backend], banner)
    assert banner.startswith("seed 1 |")


def test_an_unknown_backend_is_refused_by_name():
    env = {**os.environ, "KERAS_BACKEND": "theano"}
    out = subprocess.run([sys.executable, "-c", "import helpers; helpers.setup()"],
                         capture_output=True, text=True, env=env, cwd=ROOT)
    assert out.returncode != 0 and "KERAS_BACKEND must be one of" in out.stderr


def test_a_backend_switch_after_import_is_refused(monkeypatch):
    import keras

    running = keras.backend.backend()
    other = next(b for b in BACKENDS if b != running)
    monkeypatch.setenv("KERAS_BACKEND", other)
    with pytest.raises(RuntimeError, match="restart the kernel"):
        helpers.course_backend()


def test_optional_requirement_files_agree_with_the_minimum_versions():
    for backend, minimum in BACKEND_MIN_VERSIONS.items():
        text = (ROOT / f"requirements-{backend}.txt").read_text(encoding="utf-8")
        assert re.search(r"^-r requirements\.txt$", text, re.MULTILINE), backend
        found = re.search(rf"^{backend}(\[cpu\])?(==|>=)([\d.]+)", text, re.MULTILINE)
        assert found, f"requirements-{backend}.txt must bound {backend}"
        have = tuple(int(p) for p in found.group(3).split(".")[:2])
        assert have >= minimum, f"{backend}: {found.group(3)} is below {minimum}"


def test_autodiff_refuses_bad_input_by_name():
    import keras

    helpers.setup(0, verbose=False)
    with pytest.raises(TypeError, match="fn"):
        autodiff.gradient(3, [keras.Variable(1.0)])
    with pytest.raises(ValueError, match="variables"):
        autodiff.gradient(lambda: 1.0, [])
    with pytest.raises(TypeError, match=r"variables\[0\]"):
        autodiff.gradient(lambda: 1.0, [np.ones(2)])
    v = keras.Variable(np.ones(3, dtype="float32"))
    with pytest.raises(ValueError, match="scalar"):
        autodiff.gradient(lambda: v * 2.0, [v])
    with pytest.raises(ValueError, match="x must be"):
        autodiff.batch_jacobian(lambda x: x, np.ones(3))
    with pytest.raises(TypeError, match="fn"):
        autodiff.batch_jacobian(None, np.ones((2, 3)))


def test_a_variable_fn_ignores_has_a_zero_gradient():
    import keras

    helpers.setup(0, verbose=False)
    a, b = keras.Variable(np.ones(2, dtype="float32")), keras.Variable(np.ones(3, dtype="float32"))
    ga, gb = autodiff.gradient(lambda: keras.ops.sum(a * a), [a, b])
    np.testing.assert_allclose(ga, 2.0)
    np.testing.assert_array_equal(gb, np.zeros(3))
