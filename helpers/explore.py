"""Interactive explorers: sliders over a model the lesson already trained. An update never trains.

Each explorer shows its controls above a picture redrawn on every change. The cell's stored
output also carries a static PNG of the default state, so a reader of the notebook on the web,
where widgets do not run, still sees the picture. nbval does not compare these outputs.

The kernel may handle widget messages on more than one thread (ipykernel 7 does), so two redraws
can overlap; Matplotlib is not thread-safe and overlapping draws came out blank. Every redraw
therefore holds one lock, draws on its own ``Figure`` (never through pyplot), and draws only the
latest state: a redraw whose values are already on the picture does nothing.
"""

from __future__ import annotations

import base64
import io
import math
import textwrap
import threading
from collections.abc import Callable, Mapping

import numpy as np

from ._checks import as_float_array, codes_and_labels


_DRAWING = threading.Lock()  # one redraw at a time, across all explorers


def _png(draw: Callable, values: Mapping, figsize: tuple[float, float]) -> bytes:
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)  # not registered with pyplot: no shared state
    draw(fig, **values)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def explorer(
    draw: Callable, controls: Mapping[str, object], *, figsize: tuple[float, float] = (10, 4)
) -> object:
    """Show ``controls`` (name -> ipywidget) above a picture that ``draw(fig, **values)`` makes.

    The picture is redrawn whenever a control changes. Returns the widget box (for tests).
    """
    import ipywidgets as widgets
    from IPython.display import display

    if not callable(draw):
        raise ValueError(f"draw must be a function draw(fig, **values), got {draw!r}")
    if not isinstance(controls, Mapping) or not controls:
        raise ValueError("controls must map each argument of draw to an ipywidget")
    for name, control in controls.items():
        if not isinstance(control, widgets.ValueWidget):
            raise ValueError(
                f"controls[{name!r}] must be an ipywidgets value widget, got {control!r}"
            )

    def values() -> dict:
        return {name: control.value for name, control in controls.items()}

    with _DRAWING:
        drawn = values()
        first = _png(draw, drawn, figsize)
    picture = widgets.Image(value=first, format="png", layout=widgets.Layout(max_width="100%"))
    picture.add_class("course-explorer-picture")

    def redraw(_change=None) -> None:
        nonlocal drawn
        with _DRAWING:
            now = values()  # the latest state, however many changes queued this call
            if now != drawn:
                picture.value = _png(draw, now, figsize)
                drawn = now

    for control in controls.values():
        control.observe(redraw, names="value")
    box = widgets.VBox([widgets.HBox(list(controls.values())), picture])
    box.add_class("course-explorer")
    display(
        {
            "application/vnd.jupyter.widget-view+json": {
                "model_id": box.model_id,
                "version_major": 2,
                "version_minor": 0,
            },
            "image/png": base64.b64encode(first).decode("ascii"),
            "text/plain": "Explorer (run the notebook in JupyterLab to move the sliders)",
        },
        raw=True,
    )
    return box


def _grid(
    low: float, high: float, value: float, step: float | None = None, *, name: str = "range"
) -> tuple[float, float, float, float]:
    """A slider's (min, max, step, value): a round step, and a grid through ``value`` itself.

    The browser snaps a slider to min + k·step and sends the snapped value back, which would
    redraw the picture at a level nobody chose; a grid through ``value`` keeps it where it was set.
    Without ``step``, the largest of 1, 2, 5 × 10^k that is at most (high - low) / 100.
    """
    low, high, value = float(low), float(high), float(value)
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(f"{name} must have low < high, got ({low}, {high})")
    if not low <= value <= high:
        raise ValueError(f"{name}: the default {value} must lie in [{low}, {high}]")
    if step is None:
        raw = (high - low) / 100
        decade = 10.0 ** math.floor(math.log10(raw))
        step = max(m * decade for m in (1, 2, 5, 10) if m * decade <= raw * (1 + 1e-9))
    elif not (0 < step <= high - low):
        raise ValueError(f"{name}: step must be in (0, {high - low}], got {step}")
    below = math.floor((value - low) / step + 1e-9)
    above = math.floor((high - value) / step + 1e-9)
    return round(value - below * step, 12), round(value + above * step, 12), float(step), value


def _readout(step: float) -> str:
    """A readout format with as many decimals as the step has (1 -> ".0f", 0.005 -> ".3f")."""
    return f".{max(0, -math.floor(math.log10(step) + 1e-9))}f"


