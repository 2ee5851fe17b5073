import numpy as np
import pytest

from helpers import anomaly


def test_reconstruction_error_per_sample():
    x = np.zeros((3, 4))
    xh = np.array([[1, 1, 1, 1], [0, 0, 0, 0], [2, 0, 0, 0]], dtype=float)
    np.testing.assert_allclose(anomaly.reconstruction_error(x, xh), [1.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="same shape"):
        anomaly.reconstruction_error(np.zeros((3, 4)), np.zeros((3, 5)))
    with pytest.raises(ValueError, match="x must be a batch"):
        anomaly.reconstruction_error(np.zeros(4), np.zeros(4))
    with pytest.raises(ValueError, match="x_hat"):
        anomaly.reconstruction_error(np.zeros((2, 2)), np.array([["a", "b"], ["c", "d"]]))


def test_threshold_rules():
    s = np.arange(101, dtype=float)
    assert anomaly.threshold_percentile(s, 90) == pytest.approx(90.0)
    assert anomaly.threshold_mean_std(s, k=0) == pytest.approx(50.0)
    assert anomaly.threshold_mean_std(s, k=2) == pytest.approx(50 + 2 * s.std())
    with pytest.raises(ValueError, match="q must"):
        anomaly.threshold_percentile(s, 120)
    with pytest.raises(ValueError, match="k must"):
        anomaly.threshold_mean_std(s, k=-1)
    with pytest.raises(ValueError, match="train_scores must have 1"):
        anomaly.threshold_mean_std(np.ones((2, 2)))


def test_best_f1_threshold_separable_and_overlapping():
    scores = np.array([0.1, 0.2, 0.3, 0.8, 0.9])
    labels = np.array([0, 0, 0, 1, 1])
    thr, f1 = anomaly.threshold_best_f1(scores, labels)
    assert 0.3 < thr < 0.8 and f1 == pytest.approx(1.0)
    # overlapping: brute force over all cut points agrees
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    s = rng.normal(size=200) + y
    thr, f1 = anomaly.threshold_best_f1(s, y)
    brute = max(anomaly.detection_rates(s, y, t)["f1"] for t in np.r_[s, s.min() - 1])
    assert f1 == pytest.approx(brute)
    assert anomaly.detection_rates(s, y, thr)["f1"] == pytest.approx(f1)
    with pytest.raises(ValueError, match="labels must contain only"):
        anomaly.threshold_best_f1(s, y + 1)
    with pytest.raises(ValueError, match="labels must be a 1-D"):
        anomaly.threshold_best_f1(s, y[:10])


def test_detection_rates_known_values():
    s = np.array([0.0, 1.0, 2.0, 3.0])
    y = np.array([0, 1, 0, 1])
    r = anomaly.detection_rates(s, y, 1.5)  # flags 2.0 (normal) and 3.0 (anomaly)
    assert r == pytest.approx({"tpr": 0.5, "fpr": 0.5, "precision": 0.5, "f1": 0.5})
    with pytest.raises(ValueError, match="both"):
        anomaly.detection_rates(s, np.zeros(4, int), 1.0)
    with pytest.raises(ValueError, match="threshold"):
        anomaly.detection_rates(s, y, np.nan)


def test_precision_at_prevalence_bayes():
    assert anomaly.precision_at_prevalence(1.0, 0.0, 0.01) == pytest.approx(1.0)
    # TPR 0.9, FPR 0.01 at 1 % prevalence: 0.009 / (0.009 + 0.0099)
    assert anomaly.precision_at_prevalence(0.9, 0.01, 0.01) == pytest.approx(0.009 / 0.0189)
    out = anomaly.precision_at_prevalence(0.9, 0.01, np.array([0.5, 0.01, 0.001]))
    assert out.shape == (3,) and np.all(np.diff(out) < 0)
    with pytest.raises(ValueError, match="prevalence"):
        anomaly.precision_at_prevalence(0.9, 0.01, 1.5)
    with pytest.raises(ValueError, match="tpr"):
        anomaly.precision_at_prevalence(-0.1, 0.01, 0.1)


def test_subsample_to_prevalence():
    y = np.r_[np.zeros(990, int), np.ones(100, int)]
    idx = anomaly.subsample_to_prevalence(y, 0.01, np.random.default_rng(0))
    assert (y[idx] == 0).sum() == 990 and (y[idx] == 1).sum() == 10
    with pytest.raises(ValueError, match="prevalence must"):
        anomaly.subsample_to_prevalence(y, 0.0, np.random.default_rng(0))
    with pytest.raises(ValueError, match="only 100"):
        anomaly.subsample_to_prevalence(y, 0.5, np.random.default_rng(0))


def test_roc_auc_and_average_precision_match_sklearn():
    from sklearn.metrics import average_precision_score, roc_auc_score

    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 300)
    continuous = rng.normal(size=300) + y
    tied = np.round(continuous, 1)  # many ties, across both classes
    for s in (continuous, tied):
        assert anomaly.roc_auc(s, y) == pytest.approx(roc_auc_score(y, s))
        assert anomaly.average_precision(s, y) == pytest.approx(average_precision_score(y, s))
    assert anomaly.roc_auc(np.r_[0.0, 1.0], np.r_[0, 1]) == 1.0
    assert anomaly.roc_auc(np.r_[1.0, 0.0], np.r_[0, 1]) == 0.0
    assert anomaly.roc_auc(np.ones(4), np.r_[0, 1, 0, 1]) == 0.5
    with pytest.raises(ValueError, match="both"):
        anomaly.roc_auc(continuous, np.zeros(300, int))
    with pytest.raises(ValueError, match="at least one anomaly"):
        anomaly.average_precision(continuous, np.zeros(300, int))
    with pytest.raises(ValueError, match="labels must be a 1-D"):
        anomaly.roc_auc(continuous, y[:5])


