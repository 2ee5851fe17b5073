"""Lesson 03's tuning record: its grids, run once by this script, read by the lesson.

Lesson 03 trains its sparse and plain autoencoders live (three seeds each) and probes their codes
live; the *choices* behind that comparison — each model's peak learning rate (Adam's step size
then falls along a cosine to 0), the random-feature control's scale and non-linearity, the ``C``
of the probe for each kind of features — are made on
validation digits by this script, with the lesson's own recipe, and written to a record::

    python -m helpers.tuning03          # a few minutes on a 2-core CPU (the record keeps the time)
    python -m helpers.tuning03 --output /tmp/lesson03_grids.json

Every arm's validation numbers, each grid, the chosen values, the seed, the versions and the
wall time are in the record (``data/reference/tuning/lesson03_grids.json``), all from the run:
nothing in it is typed. A grid whose best value lands on an edge is widened until the choice is
inside it. The test set is not touched.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

RECORD = (Path(__file__).resolve().parent.parent / "data" / "reference" / "tuning"
          / "lesson03_grids.json")
COMMAND = "python -m helpers.tuning03"

# The lesson's recipe (notebooks/03_sparse_autoencoders.ipynb checks that its settings agree).
RECIPE = {
    "course_seed": 0, "n_train": 20_000, "n_val": 5_000, "code_size": 1024, "rho": 0.05,
    "beta": 5.0, "encoder_l2": 0.02, "decoder_l2": 0.0015, "n_ae": 10_000, "epochs": 4,
    "batch": 64, "n_probe": 5_000, "training_seed": 0,
}
# Adam's steps per model; its step size falls along a cosine to 0 over them
RECIPE["steps"] = RECIPE["epochs"] * math.ceil(RECIPE["n_ae"] / RECIPE["batch"])
LEARNING_RATES = (1e-3, 3e-3, 1e-2)
RANDOM_SCALES = (1.0, 4.0, 16.0, 64.0, 256.0)
ACTIVATIONS = ("sigmoid", "relu")


def widen_until_inside(
    score: Callable[[float], float], grid, *, factor: float, higher_is_better: bool,
    max_widen: int = 4,
) -> tuple[float, dict[float, float]]:
    """Score every value of ``grid``; while the best is on an edge, add the next value beyond it.

    Returns ``(best, scores)`` with ``scores`` sorted by value. A value added by widening must
    score strictly better to be chosen, so a plateau stops the widening. Non-finite scores count
    as the worst possible.
    """
    values = sorted(float(v) for v in grid)
    if len(values) < 3 or values[0] <= 0 or len(set(values)) != len(values):
        raise ValueError(f"grid must hold at least 3 distinct positive values, got {grid!r}")
    if not factor > 1:
        raise ValueError(f"factor must be greater than 1, got {factor!r}")
    if not isinstance(max_widen, int) or isinstance(max_widen, bool) or max_widen < 0:
        raise ValueError(f"max_widen must be a non-negative integer, got {max_widen!r}")
    worst = -math.inf if higher_is_better else math.inf
    scores: dict[float, float] = {}

    def run(v: float) -> None:
        s = float(score(v))
        scores[v] = s if math.isfinite(s) else worst

    def best() -> float:
        sign = 1 if higher_is_better else -1
        return max(scores, key=lambda v: sign * scores[v])   # the first best: grid order

    for v in values:
        run(v)
    for _ in range(max_widen):
        ordered = sorted(scores)
        chosen = best()
        if chosen not in (ordered[0], ordered[-1]):
            break
        run(chosen / factor if chosen == ordered[0] else chosen * factor)
    return best(), {v: scores[v] for v in sorted(scores)}


def _train(data, sparse: bool, learning_rate: float, recipe: dict):
    import keras

    from .lessons import KLSparsity, sigmoid_autoencoder

    x_train, x_val = data[0], data[2]
    keras.utils.set_random_seed(recipe["training_seed"])
    penalty = KLSparsity(rho=recipe["rho"], beta=recipe["beta"]) if sparse else None
    autoencoder, encoder = sigmoid_autoencoder(
        x_train, recipe["code_size"], penalty, encoder_l2=recipe["encoder_l2"],
        decoder_l2=recipe["decoder_l2"], learning_rate=learning_rate,
        decay_steps=recipe["steps"])
    n = recipe["n_ae"]
    if recipe["steps"] != recipe["epochs"] * math.ceil(n / recipe["batch"]):
        raise ValueError(f"recipe['steps'] must be epochs * ceil(n_ae / batch): {recipe!r}")
    history = autoencoder.fit(x_train[:n], x_train[:n], epochs=recipe["epochs"],
                              batch_size=recipe["batch"], validation_data=(x_val, x_val),
                              verbose=0)
    return encoder, [float(v) for v in history.history["val_loss"]]


def make_record(recipe: dict | None = None, stream=sys.stdout) -> dict:
    """Run every grid of lesson 03 on validation digits and return the record (a dict)."""
    import helpers

    recipe = dict(RECIPE if recipe is None else recipe)
    start = time.perf_counter()
    helpers.setup(recipe["course_seed"], verbose=False)   # first: it imports TF quietly

    import keras
    import sklearn

    from .data import load_mnist
    from .lessons import random_features, sigmoid_autoencoder
    from .probe import tune_linear_probes

    data = load_mnist(n_train=recipe["n_train"], n_val=recipe["n_val"], seed=recipe["course_seed"])
    x_train, y_train, x_val, y_val = data[:4]

    record = {"name": "lesson03_grids", "command": COMMAND, "recipe": recipe,
              "rule": ("learning rate (the peak of a cosine decay to 0): the lowest final "
                       "validation objective (each model's own training loss on the validation "
                       "digits); random features and probe C: "
                       "the highest validation accuracy of the tuned linear probe; every grid "
                       "widened until its choice is inside it"),
              "learning_rate": {}}
    encoders = {}
    for name in ("sparse", "plain"):
        curves, encoders_at = {}, {}

        def objective(lr: float, name=name, curves=curves, encoders_at=encoders_at) -> float:
            encoders_at[lr], curves[lr] = _train(data, name == "sparse", lr, recipe)
            print(f"{name} lr {lr:.3g}: validation objective per epoch "
                  + ", ".join(f"{v:.1f}" for v in curves[lr]), file=stream, flush=True)
            return curves[lr][-1]

        chosen, scores = widen_until_inside(objective, LEARNING_RATES, factor=3,
                                            higher_is_better=False)
        encoders[name] = encoders_at[chosen]
        record["learning_rate"][name] = {
            "grid": list(scores), "val_objective": list(scores.values()), "chosen": chosen,
            "val_objective_per_epoch": [curves[lr] for lr in scores]}

    keras.utils.set_random_seed(recipe["training_seed"])
    kernel = keras.ops.convert_to_numpy(sigmoid_autoencoder(
        x_train, recipe["code_size"], encoder_l2=recipe["encoder_l2"],
        decoder_l2=recipe["decoder_l2"], learning_rate=1e-3,
        decay_steps=recipe["steps"])[1].get_layer("code").kernel)
    n = recipe["n_probe"]
    probe_x, probe_y = x_train[:n], y_train[:n]

    def feature_pair(activation: str, scale: float) -> tuple:
        return tuple(random_features(x, kernel, activation, scale) for x in (probe_x, x_val))

    # the starting grid, two probes at a time; a widened scale is probed when asked for
    probes = tune_linear_probes({(a, s): feature_pair(a, s) for a in ACTIVATIONS
                                 for s in RANDOM_SCALES}, probe_y, y_val)

    printed = set()

    def random_accuracy(activation: str, scale: float) -> float:
        key = (activation, scale)
        if key not in probes:
            probes.update(tune_linear_probes({key: feature_pair(*key)}, probe_y, y_val))
        if key not in printed:
            printed.add(key)
            print(f"random {activation} layer, scale {scale:g}: validation accuracy "
                  f"{probes[key].best_val_accuracy:.4f}", file=stream, flush=True)
        return probes[key].best_val_accuracy

    per_activation = {}
    for activation in ACTIVATIONS:
        per_activation[activation] = widen_until_inside(
            lambda s, a=activation: random_accuracy(a, s), RANDOM_SCALES, factor=4,
            higher_is_better=True)
    scales = sorted({s for _, s in probes})
    accuracy = {a: [probes[a, s].best_val_accuracy if (a, s) in probes else None for s in scales]
                for a in ACTIVATIONS}
    best = max(((a, s) for a, s in probes), key=lambda k: (probes[k].best_val_accuracy, -k[1]))
    record["random_features"] = {
        "scales": scales, "val_accuracy": accuracy,
        "chosen": {"activation": best[0], "scale": best[1]},
        "note": "a ReLU layer has bias -1; the untrained encoder is the sigmoid layer at scale 1"}

    sets = {"pixels": (probe_x, x_val)}
    sets.update({name: tuple(keras.ops.convert_to_numpy(encoders[name].predict(
        x, batch_size=1000, verbose=0)) for x in (probe_x, x_val)) for name in encoders})
    probes_c = tune_linear_probes(sets, probe_y, y_val)
    record["probe_C"] = {"pixels": probes_c["pixels"].C,
                         "untrained encoder": probes["sigmoid", 1.0].C,
                         "random features, tuned": probes[best].C,
                         "sparse": probes_c["sparse"].C, "plain": probes_c["plain"].C}
    tuned = {"pixels": probes_c["pixels"], "untrained encoder": probes["sigmoid", 1.0],
             "random features, tuned": probes[best], "sparse": probes_c["sparse"],
             "plain": probes_c["plain"]}
    # every C tried for each kind of features (the lesson fits one probe per set at its C)
    record["probe_grid"] = {kind: {"C": list(p.val_accuracy), "val_accuracy":
                                   list(p.val_accuracy.values())} for kind, p in tuned.items()}
    record["probe_val_accuracy"] = {"pixels": probes_c["pixels"].best_val_accuracy,
                                    "sparse": probes_c["sparse"].best_val_accuracy,
                                    "plain": probes_c["plain"].best_val_accuracy}
    record["versions"] = {"keras": keras.__version__, "backend": keras.backend.backend(),
                          "numpy": np.__version__, "scikit-learn": sklearn.__version__}
    record["seconds"] = round(time.perf_counter() - start, 1)
    return record


def read_record(path: str | Path | None = None) -> dict:
    """Read the record and check it: every choice inside its grid, every number finite."""
    path = RECORD if path is None else Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"no tuning record at {path}: run `{COMMAND}` from the project root")
    record = json.loads(path.read_text(encoding="utf-8"))
    for key in ("recipe", "learning_rate", "random_features", "probe_C", "probe_grid"):
        if key not in record:
            raise ValueError(f"the tuning record {path.name} has no {key!r}: run `{COMMAND}`")
    for name in ("sparse", "plain"):
        arm = record["learning_rate"][name]
        grid = arm["grid"]
        if not grid[0] < arm["chosen"] < grid[-1]:
            raise ValueError(f"learning_rate[{name!r}]: {arm['chosen']} is not inside {grid}")
        if not all(math.isfinite(v) for v in arm["val_objective"]):
            raise ValueError(f"learning_rate[{name!r}]: a validation objective is not finite")
    random = record["random_features"]
    if not random["scales"][0] < random["chosen"]["scale"] < random["scales"][-1]:
        raise ValueError(f"random_features: scale {random['chosen']['scale']} is not inside "
                         f"{random['scales']}")
    for kind, c in record["probe_C"].items():
        grid = record["probe_grid"][kind]["C"]
        if not grid[0] < c < grid[-1]:
            raise ValueError(f"probe_C[{kind!r}]: {c} is not inside {grid}")
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.tuning03", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", default=str(RECORD), help="where to write the record")
    args = parser.parse_args(argv)
    record = make_record()
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    read_record(out)
    print(f"wrote {out} ({record['seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
