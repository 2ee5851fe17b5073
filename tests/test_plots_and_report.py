import json

import numpy as np
import pytest

import helpers
from helpers import plots


def test_show_images_accepts_flat_and_square_batches():
    fig = plots.show_images(np.random.default_rng(0).random((12, 784)), ncols=6, title="grid")
    assert len(fig.axes) == 12
    fig = plots.show_images(np.zeros((3, 5, 7)), titles=["a", "b", "c"])
    assert fig.axes[0].get_title() == "a"


def test_show_images_rejects_bad_input():
    with pytest.raises(ValueError, match="images"):
        plots.show_images(np.zeros((3, 10)))  # 10 values are not a square image
    with pytest.raises(ValueError, match="titles"):
        plots.show_images(np.zeros((3, 4, 4)), titles=["only one"])
    with pytest.raises(ValueError, match="ncols"):
        plots.show_images(np.zeros((3, 4, 4)), ncols=0)


def test_compare_rows_and_its_errors():
    x = np.random.default_rng(0).random((10, 784))
    fig = plots.compare_rows({"original": x, "reconstruction": x * 0.5}, n=8)
    assert len(fig.axes) == 16
    with pytest.raises(ValueError, match="fewer than n"):
        plots.compare_rows({"original": x[:3]}, n=8)
    with pytest.raises(ValueError, match="rows"):
        plots.compare_rows({})


def test_plot_history_and_latent():
    ax = plots.plot_history({"loss": [3, 2, 1], "val_loss": [3.5, 2.5, 2]})
    assert len(ax.lines) == 2
    with pytest.raises(ValueError, match="keys"):
        plots.plot_history({"loss": [1]}, keys=["val_loss"])
    ax = plots.plot_latent(np.zeros((6, 2)), [0, 1, 2, 0, 1, 2])
    assert len(ax.collections) == 3
    with pytest.raises(ValueError, match="codes"):
        plots.plot_latent(np.zeros((6, 3)), np.zeros(6))
    with pytest.raises(ValueError, match="labels"):
        plots.plot_latent(np.zeros((6, 2)), np.zeros(5))


def test_report_prints_returns_and_records(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_RESULTS_DIR", str(tmp_path))
    out = helpers.report("01_demo", {"ratio": np.float32(1.25), "k": 32}, goals={"ratio": "<= 1.5"})
    assert out == {"ratio": 1.25, "k": 32.0}
    printed = capsys.readouterr().out
    assert "ratio" in printed and "<= 1.5" in printed
    assert json.loads((tmp_path / "01_demo.json").read_text()) == out


def test_report_without_benchmark_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_RESULTS_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    helpers.report("02_demo", {"x": 1.0})
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("lesson, results, match", [
    ("demo", {"x": 1.0}, "lesson"),
    ("01_demo", {}, "non-empty"),
    ("01_demo", {"x": float("nan")}, "finite"),
    ("01_demo", {"x": "high"}, "number"),
])
def test_report_rejects_bad_input(lesson, results, match):
    with pytest.raises(ValueError, match=match):
        helpers.report(lesson, results)


def test_report_rejects_goal_for_unknown_result():
    with pytest.raises(ValueError, match="goals"):
        helpers.report("01_demo", {"x": 1.0}, goals={"y": "<= 2"})


def test_setup_seed_from_environment(monkeypatch):
    monkeypatch.setenv("COURSE_SEED", "7")
    assert helpers.course_seed() == 7
    monkeypatch.setenv("COURSE_SEED", "seven")
    with pytest.raises(ValueError, match="COURSE_SEED"):
        helpers.course_seed()
    monkeypatch.delenv("COURSE_SEED")
    assert helpers.course_seed() == 0


def test_setup_makes_runs_repeatable():
    import keras

    helpers.setup(3, verbose=False)
    first = (np.random.random(3), keras.ops.convert_to_numpy(keras.random.normal((3,))))
    helpers.setup(3, verbose=False)
    second = (np.random.random(3), keras.ops.convert_to_numpy(keras.random.normal((3,))))
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    with pytest.raises(ValueError, match="seed"):
        helpers.setup(-1)
