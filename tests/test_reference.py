"""Reference models: every shipped model loads, its checksum holds, and it gives its card's metric.

A one-epoch smoke test of ``train`` on a small slice checks the training path end to end.
"""

import json
import shutil

import numpy as np
import pytest

import helpers
from helpers import reference
from helpers.data import data_dir

SHIPPED = sorted(
    p.name.removesuffix(".weights.h5") for p in (data_dir() / "reference").glob("*.weights.h5")
)


@pytest.fixture(scope="module", autouse=True)
def _keras():
    helpers.setup(0, verbose=False)


def test_every_registered_model_is_shipped():
    assert sorted(reference.REFERENCES) == SHIPPED


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_model_gives_its_cards_metric(name):
    card = reference.reference_card(name)
    rec = reference.recipe(name)
    model = reference.load_reference(name)
    x_test = rec.data(card["seed"]).x_test
    value = rec.metric(model, x_test)
    assert value == pytest.approx(card["metric"]["test"], rel=1e-4), (
        f"{name}: the shipped weights give {value:.5f}, the card says {card['metric']['test']:.5f}"
    )
    assert card["metric"]["met"] == reference._met(card["metric"]["test"], rec.goal)
    assert card["training"]["epochs"] == rec.epochs
    assert len(card["validation_curve"]) == rec.epochs * card["training"].get("stages", 1)
    assert card["training"]["limit"] is None and card["command"] == reference.command(name)
    assert card["wall_seconds"] <= 20 * 60, f"{name} took {card['wall_seconds']:.0f} s to train"


@pytest.mark.parametrize("name", SHIPPED)
def test_float16_storage_costs_no_measurable_accuracy(name):
    metric = reference.reference_card(name)["metric"]
    assert abs(metric["test"] - metric["test_before_storage"]) <= 1e-3 * abs(metric["test"])


@pytest.mark.parametrize("name", SHIPPED)
def test_data_readme_lists_each_shipped_file_with_its_sha256(name):
    text = (data_dir() / "README.md").read_text(encoding="utf-8")
    card = reference.reference_card(name)
    assert card["weights"]["file"] in text and card["weights"]["sha256"] in text


def test_shipped_weights_fit_the_size_budget():
    total = sum(p.stat().st_size for p in (data_dir() / "reference").glob("*.weights.h5"))
    assert total <= 60e6, f"shipped weights take {total / 1e6:.1f} MB, over the 60 MB budget"


def _copy(name, tmp_path):
    for suffix in (".weights.h5", ".json"):
        shutil.copy(data_dir() / "reference" / f"{name}{suffix}", tmp_path)


@pytest.mark.parametrize("name", SHIPPED)
def test_damaged_weights_are_refused_with_the_rebuild_command(name, tmp_path):
    _copy(name, tmp_path)
    path = tmp_path / f"{name}.weights.h5"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(reference.ReferenceFileError, match=rf"{name}\.weights\.h5.*damaged") as err:
        reference.load_reference(name, tmp_path)
    assert reference.command(name) in str(err.value)


@pytest.mark.parametrize("name", SHIPPED)
def test_missing_files_are_named(name, tmp_path):
    with pytest.raises(reference.ReferenceFileError, match=rf"{name}\.json is missing"):
        reference.load_reference(name, tmp_path)
    _copy(name, tmp_path)
    (tmp_path / f"{name}.weights.h5").unlink()
    with pytest.raises(reference.ReferenceFileError, match=rf"{name}\.weights\.h5 are missing"):
        reference.load_reference(name, tmp_path)


def test_unknown_name_is_refused():
    with pytest.raises(ValueError, match="name must be one of"):
        reference.load_reference("no_such_model")


def test_one_epoch_smoke_run_writes_a_card_that_loads(tmp_path, capsys):
    name = sorted(reference.REFERENCES)[0]
    card = reference.train_reference(name, out_dir=tmp_path, epochs=1, limit=1000)
    shown = capsys.readouterr().out
    assert "epoch 1/1" in shown and "ETA" in shown and "validation" in shown
    assert card["training"]["epochs"] == 1 and card["data"]["train"] == 1000
    assert "--epochs 1" in card["command"] and "--limit 1000" in card["command"]
    assert len(card["validation_curve"]) == 1 and np.isfinite(card["metric"]["test"])
    stored = json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))
    assert stored == json.loads(json.dumps(card))
    model = reference.load_reference(name, tmp_path)
    x_test = reference.recipe(name).data(0).x_test[:1000]
    assert reference.recipe(name).metric(model, x_test) == pytest.approx(
        card["metric"]["test"], rel=1e-5
    )


