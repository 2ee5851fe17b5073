import numpy as np
import pytest

from helpers import denoise
from helpers.noise import gaussian


@pytest.fixture(scope="module")
def pairs():
    """Smooth random 'images' (blurred blobs) and their noisy copies."""
    from scipy import ndimage

    rng = np.random.default_rng(0)
    clean = ndimage.gaussian_filter(rng.random((400, 12, 12)), sigma=(0, 2, 2))
    clean = ((clean - clean.min()) / (clean.max() - clean.min())).astype(np.float32)
    return clean, gaussian(clean, 0.2, seed=1, clip=False)


def test_lmmse_is_the_least_squares_linear_map(pairs):
    clean, noisy = pairs
    lm = denoise.fit_lmmse(clean, noisy, ridge=0.0)
    # ordinary least squares of clean on [noisy, 1] gives the same affine map
    design = np.c_[noisy.reshape(len(noisy), -1), np.ones(len(noisy))].astype(np.float64)
    coef, *_ = np.linalg.lstsq(design, clean.reshape(len(clean), -1), rcond=None)
    np.testing.assert_allclose(lm(noisy).reshape(len(noisy), -1), design @ coef, atol=1e-4)
    assert lm(noisy).shape == noisy.shape


def test_lmmse_beats_the_noisy_input_and_the_mean(pairs):
    clean, noisy = pairs
    lm = denoise.fit_lmmse(clean[:300], noisy[:300])
    mse = lambda est: float(np.mean((clean[300:] - est) ** 2))  # noqa: E731
    assert mse(lm(noisy[300:])) < 0.5 * mse(noisy[300:])
    assert mse(lm(noisy[300:])) < mse(np.broadcast_to(clean[:300].mean(0), clean[300:].shape))


def test_lmmse_rejects_bad_arguments(pairs):
    clean, noisy = pairs
    with pytest.raises(ValueError, match="ridge"):
        denoise.fit_lmmse(clean, noisy, ridge=-1)
    with pytest.raises(ValueError, match="clean and noisy"):
        denoise.fit_lmmse(clean, noisy[:10])
    with pytest.raises(ValueError, match="noisy"):
        denoise.fit_lmmse(clean, noisy)(np.zeros((3, 5, 5)))


def test_correction_and_psnr_per_image():
    x = np.zeros((2, 4, 4))
    np.testing.assert_allclose(denoise.correct(x + 0.3, 0.2, 2.0), 0.2)
    assert denoise.correct(x + 0.9, 0.0, 5.0).max() == 1.0
    est = x.copy()
    est[1] += 0.1
    np.testing.assert_allclose(denoise.psnr_per_image(x, est), [100.0, 20.0])
    with pytest.raises(ValueError, match="clean and estimate"):
        denoise.psnr_per_image(x, est[:1])


def test_tune_correction_recovers_a_known_offset_and_gain(pairs):
    clean, _ = pairs
    distorted = clean / 2.0 + 0.25          # undone by offset 0.25, gain 2
    (offset, gain), score = denoise.tune_correction(clean, distorted)
    assert offset == pytest.approx(0.25, abs=0.01) and gain == pytest.approx(2.0, abs=0.05)
    assert score > 40


@pytest.mark.parametrize("name", sorted(denoise.SKIMAGE))
def test_every_skimage_denoiser_tunes_and_helps(pairs, name):
    clean, noisy = pairs
    noisy = np.clip(noisy, 0, 1)[:40]
    tuned = denoise.tune_denoiser(name, clean[:40], noisy)
    assert tuned.value in denoise.SKIMAGE[name][2]
    assert tuned.validation_psnr == max(tuned.scores.values())
    out = tuned(noisy)
    assert out.shape == noisy.shape and out.min() >= 0 and out.max() <= 1
    assert denoise.psnr_per_image(clean[:40], out).mean() > \
        denoise.psnr_per_image(clean[:40], noisy).mean()


def test_tune_denoiser_flags_a_choice_on_the_edge_and_checks_arguments(pairs):
    clean, noisy = pairs
    noisy = np.clip(noisy, 0, 1)[:20]
    tuned = denoise.tune_denoiser("total variation", clean[:20], noisy, grid=(1e-4, 2e-4, 3e-4))
    assert tuned.on_edge and tuned.value == 3e-4      # more smoothing always helps here
    with pytest.raises(ValueError, match="name"):
        denoise.tune_denoiser("median", clean[:20], noisy)
    with pytest.raises(ValueError, match="grid"):
        denoise.tune_denoiser("wavelet", clean[:20], noisy, grid=(0.1, 0.2))
    with pytest.raises(ValueError, match="noisy"):
        denoise.tune_denoiser("wavelet", clean[:20], noisy[:, :5])
