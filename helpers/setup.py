"""One call at the top of every lesson: seed, determinism, plotting style, versions."""
from __future__ import annotations

import os
import sys
import warnings

DEFAULT_SEED = 0
MIN_VERSIONS = {"tensorflow": (2, 16), "keras": (3, 0), "numpy": (1, 26), "sklearn": (1, 4)}


def course_seed() -> int:
    """The seed of this run: the ``COURSE_SEED`` environment variable, else 0."""
    raw = os.environ.get("COURSE_SEED", "").strip()
    if not raw:
        return DEFAULT_SEED
    try:
        seed = int(raw)
    except ValueError:
        raise ValueError(f"COURSE_SEED must be a non-negative integer, got {raw!r}") from None
    if seed < 0:
        raise ValueError(f"COURSE_SEED must be a non-negative integer, got {seed}")
    return seed


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split(".")[:2]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def check_versions(modules: dict[str, object]) -> None:
    """Raise a clear error when a library is older than the course needs."""
    if sys.version_info < (3, 10):
        raise RuntimeError(f"The course needs Python 3.10 or newer, this is {sys.version.split()[0]}")
    for name, minimum in MIN_VERSIONS.items():
        module = modules[name]
        have = _version_tuple(module.__version__)
        if have < minimum:
            want = ".".join(map(str, minimum))
            raise RuntimeError(
                f"{name} {module.__version__} is too old (the course needs >= {want}); "
                "run `pip install -r requirements.txt` from the project root"
            )


def plotting_style() -> None:
    """Large, readable figures that still keep the stored notebooks small."""
    import matplotlib as mpl

    mpl.rcParams.update({
        "figure.figsize": (10, 4),
        "figure.dpi": 72,
        "savefig.dpi": 72,
        "font.size": 13,
        "axes.titlesize": 14,
        "axes.labelsize": 13,
        "legend.fontsize": 11,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "image.cmap": "gray",
        "figure.constrained_layout.use": True,
    })


def setup(seed: int | None = None, *, deterministic: bool = True, verbose: bool = True) -> int:
    """Prepare a lesson: seed every generator, make ops deterministic, style plots, check versions.

    The seed is ``seed`` if given, else the ``COURSE_SEED`` environment variable, else 0.
    Returns the seed, so the lesson can derive its own generators from it.
    """
    if seed is None:
        seed = course_seed()
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", message=".*Protobuf gencode version.*")

    import numpy as np
    import sklearn
    import tensorflow as tf
    import keras

    tf.get_logger().setLevel("ERROR")
    check_versions({"tensorflow": tf, "keras": keras, "numpy": np, "sklearn": sklearn})
    keras.utils.set_random_seed(seed)
    if deterministic:
        tf.config.experimental.enable_op_determinism()
    plotting_style()
    if verbose:
        print(f"seed {seed} | TensorFlow {tf.__version__} | Keras {keras.__version__} | "
              f"NumPy {np.__version__} | scikit-learn {sklearn.__version__}")
    return seed
