import numpy as np
import pytest

from helpers import data


def test_mnist_is_float_in_unit_range_and_flattened():
    x_tr, y_tr, x_te, y_te = data.load_mnist()
    assert x_tr.shape == (60000, 784) and x_te.shape == (10000, 784)
    assert x_tr.dtype == np.float32
    assert 0.0 <= x_tr.min() and x_tr.max() == 1.0
    assert y_tr[0] == 5 and set(np.unique(y_te)) == set(range(10))


def test_mnist_subset_is_seeded_and_unflattened():
    a = data.load_mnist(flatten=False, n_train=500, n_test=100, seed=3)
    b = data.load_mnist(flatten=False, n_train=500, n_test=100, seed=3)
    c = data.load_mnist(flatten=False, n_train=500, n_test=100, seed=4)
    assert a.x_train.shape == (500, 28, 28) and a.x_test.shape == (100, 28, 28)
    np.testing.assert_array_equal(a.y_train, b.y_train)
    assert not np.array_equal(a.y_train, c.y_train)


@pytest.mark.parametrize("bad", [0, -1, 60001, 2.5, True])
def test_subset_size_is_checked(bad):
    with pytest.raises(ValueError, match="n_train"):
        data.load_mnist(n_train=bad)


def test_fashion_and_ecg_shapes():
    x, y = data.load_fashion_mnist_test(n=20)
    assert x.shape == (20, 784) and x.dtype == np.float32 and y.max() <= 9
    x_tr, y_tr, x_te, y_te = data.load_ecg5000()
    assert x_tr.shape == (500, 140) and x_te.shape == (4500, 140)
    assert np.sum(y_tr == 1) == 292 and np.sum(y_te == 1) == 2627


def test_missing_file_names_it_and_says_how_to_restore(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    with pytest.raises(data.DataFileError, match=r"mnist\.npz is missing.*git checkout -- data/mnist\.npz"):
        data.load_mnist()


def test_damaged_file_is_detected(tmp_path, monkeypatch):
    original = data.data_path("ecg5000.npz").read_bytes()
    (tmp_path / "ecg5000.npz").write_bytes(original[:-10] + b"0123456789")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    with pytest.raises(data.DataFileError, match=r"ecg5000\.npz is damaged.*git checkout"):
        data.load_ecg5000()


def test_unknown_name_is_rejected():
    with pytest.raises(ValueError, match="name"):
        data.data_path("cifar10.npz")
