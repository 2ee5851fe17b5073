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
    "stacked_autoencoder": "02",
    "mean_logit_bias": "03",
    "L1ActivityPenalty": "03",
    "summed_bce": "03",
    "KLSparsity": "03",
    "sigmoid_autoencoder": "03",
    "random_features": "03",
    "GaussianCorruption": "04",
    "unet_denoiser": "04",
    "tied_autoencoder": "05",
    "jacobian_frobenius_sq": "06",
    "ContractiveAutoencoder": "06",
    "bernoulli_nll": "07",
    "gaussian_kl": "07",
    "Sampling": "07",
    "VAE": "07",
    "make_vae": "07",
    "vae_encode": "07",
    "vae_decode": "07",
    "elbo_terms": "07",
    "log_weights": "07",
    "iw_log_likelihood": "07",
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


def test_stacked_autoencoder_mirrors_its_encoder(lessons):
    import keras

    x = np.random.default_rng(0).random((20, 784)).astype("float32")
    model, encoder, decoder = lessons.stacked_autoencoder(
        [16, 8], 3, code_activation=None, activation="gelu", output_bias=lessons.mean_logit_bias(x)
    )
    widths = [layer.units for layer in encoder.layers] + [layer.units for layer in decoder.layers]
    assert widths == [16, 8, 3, 8, 16, 784]
    codes = encoder.predict(x, verbose=0)
    np.testing.assert_allclose(model.predict(x, verbose=0), decoder.predict(codes, verbose=0),
                               rtol=1e-5)
    assert codes.min() < 0, "a linear code takes negative values"
    bias = keras.ops.convert_to_numpy(decoder.layers[-1].bias)
    np.testing.assert_allclose(1 / (1 + np.exp(-bias)), np.clip(x.mean(0), 1e-3, 1 - 1e-3),
                               rtol=1e-5)


def test_l1_activity_penalty_is_an_identity_that_adds_the_batch_mean(lessons):
    import keras

    h = np.array([[0.0, 2.0, -1.0], [0.5, 0.0, 3.0]], dtype="float32")
    layer = lessons.L1ActivityPenalty(0.1)
    out = keras.ops.convert_to_numpy(layer(h))
    np.testing.assert_array_equal(out, h)
    (loss,) = layer.losses
    # 0.1 * mean over the 2 examples of (3.0, 3.5)
    assert float(keras.ops.convert_to_numpy(loss)) == pytest.approx(0.1 * 3.25, rel=1e-6)
    assert lessons.L1ActivityPenalty.from_config(layer.get_config()).lam == 0.1
    with pytest.raises(ValueError, match="lam"):
        lessons.L1ActivityPenalty(-1.0)


def test_train_weight_decay_is_decoupled_and_off_by_default(lessons):
    import keras

    x = np.random.default_rng(0).random((64, 4)).astype("float32")
    norms = {}
    for decay in (None, 0.5):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4)])
        lessons.train(model, x, epochs=3, batch_size=16, lr=1e-2, weight_decay=decay)
        assert model.optimizer.weight_decay == decay
        norms[decay] = float(np.linalg.norm(keras.ops.convert_to_numpy(model.layers[0].kernel)))
    assert norms[0.5] < norms[None], f"weight decay should shrink the kernel: {norms}"


def _tiny_vae(lessons, beta=1.0):
    import keras

    keras.utils.set_random_seed(0)
    return lessons.make_vae(3, (8,), input_dim=12, beta=beta, seed=0)


def test_vae_loss_is_reconstruction_plus_beta_kl(lessons):
    import keras

    x = np.random.default_rng(0).random((16, 12)).astype("float32")
    vae = _tiny_vae(lessons, beta=2.5)
    logits, mu, log_var = (keras.ops.convert_to_numpy(t) for t in vae(x))
    assert logits.shape == (16, 12) and mu.shape == log_var.shape == (16, 3)
    loss = float(keras.ops.convert_to_numpy(vae.compute_loss(x, x, (logits, mu, log_var))))
    p = 1 / (1 + np.exp(-logits.astype("float64")))
    bce = -(x * np.log(p) + (1 - x) * np.log(1 - p)).sum(1)
    kl = 0.5 * (mu**2 + np.exp(log_var) - log_var - 1).sum(1)
    assert loss == pytest.approx(float(np.mean(bce + 2.5 * kl)), rel=1e-5)
    history = lessons.train(vae, x, epochs=2, batch_size=8, lr=1e-2, loss=None)
    assert np.all(np.isfinite(history.history["loss"]))


