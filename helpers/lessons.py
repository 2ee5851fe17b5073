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
           "L1ActivityPenalty", "summed_bce", "KLSparsity", "sigmoid_autoencoder",
           "random_features", "GaussianCorruption", "unet_denoiser",
           "tied_autoencoder", "jacobian_frobenius_sq", "ContractiveAutoencoder"]


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
    steps_per_execution=None,
    weight_decay=None,
    **fit_kwargs,
):
    """Compile ``model`` with Adam on a cosine-decayed learning rate, then fit it.

    Taught in lesson 01; reused in lessons 02-08. The learning rate decays from ``lr`` to
    ``alpha * lr`` over exactly the ``epochs`` given; ``y`` defaults to ``x`` (an autoencoder).
    ``steps_per_execution`` updates run per call into the backend: the same updates, fewer round
    trips. By default 32 on TensorFlow (small models on a CPU spend much of a step in that
    overhead), 1 on JAX (faster there) and PyTorch (the only value it allows). ``weight_decay``
    turns Adam into AdamW (decoupled weight decay, Loshchilov & Hutter 2019). Returns the
    ``History``.
    """
    if steps_per_execution is None:  # speed only, the same updates: 32 per call on TensorFlow
        steps_per_execution = 32 if keras.backend.backend() == "tensorflow" else 1
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
    penalty's scale is written out (a mean over the batch), so it does not depend on how a Keras
    version scales an ``activity_regularizer``.
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


def summed_bce(x, x_hat):
    """Binary cross-entropy summed over the 784 pixels of each image, in nats.

    Taught in lesson 03 (the sparse autoencoder's loss); reused by its tuning script
    (``helpers.tuning03``).
    """
    x_hat = ops.clip(x_hat, 1e-7, 1 - 1e-7)
    return -ops.sum(ops.multiply(x, ops.log(x_hat)) + ops.multiply(1 - x, ops.log(1 - x_hat)),
                    axis=-1)


class KLSparsity(layers.Layer):
    """An identity layer that adds beta * sum_j KL(rho || rho_hat_j) to the model's loss.

    Taught in lesson 03; reused by its tuning script (``helpers.tuning03``). ``rho_hat_j`` is
    unit j's mean activation over the batch.
    """

    def __init__(self, rho=0.05, beta=3.0, **kwargs):
        super().__init__(**kwargs)
        if not 0 < rho < 1:
            raise ValueError(f"rho must be a target activation in (0, 1), got {rho!r}")
        if not beta >= 0:
            raise ValueError(f"beta must be a non-negative weight, got {beta!r}")
        self.rho = float(rho)
        self.beta = float(beta)

    def call(self, h):
        rho_hat = ops.mean(h, axis=0)                   # mean activation of each unit, this batch
        rho_hat = ops.clip(rho_hat, 1e-6, 1.0 - 1e-6)   # keep the logs finite
        kl = (self.rho * ops.log(self.rho / rho_hat)
              + (1.0 - self.rho) * ops.log((1.0 - self.rho) / (1.0 - rho_hat)))
        self.add_loss(self.beta * ops.sum(kl))
        return h

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "beta": self.beta}


