import numpy as np
import pytest

from helpers import data


def _rows(x):
    return {row.tobytes() for row in x.reshape(len(x), -1)}


def test_mnist_is_float_in_unit_range_flattened_and_split_three_ways():
    x_tr, y_tr, x_va, y_va, x_te, y_te = data.load_mnist()
    assert x_tr.shape == (50000, 784) and x_va.shape == (10000, 784) and x_te.shape == (10000, 784)
    assert x_tr.dtype == np.float32 and y_tr.dtype == np.int64
    assert 0.0 <= x_tr.min() and x_tr.max() == 1.0
    assert set(np.unique(y_te)) == set(range(10))


def test_validation_is_carved_from_training_data_never_from_test():
    split = data.load_mnist(n_val=2000, seed=1)
    raw = np.load(data.data_path("mnist.npz"))
    train_rows = _rows(raw["x_train"].astype(np.float32) / 255)
    val_rows = _rows(split.x_val)
    assert val_rows <= train_rows, "validation images must come from the training file"
    assert not val_rows & _rows(split.x_train), "validation and training images must not overlap"
    np.testing.assert_array_equal(split.x_test, raw["x_test"].reshape(10000, -1) / np.float32(255))
    assert len(split.x_train) + len(split.x_val) == 60000


def test_validation_split_is_stratified_and_seeded():
    a = data.load_mnist(n_val=1000, seed=3)
    b = data.load_mnist(n_val=1000, seed=3)
    c = data.load_mnist(n_val=1000, seed=4)
    np.testing.assert_array_equal(a.x_val, b.x_val)
    assert not np.array_equal(a.x_val, c.x_val)
    share_val = np.bincount(a.y_val, minlength=10) / 1000
    share_all = np.bincount(np.concatenate([a.y_train, a.y_val]), minlength=10) / 60000
    assert np.abs(share_val - share_all).max() < 0.002


def test_mnist_subset_is_seeded_and_unflattened():
    a = data.load_mnist(flatten=False, n_train=500, n_val=50, n_test=100, seed=3)
    b = data.load_mnist(flatten=False, n_train=500, n_val=50, n_test=100, seed=3)
    c = data.load_mnist(flatten=False, n_train=500, n_val=50, n_test=100, seed=4)
    assert a.x_train.shape == (500, 28, 28) and a.x_val.shape == (50, 28, 28)
    assert a.x_test.shape == (100, 28, 28)
    np.testing.assert_array_equal(a.y_train, b.y_train)
    assert not np.array_equal(a.y_train, c.y_train)


@pytest.mark.parametrize("bad", [0, -1, 60001, 2.5, True])
def test_subset_size_is_checked(bad):
    with pytest.raises(ValueError, match="n_train"):
        data.load_mnist(n_train=bad)


@pytest.mark.parametrize("bad", [0, -3, 60000, 1.5, None, True])
def test_validation_size_is_checked(bad):
    with pytest.raises(ValueError, match="n_val"):
        data.load_mnist(n_val=bad)
    with pytest.raises(ValueError, match="n_val"):
        data.load_ecg5000(n_val=bad)


def test_fashion_and_ecg_shapes_and_splits():
    f = data.load_fashion_mnist(n_val=500, n_test=20)
    assert f.x_test.shape == (20, 784) and f.x_val.shape == (500, 784)
    assert f.x_train.shape == (59500, 784) and f.y_train.max() == 9
    x_tr, y_tr, x_va, y_va, x_te, y_te = data.load_ecg5000(n_val=100)
    assert x_tr.shape == (400, 140) and x_va.shape == (100, 140) and x_te.shape == (4500, 140)
    assert np.sum(y_tr == 1) + np.sum(y_va == 1) == 292 and np.sum(y_te == 1) == 2627
    assert np.sum(y_va == 1) in (58, 59), "the split keeps the share of normal beats"
    assert set(np.unique(y_va)) == {1, 2, 3, 4, 5}, (
        "every class, even the rare ones, is represented"
    )


def test_missing_file_names_it_and_says_how_to_restore(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    with pytest.raises(
        data.DataFileError, match=r"mnist\.npz is missing.*git checkout -- data/mnist\.npz"
    ):
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


def test_data_readme_records_the_checksums_the_loader_verifies():
    readme = (data.data_dir() / "README.md").read_text(encoding="utf-8")
    listed = sorted(p.name for p in data.data_dir().glob("*.npz"))
    assert listed == sorted(data.SHA256), (
        "every shipped file has a checksum in helpers.data, and only those"
    )
    for name, digest in data.SHA256.items():
        row = next((line for line in readme.splitlines() if f"`{name}`" in line), "")
        assert digest in row, f"data/README.md must record {name}'s sha256 {digest[:12]}…"
