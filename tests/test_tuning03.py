import json

import pytest

from helpers import tuning03


def test_widening_moves_the_choice_inside_the_grid():
    # the best value is 100: the grid 1, 3, 10 grows upwards until it is inside
    best, scores = tuning03.widen_until_inside(lambda v: -abs(v - 100), (1, 3, 10), factor=3,
                                               higher_is_better=True)
    values = list(scores)
    assert values == sorted(values) and values[0] < best < values[-1]
    assert best == 90


def test_widening_downwards_for_a_loss_and_non_finite_scores_lose():
    best, scores = tuning03.widen_until_inside(
        lambda v: float("nan") if v > 5 else abs(v - 0.1), (1.0, 3.0, 10.0), factor=10,
        higher_is_better=False)
    assert best == 0.1 and list(scores) == [0.01, 0.1, 1.0, 3.0, 10.0]
    assert scores[10.0] == float("inf")


def test_a_plateau_stops_the_widening():
    best, scores = tuning03.widen_until_inside(lambda v: 1.0, (1, 2, 4), factor=2,
                                               higher_is_better=True)
    assert best == 1 and len(scores) == 4


@pytest.mark.parametrize("kwargs, message", [
    ({"grid": (1, 2)}, "grid"), ({"grid": (0, 1, 2)}, "grid"), ({"factor": 1}, "factor"),
    ({"max_widen": -1}, "max_widen")])
def test_bad_settings_are_named(kwargs, message):
    args = {"grid": (1, 2, 4), "factor": 2, **kwargs}
    with pytest.raises(ValueError, match=message):
        tuning03.widen_until_inside(lambda v: v, args.pop("grid"), higher_is_better=True, **args)


def test_the_shipped_record_has_every_choice_inside_its_grid():
    record = tuning03.read_record()
    assert record["recipe"] == tuning03.RECIPE
    assert record["command"] == tuning03.COMMAND
    for name in ("sparse", "plain"):
        arm = record["learning_rate"][name]
        assert arm["grid"][0] < arm["chosen"] < arm["grid"][-1]
        assert min(arm["val_objective"]) == arm["val_objective"][arm["grid"].index(arm["chosen"])]
        assert len(arm["val_objective_per_epoch"]) == len(arm["grid"])
    random = record["random_features"]
    assert random["scales"][0] < random["chosen"]["scale"] < random["scales"][-1]
    best = max(a for accs in random["val_accuracy"].values() for a in accs if a is not None)
    chosen = random["val_accuracy"][random["chosen"]["activation"]][
        random["scales"].index(random["chosen"]["scale"])]
    assert chosen == best
    assert set(record["probe_C"]) == {"pixels", "untrained encoder", "random features, tuned",
                                      "sparse", "plain"}
    for kind, grid in record["probe_grid"].items():
        chosen = grid["val_accuracy"][grid["C"].index(record["probe_C"][kind])]
        assert chosen == max(grid["val_accuracy"])


def test_a_record_with_a_choice_on_the_edge_is_refused(tmp_path):
    record = tuning03.read_record()
    record["learning_rate"]["plain"]["chosen"] = record["learning_rate"]["plain"]["grid"][-1]
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record))
    with pytest.raises(ValueError, match="learning_rate"):
        tuning03.read_record(path)
    with pytest.raises(FileNotFoundError, match="helpers.tuning03"):
        tuning03.read_record(tmp_path / "missing.json")


def test_a_record_with_a_probe_C_on_the_edge_is_refused(tmp_path):
    record = tuning03.read_record()
    assert set(record["probe_grid"]) == set(record["probe_C"])
    record["probe_C"]["sparse"] = record["probe_grid"]["sparse"]["C"][0]
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record))
    with pytest.raises(ValueError, match="probe_C"):
        tuning03.read_record(path)


def test_the_recipe_counts_the_steps_of_the_cosine_decay():
    recipe = tuning03.RECIPE
    assert recipe["steps"] == recipe["epochs"] * -(-recipe["n_ae"] // recipe["batch"]) == 628