def _slider(
    description: str,
    low: float,
    high: float,
    value: float,
    step: float | None = None,
    *,
    continuous: bool = True,
):
    """A float slider on a round grid through ``value``.

    ``continuous``: redraw while dragging (cheap pictures) or only once released (costly ones,
    whose redraws would otherwise queue up behind the drag).
    """
    import ipywidgets as widgets

    low, high, step, value = _grid(low, high, value, step, name=description)
    return widgets.FloatSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        continuous_update=continuous,
        readout_format=_readout(step),
        style={"description_width": "initial"},
        layout=widgets.Layout(width="45%"),
    )


def _decode_one(decode: Callable, z: np.ndarray) -> np.ndarray:
    image = np.asarray(decode(np.asarray(z, dtype="float32")[None]))
    return image.reshape(28, 28) if image.size == 784 else image.reshape(image.shape[1:3])


def latent_explorer(
    decode: Callable, codes, labels, *, path=None, title: str = "2-D code"
) -> object:
    """Move a point over a 2-D code map and see what the decoder makes of it.

    ``decode`` maps a (1, 2) array of codes to one image (a trained decoder's mean image);
    ``codes``/``labels`` are encoded digits, drawn as the map, so the gaps between classes show.
    With ``path`` (an (m, 2) array, e.g. an interpolation), a third slider walks along it.
    """
    z, y = codes_and_labels(codes, labels)
    lo, hi = np.quantile(z, 0.005, axis=0), np.quantile(z, 0.995, axis=0)
    controls = {
        "z1": _slider("z₁", lo[0], hi[0], np.median(z[:, 0])),
        "z2": _slider("z₂", lo[1], hi[1], np.median(z[:, 1])),
    }
    if path is not None:
        steps = as_float_array(path, "path", ndim=2)
        if steps.shape[1] != 2 or len(steps) < 2:
            raise ValueError(f"path must have shape (m >= 2, 2), got {steps.shape}")
        controls["t"] = _slider("along the path", 0.0, 1.0, 0.0, 0.02)

    def draw(fig, z1, z2, t=None):
        point = np.array([z1, z2])
        if t is not None and t > 0:
            position = t * (len(steps) - 1)
            i = min(int(position), len(steps) - 2)
            point = steps[i] + (position - i) * (steps[i + 1] - steps[i])
        left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.4, 1]})
        left.scatter(z[:, 0], z[:, 1], c=y, cmap="tab10", s=3, alpha=0.5)
        if path is not None:
            left.plot(steps[:, 0], steps[:, 1], "k--", lw=1)
        left.plot(*point, "r*", ms=18, mec="k")
        left.set(title=f"{title}: the red star is decoded", xlabel="$z_1$", ylabel="$z_2$")
        right.imshow(_decode_one(decode, point), cmap="gray", vmin=0, vmax=1)
        right.set_title(f"decoded at ({point[0]:.2f}, {point[1]:.2f})")
        right.axis("off")

    return explorer(draw, controls)


