"""Reference models: a lesson's headline model trained to convergence by the course's own script.

A lesson trains a small *live* model in about a minute, so the student watches it learn. Its
*reference* is the same recipe trained to convergence, shipped in ``data/reference/`` as Keras
weights (``NAME.weights.h5``) with a card (``NAME.json``): the command, seed, library versions,
wall time, validation curve and test metric. A number a lesson compares with a paper comes from
the reference.

    python -m helpers.reference list                 # the registry
    python -m helpers.reference train deep_ae_30     # from scratch (progress bar, about 15 min)
    python -m helpers.reference train --all
    python -m helpers.reference verify deep_ae_30    # retrain in a temporary folder, compare
    python -m helpers.reference converge sdae_05     # twice the epochs: is it converged?
    python -m helpers.reference readme               # the README's table, from the cards

In a lesson::

    from helpers.reference import load_reference, reference_card
    reference = load_reference("deep_ae_30")         # sha256 checked, weights loaded
    card = reference_card("deep_ae_30")              # its card, as a dict

Every choice of a recipe (width, learning rate, epochs) was made on the validation split; the
test set is scored once, after training. Training is deterministic for a given seed and backend
(:func:`helpers.setup` turns on op determinism). Nothing is downloaded: a missing or damaged file
raises :class:`ReferenceFileError`, naming the file and the command that rebuilds it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import shlex
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .data import Split, data_dir, load_mnist
from .metrics import squared_error_per_image

STORAGE_DTYPES = ("float16", "float32")


class ReferenceFileError(RuntimeError):
    """A reference model's weights or card is missing or does not match its recorded sha256."""


@dataclass(frozen=True)
class Recipe:
    """How one reference model is built, trained and scored.

    ``build(x_train)`` returns an uncompiled Keras model (``x_train`` may be None when the model
    is only built to load weights). ``data(seed)`` returns the train / validation / test split.
    Training is :func:`helpers.lessons.train`: Adam, learning rate ``lr`` decayed on a cosine to
    ``alpha * lr`` over ``epochs``. ``metric(model, x)`` scores a model on images ``x`` (lower or
    higher is better as ``goal`` says). ``tolerance`` is the relative gap ``verify`` accepts
    between a retrained model's test metric and the card's. ``loss`` is the Keras loss, or None
    for a model that computes its own in ``compute_loss`` (``loss_note`` then says what it is).
    ``extras(model, x_test)``, if given, returns further test numbers for the card (skipped in a
    ``limit``-ed smoke run). ``fit(model, x_train, epochs=, batch_size=, lr=, alpha=,
    callbacks=)``, if given, trains in place of :func:`helpers.lessons.train`: ``stages`` runs of
    ``epochs`` each (greedy training, one layer after another), so the validation curve has
    ``stages * epochs`` points.
    """

    name: str
    lesson: str
    summary: str
    architecture: str
    build: Callable
    data: Callable[[int], Split]
    metric: Callable
    metric_name: str
    metric_unit: str
    loss: str | None
    epochs: int
    batch_size: int
    lr: float
    alpha: float = 0.01
    weight_decay: float | None = None
    goal: tuple[str, float] | None = None
    paper: str = ""
    seed: int = 0
    storage: str = "float16"
    tolerance: float = 0.01
    choices: dict = field(default_factory=dict)
    loss_note: str = ""
    extras: Callable | None = None
    fit: Callable | None = None
    stages: int = 1


def _mnist(seed: int) -> Split:
    return load_mnist(seed=seed)


def _sq_error(model, x: np.ndarray) -> float:
    return squared_error_per_image(x, model.predict(x, batch_size=2000, verbose=0))


def _neg_elbo(model, x: np.ndarray) -> float:
    from .lessons import elbo_terms

    rec, kl = elbo_terms(model, x, n_draws=5, seed=0)
    return float(np.mean(rec + kl))


def _vae_extras(model, x_test: np.ndarray) -> dict:
    """Importance-weighted log p(x) of the first 1,000 test images at k = 100 and k = 1,000."""
    from .lessons import iw_log_likelihood

    x = x_test[:1000]
    return {f"iw_log_likelihood_k{k}": float(np.mean(iw_log_likelihood(model, x, k, seed=0)))
            for k in (100, 1000)} | {"iw_images": len(x)}


def _build_vae_20(x_train: np.ndarray | None):
    from .lessons import make_vae, mean_logit_bias

    bias = "zeros" if x_train is None else mean_logit_bias(x_train)
    return make_vae(20, (512, 256), seed=0, output_bias=bias)


DAE_SIGMA, DAE_WIDTH = 0.5, 16


def _mnist_images(seed: int) -> Split:
    split = load_mnist(flatten=False, seed=seed)
    return split._replace(x_train=split.x_train[..., None], x_val=split.x_val[..., None],
                          x_test=split.x_test[..., None])


