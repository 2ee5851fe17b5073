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
    "fashion_mnist.npz": "5b6d2c4c694a91887af8ab7d039c04f80af3c29378d731c93a538d2e831aa469",
    "ecg5000.npz": "0a6ea26a97c80110d3b4566c6463e147e6d2a1b68d81b81d89ad593c0e74fb6e",
}
FASHION_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
_verified: dict[Path, str] = {}


class DataFileError(RuntimeError):
    """A data file is missing or does not match its recorded checksum."""


class Split(NamedTuple):
    """Train, validation and test arrays.

    Unpack as ``x_train, y_train, x_val, y_val, x_test, y_test = split``. The validation split
    is carved from the training data (never from the test set): fit on train, choose every
    size, epoch count, threshold or parameter on validation, and score on test once.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def data_dir() -> Path:
    """Where the data files live: ``$COURSE_DATA_DIR`` if set, else the project's ``data/``."""
    env = os.environ.get("COURSE_DATA_DIR")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "data"


def _restore_hint(name: str) -> str:
    return (
        f"Restore it with `git checkout -- data/{name}` from the project root "
        f"(or copy it again from the course's shared datasets; see data/README.md)."
    )


def data_path(name: str) -> Path:
    """Path of a verified data file; raises DataFileError when missing or damaged."""
    if name not in SHA256:
        raise ValueError(f"name must be one of {sorted(SHA256)}, got {name!r}")
    path = data_dir() / name
    if not path.is_file():
        raise DataFileError(
            f"Data file {path.name} is missing (looked in {path.parent}). " + _restore_hint(name)
        )
    stat = f"{path.stat().st_size}:{path.stat().st_mtime_ns}"
    if _verified.get(path) != stat:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != SHA256[name]:
            raise DataFileError(
                f"Data file {path.name} is damaged: its sha256 is {digest[:16]}…, "
                f"expected {SHA256[name][:16]}…. " + _restore_hint(name)
            )
        _verified[path] = stat
    return path


def _load_npz(name: str) -> dict[str, np.ndarray]:
    path = data_path(name)
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {key: npz[key] for key in npz.files}
    except (OSError, ValueError) as err:  # pragma: no cover - checksum catches this first
        raise DataFileError(
            f"Data file {path.name} cannot be read ({err}). " + _restore_hint(name)
        ) from err


def _check_size(n, upper: int, argname: str, lower: int = 1) -> int:
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or not lower <= n <= upper:
        raise ValueError(f"{argname} must be an integer in {lower}..{upper}, got {n!r}")
    return int(n)


def _subset(
    x: np.ndarray, y: np.ndarray, n: int | None, rng: np.random.Generator, argname: str
) -> tuple[np.ndarray, np.ndarray]:
    if n is None:
        return x, y
    n = _check_size(n, len(x), argname)
    idx = np.sort(rng.choice(len(x), size=n, replace=False))
    return x[idx], y[idx]


def _carve(
    x: np.ndarray, y: np.ndarray, n_val: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split (x, y) into (rest, validation) with ``n_val`` examples, stratified by label.

    Each class gets its share of ``n_val`` (largest remainders first), so a rare class is not lost.
    Both parts keep the original order.
    """
    n_val = _check_size(n_val, len(x) - 1, "n_val")
    classes, counts = np.unique(y, return_counts=True)
    exact = counts * n_val / len(y)
    take = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - take), kind="stable")[: n_val - take.sum()]:
        take[i] += 1
    val = np.concatenate(
        [rng.choice(np.flatnonzero(y == c), size=t, replace=False) for c, t in zip(classes, take)]
    )
    mask = np.zeros(len(x), dtype=bool)
    mask[val] = True
    return x[~mask], y[~mask], x[mask], y[mask]


def _images(x: np.ndarray, flatten: bool) -> np.ndarray:
    x = x.astype(np.float32) / 255.0
    return x.reshape(len(x), -1) if flatten else x


def _image_split(
    name: str, flatten: bool, n_train: int | None, n_val: int, n_test: int | None, seed: int
) -> Split:
    raw = _load_npz(name)
    rng = np.random.default_rng(seed)
    x_tr, y_tr, x_va, y_va = _carve(raw["x_train"], raw["y_train"], n_val, rng)
    x_tr, y_tr = _subset(x_tr, y_tr, n_train, rng, "n_train")
    x_te, y_te = _subset(raw["x_test"], raw["y_test"], n_test, rng, "n_test")
    return Split(
        _images(x_tr, flatten),
        y_tr.astype(np.int64),
        _images(x_va, flatten),
        y_va.astype(np.int64),
        _images(x_te, flatten),
        y_te.astype(np.int64),
    )


def load_mnist(
    *,
    flatten: bool = True,
    n_train: int | None = None,
    n_val: int = 10_000,
    n_test: int | None = None,
    seed: int = 0,
) -> Split:
    """MNIST digits as float32 in [0, 1] and int64 labels, split into train / validation / test.

    ``n_val`` validation images (stratified, drawn with ``seed``) are carved from the 60,000
    training images; ``n_train`` then takes a random subset of the remaining training images and
    ``n_test`` of the 10,000 test images (None keeps all). ``flatten=True`` gives shape
    (n, 784), else (n, 28, 28). Every part keeps the original order.
    """
    return _image_split("mnist.npz", flatten, n_train, n_val, n_test, seed)


def load_fashion_mnist(
    *,
    flatten: bool = True,
    n_train: int | None = None,
    n_val: int = 10_000,
    n_test: int | None = None,
    seed: int = 0,
) -> Split:
    """Fashion-MNIST (60,000 / 10,000 images of clothing), split like :func:`load_mnist`.

    Class names are in ``FASHION_CLASSES``. The lessons use it as out-of-distribution images.
    """
    return _image_split("fashion_mnist.npz", flatten, n_train, n_val, n_test, seed)


def load_ecg5000(*, n_val: int = 150, seed: int = 0) -> Split:
    """ECG5000 heartbeats, float32 of length 140, labels 1..5, split into train / validation / test.

    The archive's 500 training beats give ``n_val`` validation beats (stratified by class, drawn
    with ``seed``) and ``500 - n_val`` training beats; the 4,500 test beats are kept whole.
    Class 1 is the normal beat; classes 2-5 are anomalous beats.
    """
    raw = _load_npz("ecg5000.npz")
    x_tr, y_tr, x_va, y_va = _carve(
        raw["x_train"], raw["y_train"], n_val, np.random.default_rng(seed)
    )
    return Split(
        x_tr.astype(np.float32),
        y_tr.astype(np.int64),
        x_va.astype(np.float32),
        y_va.astype(np.int64),
        raw["x_test"].astype(np.float32),
        raw["y_test"].astype(np.int64),
    )
