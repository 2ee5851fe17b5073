"""Corruptions for denoising autoencoders: Gaussian, salt-and-pepper, masking, cutout.

Every function takes a batch of images as floats in [0, 1] — shape (n, d) for flattened
images, (n, h, w) or (n, h, w, c) — and returns a corrupted copy of the same shape and
dtype, still in [0, 1]. Every function is seeded: ``seed`` is an integer or a
``numpy.random.Generator`` (pass one generator to draw fresh noise on each call).
Bad arguments raise a ValueError that names the argument.

    from helpers.noise import gaussian, salt_and_pepper, masking, cutout
    x_noisy = gaussian(x, sigma=0.5, seed=0)       # x + 0.5·N(0, 1), clipped to [0, 1]
"""

from __future__ import annotations

import numbers

import numpy as np

from ._checks import as_float_array

__all__ = ["gaussian", "salt_and_pepper", "masking", "cutout", "CORRUPTIONS"]


def _rng(seed) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer or a numpy Generator, got {seed!r}")
    return np.random.default_rng(int(seed))


def _images(images, *, min_ndim: int = 2) -> np.ndarray:
    arr = np.asarray(images)
    if not np.issubdtype(arr.dtype, np.floating):
        raise ValueError(
            f"images must be a float array with values in [0, 1], got dtype {arr.dtype}"
            " (divide uint8 images by 255 first)"
        )
    if arr.ndim < min_ndim or arr.ndim > 4:
        raise ValueError(
            f"images must be a batch of shape (n, d), (n, h, w) or (n, h, w, c)"
            f"{' with a spatial layout' if min_ndim > 2 else ''}, got shape {arr.shape}"
        )
    return as_float_array(arr, "images", value_range=(0.0, 1.0))


def _fraction(value, name: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not 0.0 <= float(value) <= 1.0
    ):
        raise ValueError(f"{name} must be a number in [0, 1], got {value!r}")
    return float(value)


def _chosen_per_image(
    shape: tuple[int, ...], fraction: float, rng: np.random.Generator
) -> np.ndarray:
    """Boolean mask choosing round(fraction · d) of the d values of each image, at random."""
    n, d = shape[0], int(np.prod(shape[1:]))
    k = int(round(fraction * d))
    mask = np.zeros((n, d), dtype=bool)
    if k > 0:
        ranks = rng.random((n, d)).argsort(axis=1)
        np.put_along_axis(mask, ranks[:, :k], True, axis=1)
    return mask.reshape(shape)


def gaussian(images, sigma: float = 0.5, *, seed=0, clip: bool = True) -> np.ndarray:
    """Additive Gaussian noise x + σ·ε, ε ~ N(0, I), clipped to [0, 1] unless ``clip=False``.

    ``sigma`` is the noise factor (0.5 is the usual MNIST example). Without clipping the result
    leaves [0, 1], which is not an image any more (and no longer matches a sigmoid output).
    """
    x = _images(images)
    if (
        isinstance(sigma, bool)
        or not isinstance(sigma, numbers.Real)
        or not np.isfinite(sigma)
        or sigma < 0
    ):
        raise ValueError(f"sigma must be a finite number >= 0, got {sigma!r}")
    noisy = x + float(sigma) * _rng(seed).standard_normal(x.shape)
    if clip:
        noisy = np.clip(noisy, 0.0, 1.0)
    return noisy.astype(x.dtype, copy=False)


def salt_and_pepper(images, fraction: float = 0.2, *, seed=0) -> np.ndarray:
    """Set a ``fraction`` of each image's values to 0 (pepper) or 1 (salt), each with chance ½."""
    x = _images(images)
    fraction = _fraction(fraction, "fraction")
    rng = _rng(seed)
    hit = _chosen_per_image(x.shape, fraction, rng)
    salt = rng.random(x.shape) < 0.5
    out = x.copy()
    out[hit & salt] = 1.0
    out[hit & ~salt] = 0.0
    return out


def masking(images, fraction: float = 0.25, *, seed=0) -> np.ndarray:
    """Masking noise (Vincent et al., 2008): a ``fraction`` of each image's values is set to 0."""
    x = _images(images)
    fraction = _fraction(fraction, "fraction")
    out = x.copy()
    out[_chosen_per_image(x.shape, fraction, _rng(seed))] = 0.0
    return out


def cutout(images, size: int = 10, *, seed=0, fill: float = 0.0) -> np.ndarray:
    """Occlusion (cutout, DeVries & Taylor 2017): one ``size`` × ``size`` square per image, set
    to ``fill``.

    The square lies wholly inside the image, at a random position. Images must keep their spatial
    layout, (n, h, w) or (n, h, w, c).
    """
    x = _images(images, min_ndim=3)
    h, w = x.shape[1], x.shape[2]
    if (
        isinstance(size, bool)
        or not isinstance(size, numbers.Integral)
        or not 1 <= size <= min(h, w)
    ):
        raise ValueError(
            f"size must be an integer in 1..{min(h, w)} (the patch side in pixels), got {size!r}"
        )
    fill = _fraction(fill, "fill")
    rng = _rng(seed)
    rows = rng.integers(0, h - size + 1, size=len(x))
    cols = rng.integers(0, w - size + 1, size=len(x))
    out = x.copy()
    for i, (r, c) in enumerate(zip(rows, cols)):
        out[i, r : r + size, c : c + size] = fill
    return out


CORRUPTIONS = {
    "gaussian": gaussian,
    "salt_and_pepper": salt_and_pepper,
    "masking": masking,
    "cutout": cutout,
}
