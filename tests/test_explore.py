import threading
import time

import ipywidgets as widgets
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
    assert z1.continuous_update and t.continuous_update, "a cheap redraw follows the drag"
    z1.value = z1.max
    assert calls[-1][0, 0] == pytest.approx(z1.max)
    t.value = 1.0
    np.testing.assert_allclose(calls[-1][0], codes[2], rtol=1e-6)
    with pytest.raises(ValueError, match="codes"):
        explore.latent_explorer(decode, np.zeros((5, 3)), np.zeros(5))


def test_denoise_explorer_gives_each_corruption_its_own_level():
    clean = np.random.default_rng(2).random((4, 784)).astype("float32")
    box = explore.denoise_explorer(
        clean,
        {"gaussian": lambda x, s: x + s, "masking": lambda x, f: x * (1 - f)},
        {"gaussian": (0.0, 1.0, 0.5), "masking": (0.1, 0.9, 0.3)},
        {"identity": lambda x: x},
    )
    kind, gaussian, masking = box.children[0].children
    shown = lambda: [s.layout.display != "none" for s in (gaussian, masking)]  # noqa: E731
    assert shown() == [True, False]
    assert (masking.min, masking.max, masking.value) == (0.1, 0.9, 0.3)
    assert not gaussian.continuous_update and not masking.continuous_update, (
        "a costly redraw waits for the slider's release"
    )
    first = _picture(box)
    gaussian.value = 0.8
    kind.value = "masking"
    assert shown() == [False, True], "choosing a corruption shows its own slider only"
    after_switch = _picture(box)
    assert after_switch not in (first,)
    masking.value = 0.6
    kind.value = "gaussian"
    assert gaussian.value == 0.8 and masking.value == 0.6, "each corruption keeps its level"
    with pytest.raises(ValueError, match="levels"):
        explore.denoise_explorer(clean, {"a": lambda x, s: x}, {"a": (0, 1)}, {"id": lambda x: x})


def test_slider_grid_is_round_and_passes_through_the_default():
    # A browser snaps a slider to min + k * step: the default must be on that grid.
    for low, high, value in [(0.0, 0.9, 0.5), (1.0, 20.0, 10.0), (-2.345, 3.1, 0.3712)]:
        lo, hi, step, v = explore._grid(low, high, value)
        assert v == value and low <= lo <= v <= hi <= high
        assert abs((v - lo) / step - round((v - lo) / step)) < 1e-6
        mantissa = step / 10 ** np.floor(np.log10(step))
        assert round(mantissa, 6) in (1.0, 2.0, 5.0), f"step {step} is not 1, 2 or 5 x 10^k"
        assert (high - low) / 100 / 10 < step <= (high - low) / 100 * (1 + 1e-9)
    assert explore._grid(1, 20, 10, 1) == (1.0, 20.0, 1.0, 10.0)
    with pytest.raises(ValueError, match="level"):
        explore._grid(0, 1, 2, name="level")
    with pytest.raises(ValueError, match="low < high"):
        explore._grid(1, 1, 1)


def test_redraws_never_overlap_and_skip_a_state_already_drawn():
    # ipykernel 7 can handle widget messages on two threads; overlapping Matplotlib draws came
    # out blank. Every redraw holds one lock and draws only a state not yet on the picture.
    busy, overlaps, drawn = [0], [0], []

    def draw(fig, x):
        busy[0] += 1
        overlaps[0] = max(overlaps[0], busy[0])
        time.sleep(0.01)  # releases the GIL, as a model's predict does
        fig.subplots().plot([0, 1], [0, x])
        drawn.append(x)
        busy[0] -= 1

    slider = widgets.FloatSlider(value=0.0, min=0.0, max=1.0, step=0.1)
    box = explore.explorer(draw, {"x": slider})
    values = [round(0.1 * k, 1) for k in range(1, 11)]

    def move(order):
        for v in order:
            slider.value = v

    threads = [threading.Thread(target=move, args=(order,)) for order in (values, values[::-1])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlaps[0] == 1, "two redraws ran at the same time"
    assert all(a != b for a, b in zip(drawn, drawn[1:])), "a state already drawn was drawn again"
    last = _picture(box)
    n = len(drawn)
    box.children[0].children[0].value = slider.value  # no change: nothing to draw
    assert len(drawn) == n and _picture(box) == last


def test_explorer_rejects_bad_controls():
    with pytest.raises(ValueError, match="controls"):
        explore.explorer(lambda fig: None, {})
    with pytest.raises(ValueError, match="draw"):
        explore.explorer("not a function", {"x": None})


def test_denoise_explorer_scores_only_the_digits_a_corruption_changed(monkeypatch):
    # An unchanged digit would score psnr's 100 dB cap and swamp the average of the others.
    from helpers import metrics

    scored = []
    real = metrics.psnr
    monkeypatch.setattr(metrics, "psnr", lambda a, b: scored.append(len(a)) or real(a, b))
    clean = np.random.default_rng(3).random((4, 784)).astype("float32")

    def spare_first(x, s):
        out = np.clip(x + s, 0, 1)
        out[0] = x[0]  # the first digit is left as it was
        return out

    explore.denoise_explorer(
        clean, {"noise": spare_first}, {"noise": (0.0, 1.0, 0.5)}, {"identity": lambda x: x}
    )
    assert scored == [3, 3], "both rows are scored on the 3 changed digits"
