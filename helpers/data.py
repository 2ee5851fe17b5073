"""The course's datasets, loaded from ``data/`` and checked against their sha256.

Every file is listed in ``data/README.md`` with its source, licence and checksum.
Nothing is downloaded: a missing or damaged file raises :class:`DataFileError`, which
names the file and says how to restore it.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import NamedTuple

import numpy as np

SHA256 = {
    "mnist.npz": "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64",
    "fashion_mnist_test.npz": "40cc5f7c7185a3f578d2e072deede39bcb9b9eedb4b716e70d55777fd0a88138",
    "ecg5000.npz": "0a6ea26a97c80110d3b4566c6463e147e6d2a1b68d81b81d89ad593c0e74fb6e",
}
FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
_verified: dict[Path, str] = {}


class DataFileError(RuntimeError):
    """A data file is missing or does not match its recorded checksum."""


class Split(NamedTuple):
    """Train and test arrays; unpack as ``x_train, y_train, x_test, y_test = split``."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def data_dir() -> Path:
    """Where the data files live: ``$COURSE_DATA_DIR`` if set, else the project's ``data/``."""
    env = os.environ.get("COURSE_DATA_DIR")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "data"


def _restore_hint(name: str) -> str:
    return (f"Restore it with `git checkout -- data/{name}` from the project root "
            f"(or copy it again from the course's shared datasets; see data/README.md).")


def data_path(name: str) -> Path:
    """Path of a verified data file; raises DataFileError when missing or damaged."""
    if name not in SHA256:
        raise ValueError(f"name must be one of {sorted(SHA256)}, got {name!r}")
    path = data_dir() / name
    if not path.is_file():
        raise DataFileError(f"Data file {path.name} is missing (looked in {path.parent}). "
                            + _restore_hint(name))
    stat = f"{path.stat().st_size}:{path.stat().st_mtime_ns}"
    if _verified.get(path) != stat:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != SHA256[name]:
            raise DataFileError(
                f"Data file {path.name} is damaged: its sha256 is {digest[:16]}…, "
                f"expected {SHA256[name][:16]}…. " + _restore_hint(name))
        _verified[path] = stat
    return path


def _load_npz(name: str) -> dict[str, np.ndarray]:
    path = data_path(name)
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {key: npz[key] for key in npz.files}
    except (OSError, ValueError) as err:  # pragma: no cover - checksum catches this first
        raise DataFileError(f"Data file {path.name} cannot be read ({err}). "
                            + _restore_hint(name)) from err


def _subset(x: np.ndarray, y: np.ndarray, n: int | None, rng: np.random.Generator,
            argname: str) -> tuple[np.ndarray, np.ndarray]:
    if n is None:
        return x, y
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or not 0 < n <= len(x):
        raise ValueError(f"{argname} must be an integer in 1..{len(x)}, got {n!r}")
    idx = np.sort(rng.choice(len(x), size=int(n), replace=False))
    return x[idx], y[idx]


def _images(x: np.ndarray, flatten: bool) -> np.ndarray:
    x = x.astype(np.float32) / 255.0
    return x.reshape(len(x), -1) if flatten else x


def load_mnist(*, flatten: bool = True, n_train: int | None = None, n_test: int | None = None,
               seed: int = 0) -> Split:
    """MNIST digits as float32 in [0, 1] and int64 labels.

    ``flatten=True`` gives shape (n, 784), else (n, 28, 28). ``n_train``/``n_test`` take a
    random subset (drawn with ``seed``, kept in the original order); None keeps all
    60,000 / 10,000.
    """
    raw = _load_npz("mnist.npz")
    rng = np.random.default_rng(seed)
    x_tr, y_tr = _subset(raw["x_train"], raw["y_train"], n_train, rng, "n_train")
    x_te, y_te = _subset(raw["x_test"], raw["y_test"], n_test, rng, "n_test")
    return Split(_images(x_tr, flatten), y_tr.astype(np.int64),
                 _images(x_te, flatten), y_te.astype(np.int64))


def load_fashion_mnist_test(*, flatten: bool = True, n: int | None = None,
                            seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The Fashion-MNIST test split (10,000 images), float32 in [0, 1], and int64 labels.

    Class names are in ``FASHION_CLASSES``. Used as out-of-distribution images.
    """
    raw = _load_npz("fashion_mnist_test.npz")
    x, y = _subset(raw["x_test"], raw["y_test"], n, np.random.default_rng(seed), "n")
    return _images(x, flatten), y.astype(np.int64)


def load_ecg5000() -> Split:
    """ECG5000 heartbeats: 500 train / 4,500 test, float32 of length 140, labels 1..5.

    Class 1 is the normal beat; classes 2-5 are anomalous beats.
    """
    raw = _load_npz("ecg5000.npz")
    return Split(raw["x_train"].astype(np.float32), raw["y_train"].astype(np.int64),
                 raw["x_test"].astype(np.float32), raw["y_test"].astype(np.int64))