def test_threshold_conformal_order_statistic_and_errors():
    s = np.arange(1, 100, dtype=float)[::-1]  # 99 scores, unsorted
    # n = 99, alpha = 0.1: rank ceil(100 * 0.9) = 90 -> the 90th smallest score, 90
    assert anomaly.threshold_conformal(s, 0.1) == 90.0
    assert anomaly.threshold_conformal(s, 0.01) == 99.0  # rank 99 = n: the largest score
    with pytest.raises(ValueError, match="at least 199 calibration_scores"):
        anomaly.threshold_conformal(s, 0.005)
    for bad in (0, 1, -0.1, 1.5, np.nan, True, "0.1"):
        with pytest.raises(ValueError, match="alpha must"):
            anomaly.threshold_conformal(s, bad)
    with pytest.raises(ValueError, match="calibration_scores must have 1"):
        anomaly.threshold_conformal(np.ones((3, 3)), 0.1)
    with pytest.raises(ValueError, match="calibration_scores"):
        anomaly.threshold_conformal(np.r_[1.0, np.nan], 0.1)


def test_threshold_conformal_guarantee_holds_where_the_percentile_breaks_it():
    """On simulated normal scores: mean FPR over calibration draws is in [α - 1/(n+1), α]."""
    rng = np.random.default_rng(0)
    n, alpha, draws = 49, 0.1, 4000
    calib = rng.lognormal(size=(draws, n))
    fresh = rng.lognormal(size=(draws, 200))
    conf = np.array([anomaly.threshold_conformal(c, alpha) for c in calib])
    perc = np.array([anomaly.threshold_percentile(c, 100 * (1 - alpha)) for c in calib])
    fpr_conf = np.mean(fresh > conf[:, None], axis=1)
    fpr_perc = np.mean(fresh > perc[:, None], axis=1)
    margin = 3 * fpr_conf.std(ddof=1) / np.sqrt(draws)
    assert alpha - 1 / (n + 1) - margin <= fpr_conf.mean() <= alpha + margin
    assert fpr_perc.mean() > alpha + margin  # the plain percentile over-flags on new data
