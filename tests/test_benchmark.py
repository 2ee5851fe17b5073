import pytest

from helpers import benchmark

ENTRY = {
    "seconds": 80.4,
    "reference_seconds": 2.0,
    "relative": 40.2,
    "results": {
        "mse_ratio_k32": {"value": 1.0000126, "goal": ["<=", 1.005], "met": True},
        "sq_error": {"value": 4.28, "goal": ["<=", 3.0], "met": False},
        "k": {"value": 32.0},
    },
    "backends": {"jax": {"seconds": 61.2, "reference_seconds": 2.0, "relative": 30.6,
                         "goals_met": 1, "goals": 2}},
}


def test_course_table_rows_come_from_results_and_notebook_titles():
    results = {"01_pca_vs_linear_autoencoder": ENTRY, "99_missing_lesson": ENTRY}
    table = benchmark.course_table(results).splitlines()
    assert table[0].startswith("| lesson | topic | TensorFlow (s) | × reference | JAX (s) | "
                               "PyTorch (s) |")
    assert len(table) == 3, "a lesson without a notebook gets no row"
    row = table[2]
    assert "| PCA vs the linear autoencoder | 80 | 40 | 61 | – |" in row
    assert "`mse_ratio_k32` = 1.00001 (goal ≤ 1.005: met)" in row
    assert "`sq_error` = 4.28 (goal ≤ 3: **not met**)" in row
    assert "`k` = 32," not in row and row.rstrip(" |").endswith("`k` = 32")


def test_update_readme_rewrites_only_the_table(tmp_path, monkeypatch):
    readme = tmp_path / "README.md"
    readme.write_text(
        f"intro\n{benchmark.START}\nold table\n{benchmark.END}\noutro\n", encoding="utf-8"
    )
    monkeypatch.setattr(benchmark, "README", readme)
    benchmark.update_readme({"01_pca_vs_linear_autoencoder": ENTRY})
    text = readme.read_text(encoding="utf-8")
    assert text.startswith(f"intro\n{benchmark.START}\n| lesson |") and text.endswith(
        f"{benchmark.END}\noutro\n"
    )
    assert "old table" not in text and "PCA vs the linear autoencoder" in text


def test_update_readme_without_markers_leaves_it_alone_and_says_so(tmp_path, monkeypatch, capsys):
    readme = tmp_path / "README.md"
    readme.write_text("no table here\n", encoding="utf-8")
    monkeypatch.setattr(benchmark, "README", readme)
    benchmark.update_readme({"01_pca_vs_linear_autoencoder": ENTRY})
    assert readme.read_text(encoding="utf-8") == "no table here\n"
    assert "markers" in capsys.readouterr().err


def test_benchmark_rejects_unknown_lesson():
    with pytest.raises(SystemExit):
        benchmark.main(["42"])


def test_stored_lessons_open_in_jupyterlab_without_unsaved_changes():
    import json

    from jupyter_client.kernelspec import get_kernel_spec

    display_name = get_kernel_spec("python3").display_name
    for path in sorted(benchmark.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        assert nb["metadata"]["kernelspec"]["display_name"] == display_name, (
            f"{path.name}: JupyterLab would rewrite the kernelspec on opening; "
            f"run `python -m helpers.benchmark {path.name[:2]}`"
        )
        assert all(cell.get("id") for cell in nb["cells"]), f"{path.name}: a cell has no id"


def test_store_as_jupyterlab_would_sets_kernelspec_and_ids():
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T")])
    nb.cells[0].pop("id")
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    benchmark.store_as_jupyterlab_would(nb)
    assert nb.metadata["kernelspec"]["display_name"] != "Python 3" and nb.cells[0]["id"]


def test_run_time_sentence_states_the_measurement_and_the_budget():
    from helpers.benchmark import run_time_sentence

    within = run_time_sentence(61.6, 1.25)
    assert within.startswith("**Run time**: 62 s ") and "(49 × its reference" in within
    assert within.endswith(".") and "budget" not in within
    assert "over the course's 90 s budget" in run_time_sentence(95.0)
    with pytest.raises(ValueError, match="seconds"):
        run_time_sentence(0.0)


def test_stamp_run_time_rewrites_only_the_header_paragraph():
    from helpers.benchmark import stamp_run_time

    header = "# 09 — T\n\nIntro.\n\n**Run time**: 5 s, typed by hand\n(old).\n\n**Next**: more."
    nb = {"cells": [{"cell_type": "code", "source": "x = 1"},
                    {"cell_type": "markdown", "source": header}]}
    assert stamp_run_time(nb, 70.2, 1.3)
    text = nb["cells"][1]["source"]
    assert "typed by hand" not in text and "**Run time**: 70 s" in text and "(54 ×" in text
    assert text.startswith("# 09 — T\n\nIntro.\n\n") and text.endswith("\n\n**Next**: more.")
    assert not stamp_run_time({"cells": [{"cell_type": "markdown", "source": "# no time"}]}, 1.0)


def test_another_backend_is_run_but_not_stored(tmp_path, monkeypatch):
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 99 — T\n\n**Run time**: 1 s."),
        nbformat.v4.new_code_cell(
            "import os, helpers\n"
            "helpers.report('99_t', {'backend': len(os.environ['KERAS_BACKEND'])})"
        ),
    ])
    path = tmp_path / "99_t.ipynb"
    nbformat.write(nb, path)
    before = path.read_text(encoding="utf-8")
    seconds, results = benchmark.run_notebook(path, backend="jax", timeout=120)
    assert seconds > 0 and results["backend"]["value"] == 3
    assert path.read_text(encoding="utf-8") == before, "another backend's run is not saved"
    with pytest.raises(ValueError, match="backend"):
        benchmark.run_notebook(path, backend="theano")
