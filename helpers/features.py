"""Measures of a learned dictionary of features (lesson 09), against known features and on data.

A *dictionary* is an array (n_latents, d): one direction per row, in the space of the
activations it explains. *Codes* are an (n_examples, n_latents) array of latent activations.

- :func:`max_cosine`: for each known feature, the cosine of its best-matching dictionary row;
- :func:`variance_explained`, :func:`l0`, :func:`dead_latents`: fidelity and sparsity on data;
- :func:`label_purity`: how much of a unit's activation goes to one label;
- :func:`group_difference_ci`: a bootstrap interval for the difference of two groups' means
  (for example latents against neurons), each group resampled on its own.
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, same_shape
from .stats import Interval, _level


def _unit_rows(a: np.ndarray, name: str) -> np.ndarray:
    norms = np.linalg.norm(a, axis=1, keepdims=True)
    if np.any(norms == 0):
        raise ValueError(f"{name} has a row of zeros, which has no direction")
    return a / norms


def max_cosine(features, dictionary, *, signed: bool = True) -> np.ndarray:
    """For each known feature (a row of ``features``), its largest cosine with a dictionary row.

    ``features`` is (n_features, d), ``dictionary`` (n_latents, d). With ``signed=False`` the
    absolute cosine is used, for directions without a sign of their own (PCA components, ICA
    mixing columns, basis vectors). Returns an array of n_features cosines in [-1, 1].
    """
    f = as_float_array(features, "features", ndim=2)
    dic = as_float_array(dictionary, "dictionary", ndim=2)
    if f.shape[1] != dic.shape[1]:
        raise ValueError(
            f"features and dictionary must have the same width, got {f.shape} and {dic.shape}"
        )
    cosines = _unit_rows(f, "features") @ _unit_rows(dic, "dictionary").T
    if not signed:
        cosines = np.abs(cosines)
    return np.clip(cosines.max(axis=1), -1.0, 1.0)


def variance_explained(x, x_hat) -> float:
    """Fraction of the variance of ``x`` (n, d) that the reconstruction ``x_hat`` explains.

    1 - sum ||x - x_hat||^2 / sum ||x - mean(x)||^2: 1 for a perfect reconstruction, 0 for
    always predicting the mean, negative for worse than that.
    """
    a = as_float_array(x, "x", ndim=2)
    b = as_float_array(x_hat, "x_hat", ndim=2)
    same_shape(a, b, "x", "x_hat")
    total = float(np.sum((a - a.mean(axis=0)) ** 2))
    if total == 0:
        raise ValueError("x has no variance to explain (every row is the same)")
    return 1.0 - float(np.sum((a - b) ** 2)) / total


def l0(codes) -> float:
    """Mean number of non-zero latents per example (rows of ``codes``)."""
    z = as_float_array(codes, "codes", ndim=2)
    return float(np.mean(np.count_nonzero(z, axis=1)))


def dead_latents(codes) -> np.ndarray:
    """Boolean mask of the latents (columns of ``codes``) that are zero on every example."""
    z = as_float_array(codes, "codes", ndim=2)
    return ~np.any(z != 0, axis=0)


def label_purity(activations, labels, *, top: int | None = None) -> np.ndarray:
    """Per unit (column of ``activations``), the share of its activity that goes to one label.

    With ``top=None``: the activation-weighted purity, max_c sum_{x in c} a(x) / sum_x a(x),
    over every example (negative activations count as 0). With ``top=N``: the share of the
    unit's N most strongly activating examples that carry its most common label. A unit that is
    never positive gets NaN (filter it, e.g. with :func:`dead_latents`, before averaging).
    """
    a = as_float_array(activations, "activations", ndim=2)
    y = np.asarray(labels)
    if y.ndim != 1 or len(y) != len(a):
        raise ValueError(f"labels must be 1-D with {len(a)} entries, got shape {y.shape}")
    classes, index = np.unique(y, return_inverse=True)
    positive = np.maximum(a, 0.0)
    alive = positive.sum(axis=0) > 0
    if top is None:
        per_class = np.zeros((len(classes), a.shape[1]))
        np.add.at(per_class, index, positive)
        with np.errstate(invalid="ignore", divide="ignore"):
            purity = per_class.max(axis=0) / per_class.sum(axis=0)
    else:
        if not isinstance(top, (int, np.integer)) or isinstance(top, bool) or not 0 < top <= len(a):
            raise ValueError(f"top must be an integer in 1..{len(a)}, got {top!r}")
        best = np.argsort(-a, axis=0, kind="stable")[:top]  # top x units
        counts = np.stack([(index[best] == c).sum(axis=0) for c in range(len(classes))])
        purity = counts.max(axis=0) / top
    return np.where(alive, purity, np.nan)


def group_difference_ci(
    a, b, *, n_boot: int = 2000, level: float = 0.95, seed: int = 0
) -> Interval:
    """Percentile bootstrap interval of mean(a) - mean(b) for two independent groups.

    Each replicate resamples ``a`` and ``b`` separately, with replacement and at their own
    sizes (for example the latents of a dictionary and the neurons of a layer, which are not
    paired). For paired data use :func:`helpers.stats.bootstrap_ci` with a paired statistic.
    """
    level = _level(level)
    x = as_float_array(a, "a", ndim=1)
    y = as_float_array(b, "b", ndim=1)
    if len(x) < 2 or len(y) < 2:
        raise ValueError(f"a and b must hold at least 2 values each, got {len(x)} and {len(y)}")
    if not isinstance(n_boot, int) or isinstance(n_boot, bool) or n_boot < 100:
        raise ValueError(f"n_boot must be an integer >= 100, got {n_boot!r}")
    rng = np.random.default_rng(seed)
    reps = (
        x[rng.integers(0, len(x), size=(n_boot, len(x)))].mean(axis=1)
        - y[rng.integers(0, len(y), size=(n_boot, len(y)))].mean(axis=1)
    )
    tail = (1 - level) / 2
    low, high = np.quantile(reps, [tail, 1 - tail])
    return Interval(float(x.mean() - y.mean()), float(low), float(high), float(reps.std(ddof=1)))