def sigmoid_autoencoder(x_train, code_size, penalty=None, *, encoder_l2, decoder_l2,
                        learning_rate, decay_steps):
    """784 -> code_size sigmoid -> 784 sigmoid, weight decay on both kernels, as (autoencoder,
    encoder); the loss is :func:`summed_bce`, ``penalty`` an optional layer on the code.

    Taught in lesson 03 (the sparse and the plain autoencoder); reused by its tuning script
    (``helpers.tuning03``). The output bias starts at the mean image of ``x_train``. Adam's
    step size falls from ``learning_rate`` to 0 along a cosine over ``decay_steps`` steps.
    """
    if not isinstance(decay_steps, int) or isinstance(decay_steps, bool) or decay_steps < 1:
        raise ValueError(f"decay_steps must be a positive integer, got {decay_steps!r}")
    # the step size falls along a cosine to 0 at the last step: the final weights do not
    # jump around with a large step size
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps)
    inputs = keras.Input(shape=(784,))
    code = layers.Dense(code_size, activation="sigmoid", name="code",
                        kernel_regularizer=keras.regularizers.l2(encoder_l2))(inputs)
    if penalty is not None:
        code = penalty(code)
    outputs = layers.Dense(784, activation="sigmoid", name="reconstruction",
                           kernel_regularizer=keras.regularizers.l2(decoder_l2),
                           bias_initializer=mean_logit_bias(x_train))(code)
    autoencoder = keras.Model(inputs, outputs)
    autoencoder.compile(optimizer=keras.optimizers.Adam(schedule), loss=summed_bce,
                        metrics=[keras.metrics.MeanMetricWrapper(summed_bce, name="bce")],
                        # speed only, the same updates: 25 per call on TensorFlow (PyTorch: 1)
                        steps_per_execution=25 if keras.backend.backend() == "tensorflow" else 1)
    encoder = keras.Model(inputs, code)
    return autoencoder, encoder


def random_features(x, kernel, activation, scale):
    """A random layer: ``scale * (x @ kernel)``, then a sigmoid or a ReLU with bias -1.

    Taught in lesson 03 (the random-feature control); reused by its tuning script
    (``helpers.tuning03``), which tunes ``activation`` and ``scale`` on validation digits.
    """
    z = scale * (x @ kernel)
    if activation == "sigmoid":
        return np.exp(-np.logaddexp(0.0, -z))   # the logistic sigmoid, without overflow
    return np.maximum(z - 1.0, 0.0)


class GaussianCorruption(layers.Layer):
    """C(x̃|x) as a layer: clip(x + σ·ε, 0, 1), fresh for every batch, active in training only.

    Taught in lesson 04; its reference DAE (``helpers.reference``, ``dae_unet_04``) trains behind
    it. σ is drawn per image from U[low, high]; low == high is one fixed noise factor.
    """

    def __init__(self, low, high=None, *, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.low, self.high = float(low), float(low if high is None else high)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, x, training=False):
        if not training:
            return x                                 # validation and predict: input as given
        sigma = keras.random.uniform((ops.shape(x)[0], 1, 1, 1), minval=self.low,
                                     maxval=self.high, seed=self.seed_generator)
        noise = keras.random.normal(ops.shape(x), seed=self.seed_generator)
        return ops.clip(x + sigma * noise, 0.0, 1.0)


def unet_denoiser(width=32):
    """A small U-Net for 28×28 images: strided convolutions down to 7×7, transposed ones back up,
    and skip connections that hand each resolution's features to the decoder.

    Taught in lesson 04 (its reference DAE, ``dae_unet_04``). Channels ``width``, 2·``width``,
    4·``width`` at 28, 14 and 7 pixels; at 7×7 two 3×3 layers see the whole digit.
    """
    conv = dict(kernel_size=3, padding="same", activation="relu")
    x_in = keras.Input(shape=(28, 28, 1), name="noisy")
    s28 = layers.Conv2D(width, **conv)(x_in)                                  # 28×28
    s14 = layers.Conv2D(2 * width, strides=2, **conv)(s28)                    # 14×14
    h = layers.Conv2D(4 * width, strides=2, **conv)(s14)                      # 7×7
    h = layers.Conv2D(4 * width, **conv)(h)
    h = layers.Conv2D(4 * width, **conv)(h)
    h = layers.Conv2DTranspose(2 * width, strides=2, **conv)(h)               # 14×14
    h = layers.Conv2D(2 * width, **conv)(layers.Concatenate()([h, s14]))
    h = layers.Conv2DTranspose(width, strides=2, **conv)(h)                   # 28×28
    h = layers.Conv2D(width, **conv)(layers.Concatenate()([h, s28]))
    x_out = layers.Conv2D(1, 1, activation="sigmoid", name="clean")(h)
    return keras.Model(x_in, x_out, name="unet_denoiser")