def test_float16_storage_round_trips(tmp_path):
    import keras

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.layers[0].kernel.assign(np.full((3, 2), 1 / 3, dtype="float32"))
    reference.save_weights(model, tmp_path / "m.weights.h5", "float16")
    clone = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    clone.load_weights(tmp_path / "m.weights.h5")
    kernel = keras.ops.convert_to_numpy(clone.layers[0].kernel)
    assert kernel.dtype == np.float32
    assert np.allclose(kernel, 1 / 3, atol=1e-3) and not np.allclose(kernel, 1 / 3, atol=1e-6)
    with pytest.raises(ValueError, match="storage"):
        reference.save_weights(model, tmp_path / "m.weights.h5", "int8")
    with pytest.raises(ValueError, match="path"):
        reference.save_weights(model, tmp_path / "m.h5")


def test_cli_rejects_train_without_a_name():
    with pytest.raises(SystemExit):
        reference.main(["train"])


def test_readme_table_is_written_from_the_cards():
    readme = (data_dir().parent / "README.md").read_text(encoding="utf-8")
    assert reference.reference_table() in readme, (
        "README's reference table differs from the cards: run `python -m helpers.reference readme`"
    )


def test_a_model_with_its_own_compute_loss_trains_and_loads(tmp_path):
    rec = reference.recipe("vae_20")
    assert rec.loss is None, "vae_20's loss lives in VAE.compute_loss"
    card = reference.train_reference("vae_20", out_dir=tmp_path, epochs=1, limit=1000)
    assert card["training"]["loss"] == rec.loss_note
    assert card["extras"] == {}, "a limited smoke run skips the slow extra numbers"
    model = reference.load_reference("vae_20", tmp_path)
    x_test = rec.data(0).x_test[:1000]
    assert rec.metric(model, x_test) == pytest.approx(card["metric"]["test"], rel=1e-5)


def test_vae_card_records_an_importance_weighted_bound_above_its_elbo():
    card = reference.reference_card("vae_20")
    extras = card["extras"]
    assert extras["iw_images"] == 1000
    assert extras["iw_log_likelihood_k1000"] >= extras["iw_log_likelihood_k100"]
    assert extras["iw_log_likelihood_k100"] > -card["metric"]["test"], "L_100 lies above the ELBO"


def test_cae_card_compares_the_two_members_at_matched_reconstruction():
    card = reference.reference_card("cae_06")
    extras = card["extras"]
    assert extras["mse_ratio_cae_ae"] == pytest.approx(extras["mse_cae"] / extras["mse_ae"])
    assert extras["mse_ratio_cae_ae"] <= 1.15, "λ was chosen for matched reconstruction"
    assert card["metric"]["test"] == pytest.approx(
        extras["jacobian_norm_ae"] / extras["jacobian_norm_cae"], rel=1e-6
    )
    assert extras["lambda"] == reference.CAE_LAMBDA


def test_greedy_pretraining_trains_one_layer_at_a_time():
    model = reference.load_reference("sdae_05")
    with pytest.raises(ValueError, match="stage"):
        model.set_stage(3)
    model.set_stage(2)
    assert all(not ae.trainable for ae, _ in model.layer1), "layer 1 is frozen while layer 2 trains"
    trained = {id(v) for v in model.trainable_variables}
    assert trained == {id(v) for ae, _ in model.layer2 for v in ae.trainable_variables}
    model.set_stage(1)
    assert {id(v) for v in model.trainable_variables} == {
        id(v) for ae, _ in model.layer1 for v in ae.trainable_variables
    }
    card = reference.reference_card("sdae_05")
    assert card["training"]["stages"] == 2
    extras = card["extras"]
    assert extras["layer2_test_bce"] == pytest.approx(card["metric"]["test"], rel=1e-6)
    assert len(reference.sdae_encoders(model)) == reference.SDAE_RUNS


def test_convergence_record_compares_twice_the_epochs(tmp_path, monkeypatch):
    import keras

    from helpers.data import Split

    rng = np.random.default_rng(0)
    images = rng.random((300, 784)).astype("float32")

    def build(_):
        return keras.Sequential([keras.Input((784,)), keras.layers.Dense(8),
                                 keras.layers.Dense(784, activation="sigmoid")])

    tiny = reference.Recipe(
        name="tiny", lesson="00_test", summary="s", architecture="784-8-784", build=build,
        data=lambda seed: Split(images[:100], None, images[100:200], None, images[200:], None),
        metric=lambda model, x: float(np.mean((model.predict(x, verbose=0) - x) ** 2)),
        metric_name="MSE", metric_unit="per pixel", loss="mse", epochs=1, batch_size=50,
        lr=1e-2)
    monkeypatch.setitem(reference.REFERENCES, "tiny", tiny)
    monkeypatch.setattr(reference, "reference_dir", lambda: tmp_path)
    reference.train_reference("tiny", out_dir=tmp_path)
    record = reference.convergence_record("tiny")
    assert [arm["epochs"] for arm in record["arms"]] == [1, 2]
    assert [len(arm["validation_curve"]) for arm in record["arms"]] == [1, 2]
    stored = json.loads((tmp_path / "tuning" / "tiny_longer.json").read_text(encoding="utf-8"))
    assert stored == json.loads(json.dumps(record))
