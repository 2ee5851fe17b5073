"""The last call of every lesson: show its headline results and record them for the benchmark."""
from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Mapping
from pathlib import Path

RESULTS_DIR_ENV = "COURSE_RESULTS_DIR"
_STEM = re.compile(r"^\d\d_[a-z0-9_]+$")


def _format(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e6:
        return str(int(value))
    return f"{value:.4g}"


def report(lesson: str, results: Mapping[str, float], goals: Mapping[str, str] | None = None) -> dict[str, float]:
    """Print the lesson's headline results as a table and return them as plain floats.

    ``lesson`` is the notebook's stem (``"01_pca_vs_linear_autoencoder"``); ``results`` maps
    a name to a finite number measured in this run; ``goals`` optionally maps a name to the
    target it is held to (``"<= 1.005"``). When the ``COURSE_RESULTS_DIR`` environment variable
    is set (the benchmark sets it), the results are also written there as ``<lesson>.json``.
    """
    if not isinstance(lesson, str) or not _STEM.match(lesson):
        raise ValueError(f"lesson must be a notebook stem like '01_pca_vs_linear_autoencoder', got {lesson!r}")
    if not isinstance(results, Mapping) or not results:
        raise ValueError("results must be a non-empty mapping of name -> number")
    clean: dict[str, float] = {}
    for name, value in results.items():
        if not isinstance(name, str) or not name:
            raise ValueError(f"results keys must be non-empty strings, got {name!r}")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"results[{name!r}] must be a number, got {value!r}") from None
        if not math.isfinite(number):
            raise ValueError(f"results[{name!r}] must be finite, got {number}")
        clean[name] = number
    goals = dict(goals or {})
    unknown = set(goals) - set(clean)
    if unknown:
        raise ValueError(f"goals names results that are not reported: {sorted(unknown)}")

    width = max(len(n) for n in clean)
    lines = [f"Headline results — {lesson}", f"{'result':<{width}}  {'value':>10}  goal"]
    for name, number in clean.items():
        lines.append(f"{name:<{width}}  {_format(number):>10}  {goals.get(name, '')}")
    print("\n".join(lines))

    target = os.environ.get(RESULTS_DIR_ENV)
    if target:
        out = Path(target)
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{lesson}.json").write_text(json.dumps(clean, indent=1), encoding="utf-8")
    return clean
