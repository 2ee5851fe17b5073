"""Lesson 04's baselines: classical and linear denoisers, each tuned on validation images.

Every denoiser here maps a batch of noisy images (n, h, w) with values in [0, 1] to a batch of
estimates of the same shape. Each is followed by the *intensity correction* that clipped noise
calls for, ``clip(gain · (y − offset), 0, 1)``, with its offset and gain tuned for the best mean
PSNR on validation images (:func:`tune_correction`).

- :func:`fit_lmmse` — the optimal *linear* denoiser (LMMSE / Wiener filter)
  x̂ = μ_x + C_xy C_yy⁻¹ (y − μ_y), fitted on clean / noisy training pairs;
- :data:`SKIMAGE` — non-local means, total variation, wavelet shrinkage and the bilateral filter
  of scikit-image, each with a grid over its main parameter; :func:`tune_denoiser` picks the
  grid value (and its correction) with the best validation PSNR and says whether the choice fell
  on an edge of the grid.

    from helpers.denoise import fit_lmmse, tune_denoiser, SKIMAGE
    lmmse = fit_lmmse(x_train, gaussian(x_train, 0.5, seed=0))
    tuned = tune_denoiser("total variation", x_val[:300], x_val_noisy[:300])
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from ._checks import as_float_array, same_shape

__all__ = ["psnr_per_image", "correct", "tune_correction", "LinearDenoiser", "fit_lmmse",
           "SKIMAGE", "Tuned", "tune_denoiser"]


def _batch(images, name: str) -> np.ndarray:
    arr = as_float_array(images, name)
    if arr.ndim != 3:
        raise ValueError(f"{name} must be a batch of images of shape (n, h, w), got {arr.shape}")
    return arr


def psnr_per_image(clean, estimate) -> np.ndarray:
    """PSNR of each image in dB for values in [0, 1] (``helpers.metrics.psnr`` is their mean)."""
    c = as_float_array(clean, "clean")
    e = as_float_array(estimate, "estimate")
    same_shape(c, e, "clean", "estimate")
    if c.ndim < 2:
        raise ValueError(f"clean must be a batch of images (n, ...), got shape {c.shape}")
    mse = np.mean((c - e).reshape(len(c), -1) ** 2, axis=1)
    return 10 * np.log10(1 / np.maximum(mse, 1e-10))


def correct(images, offset: float, gain: float) -> np.ndarray:
    """The intensity correction: subtract an offset, stretch by a gain, clip to [0, 1]."""
    return np.clip(gain * (np.asarray(images) - offset), 0.0, 1.0)


def tune_correction(clean, estimate) -> tuple[tuple[float, float], float]:
    """(offset, gain) maximising the mean PSNR of the corrected ``estimate``, and that PSNR."""
    c = as_float_array(clean, "clean")
    e = as_float_array(estimate, "estimate")
    same_shape(c, e, "clean", "estimate")
    result = optimize.minimize(lambda p: -psnr_per_image(c, correct(e, *p)).mean(),
                               x0=(0.2, 2.0), method="Nelder-Mead",
                               options={"xatol": 1e-3, "fatol": 1e-3})
    return (float(result.x[0]), float(result.x[1])), float(-result.fun)


@dataclass(frozen=True)
class LinearDenoiser:
    """x̂ = μ_x + (y − μ_y) W on flattened images: the fitted LMMSE (Wiener) estimator."""

    mean_clean: np.ndarray
    mean_noisy: np.ndarray
    weights: np.ndarray

    def __call__(self, noisy) -> np.ndarray:
        y = as_float_array(noisy, "noisy")
        flat = y.reshape(len(y), -1)
        if flat.shape[1] != len(self.mean_noisy):
            raise ValueError(f"noisy must have {len(self.mean_noisy)} pixels per image, "
                             f"got shape {y.shape}")
        out = self.mean_clean + (flat - self.mean_noisy) @ self.weights
        return out.reshape(y.shape).astype(y.dtype, copy=False)


def fit_lmmse(clean, noisy, ridge: float = 1e-4) -> LinearDenoiser:
    """The best linear estimate of clean from noisy images, x̂ = μ_x + C_xy C_yy⁻¹ (y − μ_y).

    Means and covariances come from the (clean, noisy) training pairs (same shape, one row per
    image); ``ridge`` times the mean noisy variance is added to the diagonal of C_yy so the solve
    stays well conditioned where pixels never vary (the corners of MNIST).
    """
    x = as_float_array(clean, "clean")
    y = as_float_array(noisy, "noisy")
    same_shape(x, y, "clean", "noisy")
    if len(x) < 2:
        raise ValueError(f"clean must hold at least 2 images, got {len(x)}")
    if isinstance(ridge, bool) or not isinstance(ridge, numbers.Real) or not ridge >= 0:
        raise ValueError(f"ridge must be a number >= 0, got {ridge!r}")
    xf = x.reshape(len(x), -1).astype(np.float64)
    yf = y.reshape(len(y), -1).astype(np.float64)
    mx, my = xf.mean(axis=0), yf.mean(axis=0)
    xc, yc = xf - mx, yf - my
    c_yy = yc.T @ yc / (len(y) - 1)
    c_yx = yc.T @ xc / (len(y) - 1)
    c_yy[np.diag_indices_from(c_yy)] += ridge * np.trace(c_yy) / len(c_yy)
    w = np.linalg.solve(c_yy, c_yx)                  # C_yy⁻¹ C_yx, so x̂ᵀ = (y − μ_y)ᵀ W
    return LinearDenoiser(mx.astype(np.float32), my.astype(np.float32), w.astype(np.float32))


def _per_image(f: Callable[[np.ndarray], np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
    return lambda batch: np.stack([f(image) for image in batch]).astype(batch.dtype, copy=False)


def _nl_means(batch, h):
    from skimage.restoration import denoise_nl_means

    return _per_image(lambda im: denoise_nl_means(im, h=h, patch_size=5, patch_distance=4,
                                                  fast_mode=True))(batch)


def _tv(batch, weight):
    from skimage.restoration import denoise_tv_chambolle

    return _per_image(lambda im: denoise_tv_chambolle(im, weight=weight))(batch)


def _wavelet(batch, sigma):
    from skimage.restoration import denoise_wavelet

    return _per_image(lambda im: denoise_wavelet(im, sigma=sigma, wavelet="db2",
                                                 rescale_sigma=False))(batch)


def _bilateral(batch, sigma_color):
    from skimage.restoration import denoise_bilateral

    return _per_image(lambda im: denoise_bilateral(im, sigma_color=sigma_color,
                                                   sigma_spatial=1.5))(batch)


SKIMAGE: dict[str, tuple[Callable, str, tuple[float, ...]]] = {
    "non-local means": (_nl_means, "h", (0.1, 0.2, 0.3, 0.45, 0.6)),
    "total variation": (_tv, "weight", (0.1, 0.2, 0.35, 0.5, 0.8)),
    "wavelet": (_wavelet, "sigma", (0.1, 0.2, 0.3, 0.45, 0.6)),
    "bilateral": (_bilateral, "sigma_color", (0.1, 0.2, 0.3, 0.5, 0.8)),
}
"""name -> (denoiser(batch, value), parameter name, grid): scikit-image's classical denoisers."""


