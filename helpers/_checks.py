"""Argument checks shared by the helpers: each error names the offending argument."""

from __future__ import annotations

import numpy as np


def as_float_array(
    value,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    value_range: tuple[float, float] | None = None,
) -> np.ndarray:
    """``value`` as a float array, or a ValueError that names ``name``."""
    arr = np.asarray(value)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise ValueError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    arr = arr.astype(np.float64) if not np.issubdtype(arr.dtype, np.floating) else arr
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if arr.ndim not in allowed:
            raise ValueError(
                f"{name} must have {' or '.join(map(str, allowed))} dimensions, "
                f"got shape {arr.shape}"
            )
    if arr.size == 0:
        raise ValueError(f"{name} is empty")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if value_range is not None:
        lo, hi = value_range
        if arr.min() < lo or arr.max() > hi:
            raise ValueError(
                f"{name} must lie in [{lo}, {hi}], got values in [{arr.min():.3g}, {arr.max():.3g}]"
            )
    return arr


def same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    if a.shape != b.shape:
        raise ValueError(
            f"{name_a} and {name_b} must have the same shape, got {a.shape} and {b.shape}"
        )


def codes_and_labels(codes, labels) -> tuple[np.ndarray, np.ndarray]:
    """2-D codes (n, 2) and one label per code, or a ValueError naming the bad argument."""
    z = as_float_array(codes, "codes", ndim=2)
    if z.shape[1] != 2:
        raise ValueError(f"codes must have shape (n, 2), got {z.shape}")
    y = np.asarray(labels)
    if len(y) != len(z):
        raise ValueError(f"labels must have {len(z)} entries, got {len(y)}")
    return z, y


def probe_inputs(train_features, train_labels, other_features, other_labels, other: str):
    """Check a linear probe's training and ``other`` ("val" or "test") split; return them as
    (train features, train labels, other features, other labels). Errors name the argument."""
    xtr = as_float_array(train_features, "train_features", ndim=2)
    xo = as_float_array(other_features, f"{other}_features", ndim=2)
    if xtr.shape[1] != xo.shape[1]:
        raise ValueError(
            f"train_features and {other}_features must have the same width, "
            f"got {xtr.shape} and {xo.shape}"
        )
    ytr, yo = np.asarray(train_labels), np.asarray(other_labels)
    if len(ytr) != len(xtr):
        raise ValueError(f"train_labels must have {len(xtr)} entries, got {len(ytr)}")
    if len(yo) != len(xo):
        raise ValueError(f"{other}_labels must have {len(xo)} entries, got {len(yo)}")
    return xtr, ytr, xo, yo