def denoise_explorer(
    clean,
    corrupt: Mapping[str, Callable],
    levels: Mapping[str, tuple],
    denoisers: Mapping[str, Callable],
    *,
    n: int = 4,
) -> object:
    """Choose a corruption and its level; see noisy, classical and learned denoisers with PSNR.

    ``corrupt`` maps a name to ``f(images, level) -> noisy``, ``levels`` maps the same name to
    (low, high, default) or (low, high, default, step); ``denoisers`` maps a label to
    ``g(noisy) -> estimate``. Each corruption has a level slider of its own, shown while it is
    chosen, so going back to a corruption finds its level where it was left; a level is sent when
    its slider is released. PSNR is averaged over
    the digits the corruption changed (an unchanged one would score the 100 dB cap).
    """
    import ipywidgets as widgets

    from .metrics import psnr

    x = as_float_array(clean, "clean", value_range=(0.0, 1.0))[:n]
    if set(corrupt) != set(levels) or not corrupt:
        raise ValueError("corrupt and levels must name the same corruptions")
    names = list(corrupt)
    for name in names:
        spec = levels[name]
        if not isinstance(spec, tuple) or len(spec) not in (3, 4):
            raise ValueError(
                f"levels[{name!r}] must be (low, high, default) or (low, high, default, step)"
            )
    kind = widgets.Dropdown(options=names, value=names[0], description="corruption")
    # One slider per corruption, never re-ranged: changing a slider's range from the kernel made
    # the browser clamp the old level into the new range and send that back.
    # A redraw runs every denoiser (about 0.35 s): the level is sent once the slider is released,
    # since redrawing at each step of a drag queued the redraws behind it.
    sliders = {
        f"level_{i}": _slider("level", *levels[name], continuous=False)
        for i, name in enumerate(names)
    }

    def show(_change=None) -> None:
        for i, slider in enumerate(sliders.values()):
            slider.layout.display = None if names[i] == kind.value else "none"

    kind.observe(show, names="value")
    show()

    def draw(fig, kind, **levels_now):
        key = f"level_{names.index(kind)}"
        level, shown = levels_now[key], sliders[key].readout_format
        noisy = np.clip(corrupt[kind](x, level), 0, 1)
        # An unchanged digit scores psnr's 100 dB cap and would swamp the average: score the
        # digits the corruption changed (all of them if it changed none).
        changed = np.any((noisy != x).reshape(len(x), -1), axis=1)
        scored = changed if changed.any() else np.ones(len(x), dtype=bool)
        rows = {"noisy": noisy, **{name: np.clip(g(noisy), 0, 1) for name, g in denoisers.items()}}
        axes = fig.subplots(len(rows), len(x), squeeze=False)
        for r, (name, images) in enumerate(rows.items()):
            for c in range(len(x)):
                axes[r, c].imshow(images[c].reshape(28, 28), cmap="gray", vmin=0, vmax=1)
                axes[r, c].set_xticks([])
                axes[r, c].set_yticks([])
            label = textwrap.fill(name, 18)  # long labels on several short lines
            score = psnr(x[scored], images.reshape(x.shape)[scored])
            axes[r, 0].set_ylabel(f"{label}\n{score:.1f} dB", fontsize=10)
        which = f"these {len(x)}" if scored.all() else f"the {scored.sum()} of {len(x)} changed"
        fig.suptitle(f"{kind}, level {level:{shown}}: PSNR over {which} digits")

    return explorer(draw, {"kind": kind, **sliders}, figsize=(2.2 * n, 2.0 * (1 + len(denoisers))))


def threshold_explorer(scores, labels, threshold: float) -> object:
    """A threshold slider with the live confusion matrix, precision, recall and F1.

    ``labels`` are 1 for anomalies; a score above the threshold is flagged as an anomaly.
    """
    s = as_float_array(scores, "scores", ndim=1)
    y = np.asarray(labels).astype(int)
    if y.shape != s.shape or not set(np.unique(y)) <= {0, 1}:
        raise ValueError(f"labels must be 0/1 with one entry per score ({len(s)})")
    lo, hi = np.quantile(s, [0.01, 0.99])
    control = {"threshold": _slider("threshold", lo, hi, float(np.clip(threshold, lo, hi)))}

    def draw(fig, threshold):
        flagged = s > threshold
        tp, fp = np.sum(flagged & (y == 1)), np.sum(flagged & (y == 0))
        fn, tn = np.sum(~flagged & (y == 1)), np.sum(~flagged & (y == 0))
        precision = tp / max(tp + fp, 1)
        recall = tp / max(tp + fn, 1)
        f1 = 2 * precision * recall / max(precision + recall, 1e-12)
        left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.5, 1]})
        bins = np.linspace(s.min(), s.max(), 60)
        left.hist(s[y == 0], bins=bins, alpha=0.6, label="normal")
        left.hist(s[y == 1], bins=bins, alpha=0.6, label="anomalous")
        left.axvline(threshold, color="k", ls="--", label="threshold")
        left.set(xlabel="anomaly score", ylabel="count", title="Scores and the threshold")
        left.legend()
        matrix = np.array([[tn, fp], [fn, tp]])
        right.imshow(matrix, cmap="Blues")
        for (i, j), count in np.ndenumerate(matrix):
            right.text(
                j,
                i,
                str(count),
                ha="center",
                va="center",
                fontsize=16,
                color="white" if count > matrix.max() / 2 else "black",
            )
        right.set_xticks([0, 1], ["normal", "anomaly"])
        right.set_yticks([0, 1], ["normal", "anomaly"])
        right.grid(False)
        right.set(xlabel="predicted", ylabel="true", title="Confusion matrix")
        fig.suptitle(
            f"threshold {threshold:.3g}:  precision {precision:.3f}   recall {recall:.3f}"
            f"   F1 {f1:.3f}"
        )

    return explorer(draw, control)
