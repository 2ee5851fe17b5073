"""Metrics in their usual units: mean squared error, PSNR in dB, principal angles in degrees."""

from __future__ import annotations

import warnings

import numpy as np

from ._checks import as_float_array, probe_inputs, same_shape


def mse(target, estimate) -> float:
    """Mean squared error over every element (the Keras ``"mse"`` loss on the whole set)."""
    t = as_float_array(target, "target")
    e = as_float_array(estimate, "estimate")
    same_shape(t, e, "target", "estimate")
    return float(np.mean((t - e) ** 2))


def squared_error_per_image(target, estimate) -> float:
    """Squared error summed over each image's pixels, averaged over images.

    The unit of Hinton & Salakhutdinov (2006): ``target`` and ``estimate`` are (n, ...) arrays.
    """
    t = as_float_array(target, "target")
    e = as_float_array(estimate, "estimate")
    same_shape(t, e, "target", "estimate")
    if t.ndim < 2:
        raise ValueError(f"target must be a batch of images (n, ...), got shape {t.shape}")
    return float(np.mean(np.sum((t - e).reshape(len(t), -1) ** 2, axis=1)))


def psnr(clean, estimate, *, data_range: float = 1.0) -> float:
    """Peak signal-to-noise ratio in dB, computed per image and averaged over images.

    ``clean`` and ``estimate`` are (n, ...) batches with values in [0, data_range];
    PSNR = 10 log10(data_range² / MSE). A perfect image is capped at 100 dB.
    """
    if not data_range > 0:
        raise ValueError(f"data_range must be positive, got {data_range!r}")
    c = as_float_array(clean, "clean", value_range=(0.0, data_range))
    e = as_float_array(estimate, "estimate")
    same_shape(c, e, "clean", "estimate")
    if c.ndim < 2:
        raise ValueError(f"clean must be a batch of images (n, ...), got shape {c.shape}")
    per_image = np.mean((c - e).reshape(len(c), -1) ** 2, axis=1)
    db = 10.0 * np.log10(data_range**2 / np.maximum(per_image, 1e-10))
    return float(np.mean(db))


def principal_angles(a, b) -> np.ndarray:
    """Principal angles in degrees between the column spaces of ``a`` (d, k) and ``b`` (d, m).

    Returned in increasing order; 0° everywhere means the two subspaces coincide.
    The columns need not be orthonormal (they are orthonormalised by QR).
    """
    A = as_float_array(a, "a", ndim=2)
    B = as_float_array(b, "b", ndim=2)
    if A.shape[0] != B.shape[0]:
        raise ValueError(f"a and b must have the same number of rows, got {A.shape} and {B.shape}")
    qa, _ = np.linalg.qr(A)
    qb, _ = np.linalg.qr(B)
    cosines = np.linalg.svd(qa.T @ qb, compute_uv=False)
    return np.sort(np.degrees(np.arccos(np.clip(cosines, -1.0, 1.0))))


def precision_at_k(
    query_features,
    query_labels,
    base_features,
    base_labels,
    *,
    k: int = 10,
    exclude_self: bool = False,
) -> float:
    """Share of the ``k`` nearest neighbours (Euclidean) that have the query's label.

    With ``exclude_self`` the base is the query set itself and each point's own match is skipped.
    """
    from sklearn.neighbors import NearestNeighbors

    q = as_float_array(query_features, "query_features", ndim=2)
    b = as_float_array(base_features, "base_features", ndim=2)
    ql = np.asarray(query_labels)
    bl = np.asarray(base_labels)
    if q.shape[1] != b.shape[1]:
        raise ValueError(
            f"query_features and base_features must have the same width, "
            f"got {q.shape} and {b.shape}"
        )
    if len(ql) != len(q):
        raise ValueError(f"query_labels must have {len(q)} entries, got {len(ql)}")
    if len(bl) != len(b):
        raise ValueError(f"base_labels must have {len(b)} entries, got {len(bl)}")
    if not isinstance(k, int) or not 0 < k < len(b):
        raise ValueError(f"k must be an integer in 1..{len(b) - 1}, got {k!r}")
    nn = NearestNeighbors(n_neighbors=k + int(exclude_self)).fit(b)
    idx = nn.kneighbors(q, return_distance=False)
    if exclude_self:
        idx = idx[:, 1:]
    return float(np.mean(bl[idx] == ql[:, None]))


def linear_probe(
    train_features, train_labels, test_features, test_labels, *, max_iter: int = 300, C: float = 1.0
) -> float:
    """Test accuracy of a multinomial logistic regression fitted on frozen features.

    Features are standardised with the training set's mean and deviation first.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    xtr, ytr, xte, yte = probe_inputs(train_features, train_labels, test_features, test_labels,
                                      "test")
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=max_iter, C=C))
    # One BLAS thread: beside TensorFlow's threads, more only oversubscribe the CPU. A probe that
    # stops at max_iter is still a fair linear read-out, so its convergence warning is muted.
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(xtr, ytr)
        return float(model.score(xte, yte))