def tied_autoencoder(n_in, n_code, *, corruption=0.0, init="glorot_uniform"):
    """A shallow sigmoid autoencoder whose decoder is the transposed encoder; returns both.

    Taught in lesson 05 (one greedy layer: ``corruption`` zeroes that fraction of the inputs
    while training, a denoising layer); its reference pretraining ``sdae_05``
    (``helpers.reference``) stacks these layers.
    """
    encoder = layers.Dense(n_code, activation="sigmoid", kernel_initializer=init)
    x = keras.Input((n_in,))
    code = encoder(layers.Dropout(corruption)(x) if corruption else x)
    x_hat = DenseTransposed(encoder, activation="sigmoid", use_bias=True)(code)
    return keras.Model(x, x_hat), encoder


def jacobian_frobenius_sq(h, kernel):
    """||dh/dx||_F^2 per example for a sigmoid layer h = sigmoid(x @ kernel + bias), in closed form.

    Taught in lesson 06 (the contractive penalty); its reference model (``helpers.reference``,
    ``cae_06``) trains with it. ``kernel`` has the Keras shape (d_x, d_h).
    """
    slope_sq = (h * (1.0 - h)) ** 2                # (batch, d_h): sigma'(a_j)^2
    row_norms_sq = ops.sum(kernel ** 2, axis=0)    # (d_h,):       sum_i W_ji^2
    return ops.sum(slope_sq * row_norms_sq, axis=-1)


class ContractiveAutoencoder(keras.Model):
    """784 -> code_size sigmoid -> 784 sigmoid, trained on BCE; ``lam`` > 0 adds the contractive
    penalty, ``noise_std`` > 0 makes it a denoising AE, ``encoder_decay`` > 0 adds L2 decay on the
    encoder's kernel.

    Taught in lesson 06; its reference model (``helpers.reference``, ``cae_06``) trains a plain
    and a contractive one side by side. ``x_fit`` (training images) sets the decoder's initial
    bias (:func:`mean_logit_bias`); None leaves it at zero, for loading weights.
    """

    def __init__(self, x_fit=None, code_size=256, lam=0.0, noise_std=0.0, encoder_decay=0.0,
                 **kwargs):
        super().__init__(**kwargs)
        for name, value in (("lam", lam), ("noise_std", noise_std),
                            ("encoder_decay", encoder_decay)):
            if not value >= 0:
                raise ValueError(f"{name} must be >= 0, got {value!r}")
        self.lam = lam
        decay = keras.regularizers.L2(encoder_decay) if encoder_decay > 0 else None
        self.noise = layers.GaussianNoise(noise_std) if noise_std > 0 else None
        self.encoder = layers.Dense(code_size, activation="sigmoid", kernel_regularizer=decay,
                                    name="encoder")
        self.decoder = layers.Dense(
            784, activation="sigmoid", name="decoder",
            bias_initializer="zeros" if x_fit is None else mean_logit_bias(x_fit))
        self.bce_tracker = keras.metrics.Mean(name="bce")
        self.jacobian_tracker = keras.metrics.Mean(name="jacobian_sq")

    def call(self, x, training=False):
        if self.noise is not None:
            x = self.noise(x, training=training)   # corruption only while training
        return self.decoder(self.encoder(x))

    def loss_terms(self, x, y_pred):
        # Batch means of the reconstruction BCE and of ||J||_F^2 at the clean input x.
        bce = ops.mean(keras.losses.binary_crossentropy(x, y_pred))
        jac_sq = ops.mean(jacobian_frobenius_sq(self.encoder(x), self.encoder.kernel))
        return bce, jac_sq

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        bce, jac_sq = self.loss_terms(x, y_pred)
        self.bce_tracker.update_state(bce)
        self.jacobian_tracker.update_state(jac_sq)
        return bce + self.lam * jac_sq + sum(self.losses)   # self.losses: the encoder's decay


