"""One call at the top of every lesson: quiet TensorFlow, seeds, determinism, style, versions."""

from __future__ import annotations

import os
import sys
import warnings

DEFAULT_SEED = 0
# The one source of the minimum versions; tests/test_setup.py checks requirements.txt agrees.
MIN_VERSIONS = {"tensorflow": (2, 18), "keras": (3, 8), "numpy": (1, 26), "sklearn": (1, 4)}


def import_tensorflow_quietly() -> None:
    """Import TensorFlow with its native start-up lines (oneDNN, CUDA, CPU flags) muted.

    Those lines are written by C++ straight to file descriptor 2, before TF_CPP_MIN_LOG_LEVEL
    is read, and would otherwise land in every notebook's stored outputs.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    if "tensorflow" in sys.modules:
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real stderr (some embedded shells)
        import tensorflow  # noqa: F401

        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


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
        raise RuntimeError(
            f"The course needs Python 3.10 or newer, this is {sys.version.split()[0]}"
        )
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

    mpl.rcParams.update(
        {
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
        }
    )


def setup(seed: int | None = None, *, deterministic: bool = True, verbose: bool = True) -> int:
    """Prepare a lesson: import TensorFlow quietly, seed every generator, make ops deterministic,
    style plots and check versions.

    The seed is ``seed`` if given, else the ``COURSE_SEED`` environment variable, else 0.
    Returns the seed, so the lesson can derive its own generators from it.
    """
    if seed is None:
        seed = course_seed()
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    # Only known third-party noise is muted; Keras and TensorFlow deprecation warnings stay
    # visible, since they are how a Keras 2 idiom shows itself.
    warnings.filterwarnings("ignore", message=".*Protobuf gencode version.*")
    import_tensorflow_quietly()

    import keras
    import numpy as np
    import sklearn
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    check_versions({"tensorflow": tf, "keras": keras, "numpy": np, "sklearn": sklearn})
    keras.utils.set_random_seed(seed)
    if deterministic:
        tf.config.experimental.enable_op_determinism()
    plotting_style()
    if verbose:
        print(
            f"seed {seed} | TensorFlow {tf.__version__} | Keras {keras.__version__} | "
            f"NumPy {np.__version__} | scikit-learn {sklearn.__version__}"
        )
    return seed
