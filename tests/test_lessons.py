"""The pieces in helpers.lessons are the ones the lessons teach, and each is written once.

Each piece is shown in full in the notebook that teaches it and imported elsewhere. This test
compares the two definitions as code (docstrings and comments aside), so they cannot drift, and
checks that no other lesson writes the same piece again under its name.
"""

import ast
import inspect
import json
from pathlib import Path

import numpy as np
import pytest

import helpers

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
TAUGHT_IN = {
    "DenseTransposed": "01",
    "pca_reconstruct": "01",
    "train": "01",
    "mean_logit_bias": "03",
}


def _without_docstrings(node: ast.AST) -> str:
    for sub in ast.walk(node):
        body = getattr(sub, "body", None)
        if (
            isinstance(sub, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(getattr(body[0], "value", None), ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            sub.body = body[1:] or [ast.Pass()]
    return ast.dump(node, annotate_fields=False)


def _definitions(notebook: Path) -> dict[str, ast.AST]:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    found = {}
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "\n".join(
            line
            for line in "".join(cell["source"]).splitlines()
            if not line.lstrip().startswith(("%", "!"))
        )
        for node in ast.parse(source).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                found[node.name] = node
    return found


def _notebook(number: str) -> Path:
    (path,) = NOTEBOOKS.glob(f"{number}_*.ipynb")
    return path


@pytest.fixture(scope="module")
def lessons():
    helpers.setup(0, verbose=False)
    from helpers import lessons as module

    return module


@pytest.mark.parametrize("name", sorted(TAUGHT_IN))
def test_the_teaching_notebook_shows_the_same_code(lessons, name):
    notebook = _notebook(TAUGHT_IN[name])
    shown = _definitions(notebook).get(name)
    assert shown is not None, f"{notebook.name} teaches {name} and must define it in a cell"
    module_node = ast.parse(inspect.getsource(getattr(lessons, name))).body[0]
    assert _without_docstrings(shown) == _without_docstrings(module_node), (
        f"{name} in {notebook.name} and in helpers/lessons.py differ: change both together"
    )
    assert f"lesson {TAUGHT_IN[name]}" in getattr(lessons, name).__doc__


@pytest.mark.parametrize("name", sorted(TAUGHT_IN))
def test_no_other_lesson_writes_the_piece_again(name):
    for notebook in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        if notebook.name.startswith(TAUGHT_IN[name]):
            continue
        assert name not in _definitions(notebook), (
            f"{notebook.name} defines {name} again: import it from helpers.lessons"
        )


def test_dense_transposed_shares_the_encoder_kernel(lessons):
    import keras

    dense = keras.layers.Dense(3, use_bias=False)
    h = dense(np.ones((2, 5), "float32"))
    tied = lessons.DenseTransposed(dense, activation="sigmoid", use_bias=True)
    out = keras.ops.convert_to_numpy(tied(h))
    kernel = keras.ops.convert_to_numpy(dense.kernel)
    expected = 1 / (1 + np.exp(-(keras.ops.convert_to_numpy(h) @ kernel.T)))
    np.testing.assert_allclose(out, expected, rtol=1e-5)
    inputs = keras.Input((5,))
    model = keras.Model(inputs, lessons.DenseTransposed(dense, use_bias=True)(dense(inputs)))
    assert model.count_params() == 5 * 3 + 5, "the kernel is counted once: only the bias is new"


def test_pca_reconstruct_matches_sklearn_for_raw_data(lessons):
    from sklearn.decomposition import PCA

    x = np.random.default_rng(0).normal(size=(200, 6)) + 5.0
    pca = PCA(n_components=3).fit(x)
    np.testing.assert_allclose(
        lessons.pca_reconstruct(pca, x, 3), pca.inverse_transform(pca.transform(x)), atol=1e-10
    )


def test_train_decays_the_learning_rate_to_alpha(lessons):
    import keras

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4)])
    x = np.random.default_rng(0).random((64, 4)).astype("float32")
    history = lessons.train(model, x, epochs=2, batch_size=16, lr=1e-2, alpha=0.1)
    assert len(history.history["loss"]) == 2
    lr = model.optimizer.learning_rate
    assert float(keras.ops.convert_to_numpy(lr)) == pytest.approx(1e-3, rel=1e-3)


def test_mean_logit_bias_starts_the_decoder_at_the_mean_image(lessons):
    x = np.random.default_rng(0).random((50, 8)).astype("float32")
    bias = np.asarray(lessons.mean_logit_bias(x)(shape=(8,)))
    np.testing.assert_allclose(1 / (1 + np.exp(-bias)), x.mean(axis=0), rtol=1e-5)
