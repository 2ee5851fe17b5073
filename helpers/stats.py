"""Intervals that decide close comparisons: bootstrap over test examples, paired t over runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ._checks import as_float_array


class Interval(NamedTuple):
    """A point estimate with its confidence interval; ``df`` is set for t intervals."""

    estimate: float
    low: float
    high: float
    se: float
    df: int | None = None

    def __str__(self) -> str:
        return f"{self.estimate:.4g} [{self.low:.4g}, {self.high:.4g}]"


def _level(level: float) -> float:
    if not isinstance(level, (int, float)) or not 0.5 <= level < 1:
        raise ValueError(f"level must be a confidence level in [0.5, 1), got {level!r}")
    return float(level)


def bootstrap_ci(
    statistic: Callable[..., float], *arrays, n_boot: int = 1000, level: float = 0.95, seed: int = 0
) -> Interval:
    """Percentile bootstrap interval of ``statistic(*arrays)``, resampling examples jointly.

    ``arrays`` share their first axis (one row per test example); each bootstrap replicate
    draws that many rows with replacement, the same rows from every array, so a paired
    difference (``lambda a, b: a.mean() - b.mean()``) keeps its pairing.
    """
    level = _level(level)
    if not callable(statistic):
        raise ValueError(f"statistic must be a function of the arrays, got {statistic!r}")
    if not arrays:
        raise ValueError("arrays must hold at least one array")
    if not isinstance(n_boot, int) or isinstance(n_boot, bool) or n_boot < 100:
        raise ValueError(f"n_boot must be an integer >= 100, got {n_boot!r}")
    arrs = [np.asarray(a) for a in arrays]
    n = len(arrs[0])
    if n < 2 or any(len(a) != n for a in arrs):
        raise ValueError(
            f"arrays must share a first axis of length >= 2, got {[len(a) for a in arrs]}"
        )
    rng = np.random.default_rng(seed)
    reps = np.empty(n_boot)
    for b in range(n_boot):
        idx = rng.integers(0, n, size=n)
        reps[b] = statistic(*(a[idx] for a in arrs))
    tail = (1 - level) / 2
    low, high = np.quantile(reps, [tail, 1 - tail])
    return Interval(float(statistic(*arrs)), float(low), float(high), float(reps.std(ddof=1)))


def t_interval(values, *, level: float = 0.95) -> Interval:
    """Student-t interval of the mean of ``values`` (e.g. one number per seed), df = n - 1."""
    from scipy import stats

    level = _level(level)
    v = as_float_array(values, "values", ndim=1)
    if len(v) < 2:
        raise ValueError(f"values must hold at least 2 numbers, got {len(v)}")
    se = float(v.std(ddof=1) / np.sqrt(len(v)))
    half = float(stats.t.ppf(0.5 + level / 2, df=len(v) - 1)) * se
    mean = float(v.mean())
    return Interval(mean, mean - half, mean + half, se, len(v) - 1)


def paired_t_interval(a, b, *, level: float = 0.95) -> Interval:
    """Paired-t interval of mean(a - b) over matched runs (same draw / seed in both arms)."""
    x = as_float_array(a, "a", ndim=1)
    y = as_float_array(b, "b", ndim=1)
    if x.shape != y.shape:
        raise ValueError(f"a and b must be paired (same length), got {len(x)} and {len(y)}")
    return t_interval(x - y, level=level)