def _psnr_denoised(model, x: np.ndarray) -> float:
    """Mean PSNR (dB) of the model's output on ``x`` corrupted once by clipped Gaussian noise
    (σ = DAE_SIGMA, a fixed draw: seed 2026) — the same noisy images at every epoch."""
    from .metrics import psnr
    from .noise import gaussian

    noisy = gaussian(x, DAE_SIGMA, seed=2026)
    return psnr(x, model.predict(noisy, batch_size=1000, verbose=0))


def _build_dae_unet_04(x_train: np.ndarray | None):
    import keras

    from .lessons import GaussianCorruption, unet_denoiser

    # The corruption layer draws fresh noise for every batch in training and is the identity
    # outside it: the shipped model is called on noisy images.
    return keras.Sequential([keras.Input((28, 28, 1)), GaussianCorruption(DAE_SIGMA, seed=0),
                             unet_denoiser(DAE_WIDTH)], name="dae_unet_04")


def _build_deep_ae_30(x_train: np.ndarray | None):
    from .lessons import mean_logit_bias, stacked_autoencoder

    bias = "zeros" if x_train is None else mean_logit_bias(x_train)
    return stacked_autoencoder(
        (1000, 500, 250), 30, code_activation=None, activation="gelu", output_bias=bias
    )[0]


CAE_WIDTH, CAE_LAMBDA = 1000, 1e-5


