import numpy as np
import pytest

from helpers import noise


@pytest.fixture
def images():
    rng = np.random.default_rng(123)
    return rng.random((200, 28, 28)).astype(np.float32)


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("gaussian", {"sigma": 0.5}),
        ("salt_and_pepper", {"fraction": 0.3}),
        ("masking", {"fraction": 0.3}),
        ("cutout", {"size": 8}),
    ],
)
def test_shape_dtype_range_and_seeding(images, name, kwargs):
    fn = noise.CORRUPTIONS[name]
    before = images.copy()
    a = fn(images, seed=7, **kwargs)
    b = fn(images, seed=7, **kwargs)
    c = fn(images, seed=8, **kwargs)
    assert a.shape == images.shape and a.dtype == images.dtype
    assert a.min() >= 0.0 and a.max() <= 1.0
    np.testing.assert_array_equal(a, b)  # same seed -> same output
    assert not np.array_equal(a, c)  # another seed -> another draw
    assert not np.array_equal(a, images)  # something was corrupted
    assert a is not images
    np.testing.assert_array_equal(images, before)  # input left alone (not corrupted in place)


def test_generator_gives_fresh_draws(images):
    rng = np.random.default_rng(0)
    first = noise.masking(images, 0.5, seed=rng)
    second = noise.masking(images, 0.5, seed=rng)
    assert not np.array_equal(first, second)


def test_gaussian_statistics():
    flat = np.full((400, 784), 0.5, dtype=np.float32)
    raw = noise.gaussian(flat, 0.1, seed=0, clip=False) - flat  # far from 0 and 1: no clipping
    assert abs(raw.mean()) < 2e-3
    assert raw.std() == pytest.approx(0.1, rel=0.02)
    np.testing.assert_array_equal(noise.gaussian(flat, 0.0, seed=0), flat)


def test_gaussian_unclipped_leaves_unit_interval_and_clipping_fixes_it():
    x = np.zeros((50, 784), dtype=np.float32)
    raw = noise.gaussian(x, 0.5, seed=1, clip=False)
    assert raw.min() < -1.0 and raw.max() > 1.0
    clipped = noise.gaussian(x, 0.5, seed=1)
    np.testing.assert_array_equal(clipped, np.clip(raw, 0, 1))
    assert np.mean(clipped == 0.0) == pytest.approx(0.5, abs=0.02)  # half the draws are negative


def test_masking_fraction_is_exact_per_image(images):
    out = noise.masking(images, 0.25, seed=3)
    zeroed = (out == 0) & (images != 0)
    per_image = zeroed.reshape(len(images), -1).mean(axis=1)
    np.testing.assert_allclose(per_image, round(0.25 * 784) / 784, atol=1e-9)
    untouched = ~zeroed
    np.testing.assert_array_equal(out[untouched], images[untouched])
    np.testing.assert_array_equal(noise.masking(images, 0.0, seed=0), images)
    assert np.all(noise.masking(images, 1.0, seed=0) == 0)


def test_salt_and_pepper_fraction_and_balance(images):
    out = noise.salt_and_pepper(images, 0.2, seed=4)
    changed = out != images
    assert changed.mean() == pytest.approx(0.2, abs=0.005)
    assert set(np.unique(out[changed])) <= {0.0, 1.0}
    salt = np.mean(out[changed] == 1.0)
    assert salt == pytest.approx(0.5, abs=0.03)


def test_salt_and_pepper_on_flat_images():
    x = np.full((100, 784), 0.5, dtype=np.float32)
    out = noise.salt_and_pepper(x, 0.1, seed=0)
    assert np.mean(out != 0.5) == pytest.approx(0.1, abs=1e-3)


def test_cutout_patch_is_one_square_inside_the_image():
    x = np.ones((300, 28, 28), dtype=np.float32)
    out = noise.cutout(x, 10, seed=5)
    zero = out == 0
    assert np.all(zero.reshape(300, -1).sum(axis=1) == 100)
    for img in zero[:20]:
        rows, cols = np.nonzero(img)
        assert rows.max() - rows.min() == 9 and cols.max() - cols.min() == 9
    # positions vary over the batch
    tops = [np.nonzero(img)[0].min() for img in zero]
    assert len(set(tops)) > 5
    # channels-last batches are occluded on every channel
    rgb = noise.cutout(np.ones((4, 28, 28, 3), dtype=np.float32), 6, seed=0)
    assert np.all((rgb == 0).reshape(4, -1).sum(axis=1) == 6 * 6 * 3)


@pytest.mark.parametrize(
    "call, argname",
    [
        (lambda x: noise.gaussian(x, -0.1), "sigma"),
        (lambda x: noise.gaussian(x, float("nan")), "sigma"),
        (lambda x: noise.gaussian(x, "0.5"), "sigma"),
        (lambda x: noise.salt_and_pepper(x, 1.5), "fraction"),
        (lambda x: noise.masking(x, -0.2), "fraction"),
        (lambda x: noise.cutout(x, 0), "size"),
        (lambda x: noise.cutout(x, 29), "size"),
        (lambda x: noise.cutout(x, 4.5), "size"),
        (lambda x: noise.cutout(x, 4, fill=2.0), "fill"),
        (lambda x: noise.masking(x, 0.1, seed=-1), "seed"),
        (lambda x: noise.masking(x, 0.1, seed="a"), "seed"),
    ],
)
def test_rejects_bad_arguments(call, argname):
    x = np.full((3, 28, 28), 0.5, dtype=np.float32)
    with pytest.raises(ValueError, match=argname):
        call(x)


@pytest.mark.parametrize(
    "bad",
    [
        np.full((3, 28, 28), 2.0, dtype=np.float32),  # outside [0, 1]
        np.full((3, 28, 28), 128, dtype=np.uint8),  # raw 0..255 bytes
        np.full((3, 28, 28), np.nan, dtype=np.float32),  # NaN
        np.full(784, 0.5, dtype=np.float32),  # no batch axis
    ],
)
@pytest.mark.parametrize("fn", [noise.gaussian, noise.salt_and_pepper, noise.masking, noise.cutout])
def test_rejects_bad_images(fn, bad):
    with pytest.raises(ValueError, match="images"):
        fn(bad)


def test_cutout_needs_spatial_layout():
    with pytest.raises(ValueError, match="images"):
        noise.cutout(np.full((3, 784), 0.5, dtype=np.float32), 5)
