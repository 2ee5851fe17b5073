"""One call at the top of every lesson: the Keras backend, seeds, determinism, style, versions."""

from __future__ import annotations

import importlib.util
import os
import sys
import warnings

DEFAULT_SEED = 0
# The one source of the minimum versions; tests/test_setup.py checks requirements.txt agrees.
MIN_VERSIONS = {"tensorflow": (2, 18), "keras": (3, 8), "numpy": (1, 26), "sklearn": (1, 4)}
# The optional backends; requirements-jax.txt and requirements-torch.txt give the same bounds.
BACKEND_MIN_VERSIONS = {"jax": (0, 4), "torch": (2, 4)}
BACKENDS = ("tensorflow", "jax", "torch")
DEFAULT_BACKEND = "tensorflow"
BACKEND_NAMES = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}


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


def course_backend() -> str:
    """The Keras backend of this run: ``KERAS_BACKEND`` (tensorflow, jax or torch), else tensorflow.

    Sets ``KERAS_BACKEND`` when it is unset, so Keras picks the same one when first imported.
    """
    raw = os.environ.get("KERAS_BACKEND", "").strip().lower()
    backend = raw or DEFAULT_BACKEND
    if backend not in BACKENDS:
        raise ValueError(
            f"KERAS_BACKEND must be one of {', '.join(BACKENDS)}, got {raw!r}"
        )
    os.environ["KERAS_BACKEND"] = backend
    if "keras" in sys.modules:
        running = sys.modules["keras"].backend.backend()
        if running != backend:
            raise RuntimeError(
                f"Keras was already imported with the {running!r} backend, but KERAS_BACKEND "
                f"is {backend!r}: restart the kernel (the backend is fixed at Keras's import)"
            )
    return backend


def _import_backend(backend: str):
    """Import the backend's own library (TensorFlow quietly) and return the module."""
    if backend == "torch":
        # PyTorch's OpenMP threads otherwise spin while waiting for work: on a 2-core laptop
        # with anything else running, small models then train ten times slower.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if backend == "tensorflow" or importlib.util.find_spec("tensorflow") is not None:
        # Keras's set_random_seed also seeds TensorFlow whenever it is installed, which imports
        # it: import it quietly first, whatever the backend.
        import_tensorflow_quietly()
    try:
        return __import__(backend)
    except ImportError:
        extra = "" if backend == "tensorflow" else f"-{backend}"
        raise RuntimeError(
            f"KERAS_BACKEND={backend} but {backend} is not installed: run "
            f"`pip install -r requirements{extra}.txt` from the project root"
        ) from None


def make_deterministic(backend: str) -> None:
    """Ask the backend for deterministic kernels (as far as it offers them on this device)."""
    if backend == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
    elif backend == "torch":
        import torch

        torch.use_deterministic_algorithms(True)
    # JAX on the CPU is deterministic already: XLA's CPU kernels reduce in a fixed order.


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
    minima = {**MIN_VERSIONS, **BACKEND_MIN_VERSIONS}
    for name, module in modules.items():
        minimum = minima[name]
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
    """Prepare a lesson: pick the Keras backend, seed every generator, make ops deterministic,
    style plots and check versions.

    The backend is ``KERAS_BACKEND`` (tensorflow, jax or torch; default tensorflow). The seed is
    ``seed`` if given, else the ``COURSE_SEED`` environment variable, else 0. Returns the seed,
    so the lesson can derive its own generators from it.
    """
    if seed is None:
        seed = course_seed()
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    # Only known third-party noise is muted; Keras and TensorFlow deprecation warnings stay
    # visible, since they are how a Keras 2 idiom shows itself.
    warnings.filterwarnings("ignore", message=".*Protobuf gencode version.*")
    backend = course_backend()
    library = _import_backend(backend)

    import keras
    import numpy as np
    import sklearn

    if backend == "tensorflow":
        library.get_logger().setLevel("ERROR")
    if backend == "torch":
        # Half the cores: the course's small models gain little from more threads, and PyTorch's
        # threads slow down many-fold when they compete with anything else on the machine.
        library.set_num_threads(max(1, (os.cpu_count() or 2) // 2))
    check_versions({backend: library, "keras": keras, "numpy": np, "sklearn": sklearn})
    keras.utils.set_random_seed(seed)
    if deterministic:
        make_deterministic(backend)
    plotting_style()
    if verbose:
        print(
            f"seed {seed} | Keras {keras.__version__} on {BACKEND_NAMES[backend]} "
            f"{library.__version__} | NumPy {np.__version__} | scikit-learn {sklearn.__version__}"
        )
    return seed
