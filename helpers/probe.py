"""A linear probe whose regularisation is tuned on validation data (lesson 03).

A *linear probe* measures how linearly decodable a set of frozen features is: standardise the
features with the training set's mean and deviation, fit a multinomial logistic regression, read
its accuracy. Its ``C`` (the inverse of the L2 penalty's weight) is chosen on validation
features, from a grid that is widened whenever the best value lands on an edge, so that the
choice is inside the grid. Every fit must converge: one that stops at ``max_iter`` raises an
error (after scikit-learn's own warning) rather than being used.

- :func:`tune_linear_probe`: one feature set -> a :class:`TunedProbe` (chosen ``C``, validation
  accuracy per ``C``, a ``predict`` method);
- :func:`tune_linear_probes`: several feature sets, two fits at a time;
- :func:`fit_linear_probes`: several feature sets, one fit each at a ``C`` chosen beforehand
  (for instance by a tuning script, on validation data).
"""

from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from ._checks import as_float_array, probe_inputs

__all__ = ["TunedProbe", "fit_linear_probes", "tune_linear_probe", "tune_linear_probes"]

DEFAULT_CS = (0.01, 0.03, 0.1, 0.3, 1.0)


@dataclass
class TunedProbe:
    """A logistic-regression probe fitted at the ``C`` with the best validation accuracy.

    ``val_accuracy`` maps every ``C`` tried (in increasing order) to its validation accuracy;
    ``n_iter`` is the largest number of solver iterations any fit needed.
    """

    C: float
    val_accuracy: dict[float, float]
    n_iter: int
    mean: np.ndarray = field(repr=False)
    scale: np.ndarray = field(repr=False)
    model: object = field(repr=False)

    @property
    def best_val_accuracy(self) -> float:
        """The validation accuracy at the chosen ``C``."""
        return self.val_accuracy[self.C]

    @property
    def inside_grid(self) -> bool:
        """True when the chosen ``C`` is neither the smallest nor the largest one tried."""
        cs = sorted(self.val_accuracy)
        return cs[0] < self.C < cs[-1]

    def predict(self, features) -> np.ndarray:
        """Labels predicted for ``features`` (n, d), standardised like the training features."""
        f = as_float_array(features, "features", ndim=2)
        if f.shape[1] != len(self.mean):
            raise ValueError(f"features must have {len(self.mean)} columns, got {f.shape[1]}")
        return self.model.predict(((f - self.mean) / self.scale).astype(np.float32))


def _fit(model, x, y, C: float, max_iter: int):
    model.set_params(C=C)
    model.fit(x, y)
    if np.max(model.n_iter_) >= max_iter:
        # scikit-learn has warned already; a probe stopped early is not a tuned probe
        raise RuntimeError(
            f"the probe did not converge in max_iter={max_iter} iterations at C={C:g}: "
            "raise max_iter"
        )
    return model


def _standardised(train_features, train_labels, val_features, val_labels):
    """Check a probe's inputs; return the standardised features, labels, mean and scale."""
    xtr, ytr, xva, yva = probe_inputs(train_features, train_labels, val_features, val_labels,
                                      "val")
    mean = xtr.mean(axis=0)
    scale = xtr.std(axis=0)
    scale[scale == 0] = 1.0  # a constant feature stays 0 after centring
    xtr_s = ((xtr - mean) / scale).astype(np.float32)
    xva_s = ((xva - mean) / scale).astype(np.float32)
    return xtr_s, ytr, xva_s, yva, mean, scale


def _check_max_iter(max_iter) -> None:
    if not isinstance(max_iter, int) or isinstance(max_iter, bool) or max_iter < 1:
        raise ValueError(f"max_iter must be a positive integer, got {max_iter!r}")


