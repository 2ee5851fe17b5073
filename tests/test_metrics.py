import numpy as np
import pytest

from helpers import metrics


def test_mse_and_squared_error_per_image():
    a = np.zeros((2, 4))
    b = np.ones((2, 4)) * 0.5
    assert metrics.mse(a, b) == pytest.approx(0.25)
    assert metrics.squared_error_per_image(a, b) == pytest.approx(1.0)


def test_psnr_known_value():
    clean = np.full((3, 8, 8), 0.5)
    noisy = clean + 0.1  # MSE 0.01 -> 20 dB
    assert metrics.psnr(clean, noisy) == pytest.approx(20.0)


def test_psnr_rejects_bad_input():
    with pytest.raises(ValueError, match="clean"):
        metrics.psnr(np.full((2, 4), 2.0), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="same shape"):
        metrics.psnr(np.zeros((2, 4)), np.zeros((2, 5)))
    with pytest.raises(ValueError, match="data_range"):
        metrics.psnr(np.zeros((2, 4)), np.zeros((2, 4)), data_range=0)
    with pytest.raises(ValueError, match="estimate"):
        metrics.psnr(np.zeros((2, 4)), np.full((2, 4), np.nan))


def test_principal_angles_same_subspace_different_basis():
    rng = np.random.default_rng(0)
    basis = rng.normal(size=(50, 5))
    mixed = basis @ rng.normal(size=(5, 5))  # same span, another basis
    np.testing.assert_allclose(metrics.principal_angles(basis, mixed), 0.0, atol=1e-5)


def test_principal_angles_orthogonal_and_known_angle():
    e = np.eye(3)
    assert metrics.principal_angles(e[:, :1], e[:, 1:2])[0] == pytest.approx(90.0)
    tilted = np.array([[np.cos(np.radians(30))], [np.sin(np.radians(30))], [0.0]])
    assert metrics.principal_angles(e[:, :1], tilted)[0] == pytest.approx(30.0)


def test_principal_angles_rejects_mismatched_rows():
    with pytest.raises(ValueError, match="rows"):
        metrics.principal_angles(np.ones((4, 2)), np.ones((5, 2)))
    with pytest.raises(ValueError, match="a must have 2"):
        metrics.principal_angles(np.ones(4), np.ones((4, 2)))


def test_precision_at_k_on_separated_clusters():
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.normal(0, 0.1, (20, 2)), rng.normal(5, 0.1, (20, 2))])
    y = np.repeat([0, 1], 20)
    assert metrics.precision_at_k(x, y, x, y, k=5, exclude_self=True) == 1.0
    with pytest.raises(ValueError, match="k must"):
        metrics.precision_at_k(x, y, x, y, k=0)
    with pytest.raises(ValueError, match="query_labels"):
        metrics.precision_at_k(x, y[:3], x, y)


def test_linear_probe_separable_data():
    rng = np.random.default_rng(2)
    x = np.concatenate([rng.normal(-2, 1, (100, 3)), rng.normal(2, 1, (100, 3))])
    y = np.repeat([0, 1], 100)
    assert metrics.linear_probe(x[::2], y[::2], x[1::2], y[1::2]) > 0.95
    with pytest.raises(ValueError, match="test_features"):
        metrics.linear_probe(x, y, x[:, :2], y)
