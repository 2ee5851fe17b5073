"""Gradients outside ``model.fit``, on whichever Keras backend runs (TensorFlow, JAX, PyTorch).

Keras 3 trains with the backend's own automatic differentiation but has no backend-neutral
call for "the gradient of this number" or "the Jacobian of this layer". A lesson that looks
at gradients (05: gradient norms per layer; 06: the encoder's Jacobian) calls these two
functions; behind them is ``tf.GradientTape``, ``jax.grad`` / ``jax.jacrev`` or
``torch.autograd``. The lessons still write their formulas out and check them against these.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np


def _backend() -> str:
    import keras

    return keras.backend.backend()


def gradient(fn: Callable[[], object], variables: Sequence[object]) -> list[np.ndarray]:
    """The gradient of the scalar ``fn()`` with respect to each Keras variable in ``variables``.

    ``fn`` takes no argument and reads the variables (e.g. ``lambda: loss(net(x), y)``).
    Returns one NumPy array per variable, with the variable's shape.
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    variables = list(variables)
    if not variables:
        raise ValueError("variables must name at least one Keras variable")
    import keras

    for i, v in enumerate(variables):
        if not isinstance(v, keras.Variable):
            raise TypeError(f"variables[{i}] must be a keras.Variable, got {type(v).__name__}")
    backend = _backend()
    if backend == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            value = _scalar(fn(), "fn()")
        grads = tape.gradient(value, [v.value for v in variables])
    elif backend == "jax":
        import jax

        def of_values(values):
            with keras.StatelessScope(state_mapping=list(zip(variables, values))):
                return _scalar(fn(), "fn()")

        grads = jax.grad(of_values)([v.value for v in variables])
    elif backend == "torch":
        import torch

        with torch.enable_grad():
            value = _scalar(fn(), "fn()")
            grads = torch.autograd.grad(value, [v.value for v in variables], allow_unused=True)
    else:  # pragma: no cover - Keras knows only the three backends above and numpy
        raise RuntimeError(f"no automatic differentiation on the {backend!r} backend")
    out = []
    for v, g in zip(variables, grads):
        if g is None:  # the variable does not influence fn(): its gradient is zero
            out.append(np.zeros(tuple(v.shape), dtype=np.float32))
        else:
            out.append(np.asarray(keras.ops.convert_to_numpy(g)))
    return out


def batch_jacobian(fn: Callable[[object], object], x: np.ndarray) -> np.ndarray:
    """The Jacobian of ``fn`` at every row of the batch ``x``: shape ``(n, *out, *in)``.

    ``out`` is the shape of one row of ``fn(x)``, ``in`` of one row of ``x``. Rows must be
    independent (row i of ``fn(x)`` depends on row i of ``x`` only, as for a model in
    inference), which is what lets one backward pass per output give every row's Jacobian.
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    x = np.asarray(x, dtype=np.float32)
    if x.ndim < 2 or x.shape[0] == 0:
        raise ValueError(f"x must be a non-empty batch (n, ...), got shape {x.shape}")
    import keras

    backend = _backend()
    if backend == "tensorflow":
        import tensorflow as tf

        xt = tf.convert_to_tensor(x)
        with tf.GradientTape() as tape:
            tape.watch(xt)
            y = fn(xt)
        jac = tape.batch_jacobian(y, xt)
    elif backend == "jax":
        import jax
        import jax.numpy as jnp

        # d(sum over rows of fn)/dx: (*out, n, *in), the rows' Jacobians side by side.
        jac = jax.jacrev(lambda xx: jnp.sum(fn(xx), axis=0))(jnp.asarray(x))
        jac = jnp.moveaxis(jac, len(jac.shape) - x.ndim, 0)
    elif backend == "torch":
        import torch

        xt = keras.ops.convert_to_tensor(x)
        with torch.enable_grad():
            jac = torch.autograd.functional.jacobian(lambda xx: fn(xx).sum(dim=0), xt)
        jac = torch.movedim(jac, jac.ndim - x.ndim, 0)
    else:  # pragma: no cover
        raise RuntimeError(f"no automatic differentiation on the {backend!r} backend")
    return np.asarray(keras.ops.convert_to_numpy(jac))


def _scalar(value: object, name: str) -> object:
    import keras

    if tuple(keras.ops.shape(value)) not in ((), (1,)):
        raise ValueError(f"{name} must return a scalar, got shape {tuple(keras.ops.shape(value))}")
    return keras.ops.reshape(value, ())
