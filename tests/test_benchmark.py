from helpers import benchmark


def test_course_table_rows_come_from_results_and_notebook_titles():
    results = {"01_pca_vs_linear_autoencoder": {"seconds": 80.4, "results": {"mse_ratio_k32": 1.0000126, "k": 32.0}},
               "99_missing_lesson": {"seconds": 1.0, "results": {"x": 1.0}}}
    table = benchmark.course_table(results).splitlines()
    assert table[0].startswith("| lesson | topic | run time (s)")
    assert len(table) == 3, "a lesson without a notebook gets no row"
    row = table[2]
    assert "| PCA vs the linear autoencoder | 80 |" in row
    assert "`mse_ratio_k32` = 1.00001" in row and "`k` = 32" in row


def test_benchmark_rejects_unknown_lesson(capsys):
    import pytest

    with pytest.raises(SystemExit):
        benchmark.main(["42"])
