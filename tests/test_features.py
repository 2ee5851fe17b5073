import numpy as np
import pytest

from helpers import features


def test_max_cosine_finds_each_feature_signed_or_not():
    truth = np.eye(3)
    dictionary = np.array([[2.0, 0.0, 0.0], [0.0, -1.0, 0.0], [0.0, 1.0, 1.0]])
    signed = features.max_cosine(truth, dictionary)
    np.testing.assert_allclose(signed, [1.0, 1 / np.sqrt(2), 1 / np.sqrt(2)])
    unsigned = features.max_cosine(truth, dictionary, signed=False)
    np.testing.assert_allclose(unsigned, [1.0, 1.0, 1 / np.sqrt(2)])


def test_variance_explained_l0_and_dead_latents():
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]])
    assert features.variance_explained(x, x) == pytest.approx(1.0)
    assert features.variance_explained(x, np.broadcast_to(x.mean(0), x.shape)) == pytest.approx(0)
    codes = np.array([[0.0, 1.0, 0.0], [0.0, 2.0, 3.0]])
    assert features.l0(codes) == pytest.approx(1.5)
    np.testing.assert_array_equal(features.dead_latents(codes), [True, False, False])


def test_label_purity_weighted_and_top():
    labels = np.array([0, 0, 1, 1])
    acts = np.array([[3.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 1.0, 0.0], [0.0, 5.0, 0.0]])
    weighted = features.label_purity(acts, labels)
    np.testing.assert_allclose(weighted[:2], [1.0, 6 / 8])
    assert np.isnan(weighted[2]), "a unit that never fires has no purity"
    top = features.label_purity(acts, labels, top=2)
    np.testing.assert_allclose(top[:2], [1.0, 0.5])


def test_group_difference_ci_covers_the_true_gap():
    rng = np.random.default_rng(0)
    a, b = rng.normal(1.0, 1.0, 400), rng.normal(0.5, 1.0, 100)
    interval = features.group_difference_ci(a, b)
    assert interval.low < 0.5 < interval.high
    assert interval.estimate == pytest.approx(a.mean() - b.mean())


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: features.max_cosine(np.eye(3), np.eye(2)), "same width"),
        (lambda: features.max_cosine(np.eye(2), np.zeros((2, 2))), "dictionary"),
        (lambda: features.variance_explained(np.ones((3, 2)), np.ones((3, 2))), "variance"),
        (lambda: features.l0(np.zeros(3)), "codes"),
        (lambda: features.label_purity(np.ones((3, 2)), [0, 1]), "labels"),
        (lambda: features.label_purity(np.ones((3, 2)), [0, 1, 1], top=0), "top"),
        (lambda: features.group_difference_ci([1.0], [1.0, 2.0]), "at least 2"),
        (lambda: features.group_difference_ci([1.0, 2.0], [1.0, 2.0], n_boot=5), "n_boot"),
    ],
)
def test_bad_input_names_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
