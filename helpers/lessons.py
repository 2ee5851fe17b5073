"""Pieces one lesson teaches and later lessons reuse, written once.

Each piece is defined, in full and visibly, in the lesson that teaches it (its docstring names
the lesson); later lessons import it from here. ``tests/test_lessons.py`` checks that the
notebook's definition and this module's are the same code, and that no other lesson redefines
it, so the two cannot drift apart.

Importing this module imports Keras: call :func:`helpers.setup` first.
"""

from __future__ import annotations

import math

import keras
import numpy as np
from keras import layers, ops

__all__ = ["DenseTransposed", "pca_reconstruct", "train", "stacked_autoencoder", "mean_logit_bias",
           "L1ActivityPenalty"]


class DenseTransposed(layers.Layer):
    """A decoder layer that reuses the transpose of a Dense layer's kernel (tied weights).

    Taught in lesson 01; reused in lesson 05 (with a bias and a sigmoid).
    """

    def __init__(self, dense, activation=None, use_bias=False, **kwargs):
        super().__init__(**kwargs)
        self.dense = dense
        self.activation = keras.activations.get(activation)
        self.use_bias = use_bias

    def build(self, input_shape):
        if self.use_bias:
            n_out = self.dense.kernel.shape[0]  # the tied encoder's input size
            self.bias = self.add_weight(shape=(n_out,), initializer="zeros", name="bias")

    def call(self, h):
        out = ops.matmul(h, ops.transpose(self.dense.kernel))
        if self.use_bias:
            out = out + self.bias
        return self.activation(out)


def pca_reconstruct(pca, x, k):
    """Project ``x`` onto a fitted PCA's top-``k`` directions and back, in the input space.

    Taught in lesson 01; reused in lesson 02. The PCA's mean is removed and added back, so this
    works for raw and for centred data alike.
    """
    U = pca.components_[:k].T  # d x k, orthonormal columns
    return (x - pca.mean_) @ U @ U.T + pca.mean_


def train(
    model,
    x,
    y=None,
    *,
    epochs,
    batch_size=256,
    lr=1e-3,
    loss="mse",
    alpha=0.01,
    validation_data=None,
    verbose=0,
    callbacks=None,
    steps_per_execution=32,
    weight_decay=None,
    **fit_kwargs,
):
    """Compile ``model`` with Adam on a cosine-decayed learning rate, then fit it.

    Taught in lesson 01; reused in lessons 02-08. The learning rate decays from ``lr`` to
    ``alpha * lr`` over exactly the ``epochs`` given; ``y`` defaults to ``x`` (an autoencoder).
    ``steps_per_execution`` updates run per call into TensorFlow: the same updates, fewer round
    trips (small models on a CPU spend much of a step in that overhead). ``weight_decay`` turns
    Adam into AdamW (decoupled weight decay, Loshchilov & Hutter 2019). Returns the ``History``.
    """
    steps = epochs * math.ceil(len(x) / batch_size)
    schedule = keras.optimizers.schedules.CosineDecay(lr, decay_steps=steps, alpha=alpha)
    model.compile(optimizer=keras.optimizers.Adam(schedule, weight_decay=weight_decay), loss=loss,
                  steps_per_execution=steps_per_execution)
    return model.fit(
        x,
        x if y is None else y,
        epochs=epochs,
        batch_size=batch_size,
        validation_data=validation_data,
        verbose=verbose,
        callbacks=callbacks,
        **fit_kwargs,
    )


def mean_logit_bias(x, eps=1e-3):
    """An initializer for a sigmoid decoder's bias: the logit of the mean training image.

    Taught in lesson 03; reused in lessons 06 and 07. The untrained decoder then outputs the
    mean image instead of grey 0.5 everywhere, which removes a long first phase of training.
    """
    p = np.clip(np.mean(x, axis=0), eps, 1 - eps)
    return keras.initializers.Constant(np.log(p / (1 - p)))


def stacked_autoencoder(widths, code_size, code_activation="relu", activation="relu",
                        output_bias="zeros"):
    """An encoder 784 -> widths -> code and its mirror-image decoder, as (autoencoder, encoder,
    decoder) sharing their layers.

    Taught in lesson 02; its reference model (``helpers.reference``, ``deep_ae_30``) is this
    builder at the widths of Hinton & Salakhutdinov (2006). ``output_bias`` initialises the
    sigmoid output's bias (e.g. :func:`mean_logit_bias`).
    """
    # Encoder: 784 -> widths... -> code; the decoder mirrors it back to 784 sigmoid pixels.
    encoder = keras.Sequential(
        [keras.Input(shape=(784,))] + [layers.Dense(w, activation=activation) for w in widths]
        + [layers.Dense(code_size, activation=code_activation)], name="encoder")
    decoder = keras.Sequential(
        [keras.Input(shape=(code_size,))]
        + [layers.Dense(w, activation=activation) for w in reversed(widths)]
        + [layers.Dense(784, activation="sigmoid", bias_initializer=output_bias)],
        name="decoder")
    x_in = keras.Input(shape=(784,))
    return keras.Model(x_in, decoder(encoder(x_in)), name="autoencoder"), encoder, decoder


class L1ActivityPenalty(layers.Layer):
    """An identity layer that adds ``lam`` times the batch mean of sum_j |h_j| to the loss.

    Taught in lesson 03 (the L1 sweep); reused in lesson 09 (the L1 sparse autoencoder). The
    scale is written out, so it does not depend on the Keras version: Keras 3 divides an
    ``activity_regularizer``'s penalty by the batch size, older Keras did not.
    """

    def __init__(self, lam, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(lam, (int, float)) or isinstance(lam, bool) or not lam >= 0:
            raise ValueError(f"lam must be a non-negative number, got {lam!r}")
        self.lam = float(lam)

    def call(self, h):
        self.add_loss(self.lam * ops.mean(ops.sum(ops.abs(h), axis=-1)))
        return h

    def get_config(self):
        return {**super().get_config(), "lam": self.lam}