def _cae_family(lams, x_train: np.ndarray | None):
    """Autoencoders of lesson 06 side by side in one Keras model, one per ``lams`` entry (0: the
    plain AE): same width, initial decoder bias, batches and steps; the loss is the sum of their
    own losses, so each trains exactly as it would alone (Adam's updates are per weight)."""
    import keras
    from keras import ops

    from .lessons import ContractiveAutoencoder, jacobian_frobenius_sq

    class CAEFamily(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.lams = [float(lam) for lam in lams]
            self.members = [ContractiveAutoencoder(x_train, CAE_WIDTH, lam=lam, name=f"m{i}")
                            for i, lam in enumerate(self.lams)]

        def build(self, input_shape):
            for m in self.members:
                m.encoder.build(input_shape)
                m.decoder.build((None, CAE_WIDTH))
                m.built = True

        def call(self, x, training=False):
            # Per member its code and reconstruction, side by side in one (batch, ...) array so
            # that the loss reuses the codes (one encoder pass per step).
            parts = []
            for m in self.members:
                h = m.encoder(x)
                parts += [h, m.decoder(h)]
            return ops.concatenate(parts, axis=-1)

        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            total, start = 0.0, 0
            for m, lam in zip(self.members, self.lams):
                h = y_pred[:, start:start + CAE_WIDTH]
                x_hat = y_pred[:, start + CAE_WIDTH:start + CAE_WIDTH + 784]
                start += CAE_WIDTH + 784
                total = total + ops.mean(keras.losses.binary_crossentropy(x, x_hat))
                if lam > 0:
                    total = total + lam * ops.mean(jacobian_frobenius_sq(h, m.encoder.kernel))
            return total

    model = CAEFamily(name="cae_family")
    model(np.zeros((1, 784), np.float32))
    return model


def _build_cae_06(x_train: np.ndarray | None):
    return _cae_family((0.0, CAE_LAMBDA), x_train)


def cae_codes_and_outputs(model, x: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each member of a :func:`_cae_family` model: (codes, reconstructions) of ``x``."""
    from keras import ops

    out = []
    for m in model.members:
        h = np.concatenate([ops.convert_to_numpy(m.encoder(x[i:i + 2000]))
                            for i in range(0, len(x), 2000)])
        r = np.concatenate([ops.convert_to_numpy(m.decoder(h[i:i + 2000]))
                            for i in range(0, len(h), 2000)])
        out.append((h, r))
    return out


def _cae_jacobian_norms(model, x: np.ndarray) -> list[float]:
    from keras import ops

    from .lessons import jacobian_frobenius_sq

    norms = []
    for m in model.members:
        sq = np.concatenate([
            ops.convert_to_numpy(jacobian_frobenius_sq(m.encoder(x[i:i + 2000]), m.encoder.kernel))
            for i in range(0, len(x), 2000)])
        norms.append(float(np.mean(np.sqrt(sq.astype(np.float64)))))
    return norms


def _cae_jacobian_ratio(model, x: np.ndarray) -> float:
    """Mean ||J||_F of the plain AE (member 0) over that of the CAE (member 1) on ``x``."""
    norms = _cae_jacobian_norms(model, x)
    return norms[0] / norms[1]


def _cae_extras(model, x_test: np.ndarray) -> dict:
    """Test MSE per pixel and mean ||J||_F of the plain AE and the CAE, and their ratios."""
    (_, rec_ae), (_, rec_cae) = cae_codes_and_outputs(model, x_test)
    mse_ae = float(np.mean((rec_ae - x_test) ** 2))
    mse_cae = float(np.mean((rec_cae - x_test) ** 2))
    j_ae, j_cae = _cae_jacobian_norms(model, x_test)
    return {"mse_ae": mse_ae, "mse_cae": mse_cae, "mse_ratio_cae_ae": mse_cae / mse_ae,
            "jacobian_norm_ae": j_ae, "jacobian_norm_cae": j_cae, "lambda": CAE_LAMBDA}


SDAE_WIDTH, SDAE_CORRUPTION, SDAE_RUNS = 256, 0.25, 2


def _greedy_stack(x_train: np.ndarray | None):
    """Lesson 05's greedy pretraining: ``SDAE_RUNS`` independent stacks of two tied denoising
    autoencoders (784-256, then 256-256 on the first layer's codes), side by side in one Keras
    model. ``stage`` (1 or 2) says which layer is trained; the loss is the sum over the stacks of
    that layer's binary cross-entropy (mean over inputs) against its clean input, so each stack
    trains exactly as it would alone (Adam's updates are per weight; the stacks share the order
    of the batches, not their initial weights or corruption masks)."""
    import keras
    from keras import ops

    from .lessons import tied_autoencoder

    class GreedyStack(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.stage = 1
            self.layer1, self.layer2 = [], []
            for _ in range(SDAE_RUNS):
                self.layer1.append(tied_autoencoder(784, SDAE_WIDTH, corruption=SDAE_CORRUPTION))
                self.layer2.append(
                    tied_autoencoder(SDAE_WIDTH, SDAE_WIDTH, corruption=SDAE_CORRUPTION))

        def set_stage(self, stage: int) -> None:
            """Train layer ``stage`` (1 or 2) next; the other layer is frozen meanwhile."""
            if stage not in (1, 2):
                raise ValueError(f"stage must be 1 or 2, got {stage!r}")
            self.stage = stage
            for (ae1, _), (ae2, _) in zip(self.layer1, self.layer2):
                ae1.trainable, ae2.trainable = stage == 1, stage == 2

        def targets_and_outputs(self, x, training=False):
            """Per stack: (the trained layer's clean input, its reconstruction of it)."""
            pairs = []
            for (ae1, enc1), (ae2, _) in zip(self.layer1, self.layer2):
                if self.stage == 1:
                    pairs.append((x, ae1(x, training=training)))
                else:
                    h = enc1(x)
                    pairs.append((h, ae2(h, training=training)))
            return pairs

        def call(self, x, training=False):
            return ops.concatenate([out for _, out in self.targets_and_outputs(x, training)], -1)

        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            total = 0.0
            for target, out in self.targets_and_outputs(x, training):
                total = total + ops.mean(keras.losses.binary_crossentropy(target, out))
            return total

    model = GreedyStack(name="greedy_stack")
    for stage in (1, 2):  # built, and left at stage 2: the trained stack's last layer
        model.set_stage(stage)
        model(np.zeros((1, 784), np.float32))
    return model


def sdae_encoders(model) -> list[tuple]:
    """Per stack of a :func:`_greedy_stack` model: its two trained encoder layers (Dense)."""
    return [(enc1, enc2) for (_, enc1), (_, enc2) in zip(model.layer1, model.layer2)]


def _fit_greedy(model, x_train: np.ndarray, *, epochs: int, batch_size: int, lr: float,
                alpha: float, callbacks: list) -> None:
    """Greedy layer-wise training: layer 1 for ``epochs``, then layer 2 on its frozen codes for
    ``epochs``, each with Adam on its own cosine schedule."""
    from .lessons import train

    for stage in (1, 2):
        model.set_stage(stage)
        train(model, x_train, epochs=epochs, batch_size=batch_size, lr=lr, alpha=alpha,
              loss=None, callbacks=callbacks)


def _stage_bce(model, x: np.ndarray) -> float:
    """Validation/test number of the layer being trained: its BCE on clean inputs (mean over
    inputs, then over the stacks); after training, the second layer's."""
    from keras import ops

    per_stack = np.zeros(SDAE_RUNS)
    for i in range(0, len(x), 2000):
        pairs = model.targets_and_outputs(x[i:i + 2000])
        for r, (target, out) in enumerate(pairs):
            t = np.clip(ops.convert_to_numpy(target), 0, 1).astype(np.float64)
            o = np.clip(ops.convert_to_numpy(out).astype(np.float64), 1e-7, 1 - 1e-7)
            per_stack[r] += -np.sum(np.mean(t * np.log(o) + (1 - t) * np.log(1 - o), axis=1))
    return float(per_stack.mean() / len(x))


def _sdae_extras(model, x_test: np.ndarray) -> dict:
    out = {}
    stage = model.stage
    for s in (1, 2):
        model.set_stage(s)
        out[f"layer{s}_test_bce"] = _stage_bce(model, x_test)
    model.set_stage(stage)
    return out


REFERENCES: dict[str, Recipe] = {
    recipe.name: recipe
    for recipe in [
        Recipe(
            name="deep_ae_30",
            lesson="02_undercomplete_autoencoders",
            summary=(
                "Hinton & Salakhutdinov's (2006) 784-1000-500-250-30 deep autoencoder with a "
                "linear 30-number code, trained end to end with Adam (no RBM pretraining)"
            ),
            architecture="784-1000-500-250-30-250-500-1000-784, GELU, linear code, sigmoid output",
            build=_build_deep_ae_30,
            data=_mnist,
            metric=_sq_error,
            metric_name="squared error per image",
            metric_unit="summed over the 784 pixels, averaged over images",
            loss="binary_crossentropy",
            epochs=60,
            batch_size=128,
            lr=5e-4,
            weight_decay=0.05,
            goal=("<=", 3.00),
            paper="Hinton & Salakhutdinov (2006), Science 313: 3.00 (PCA-30: 13.87)",
        ),
        Recipe(
            name="vae_20",
            lesson="07_variational_autoencoders",
            summary=(
                "a 20-D MLP variational autoencoder (Kingma & Welling 2014) with a Bernoulli "
                "decoder on grey-level pixels, trained on the -ELBO"
            ),
            architecture="784-512-256-(20 mu, 20 log var)-256-512-784, ReLU, Bernoulli logits",
            build=_build_vae_20,
            data=_mnist,
            metric=_neg_elbo,
            metric_name="-ELBO (nats)",
            metric_unit="BCE summed over the 784 grey-level pixels + KL, 5 draws, mean per image",
            loss=None,
            loss_note="-ELBO in VAE.compute_loss: BCE summed over pixels + KL (nats per image)",
            epochs=40,
            batch_size=128,
            lr=1e-3,
            goal=("<=", 100.0),
            paper=("Kingma & Welling (2014), Auto-Encoding Variational Bayes; the course's goal: "
                   "<= 100 nats for a 20-D MLP VAE on grey-level BCE"),
            extras=_vae_extras,
            choices={"tuning": "data/reference/tuning/vae_20.json"},
        ),
        Recipe(
            name="dae_unet_04",
            lesson="04_denoising_autoencoders",
            summary=(
                "a U-Net denoising autoencoder for MNIST at clipped Gaussian noise σ = 0.5, "
                "trained on fresh noise every batch (the corruption is the model's first layer)"
            ),
            architecture=(f"U-Net 28-14-7-14-28, {DAE_WIDTH}/{2 * DAE_WIDTH}/{4 * DAE_WIDTH} "
                          "channels, concatenated skips, ReLU, sigmoid output"),
            build=_build_dae_unet_04,
            data=_mnist_images,
            metric=_psnr_denoised,
            metric_name="PSNR at σ = 0.5 (dB)",
            metric_unit="per image, averaged; one fixed noise draw (seed 2026)",
            loss="binary_crossentropy",
            epochs=8,
            batch_size=128,
            lr=3e-3,
            goal=(">=", 20.4),
            paper=("Vincent et al. (2008); Ronneberger et al. (2015) U-Net; goal: +2 dB over the "
                   "strongest baseline of lesson 04, the tuned LMMSE filter (about 18.4 dB)"),
            choices={"tuning": "data/reference/tuning/dae_unet_04.json"},
        ),
        Recipe(
            name="cae_06",
            lesson="06_contractive_autoencoders",
            summary=(
                "Rifai et al.'s (2011) contractive autoencoder with 1,000 sigmoid units, trained "
                "side by side with a plain autoencoder of the same size, data, batches and steps"
            ),
            architecture=(f"two 784-{CAE_WIDTH}-784 sigmoid autoencoders, untied: plain (λ = 0) "
                          f"and contractive (λ = {CAE_LAMBDA:g})"),
            build=_build_cae_06,
            data=_mnist,
            metric=_cae_jacobian_ratio,
            metric_name="AE / CAE mean ‖J‖_F",
            metric_unit="mean Frobenius norm of the encoder Jacobian, plain AE over CAE",
            loss=None,
            loss_note=("sum of both members' losses: BCE (mean over pixels) + λ · mean ||J||_F^2 "
                       "(λ = 0 for the plain AE)"),
            epochs=10,
            batch_size=128,
            lr=1e-3,
            goal=(">=", 3.0),
            paper=("Rifai et al. (2011), Contractive auto-encoders, ICML: 1,000 sigmoid units; "
                   "the course's goal: ||J|| ratio >= 3 at <= 1.15x the plain AE's test MSE"),
            extras=_cae_extras,
            choices={"tuning": "data/reference/tuning/cae_06.json"},
        ),
        Recipe(
            name="sdae_05",
            lesson="05_stacked_pretraining",
            summary=(
                "greedy layer-wise pretraining of two stacked denoising autoencoders "
                "(Vincent et al. 2010) on all unlabelled training images, two independent runs, "
                "each layer trained to convergence"
            ),
            architecture=(f"{SDAE_RUNS} stacks of tied sigmoid autoencoders 784-{SDAE_WIDTH} "
                          f"and {SDAE_WIDTH}-{SDAE_WIDTH}, {SDAE_CORRUPTION:.0%} of inputs "
                          "zeroed while training"),
            build=_greedy_stack,
            data=_mnist,
            metric=_stage_bce,
            metric_name="layer-2 reconstruction BCE",
            metric_unit=("mean over the 256 codes of clean images, then over the two stacks; the "
                         "validation curve is layer 1's epochs, then layer 2's"),
            loss=None,
            loss_note=("greedy: layer 1's BCE on pixels for `epochs`, then layer 2's BCE on "
                       "layer 1's frozen codes for `epochs` (each mean over inputs, summed over "
                       "the stacks; `steps` is per layer)"),
            epochs=60,
            batch_size=256,
            lr=3e-3,
            fit=_fit_greedy,
            stages=2,
            paper=("Vincent et al. (2010), Stacked denoising autoencoders, JMLR; Bengio et al. "
                   "(2007); no goal: lesson 05 fine-tunes from these weights"),
            extras=_sdae_extras,
            choices={"convergence": "data/reference/tuning/sdae_05_longer.json"},
        ),
    ]
}


def recipe(name: str) -> Recipe:
    """The registered recipe called ``name``; a ValueError lists the known names."""
    if name not in REFERENCES:
        raise ValueError(f"name must be one of {sorted(REFERENCES)}, got {name!r}")
    return REFERENCES[name]


def reference_dir() -> Path:
    """Where reference models live: ``data/reference/`` (or ``$COURSE_DATA_DIR/reference``)."""
    return data_dir() / "reference"


def command(name: str, *extra: str) -> str:
    """The shell command that (re)builds reference ``name``."""
    return " ".join(["python -m helpers.reference train", shlex.quote(name), *extra])


def _files(name: str, directory: Path | None) -> tuple[Path, Path]:
    folder = Path(directory) if directory is not None else reference_dir()
    return folder / f"{name}.weights.h5", folder / f"{name}.json"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rebuild_hint(name: str) -> str:
    return (
        f"Rebuild it with `{command(name)}` from the project root, or restore the shipped "
        f"files with `git checkout -- data/reference/{name}.weights.h5 data/reference/{name}.json`."
    )


def reference_card(name: str, directory: str | Path | None = None) -> dict:
    """The card of reference ``name`` (command, seed, versions, wall time, curve, test metric)."""
    recipe(name)
    _, card_path = _files(name, directory)
    if not card_path.is_file():
        raise ReferenceFileError(
            f"Reference card {card_path.name} is missing (looked in {card_path.parent}). "
            + _rebuild_hint(name)
        )
    try:
        return json.loads(card_path.read_text(encoding="utf-8"))
    except ValueError as err:
        raise ReferenceFileError(
            f"Reference card {card_path.name} is not valid JSON ({err}). " + _rebuild_hint(name)
        ) from err


def load_reference(name: str, directory: str | Path | None = None):
    """Build reference ``name`` and load its shipped weights, after checking their sha256.

    Raises :class:`ReferenceFileError` naming the file, and the command that rebuilds it, when
    the weights or the card are missing or the weights do not match the card's sha256.
    """
    rec = recipe(name)
    weights_path, _ = _files(name, directory)
    card = reference_card(name, directory)
    if not weights_path.is_file():
        raise ReferenceFileError(
            f"Reference weights {weights_path.name} are missing (looked in "
            f"{weights_path.parent}). " + _rebuild_hint(name)
        )
    digest, expected = _sha256(weights_path), card["weights"]["sha256"]
    if digest != expected:
        raise ReferenceFileError(
            f"Reference weights {weights_path.name} are damaged: their sha256 is {digest[:16]}…, "
            f"the card records {expected[:16]}…. " + _rebuild_hint(name)
        )
    model = rec.build(None)
    model.load_weights(weights_path)
    return model


def save_weights(model, path: str | Path, storage: str = "float16") -> None:
    """Save ``model``'s weights (not its optimizer's state) as a Keras ``.weights.h5`` file,
    each array stored as ``storage``.

    Float16 halves the file; Keras casts the arrays back to the model's float32 on loading.
    """
    import h5py

    if storage not in STORAGE_DTYPES:
        raise ValueError(f"storage must be one of {STORAGE_DTYPES}, got {storage!r}")
    path = Path(path)
    if not path.name.endswith(".weights.h5"):
        raise ValueError(f"path must end in .weights.h5, got {path.name!r}")
    with tempfile.TemporaryDirectory() as tmp:
        full = Path(tmp) / "full.weights.h5"
        model.save_weights(full)
        with h5py.File(full, "r") as src, h5py.File(path, "w") as dst:
            dst.attrs.update(src.attrs)

            def copy(key: str, obj) -> None:
                if key == "optimizer" or key.startswith("optimizer/"):
                    return  # a compiled model's optimizer state: not needed to use the model
                if isinstance(obj, h5py.Group):
                    dst.require_group(key).attrs.update(obj.attrs)
                    return
                values = obj[()]
                if values.dtype == np.float32:
                    values = values.astype(storage)
                dst.create_dataset(key, data=values)
                dst[key].attrs.update(obj.attrs)

            src.visititems(copy)


class EpochProgress:
    """A Keras callback factory: a progress bar per epoch with loss, a validation metric and ETA.

    The callback scores the model on the validation images after every epoch with the recipe's
    metric and keeps the curve in ``curve``.
    """

    def __new__(cls, metric: Callable, x_val: np.ndarray, metric_name: str, stream=None):
        import keras

        class _Progress(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.curve: list[float] = []
                self.losses: list[float] = []
                self.stream = stream or sys.stdout

            def on_train_begin(self, logs=None):
                self.start = time.perf_counter()
                self.epochs = self.params["epochs"]

            def on_epoch_end(self, epoch, logs=None):
                self.losses.append(float((logs or {}).get("loss", float("nan"))))
                self.curve.append(float(metric(self.model, x_val)))
                done = epoch + 1
                elapsed = time.perf_counter() - self.start
                eta = elapsed / done * (self.epochs - done)
                filled = round(24 * done / self.epochs)
                bar = "#" * filled + "-" * (24 - filled)
                print(
                    f"[{bar}] epoch {done}/{self.epochs}  loss {self.losses[-1]:.4f}  "
                    f"validation {metric_name} {self.curve[-1]:.3f}  "
                    f"{_clock(elapsed)} elapsed, ETA {_clock(eta)}",
                    file=self.stream,
                    flush=True,
                )

        return _Progress()


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def _versions() -> dict[str, str]:
    import keras

    out = {"python": platform.python_version(), "keras": keras.__version__,
           "numpy": np.__version__, "backend": keras.backend.backend()}
    backend = keras.backend.backend()
    module = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}.get(backend)
    if module:
        out[module] = __import__(module).__version__
    return out


def train_reference(
    name: str,
    *,
    seed: int | None = None,
    out_dir: str | Path | None = None,
    epochs: int | None = None,
    limit: int | None = None,
    stream=None,
) -> dict:
    """Train reference ``name`` from scratch; write its weights and card to ``out_dir``.

    ``out_dir`` defaults to ``data/reference/``; ``seed`` to the recipe's. ``epochs`` and
    ``limit`` (first ``limit`` images of each split) shorten a run for a smoke test: the card
    records them, so such a run is never mistaken for the reference. Returns the card.
    """
    import helpers

    rec = recipe(name)
    seed = rec.seed if seed is None else seed
    epochs = rec.epochs if epochs is None else epochs
    if not isinstance(epochs, int) or isinstance(epochs, bool) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
        raise ValueError(f"limit must be a positive integer or None, got {limit!r}")
    out = Path(out_dir) if out_dir is not None else reference_dir()
    out.mkdir(parents=True, exist_ok=True)
    stream = stream or sys.stdout

    helpers.setup(seed, verbose=False)  # imports TensorFlow quietly, seeds, determinism
    from .lessons import train

    split = rec.data(seed)
    x_train, x_val, x_test = split.x_train, split.x_val, split.x_test
    if limit is not None:
        x_train, x_val, x_test = x_train[:limit], x_val[:limit], x_test[:limit]
    model = rec.build(x_train)
    print(
        f"{name}: {rec.architecture}; {model.count_params():,} weights; {len(x_train):,} "
        f"training images, {epochs} epochs of {math.ceil(len(x_train) / rec.batch_size)} steps",
        file=stream,
        flush=True,
    )
    progress = EpochProgress(rec.metric, x_val, rec.metric_name, stream=stream)
    start = time.perf_counter()
    if rec.fit is None:
        train(model, x_train, epochs=epochs, batch_size=rec.batch_size, lr=rec.lr,
              alpha=rec.alpha, weight_decay=rec.weight_decay, loss=rec.loss, callbacks=[progress])
    else:
        rec.fit(model, x_train, epochs=epochs, batch_size=rec.batch_size, lr=rec.lr,
                alpha=rec.alpha, callbacks=[progress])
    wall = time.perf_counter() - start
    test_float32 = rec.metric(model, x_test)

    weights_path, card_path = _files(name, out)
    save_weights(model, weights_path, rec.storage)
    shipped = rec.build(None)
    shipped.load_weights(weights_path)
    test_shipped = rec.metric(shipped, x_test)

    extra = [] if seed == rec.seed else [f"--seed {seed}"]
    extra += [] if epochs == rec.epochs else [f"--epochs {epochs}"]
    extra += [] if limit is None else [f"--limit {limit}"]
    card = {
        "name": name,
        "lesson": rec.lesson,
        "summary": rec.summary,
        "architecture": rec.architecture,
        "paper": rec.paper,
        "command": command(name, *extra),
        "seed": seed,
        "versions": _versions(),
        "machine": {"cpus": os.cpu_count(), "processor": platform.machine()},
        "data": {"train": len(x_train), "validation": len(x_val), "test": len(x_test),
                 "split": "load_mnist(seed=seed): 10,000 validation images carved from training"},
        "training": {"optimizer": "AdamW" if rec.weight_decay else "Adam",
                     "schedule": "cosine decay from lr to alpha * lr",
                     "loss": rec.loss if rec.loss is not None else rec.loss_note,
                     "epochs": epochs, "batch_size": rec.batch_size, "lr": rec.lr,
                     "alpha": rec.alpha, "weight_decay": rec.weight_decay,
                     "steps": epochs * math.ceil(len(x_train) / rec.batch_size),
                     "stages": rec.stages,
                     "limit": limit, "choices": rec.choices},
        "wall_seconds": round(wall, 1),
        "train_loss_curve": [round(v, 6) for v in progress.losses],
        "validation_curve": [round(v, 5) for v in progress.curve],
        "metric": {
            "name": rec.metric_name,
            "unit": rec.metric_unit,
            "validation": round(progress.curve[-1], 5),
            "test": test_shipped,
            "test_before_storage": test_float32,
            "goal": list(rec.goal) if rec.goal else None,
            "met": _met(test_shipped, rec.goal),
        },
        "extras": rec.extras(shipped, x_test) if rec.extras and limit is None else {},
        "weights": {"file": weights_path.name, "storage": rec.storage,
                    "parameters": int(model.count_params()),
                    "bytes": weights_path.stat().st_size, "sha256": _sha256(weights_path)},
    }
    card_path.write_text(json.dumps(card, indent=1) + "\n", encoding="utf-8")
    print(
        f"{name}: test {rec.metric_name} {test_shipped:.4f} as stored ({rec.storage}; "
        f"{test_float32:.4f} before), {_clock(wall)} of training. Wrote {weights_path.name} and "
        f"{card_path.name} to {out}",
        file=stream,
        flush=True,
    )
    return card


def _met(value: float, goal: tuple[str, float] | None) -> bool | None:
    from .report import goal_met

    return None if goal is None else goal_met(value, goal)


def verify(name: str, *, tolerance: float | None = None, stream=None) -> bool:
    """Retrain ``name`` with its card's seed in a temporary folder and compare with the card.

    Passes when the retrained test metric is within ``tolerance`` (relative; the recipe's by
    default) of the shipped card's. Prints the test metrics, the largest gap along the
    validation curve and the wall times. Returns whether it passed.
    """
    rec = recipe(name)
    tolerance = rec.tolerance if tolerance is None else tolerance
    if not 0 <= tolerance < 1:
        raise ValueError(f"tolerance must be a relative gap in [0, 1), got {tolerance!r}")
    stream = stream or sys.stdout
    shipped = reference_card(name)
    with tempfile.TemporaryDirectory() as tmp:
        card = train_reference(name, seed=shipped["seed"], out_dir=tmp,
                               epochs=shipped["training"]["epochs"], stream=stream)
    old, new = shipped["metric"]["test"], card["metric"]["test"]
    gap = abs(new - old) / abs(old)
    curve_gap = max(
        abs(a - b) / abs(b) for a, b in zip(card["validation_curve"], shipped["validation_curve"])
    )
    same_file = card["weights"]["sha256"] == shipped["weights"]["sha256"]
    ok = gap <= tolerance
    print(
        f"verify {name}: test {rec.metric_name} shipped {old:.4f}, retrained {new:.4f} "
        f"(relative gap {gap:.2e}, tolerance {tolerance:g}); largest relative gap along the "
        f"validation curve {curve_gap:.2e}; weights file identical: {same_file}; "
        f"wall time {shipped['wall_seconds']:.0f} s shipped, {card['wall_seconds']:.0f} s now "
        f"-> {'PASS' if ok else 'FAIL'}",
        file=stream,
        flush=True,
    )
    return ok


def convergence_record(name: str, *, longer_dir: str | Path | None = None, stream=None) -> dict:
    """Evidence that reference ``name`` is converged: the same recipe for twice the epochs.

    Trains ``name`` for twice its card's epochs into ``longer_dir`` (a temporary folder by
    default; a card already there with that many epochs is reused) and writes
    ``data/reference/tuning/NAME_longer.json``: both runs' validation curves, final values and
    wall times. Returns the record.
    """
    rec = recipe(name)
    shipped = reference_card(name)
    epochs = 2 * shipped["training"]["epochs"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(longer_dir) if longer_dir is not None else Path(tmp)
        card_path = _files(name, folder)[1]
        longer = json.loads(card_path.read_text(encoding="utf-8")) if card_path.exists() else None
        if longer is None or longer["training"]["epochs"] != epochs:
            longer = train_reference(name, seed=shipped["seed"], out_dir=folder, epochs=epochs,
                                     stream=stream)
    arms = [{"epochs": c["training"]["epochs"], "command": c["command"],
             "validation_curve": c["validation_curve"],
             "final_validation": c["metric"]["validation"], "wall_seconds": c["wall_seconds"]}
            for c in (shipped, longer)]
    record = {
        "name": name,
        "question": "is the shipped reference converged? the same recipe for twice the epochs",
        "metric": f"validation {rec.metric_name} ({rec.metric_unit})",
        "rule": ("converged when twice the epochs changes the validation metric by less than the "
                 "lesson's stated tolerance; the test set is not used"),
        "command": f"python -m helpers.reference converge {name}",
        "versions": _versions(),
        "arms": arms,
    }
    path = reference_dir() / "tuning" / f"{name}_longer.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return record


TABLE_START, TABLE_END = "<!-- reference-table:start -->", "<!-- reference-table:end -->"


def reference_table(directory: str | Path | None = None) -> str:
    """The README's table of shipped reference models, written from their cards."""
    rows = [
        "| reference | lesson | model | epochs | training time | test metric (goal: met / not met) "
        "| weights |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in sorted(REFERENCES):
        card = reference_card(name, directory)
        metric = card["metric"]
        goal = metric.get("goal")
        verdict = ""
        if goal:
            sign = goal[0].replace("<=", "≤").replace(">=", "≥")
            verdict = f" (goal {sign} {goal[1]:g}: {'met' if metric['met'] else '**not met**'})"
        rows.append(
            f"| `{name}` | [{card['lesson'][:2]}](notebooks/{card['lesson']}.ipynb) | "
            f"{card['architecture']} | {card['training']['epochs']} | "
            f"{card['wall_seconds'] / 60:.1f} min on {card['machine']['cpus']} CPU cores | "
            f"{metric['name']} {metric['test']:.3f}{verdict} | "
            f"{card['weights']['bytes'] / 1e6:.1f} MB, {card['weights']['storage']} |"
        )
    return "\n".join(rows)


def write_readme_table(readme: str | Path | None = None) -> None:
    """Refresh the table between the reference-table markers of the README."""
    path = Path(readme) if readme else Path(__file__).resolve().parent.parent / "README.md"
    text = path.read_text(encoding="utf-8")
    if TABLE_START not in text or TABLE_END not in text:
        raise ValueError(f"readme {path.name} has no {TABLE_START} ... {TABLE_END} markers")
    head, rest = text.split(TABLE_START, 1)
    _, tail = rest.split(TABLE_END, 1)
    table = f"{TABLE_START}\n{reference_table()}\n{TABLE_END}"
    path.write_text(f"{head}{table}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.reference", description="Train, verify and list reference models."
    )
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("list", help="the registered reference models")
    sub.add_parser("readme", help="write the README's table of reference models from the cards")
    p_train = sub.add_parser("train", help="train from scratch into data/reference/")
    p_train.add_argument("name", nargs="?")
    p_train.add_argument("--all", action="store_true", help="train every registered model")
    p_train.add_argument("--seed", type=int)
    p_train.add_argument("--epochs", type=int, help="shorter run (recorded on the card)")
    p_train.add_argument("--limit", type=int, help="first N images of each split (smoke test)")
    p_train.add_argument("--out", help="folder for the weights and card (default data/reference)")
    p_conv = sub.add_parser("converge", help="train for twice the epochs; write the record")
    p_conv.add_argument("name")
    p_conv.add_argument("--longer-out", help="folder for the longer run (default: temporary)")
    p_verify = sub.add_parser("verify", help="retrain and compare with the shipped card")
    p_verify.add_argument("name")
    p_verify.add_argument("--tolerance", type=float)
    args = parser.parse_args(argv)

    if args.action == "list":
        for rec in REFERENCES.values():
            print(f"{rec.name:14s} lesson {rec.lesson[:2]}  {rec.architecture}; {rec.epochs} "
                  f"epochs; goal {rec.metric_name} {rec.goal[0]} {rec.goal[1]:g}"
                  if rec.goal else f"{rec.name:14s} lesson {rec.lesson[:2]}  {rec.architecture}")
        return 0
    if args.action == "readme":
        write_readme_table()
        return 0
    if args.action == "train":
        if args.all == bool(args.name):
            parser.error("train takes a NAME or --all")
        names = list(REFERENCES) if args.all else [args.name]
        for name in names:
            train_reference(name, seed=args.seed, out_dir=args.out, epochs=args.epochs,
                            limit=args.limit)
        return 0
    if args.action == "converge":
        convergence_record(args.name, longer_dir=args.longer_out)
        return 0
    return 0 if verify(args.name, tolerance=args.tolerance) else 1


if __name__ == "__main__":
    sys.exit(main())