def bernoulli_nll(x, logits):
    """-log p(x|z) of a Bernoulli decoder from its logits: binary cross-entropy summed over the
    last axis (the pixels), in nats, one number per example.

    Taught in lesson 07; reused in lesson 08. Written from the logits, so it never takes the log
    of a saturated sigmoid.
    """
    per_pixel = ops.maximum(logits, 0.0) - logits * x + ops.log1p(ops.exp(-ops.abs(logits)))
    return ops.sum(per_pixel, axis=-1)


def gaussian_kl(mu, log_var):
    """KL(N(mu, diag exp(log_var)) || N(0, I)) in closed form, in nats, one number per example.

    Taught in lesson 07; reused in lesson 08.
    """
    return 0.5 * ops.sum(ops.square(mu) + ops.exp(log_var) - log_var - 1.0, axis=-1)


class Sampling(layers.Layer):
    """The reparameterisation z = mu + sigma * eps, eps ~ N(0, I), sigma = exp(log_var / 2).

    Taught in lesson 07; reused in lesson 08. Its own seed generator makes the draws reproducible.
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        mu, log_var = inputs
        eps = keras.random.normal(ops.shape(mu), seed=self.seed_generator)
        return mu + ops.exp(0.5 * log_var) * eps


class VAE(keras.Model):
    """A variational autoencoder: encoder x -> (mu, log_var), Sampling, decoder z -> logits.

    Taught in lesson 07; reused in lesson 08. ``call`` returns (logits, mu, log_var);
    ``compute_loss`` returns the batch mean of reconstruction + beta * KL in nats per example,
    which is -ELBO at beta = 1, so ``fit`` trains it with ``loss=None``.
    """

    def __init__(self, encoder, decoder, beta=1.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(beta, (int, float)) or isinstance(beta, bool) or not beta >= 0:
            raise ValueError(f"beta must be a non-negative number, got {beta!r}")
        self.encoder, self.decoder, self.beta = encoder, decoder, float(beta)
        self.sampling = Sampling(seed)

    def call(self, x):
        mu, log_var = self.encoder(x)
        return self.decoder(self.sampling([mu, log_var])), mu, log_var

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        logits, mu, log_var = y_pred
        return ops.mean(bernoulli_nll(x, logits) + self.beta * gaussian_kl(mu, log_var))


def make_vae(latent_dim, hidden=(512,), *, input_dim=784, beta=1.0, seed=None,
             activation="relu", output_bias="zeros"):
    """An MLP VAE: input_dim -> hidden -> (mu, log_var) and latent_dim -> reversed hidden -> logits.

    Taught in lesson 07; reused in lesson 08 (its reference model ``vae_20`` in
    ``helpers.reference`` is this builder). ``output_bias`` initialises the logits' bias (e.g.
    :func:`mean_logit_bias` of the training images).
    """
    for name, value in (("latent_dim", latent_dim), ("input_dim", input_dim)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if any(not isinstance(u, int) or isinstance(u, bool) or u < 1 for u in hidden):
        raise ValueError(f"hidden must be a sequence of positive integers, got {hidden!r}")
    x = keras.Input((input_dim,))
    h = x
    for units in hidden:
        h = layers.Dense(units, activation=activation)(h)
    encoder = keras.Model(x, [layers.Dense(latent_dim, name="mu")(h),
                              layers.Dense(latent_dim, name="log_var")(h)], name="encoder")
    z = keras.Input((latent_dim,))
    g = z
    for units in tuple(hidden)[::-1]:
        g = layers.Dense(units, activation=activation)(g)
    logits = layers.Dense(input_dim, bias_initializer=output_bias, name="logits")(g)
    vae = VAE(encoder, keras.Model(z, logits, name="decoder"), beta=beta, seed=seed)
    vae(ops.zeros((1, input_dim)))           # one call builds it: it can count, save and load
    return vae


def vae_encode(vae, x, batch=5000):
    """mu and log sigma^2 of q(z|x) for images ``x``, as NumPy arrays (n, latent_dim).

    Taught in lesson 07; reused in lesson 08.
    """
    parts = [vae.encoder(np.asarray(x[i:i + batch], "float32")) for i in range(0, len(x), batch)]
    return tuple(np.concatenate([ops.convert_to_numpy(p[k]) for p in parts]) for k in (0, 1))


def vae_decode(vae, z, batch=5000, logits=False):
    """The decoder's mean image E[x|z] (the sigmoid of its logits; the logits if ``logits``).

    Taught in lesson 07; reused in lesson 08.
    """
    z = np.asarray(z, "float32")
    out = np.concatenate([ops.convert_to_numpy(vae.decoder(z[i:i + batch]))
                          for i in range(0, len(z), batch)])
    return out if logits else ops.convert_to_numpy(ops.sigmoid(out))


def elbo_terms(vae, x, n_draws=1, seed=0):
    """Per image: the reconstruction term E_q[-log p(x|z)] (Monte Carlo over ``n_draws`` draws
    of eps) and the exact KL(q(z|x) || p(z)), both in nats; -ELBO = their sum.

    Taught in lesson 07; reused in lesson 08 (the reconstruction term is An & Cho's
    "reconstruction probability", as a negative log).
    """
    if not isinstance(n_draws, int) or isinstance(n_draws, bool) or n_draws < 1:
        raise ValueError(f"n_draws must be a positive integer, got {n_draws!r}")
    x = np.asarray(x, "float32")
    mu, log_var = vae_encode(vae, x)
    kl = ops.convert_to_numpy(gaussian_kl(mu, log_var)).astype("float64")
    draw = np.random.default_rng(seed)
    rec = np.zeros(len(x))
    for _ in range(n_draws):
        z = mu + np.exp(0.5 * log_var) * draw.standard_normal(mu.shape).astype("float32")
        logits = vae_decode(vae, z, logits=True)
        rec += ops.convert_to_numpy(bernoulli_nll(x, logits)).astype("float64") / n_draws
    return rec, kl


def log_weights(vae, x, k, seed=0):
    """log w_i = log p(x|z_i) + log p(z_i) - log q(z_i|x) for k draws z_i ~ q(z|x): shape (n, k).

    Taught in lesson 07; reused in lesson 08. logsumexp over axis 1 minus log k is the
    importance-weighted bound L_k of Burda et al. (2016); the mean over axis 1 is an ELBO estimate.
    """
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    x = np.asarray(x, "float32")
    mu, log_var = vae_encode(vae, x)
    eps = np.random.default_rng(seed).standard_normal((len(x), k, mu.shape[1])).astype("float32")
    z = mu[:, None] + np.exp(0.5 * log_var)[:, None] * eps
    logits = vae_decode(vae, z.reshape(-1, mu.shape[1]), logits=True).reshape(len(x), k, -1)
    log_px_z = -ops.convert_to_numpy(bernoulli_nll(x[:, None], logits)).astype("float64")
    log_pz = -0.5 * np.sum(z.astype("float64") ** 2 + np.log(2 * np.pi), axis=-1)
    log_qz = -0.5 * np.sum(eps.astype("float64") ** 2 + log_var[:, None] + np.log(2 * np.pi), -1)
    return log_px_z + log_pz - log_qz


def iw_log_likelihood(vae, x, k, seed=0, rows=50_000):
    """Per image, the importance-weighted estimate L_k of log p(x) (nats), in chunks of images so
    that at most ``rows`` codes are decoded at once.

    Taught in lesson 07; reused in lesson 08.
    """
    step = max(1, rows // k)
    parts = []
    for start in range(0, len(x), step):
        logw = log_weights(vae, x[start:start + step], k, seed=seed + start)
        top = logw.max(axis=1, keepdims=True)
        parts.append(top[:, 0] + np.log(np.mean(np.exp(logw - top), axis=1)))
    return np.concatenate(parts)