@dataclass(frozen=True)
class Tuned:
    """A denoiser with its chosen parameter and correction, callable on a noisy batch."""

    name: str
    parameter: str
    value: float
    correction: tuple[float, float]
    validation_psnr: float
    scores: dict
    on_edge: bool
    denoise: Callable

    def __call__(self, noisy) -> np.ndarray:
        return correct(self.denoise(_batch(noisy, "noisy"), self.value), *self.correction)


def tune_denoiser(name: str, clean, noisy, grid=None) -> Tuned:
    """Tune scikit-image denoiser ``name`` (a key of :data:`SKIMAGE`) on validation images.

    Each value of ``grid`` (the registered grid by default) gets its own tuned correction; the
    value with the best mean PSNR on (``clean``, ``noisy``) wins. ``on_edge`` says whether it is
    the smallest or largest value of the grid (then widen the grid).
    """
    if name not in SKIMAGE:
        raise ValueError(f"name must be one of {sorted(SKIMAGE)}, got {name!r}")
    f, parameter, default = SKIMAGE[name]
    grid = tuple(default if grid is None else grid)
    if len(grid) < 3:
        raise ValueError(f"grid must hold at least 3 values, got {grid!r}")
    c, y = _batch(clean, "clean"), _batch(noisy, "noisy")
    same_shape(c, y, "clean", "noisy")
    scores = {value: tune_correction(c, f(y, value)) for value in grid}
    best = max(grid, key=lambda v: scores[v][1])
    ordered = sorted(grid)
    return Tuned(name, parameter, float(best), scores[best][0], scores[best][1],
                 {v: s for v, (_, s) in scores.items()}, best in (ordered[0], ordered[-1]), f)
