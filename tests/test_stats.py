import numpy as np
import pytest

from helpers import stats


def test_bootstrap_interval_covers_the_mean_and_shrinks_with_n():
    rng = np.random.default_rng(0)
    small, large = rng.normal(1.0, 1.0, 100), rng.normal(1.0, 1.0, 10_000)
    a = stats.bootstrap_ci(np.mean, small)
    b = stats.bootstrap_ci(np.mean, large)
    assert a.low < a.estimate < a.high and b.low < 1.0 < b.high
    assert (b.high - b.low) < 0.2 * (a.high - a.low)
    assert b.se == pytest.approx(0.01, rel=0.15)


def test_bootstrap_keeps_pairs_together():
    rng = np.random.default_rng(1)
    a = rng.normal(0, 1, 500)
    b = a + 0.05 + rng.normal(0, 0.01, 500)  # b beats a by 0.05, noisy only in the pairing
    paired = stats.bootstrap_ci(lambda x, y: np.mean(y - x), a, b)
    assert 0.045 < paired.low < paired.high < 0.055


def test_t_intervals_have_their_degrees_of_freedom():
    interval = stats.t_interval([1.0, 2.0, 3.0])
    assert interval.df == 2 and interval.estimate == 2.0
    assert interval.low == pytest.approx(2 - 4.302653 / np.sqrt(3), rel=1e-5)
    paired = stats.paired_t_interval([2.0, 3.0, 5.0], [1.0, 2.0, 3.0])
    assert paired.estimate == pytest.approx(4 / 3) and paired.df == 2


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: stats.bootstrap_ci(np.mean, np.zeros(5), n_boot=10), "n_boot"),
        (lambda: stats.bootstrap_ci(np.mean, np.zeros(5), np.zeros(4)), "arrays"),
        (lambda: stats.bootstrap_ci(np.mean, np.zeros(5), level=1.5), "level"),
        (lambda: stats.t_interval([1.0]), "values"),
        (lambda: stats.paired_t_interval([1.0, 2.0], [1.0]), "paired"),
    ],
)
def test_bad_input_names_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
