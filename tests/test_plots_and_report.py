import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np
import pytest

import helpers
from helpers import plots
from helpers.report import goal_met, read_results


def test_show_images_accepts_flat_and_square_batches_and_returns_none():
    assert (
        plots.show_images(np.random.default_rng(0).random((12, 784)), ncols=6, title="grid") is None
    )
    assert len(plt.gcf().axes) == 12
    plt.close("all")
    plots.show_images(np.zeros((3, 5, 7)), titles=["a", "b", "c"])
    assert plt.gcf().axes[0].get_title() == "a"


def test_signed_images_share_a_symmetric_scale_with_a_colour_bar():
    w = (
        np.array([[-2.0, 1.0], [0.5, 0.0]])[None].repeat(3, axis=0)
        * np.array([1, 2, 3])[:, None, None]
    )
    plots.show_images(w, signed=True)
    fig = plt.gcf()
    images = [im for ax in fig.axes for im in ax.get_images()]
    assert len(images) == 3 and len(fig.axes) == 4, "three images and one colour bar"
    for im in images:
        assert im.get_clim() == (-6.0, 6.0), "one scale for all, symmetric about 0, so 0 is white"
        assert im.get_cmap().name == "RdBu_r"


def test_show_images_rejects_bad_input():
    with pytest.raises(ValueError, match="images"):
        plots.show_images(np.zeros((3, 10)))  # 10 values are not a square image
    with pytest.raises(ValueError, match="titles"):
        plots.show_images(np.zeros((3, 4, 4)), titles=["only one"])
    with pytest.raises(ValueError, match="ncols"):
        plots.show_images(np.zeros((3, 4, 4)), ncols=0)


def test_compare_rows_and_its_errors():
    x = np.random.default_rng(0).random((10, 784))
    assert plots.compare_rows({"original": x, "reconstruction": x * 0.5}, n=8) is None
    assert len(plt.gcf().axes) == 16
    with pytest.raises(ValueError, match="fewer than n"):
        plots.compare_rows({"original": x[:3]}, n=8)
    with pytest.raises(ValueError, match="rows"):
        plots.compare_rows({})


def test_plot_history_with_reference_line_and_latent():
    assert (
        plots.plot_history({"loss": [3, 2, 1], "val_loss": [3.5, 2.5, 2]}, reference={"PCA": 1.5})
        is None
    )
    ax = plt.gcf().axes[0]
    assert len(ax.lines) == 3 and ax.lines[2].get_ydata()[0] == 1.5
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["loss", "val_loss", "PCA"]
    with pytest.raises(ValueError, match="keys"):
        plots.plot_history({"loss": [1]}, keys=["val_loss"])
    plt.close("all")
    assert plots.plot_latent(np.zeros((6, 2)), [0, 1, 2, 0, 1, 2]) is None
    assert len(plt.gcf().axes[0].collections) == 3
    with pytest.raises(ValueError, match="codes"):
        plots.plot_latent(np.zeros((6, 3)), np.zeros(6))
    with pytest.raises(ValueError, match="labels"):
        plots.plot_latent(np.zeros((6, 2)), np.zeros(5))


def test_report_prints_goals_with_status_and_records_them(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_RESULTS_DIR", str(tmp_path))
    out = helpers.report(
        "01_demo",
        {"ratio": np.float32(1.25), "k": 32, "err": 4.3},
        goals={"ratio": ("<=", 1.5), "err": ("<=", 3.0)},
    )
    assert out == {"ratio": 1.25, "k": 32.0, "err": pytest.approx(4.3)}
    lines = capsys.readouterr().out.splitlines()
    assert any("ratio" in line and "≤ 1.5" in line and line.endswith(" met") for line in lines)
    assert any("err" in line and "≤ 3" in line and line.endswith("NOT met") for line in lines)
    record = read_results(tmp_path, "01_demo")
    assert record["ratio"] == {"value": 1.25, "goal": ["<=", 1.5], "met": True}
    assert record["err"]["met"] is False and record["k"] == {"value": 32.0}


def test_goal_met_is_exact_at_the_boundary():
    assert goal_met(3.0, ("<=", 3.0)) and not goal_met(3.0000001, ("<=", 3.0))
    assert goal_met(2.0, (">=", 2.0)) and not goal_met(2.0, (">", 2.0))
    with pytest.raises(ValueError, match="goal"):
        goal_met(1.0, ("~", 1.0))


def test_read_results_says_when_nothing_or_the_wrong_name_was_reported(tmp_path):
    with pytest.raises(FileNotFoundError, match="reported no results"):
        read_results(tmp_path, "03_sparse_autoencoders")
    (tmp_path / "03_sparse.json").write_text("{}")
    with pytest.raises(ValueError, match="wrong name"):
        read_results(tmp_path, "03_sparse_autoencoders")


def test_report_without_benchmark_records_nowhere(tmp_path, monkeypatch):
    # With the variable set, report writes its file (the positive case above); unset, the same
    # call must leave both the working directory and the previously used directory untouched.
    monkeypatch.setenv("COURSE_RESULTS_DIR", str(tmp_path / "bench"))
    helpers.report("02_demo", {"x": 1.0})
    assert (tmp_path / "bench" / "02_demo.json").exists()
    (tmp_path / "bench" / "02_demo.json").unlink()
    monkeypatch.delenv("COURSE_RESULTS_DIR")
    monkeypatch.chdir(tmp_path)
    helpers.report("02_demo", {"x": 1.0})
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["bench"]


@pytest.mark.parametrize(
    "lesson, results, goals, match",
    [
        ("demo", {"x": 1.0}, None, "lesson"),
        ("01_demo", {}, None, "non-empty"),
        ("01_demo", {"x": float("nan")}, None, "finite"),
        ("01_demo", {"x": "high"}, None, "number"),
        ("01_demo", {"x": 1.0}, {"y": ("<=", 2)}, "not reported"),
        ("01_demo", {"x": 1.0}, {"x": "<= 2"}, "operator"),
        ("01_demo", {"x": 1.0}, {"x": ("<=", "two")}, "number"),
    ],
)
def test_report_rejects_bad_input(lesson, results, goals, match):
    with pytest.raises(ValueError, match=match):
        helpers.report(lesson, results, goals=goals)


def test_setup_seed_from_environment(monkeypatch):
    monkeypatch.setenv("COURSE_SEED", "7")
    assert helpers.course_seed() == 7
    monkeypatch.setenv("COURSE_SEED", "seven")
    with pytest.raises(ValueError, match="COURSE_SEED"):
        helpers.course_seed()
    monkeypatch.delenv("COURSE_SEED")
    assert helpers.course_seed() == 0


def test_importing_helpers_does_not_import_the_backend_but_setup_does():
    code = (
        "import os, sys, helpers; b = os.environ.get('KERAS_BACKEND', 'tensorflow'); "
        "a = b in sys.modules or 'keras' in sys.modules; helpers.setup(verbose=False); "
        "print(a, b in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


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
