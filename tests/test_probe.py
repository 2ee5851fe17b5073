import numpy as np
import pytest

from helpers import probe


def _blobs(n, d=20, noise=1.0, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(3, d)) * 1.5
    y = rng.integers(0, 3, size=n)
    return centres[y] + noise * rng.normal(size=(n, d)), y


def test_tuned_probe_reads_separable_features():
    x, y = _blobs(600)
    fit = probe.tune_linear_probe(x[:300], y[:300], x[300:], y[300:])
    assert fit.best_val_accuracy > 0.9
    assert fit.C in fit.val_accuracy and fit.n_iter > 0
    assert np.mean(fit.predict(x[300:]) == y[300:]) == pytest.approx(fit.best_val_accuracy)


def test_grid_is_widened_until_the_choice_is_inside():
    # on these data the best C is above the starting grid
    x, y = _blobs(400, d=150, noise=4.0, seed=1)
    fit = probe.tune_linear_probe(x[:40], y[:40], x[40:], y[40:], Cs=(1.0, 3.0, 10.0))
    assert max(fit.val_accuracy) > 10.0, "the grid should have grown above 10"
    assert fit.inside_grid and fit.C > 10.0


def test_a_flat_plateau_stops_the_widening():
    # C so small that every probe predicts the same class: one widening step, then stop
    x, y = _blobs(400, d=150, noise=4.0, seed=1)
    fit = probe.tune_linear_probe(x[:40], y[:40], x[40:], y[40:], Cs=(1e-6, 3e-6, 1e-5))
    assert len(fit.val_accuracy) == 4 and fit.C == 1e-6 and fit.inside_grid


def test_warm_started_path_matches_a_cold_fit():
    from sklearn.linear_model import LogisticRegression

    x, y = _blobs(400, seed=2)
    fit = probe.tune_linear_probe(x[:200], y[:200], x[200:], y[200:], max_widen=0)
    xs = ((x - x[:200].mean(0)) / x[:200].std(0)).astype(np.float32)
    cold = LogisticRegression(C=fit.C, max_iter=2000, tol=1e-8).fit(xs[:200], y[:200])
    np.testing.assert_allclose(fit.model.coef_, cold.coef_, atol=2e-2)


def test_a_probe_that_does_not_converge_raises():
    x, y = _blobs(300, seed=3)
    with pytest.raises(RuntimeError, match="max_iter"), pytest.warns(UserWarning):
        probe.tune_linear_probe(x[:150], y[:150], x[150:], y[150:], max_iter=1)


def test_several_feature_sets_in_parallel_keep_their_order():
    x, y = _blobs(400, seed=4)
    sets = {"all": (x[:200], x[200:]), "half": (x[:200, :10], x[200:, :10])}
    fits = probe.tune_linear_probes(sets, y[:200], y[200:])
    assert list(fits) == ["all", "half"]
    assert fits["all"].mean.shape == (20,) and fits["half"].mean.shape == (10,)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"Cs": (0.1, 1.0)}, "Cs"),
        ({"Cs": (0.0, 0.1, 1.0)}, "Cs"),
        ({"max_iter": 0}, "max_iter"),
        ({"max_widen": -1}, "max_widen"),
    ],
)
def test_bad_settings_are_named(kwargs, message):
    x, y = _blobs(100)
    with pytest.raises(ValueError, match=message):
        probe.tune_linear_probe(x[:50], y[:50], x[50:], y[50:], **kwargs)


def test_bad_inputs_are_named():
    x, y = _blobs(100)
    with pytest.raises(ValueError, match="val_features"):
        probe.tune_linear_probe(x[:50], y[:50], x[50:, :5], y[50:])
    with pytest.raises(ValueError, match="train_labels"):
        probe.tune_linear_probe(x[:50], y[:40], x[50:], y[50:])
    with pytest.raises(ValueError, match="val_labels"):
        probe.tune_linear_probe(x[:50], y[:50], x[50:], y[:10])
    with pytest.raises(ValueError, match="features"):
        probe.tune_linear_probe(x[:50], y[:50], x[50:], y[50:]).predict(x[:, :3])
    with pytest.raises(ValueError, match="feature_sets"):
        probe.tune_linear_probes({"a": x}, y, y)


def test_each_feature_set_can_have_its_own_grid():
    x, y = _blobs(400, seed=5)
    sets = {"a": (x[:200], x[200:]), "b": (x[:200, :10], x[200:, :10])}
    grids = {"a": (0.1, 0.3, 1.0, 3.0), "b": (10.0, 30.0, 100.0)}
    fits = probe.tune_linear_probes(sets, y[:200], y[200:], Cs=grids, max_widen=0)
    assert list(fits["a"].val_accuracy) == [0.1, 0.3, 1.0, 3.0]
    assert list(fits["b"].val_accuracy) == [10.0, 30.0, 100.0]
    with pytest.raises(ValueError, match="Cs"):
        probe.tune_linear_probes(sets, y[:200], y[200:], Cs={"a": (0.1, 0.3, 1.0)})


def test_probes_at_given_C_match_the_tuned_probe_at_that_C():
    x, y = _blobs(400, seed=5)
    sets = {"all": (x[:200], x[200:]), "half": (x[:200, :10], x[200:, :10])}
    tuned = probe.tune_linear_probe(x[:200], y[:200], x[200:], y[200:], max_widen=0)
    fits = probe.fit_linear_probes(sets, y[:200], y[200:], C={"all": tuned.C, "half": 0.1})
    assert list(fits) == ["all", "half"] and fits["half"].C == 0.1
    # a cold fit and the tuned probe's warm-started one reach the same (convex) optimum
    assert fits["all"].best_val_accuracy == pytest.approx(tuned.best_val_accuracy, abs=0.01)
    assert not fits["all"].inside_grid
    assert np.mean(fits["all"].predict(x[200:]) == tuned.predict(x[200:])) >= 0.99


@pytest.mark.parametrize("C, message", [
    ({"all": 1.0}, "half"), ({"all": 1.0, "half": 0.0}, "C\\['half'\\]"),
    ({"all": True, "half": 1.0}, "C\\['all'\\]"), (1.0, "C must be a dict")])
def test_fit_linear_probes_names_a_bad_C(C, message):
    x, y = _blobs(100, seed=6)
    sets = {"all": (x[:50], x[50:]), "half": (x[:50, :10], x[50:, :10])}
    with pytest.raises(ValueError, match=message):
        probe.fit_linear_probes(sets, y[:50], y[50:], C=C)