def test_gaussian_kl_is_zero_at_the_prior_and_matches_one_dimension(lessons):
    import keras

    kl = keras.ops.convert_to_numpy(lessons.gaussian_kl(np.array([[0.0, 1.0]]),
                                                        np.array([[0.0, np.log(0.25)]])))
    # dimension 1 is the prior (0 nats); dimension 2: N(1, 0.5^2) -> log 2 + (0.25 + 1)/2 - 1/2
    assert float(kl[0]) == pytest.approx(np.log(2) + 0.625 - 0.5, rel=1e-6)


def test_elbo_terms_and_importance_weights_agree(lessons):
    x = np.random.default_rng(1).random((10, 12)).astype("float32")
    vae = _tiny_vae(lessons)
    rec, kl = lessons.elbo_terms(vae, x, n_draws=200, seed=0)
    logw = lessons.log_weights(vae, x, 200, seed=0)
    assert logw.shape == (10, 200)
    # the mean log weight estimates the ELBO = -(rec + kl); 200 draws each, so within ~1 nat
    np.testing.assert_allclose(logw.mean(1), -(rec + kl), atol=1.0)
    iw = lessons.iw_log_likelihood(vae, x, 200, seed=0, rows=10_000)
    assert np.all(iw >= logw.mean(1) - 1e-9), "L_k >= the mean log weight of the same draws"
    mu, _ = lessons.vae_encode(vae, x)
    images = lessons.vae_decode(vae, mu)
    assert images.shape == (10, 12) and images.min() > 0 and images.max() < 1


def test_vae_builders_refuse_bad_arguments(lessons):
    with pytest.raises(ValueError, match="latent_dim"):
        lessons.make_vae(0)
    with pytest.raises(ValueError, match="hidden"):
        lessons.make_vae(2, (8, -1))
    with pytest.raises(ValueError, match="beta"):
        lessons.make_vae(2, (8,), beta=-1.0)
    vae = _tiny_vae(lessons)
    x = np.zeros((2, 12), "float32")
    with pytest.raises(ValueError, match="n_draws"):
        lessons.elbo_terms(vae, x, n_draws=0)
    with pytest.raises(ValueError, match="k must"):
        lessons.log_weights(vae, x, 0)


def test_gaussian_corruption_is_fresh_in_training_and_the_identity_outside(lessons):
    import keras

    x = np.full((4, 28, 28, 1), 0.5, dtype="float32")
    layer = lessons.GaussianCorruption(0.5, seed=0)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(x)), x)
    a = keras.ops.convert_to_numpy(layer(x, training=True))
    b = keras.ops.convert_to_numpy(layer(x, training=True))
    assert a.min() >= 0 and a.max() <= 1 and not np.array_equal(a, b), "fresh noise per call"
    expected = np.clip(0.5 + 0.5 * np.random.default_rng(0).standard_normal(10**6), 0, 1).std()
    assert float(np.std(a)) == pytest.approx(expected, abs=0.01), "clip(x + 0.5·ε, 0, 1)"
    blind = keras.ops.convert_to_numpy(lessons.GaussianCorruption(0.0, 1.0, seed=0)(
        np.full((500, 28, 28, 1), 0.5, dtype="float32"), training=True))
    spread = blind.reshape(500, -1).std(axis=1)
    assert spread.min() < 0.1 and spread.max() > 0.4, "one σ per image, drawn from U[0, 1]"


def test_unet_denoiser_keeps_the_image_size_and_goes_down_to_7x7(lessons):
    model = lessons.unet_denoiser(4)
    assert model.output_shape == (None, 28, 28, 1)
    sizes = {layer.output.shape[1] for layer in model.layers if "conv" in layer.name}
    assert sizes == {7, 14, 28}
    assert sum("concatenate" in layer.name for layer in model.layers) == 2, "two skips"
    out = model.predict(np.random.default_rng(0).random((2, 28, 28, 1)), verbose=0)
    assert out.min() > 0 and out.max() < 1


