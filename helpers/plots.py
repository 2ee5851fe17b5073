"""Figures the lessons share: image grids, reconstruction rows, training curves, latent maps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ._checks import as_float_array, codes_and_labels


def _as_images(images, name: str, image_shape: tuple[int, int] | None) -> np.ndarray:
    arr = as_float_array(images, name, ndim=(2, 3))
    if arr.ndim == 2:
        side = int(round(np.sqrt(arr.shape[1])))
        shape = image_shape or (side, side)
        if shape[0] * shape[1] != arr.shape[1]:
            raise ValueError(
                f"{name} has {arr.shape[1]} values per image, which is not a "
                f"{shape[0]}x{shape[1]} image; pass image_shape"
            )
        arr = arr.reshape(len(arr), *shape)
    return arr


def show_images(
    images,
    *,
    titles: Sequence[str] | None = None,
    ncols: int = 10,
    title: str | None = None,
    image_shape: tuple[int, int] | None = None,
    cmap: str = "gray",
    vmin: float | None = 0.0,
    vmax: float | None = 1.0,
    size: float = 1.3,
    signed: bool = False,
) -> None:
    """Show a batch of images (n, h, w) or flattened (n, h*w) as a grid (shown; returns None).

    ``signed=True`` is for weights and directions: one colour scale symmetric about 0 (zero is
    white, red positive, blue negative) shared by every image, with a colour bar.
    """
    import matplotlib.pyplot as plt

    imgs = _as_images(images, "images", image_shape)
    if not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer, got {ncols!r}")
    if titles is not None and len(titles) != len(imgs):
        raise ValueError(f"titles must have one entry per image ({len(imgs)}), got {len(titles)}")
    if signed:
        cmap, vmax = "RdBu_r", float(np.abs(imgs).max()) or 1.0
        vmin = -vmax
    ncols = min(ncols, len(imgs))
    nrows = int(np.ceil(len(imgs) / ncols))
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(size * ncols, size * nrows + (0.5 if title else 0)), squeeze=False
    )
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(imgs):
            shown = ax.imshow(imgs[i], cmap=cmap, vmin=vmin, vmax=vmax)
            if titles is not None:
                ax.set_title(titles[i], fontsize=10)
    if signed:
        fig.colorbar(shown, ax=axes, shrink=0.8, pad=0.01)
    if title:
        fig.suptitle(title)
    plt.show()


def compare_rows(
    rows: Mapping[str, object],
    *,
    n: int = 10,
    title: str | None = None,
    image_shape: tuple[int, int] | None = None,
    size: float = 1.3,
) -> None:
    """One row of ``n`` images per entry of ``rows`` (label -> batch): original, reconstruction…

    Every batch must hold at least ``n`` images; the i-th column shows the i-th image of each.
    """
    import matplotlib.pyplot as plt

    if not rows:
        raise ValueError("rows must name at least one batch of images")
    batches = {
        label: _as_images(batch, f"rows[{label!r}]", image_shape) for label, batch in rows.items()
    }
    for label, batch in batches.items():
        if len(batch) < n:
            raise ValueError(f"rows[{label!r}] has {len(batch)} images, fewer than n={n}")
    fig, axes = plt.subplots(
        len(batches),
        n,
        figsize=(size * n, size * len(batches) + (0.5 if title else 0)),
        squeeze=False,
    )
    for r, (label, batch) in enumerate(batches.items()):
        for c in range(n):
            ax = axes[r, c]
            ax.imshow(batch[c], cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_visible(False)
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=12)
    if title:
        fig.suptitle(title)
    plt.show()


def plot_history(
    history,
    *,
    keys: Sequence[str] | None = None,
    title: str = "Training curve",
    ylabel: str = "loss",
    logy: bool = False,
    ax=None,
    reference: Mapping[str, float] | None = None,
) -> None:
    """Plot Keras training curves (a ``History`` or its ``.history`` dict) on ``ax`` or a figure.

    By default every ``*loss`` key is drawn; ``val_`` curves are dashed. ``reference`` maps a
    label to a level drawn as a dotted horizontal line (e.g. PCA's error).
    """
    import matplotlib.pyplot as plt

    hist = getattr(history, "history", history)
    if not isinstance(hist, Mapping) or not hist:
        raise ValueError("history must be a Keras History or a non-empty dict of lists")
    keys = list(keys) if keys is not None else [k for k in hist if k.endswith("loss")]
    missing = [k for k in keys if k not in hist]
    if missing:
        raise ValueError(f"keys {missing} are not in history (it has {sorted(hist)})")
    own = ax is None
    if own:
        _, ax = plt.subplots(figsize=(7, 3.8))
    for key in keys:
        values = hist[key]
        epochs = np.arange(1, len(values) + 1)
        ax.plot(
            epochs, values, "--" if key.startswith("val_") else "-", marker="o", ms=3, label=key
        )
    for i, (label, level) in enumerate((reference or {}).items()):
        ax.axhline(level, color=f"C{len(keys) + i}", ls=":", lw=2, label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if logy:
        ax.set_yscale("log")
    ax.legend()
    if own:
        plt.show()


def plot_latent(
    codes,
    labels,
    *,
    title: str = "Latent codes",
    ax=None,
    class_names=None,
    s: float = 4.0,
    alpha: float = 0.6,
) -> None:
    """Scatter of 2-D codes coloured by label, with a legend, on ``ax`` or a new figure."""
    import matplotlib.pyplot as plt

    z, y = codes_and_labels(codes, labels)
    own = ax is None
    if own:
        _, ax = plt.subplots(figsize=(7, 6))
    cmap = plt.get_cmap("tab10")
    for i, cls in enumerate(np.unique(y)):
        sel = y == cls
        name = class_names[int(cls)] if class_names is not None else str(cls)
        ax.scatter(z[sel, 0], z[sel, 1], s=s, alpha=alpha, color=cmap(i % 10), label=name)
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    ax.set_title(title)
    ax.legend(markerscale=4, fontsize=9, loc="best", ncol=2)
    if own:
        plt.show()
