"""Slide metadata for jupyterlab-rise: every lesson opens as a slideshow.

The title and each ``##`` section start a slide, ``###`` a sub-slide; side code that draws
nothing is skipped; everything else continues its slide (scrolling, so long cells fit).
The benchmark applies this to each notebook before executing it.
"""

from __future__ import annotations

RISE = {"scroll": True, "transition": "none", "enable_chalkboard": False}


def _has_figure(cell: dict) -> bool:
    return any("image/png" in out.get("data", {}) for out in cell.get("outputs", []))


def slide_type(cell: dict) -> str:
    """The RISE slide type of one notebook cell (a dict as in nbformat)."""
    source = "".join(cell.get("source", "")).lstrip()
    if cell.get("cell_type") == "markdown":
        if source.startswith(("# ", "## ")):
            return "slide"
        if source.startswith("### "):
            return "subslide"
        return "-"
    if source.startswith("# Side code") and not _has_figure(cell):
        return "skip"
    return "-"


def tag_slides(nb: dict) -> dict:
    """Set every cell's ``slideshow.slide_type`` and the notebook's RISE options, in place."""
    if not isinstance(nb, dict) or "cells" not in nb:
        raise ValueError("nb must be a notebook (a dict with 'cells')")
    for cell in nb["cells"]:
        cell.setdefault("metadata", {})["slideshow"] = {"slide_type": slide_type(cell)}
    nb.setdefault("metadata", {})["rise"] = dict(RISE)
    return nb
