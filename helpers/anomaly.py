"""Anomaly-detection plumbing: per-sample scores, threshold rules, and precision at a prevalence.

Convention used throughout: a sample is flagged as anomalous when its score is strictly greater
than the threshold, and label 1 means "anomaly", 0 means "normal".
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, same_shape


def _labels(labels, n: int, name: str = "labels") -> np.ndarray:
    y = np.asarray(labels)
    if y.ndim != 1 or len(y) != n:
        raise ValueError(f"{name} must be a 1-D array with {n} entries, got shape {y.shape}")
    if not np.isin(y, (0, 1)).all():
        raise ValueError(f"{name} must contain only 0 (normal) and 1 (anomaly)")
    return y.astype(np.int64)


def reconstruction_error(x, x_hat) -> np.ndarray:
    """Mean squared error of each sample, shape (n,): the anomaly score of an autoencoder."""
    a = as_float_array(x, "x")
    b = as_float_array(x_hat, "x_hat")
    same_shape(a, b, "x", "x_hat")
    if a.ndim < 2:
        raise ValueError(f"x must be a batch (n, ...), got shape {a.shape}")
    return np.mean((a - b).reshape(len(a), -1) ** 2, axis=1)


def threshold_mean_std(train_scores, k: float = 3.0) -> float:
    """Mean + k standard deviations of the scores of normal training samples."""
    s = as_float_array(train_scores, "train_scores", ndim=1)
    if not np.isfinite(k) or k < 0:
        raise ValueError(f"k must be a non-negative number, got {k!r}")
    return float(s.mean() + k * s.std())


def threshold_percentile(train_scores, q: float = 99.0) -> float:
    """The q-th percentile of the scores of normal training samples (flags ~(100-q)% of them)."""
    s = as_float_array(train_scores, "train_scores", ndim=1)
    if not 0 <= q <= 100:
        raise ValueError(f"q must be a percentile in [0, 100], got {q!r}")
    return float(np.percentile(s, q))


def threshold_conformal(calibration_scores, alpha: float) -> float:
    """Split-conformal threshold: the ⌈(n+1)(1−α)⌉-th smallest of n calibration scores.

    ``calibration_scores`` are scores of normal samples the model was *not* trained on. If a new
    normal sample is exchangeable with them, the chance that its score exceeds the returned
    threshold is at most ``alpha`` (marginally over the calibration draw), and at least
    ``alpha - 1/(n+1)`` when scores have no ties. Needs n ≥ 1/α − 1 calibration scores.
    """
    s = as_float_array(calibration_scores, "calibration_scores", ndim=1)
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 < alpha < 1:
        raise ValueError(f"alpha must be a false-positive rate in (0, 1), got {alpha!r}")
    n = len(s)
    rank = int(np.ceil((n + 1) * (1 - alpha) - 1e-9))  # guard against float round-up
    if rank > n:
        raise ValueError(
            f"alpha={alpha} needs at least {int(np.ceil(1 / alpha - 1))} calibration_scores, "
            f"got {n}"
        )
    return float(np.sort(s)[rank - 1])


def threshold_best_f1(scores, labels) -> tuple[float, float]:
    """The threshold that maximises F1 on (scores, labels), and that F1.

    Candidates are midpoints between consecutive distinct scores (and one below the smallest),
    so the returned threshold separates the data exactly as at its best.
    """
    s = as_float_array(scores, "scores", ndim=1)
    y = _labels(labels, len(s))
    if y.sum() == 0:
        raise ValueError("labels must contain at least one anomaly (1)")
    order = np.argsort(-s, kind="stable")
    s_sorted, y_sorted = s[order], y[order]
    # flagging the top i samples (score > threshold) for i at the end of each run of equal scores
    last = np.r_[np.flatnonzero(np.diff(s_sorted) != 0), len(s) - 1]
    tp = np.cumsum(y_sorted)[last]
    flagged = last + 1
    f1 = 2 * tp / (flagged + y.sum())
    best = int(np.argmax(f1))
    i = last[best]
    below = s_sorted[i + 1] if i + 1 < len(s) else s_sorted[i] - 1.0
    return float((s_sorted[i] + below) / 2), float(f1[best])


def detection_rates(scores, labels, threshold: float) -> dict[str, float]:
    """TPR (recall), FPR, precision and F1 when flagging ``scores > threshold``."""
    s = as_float_array(scores, "scores", ndim=1)
    y = _labels(labels, len(s))
    if not np.isfinite(threshold):
        raise ValueError(f"threshold must be a finite number, got {threshold!r}")
    if y.sum() == 0 or y.sum() == len(y):
        raise ValueError("labels must contain both normal (0) and anomalous (1) samples")
    flag = s > threshold
    tp = int(np.sum(flag & (y == 1)))
    fp = int(np.sum(flag & (y == 0)))
    tpr = tp / int(y.sum())
    fpr = fp / int((y == 0).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    f1 = 2 * precision * tpr / (precision + tpr) if precision + tpr else 0.0
    return {"tpr": tpr, "fpr": fpr, "precision": precision, "f1": f1}


def precision_at_prevalence(tpr, fpr, prevalence):
    """Precision of a detector with rates (tpr, fpr) when a share ``prevalence`` is anomalous.

    Bayes' rule: P(anomaly | flagged) = tpr·π / (tpr·π + fpr·(1 − π)). Broadcasts over arrays.
    """
    t = as_float_array(tpr, "tpr", value_range=(0.0, 1.0))
    f = as_float_array(fpr, "fpr", value_range=(0.0, 1.0))
    p = as_float_array(prevalence, "prevalence", value_range=(0.0, 1.0))
    flagged = t * p + f * (1 - p)
    out = np.divide(t * p, flagged, out=np.zeros(np.broadcast(t, f, p).shape), where=flagged > 0)
    return float(out) if out.ndim == 0 else out


def subsample_to_prevalence(labels, prevalence: float, rng: np.random.Generator) -> np.ndarray:
    """Indices that keep every normal sample and draw anomalies (without replacement) so that
    they make up ``prevalence`` of the result (rounded to a whole number, at least one)."""
    y = _labels(labels, len(np.asarray(labels)))
    if not 0 < prevalence < 1:
        raise ValueError(f"prevalence must be in (0, 1), got {prevalence!r}")
    normal, anomalous = np.flatnonzero(y == 0), np.flatnonzero(y == 1)
    n_anom = max(1, int(round(prevalence * len(normal) / (1 - prevalence))))
    if n_anom > len(anomalous):
        raise ValueError(
            f"prevalence {prevalence} needs {n_anom} anomalies, only {len(anomalous)} available"
        )
    return np.sort(np.r_[normal, rng.choice(anomalous, size=n_anom, replace=False)])


def roc_auc(scores, labels) -> float:
    """ROC-AUC of ``scores`` for binary ``labels``: P(anomaly scores above normal), ties count ½.

    Equal to ``sklearn.metrics.roc_auc_score``, and fast enough to repeat a thousand times
    inside a bootstrap (one sort of the normal scores, two binary searches).
    """
    s = as_float_array(scores, "scores", ndim=1)
    y = _labels(labels, len(s))
    neg, pos = np.sort(s[y == 0]), s[y == 1]
    if len(neg) == 0 or len(pos) == 0:
        raise ValueError("labels must contain both normal (0) and anomalous (1) samples")
    below = np.searchsorted(neg, pos, side="left")
    tied = np.searchsorted(neg, pos, side="right") - below
    return float((below.sum() + 0.5 * tied.sum()) / (len(pos) * len(neg)))


def average_precision(scores, labels) -> float:
    """Average precision (the usual AUPRC estimate): Σ (R_k − R_{k−1}) · P_k over thresholds.

    Equal to ``sklearn.metrics.average_precision_score``; tied scores form one threshold.
    """
    s = as_float_array(scores, "scores", ndim=1)
    y = _labels(labels, len(s))
    n_pos = int(y.sum())
    if n_pos == 0:
        raise ValueError("labels must contain at least one anomaly (1)")
    order = np.argsort(-s, kind="stable")
    s_sorted, y_sorted = s[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(s_sorted) != 0), len(s) - 1]  # end of each tie run
    tp = np.cumsum(y_sorted)[last]
    precision = tp / (last + 1)
    recall_gain = np.diff(np.r_[0, tp]) / n_pos
    return float(np.sum(recall_gain * precision))
