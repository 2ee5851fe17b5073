"""Shared plumbing for the autoencoder course.

Lessons import what they need from the submodules::

    import helpers
    seed = helpers.setup()                       # seed, plotting style, versions, quiet logs
    from helpers.data import load_mnist          # checksummed datasets from data/
    from helpers.plots import show_images        # image grids, curves, latent maps
    from helpers.metrics import psnr             # metrics in their usual units
    helpers.report("01_pca_vs_linear_autoencoder", {...})   # headline results

Importing this package silences TensorFlow's C++ start-up log lines, so it should be
imported before TensorFlow or Keras.
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def _import_tensorflow_quietly() -> None:
    """Import TensorFlow with its native start-up lines (oneDNN, CUDA, CPU flags) muted.

    Those lines are written by C++ straight to file descriptor 2, before TF_CPP_MIN_LOG_LEVEL
    is read, and would otherwise land in every notebook's stored outputs.
    """
    import sys

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


_import_tensorflow_quietly()

from .setup import setup, course_seed  # noqa: E402
from .report import report  # noqa: E402

__all__ = ["setup", "course_seed", "report"]
