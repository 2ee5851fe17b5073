import numpy as np
import pytest

from helpers import explore


def _picture(box):
    return box.children[1].value


def test_threshold_explorer_redraws_on_a_move_and_never_changes_the_data(capsys):
    rng = np.random.default_rng(0)
    scores = np.r_[rng.normal(0, 1, 200), rng.normal(3, 1, 50)]
    labels = np.r_[np.zeros(200), np.ones(50)]
    before = scores.copy()
    box = explore.threshold_explorer(scores, labels, threshold=1.5)
    first = _picture(box)
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    slider = box.children[0].children[0]
    slider.value = slider.max
    assert _picture(box) != first, "moving the slider must redraw the picture"
    np.testing.assert_array_equal(scores, before)
    with pytest.raises(ValueError, match="labels"):
        explore.threshold_explorer(scores, labels[:-1], threshold=1.0)


def test_latent_explorer_decodes_the_chosen_point():
    calls = []

    def decode(z):
        calls.append(z.copy())
        return np.full((1, 784), 0.5)

    codes = np.random.default_rng(1).normal(size=(300, 2))
    box = explore.latent_explorer(decode, codes, np.arange(300) % 10, path=codes[:3])
    z1, z2, t = box.children[0].children
    z1.value = z1.max
    assert calls[-1][0, 0] == pytest.approx(z1.max)
    t.value = 1.0
    np.testing.assert_allclose(calls[-1][0], codes[2], rtol=1e-6)
    with pytest.raises(ValueError, match="codes"):
        explore.latent_explorer(decode, np.zeros((5, 3)), np.zeros(5))


def test_denoise_explorer_switches_corruption_and_level():
    clean = np.random.default_rng(2).random((4, 784)).astype("float32")
    box = explore.denoise_explorer(
        clean,
        {"gaussian": lambda x, s: x + s, "masking": lambda x, f: x * (1 - f)},
        {"gaussian": (0.0, 1.0, 0.5), "masking": (0.1, 0.9, 0.3)},
        {"identity": lambda x: x},
    )
    kind, level = box.children[0].children
    first = _picture(box)
    kind.value = "masking"
    assert (level.min, level.max, level.value) == (0.1, 0.9, 0.3)
    assert _picture(box) != first


def test_explorer_rejects_bad_controls():
    with pytest.raises(ValueError, match="controls"):
        explore.explorer(lambda fig: None, {})
    with pytest.raises(ValueError, match="draw"):
        explore.explorer("not a function", {"x": None})