def test_contractive_autoencoder_penalty_matches_autodiff_and_rejects_bad_strengths(lessons):
    import keras

    from helpers.autodiff import batch_jacobian

    x = np.random.default_rng(0).random((3, 784)).astype("float32")
    model = lessons.ContractiveAutoencoder(x, code_size=8, lam=0.1)
    model(x)
    closed = keras.ops.convert_to_numpy(
        lessons.jacobian_frobenius_sq(model.encoder(x), model.encoder.kernel))
    auto = np.sum(batch_jacobian(model.encoder, x) ** 2, axis=(1, 2))
    np.testing.assert_allclose(closed, auto, rtol=1e-5)
    bce, jac_sq = model.loss_terms(x, model(x))
    assert float(jac_sq) == pytest.approx(float(closed.mean()), rel=1e-5) and float(bce) > 0
    decayed = lessons.ContractiveAutoencoder(x, code_size=8, encoder_decay=0.5)
    decayed(x)
    assert len(decayed.losses) == 1, "weight decay on the encoder's kernel only"
    for name in ("lam", "noise_std", "encoder_decay"):
        with pytest.raises(ValueError, match=name):
            lessons.ContractiveAutoencoder(x, **{name: -1.0})


def test_lesson03_kl_sparsity_and_summed_bce_match_their_formulas(lessons):
    import keras

    h = np.array([[0.2, 0.1, 0.5]] + [[0.0, 0.3, 0.5]] * 3, dtype="float32")
    layer = lessons.KLSparsity(rho=0.05, beta=2.0)
    layer(h)
    rho, rho_hat = 0.05, np.clip(h.mean(axis=0), 1e-6, 1 - 1e-6)
    kl = rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat))
    assert float(keras.ops.convert_to_numpy(layer.losses[0])) == pytest.approx(2 * kl.sum(),
                                                                               rel=1e-5)
    for bad in ({"rho": 0.0}, {"rho": 1.0}, {"beta": -1.0}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            lessons.KLSparsity(**bad)
    x, x_hat = np.array([[1.0, 0.0]], "float32"), np.array([[0.8, 0.3]], "float32")
    expected = -(np.log(0.8) + np.log(0.7))
    assert float(keras.ops.convert_to_numpy(lessons.summed_bce(x, x_hat))[0]) == pytest.approx(
        expected, rel=1e-5)


def test_lesson03_random_features_and_sigmoid_autoencoder(lessons):
    import warnings

    import keras

    from scipy.special import expit

    rng = np.random.default_rng(0)
    x, kernel = rng.random((5, 784)), rng.normal(size=(784, 8))
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # no overflow at a large scale
        big = lessons.random_features(x, kernel, "sigmoid", 256)
    np.testing.assert_allclose(big, expit(256 * (x @ kernel)), atol=1e-12)
    np.testing.assert_allclose(lessons.random_features(x, kernel, "relu", 2),
                               np.maximum(2 * (x @ kernel) - 1, 0))
    autoencoder, encoder = lessons.sigmoid_autoencoder(
        x.astype("float32"), 16, lessons.KLSparsity(), encoder_l2=0.01, decoder_l2=0.001,
        learning_rate=1e-3, decay_steps=10)
    assert encoder.output_shape == (None, 16) and autoencoder.output_shape == (None, 784)
    assert len(autoencoder.losses) == 2   # the two weight decays (the KL loss appears in a call)
    # Adam's step size: a cosine from 1e-3 down to 0 at step 10
    schedule = keras.optimizers.schedules.deserialize(
        autoencoder.optimizer.get_config()["learning_rate"])
    assert isinstance(schedule, keras.optimizers.schedules.CosineDecay)
    values = [float(keras.ops.convert_to_numpy(schedule(step))) for step in (0, 5, 10)]
    assert values == pytest.approx([1e-3, 5e-4, 0.0], abs=1e-9)
    for bad in (0, 2.5, True):
        with pytest.raises(ValueError, match="decay_steps"):
            lessons.sigmoid_autoencoder(x.astype("float32"), 16, encoder_l2=0.01,
                                        decoder_l2=0.001, learning_rate=1e-3, decay_steps=bad)
