"""Shared plumbing for the autoencoder course.

Every lesson starts with the same cell::

    import helpers
    SEED = helpers.setup()        # quiet TensorFlow import, seed, determinism, plot style, versions

then imports what it needs from the submodules::

    from helpers.data import load_mnist          # checksummed datasets, with validation splits
    from helpers.plots import show_images        # image grids, curves, latent maps
    from helpers.metrics import psnr             # metrics in their usual units
    from helpers.lessons import DenseTransposed  # pieces taught in one lesson, reused later
    helpers.report("01_pca_vs_linear_autoencoder", {...}, goals={...})   # headline results

Importing this package does not import TensorFlow; :func:`helpers.setup` does.
"""

from __future__ import annotations

from .report import report
from .setup import course_backend, course_seed, setup

__all__ = ["setup", "course_seed", "course_backend", "report"]