def tune_linear_probe(
    train_features,
    train_labels,
    val_features,
    val_labels,
    *,
    Cs=DEFAULT_CS,
    max_iter: int = 2000,
    max_widen: int = 4,
) -> TunedProbe:
    """Fit a standardised logistic-regression probe for each ``C``; keep the best on validation.

    The fits run along the grid from the smallest ``C`` up, each starting from the previous
    solution (the problem is convex, so the start changes the time, not the result). When the
    best ``C`` is the smallest or largest one, the grid grows by the ratio of its last two values
    on that side, up to ``max_widen`` times. Ties go to the smaller ``C`` of the grid (the simpler
    probe); a ``C`` added by widening is chosen only if it does strictly better, so a flat
    plateau stops the widening.
    """
    from sklearn.linear_model import LogisticRegression

    xtr_s, ytr, xva_s, yva, mean, scale = _standardised(
        train_features, train_labels, val_features, val_labels)
    grid = sorted(float(c) for c in Cs)
    if len(grid) < 3 or grid[0] <= 0 or len(set(grid)) != len(grid):
        raise ValueError(f"Cs must hold at least 3 distinct positive values, got {Cs!r}")
    _check_max_iter(max_iter)
    if not isinstance(max_widen, int) or isinstance(max_widen, bool) or max_widen < 0:
        raise ValueError(f"max_widen must be a non-negative integer, got {max_widen!r}")

    model = LogisticRegression(max_iter=max_iter, warm_start=True)
    fits, accuracy, n_iter = {}, {}, 0  # accuracy keeps the order of the fits

    def run(C: float) -> None:
        nonlocal n_iter
        _fit(model, xtr_s, ytr, C, max_iter)
        n_iter = max(n_iter, int(np.max(model.n_iter_)))
        fits[C] = copy.deepcopy(model)
        accuracy[C] = float(np.mean(model.predict(xva_s) == yva))

    def best() -> float:
        # the first maximum: in the grid the smaller C; a widened C must do strictly better
        return max(accuracy, key=lambda c: accuracy[c])

    for C in grid:
        run(C)
    for _ in range(max_widen):
        cs = sorted(accuracy)
        chosen = best()
        if chosen not in (cs[0], cs[-1]):
            break
        edge, neighbour = (cs[0], cs[1]) if chosen == cs[0] else (cs[-1], cs[-2])
        model.coef_ = fits[edge].coef_.copy()  # start from the edge's solution
        model.intercept_ = fits[edge].intercept_.copy()
        run(edge * edge / neighbour)
    chosen = best()
    return TunedProbe(
        C=chosen,
        val_accuracy={c: accuracy[c] for c in sorted(accuracy)},
        n_iter=n_iter,
        mean=mean,
        scale=scale,
        model=fits[chosen],
    )


def tune_linear_probes(
    feature_sets: dict, train_labels, val_labels, *, workers: int = 2, Cs=None, **kwargs
) -> dict:
    """:func:`tune_linear_probe` for each ``name: (train_features, val_features)``, in parallel.

    Each fit uses one BLAS thread and ``workers`` fits run at a time. ``Cs`` is one starting grid
    for every set, or a dict ``name: grid`` with one for each (default :data:`DEFAULT_CS`).
    Returns ``name: TunedProbe`` in the order of ``feature_sets``.
    """
    _check_sets(feature_sets, workers)
    if Cs is None:
        Cs = DEFAULT_CS
    grids = Cs if isinstance(Cs, dict) else dict.fromkeys(feature_sets, Cs)
    missing = [name for name in feature_sets if name not in grids]
    if missing:
        raise ValueError(f"Cs has no grid for the feature sets {missing!r}")

    from threadpoolctl import threadpool_limits

    def one(name):
        train, val = feature_sets[name]
        return tune_linear_probe(train, train_labels, val, val_labels, Cs=grids[name], **kwargs)

    # One BLAS thread per fit: beside each other, more threads only oversubscribe the CPU.
    with threadpool_limits(limits=1), ThreadPoolExecutor(workers) as pool:
        return dict(zip(feature_sets, pool.map(one, feature_sets)))


def _check_sets(feature_sets: dict, workers: int) -> None:
    if not isinstance(feature_sets, dict) or not feature_sets:
        raise ValueError("feature_sets must be a non-empty dict of name: (train, val) features")
    for name, pair in feature_sets.items():
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise ValueError(f"feature_sets[{name!r}] must be a (train, val) pair of arrays")
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
        raise ValueError(f"workers must be a positive integer, got {workers!r}")


def fit_linear_probes(
    feature_sets: dict, train_labels, val_labels, *, C: dict, workers: int = 2,
    max_iter: int = 2000,
) -> dict:
    """One standardised logistic-regression probe for each ``name: (train_features,
    val_features)``, at the ``C[name]`` chosen beforehand; two fits at a time.

    Returns ``name: TunedProbe`` in the order of ``feature_sets``; each probe's
    ``val_accuracy`` holds its one ``C`` and the accuracy on the validation features (its
    ``inside_grid`` is False: the grid that chose ``C`` is elsewhere).
    """
    _check_sets(feature_sets, workers)
    _check_max_iter(max_iter)
    if not isinstance(C, dict):
        raise ValueError(f"C must be a dict name: C with one value per feature set, got {C!r}")
    missing = [name for name in feature_sets if name not in C]
    if missing:
        raise ValueError(f"C has no value for the feature sets {missing!r}")
    for name in feature_sets:
        c = C[name]
        if isinstance(c, bool) or not isinstance(c, (int, float)) or not c > 0:
            raise ValueError(f"C[{name!r}] must be a positive number, got {c!r}")

    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    def one(name):
        train, val = feature_sets[name]
        xtr_s, ytr, xva_s, yva, mean, scale = _standardised(train, train_labels, val, val_labels)
        c = float(C[name])
        model = _fit(LogisticRegression(max_iter=max_iter), xtr_s, ytr, c, max_iter)
        accuracy = float(np.mean(model.predict(xva_s) == yva))
        return TunedProbe(C=c, val_accuracy={c: accuracy}, n_iter=int(np.max(model.n_iter_)),
                          mean=mean, scale=scale, model=model)

    with threadpool_limits(limits=1), ThreadPoolExecutor(workers) as pool:
        return dict(zip(feature_sets, pool.map(one, feature_sets)))
