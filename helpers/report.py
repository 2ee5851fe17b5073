"""The last call of every lesson: show its headline results, with their goals, and record them.

The benchmark sets ``COURSE_RESULTS_DIR``; :func:`report` then writes ``<lesson>.json`` there,
and :func:`read_results` reads it back. This module owns that hand-off.
"""

from __future__ import annotations

import json
import math
import operator
import os
import re
from collections.abc import Mapping
from pathlib import Path

RESULTS_DIR_ENV = "COURSE_RESULTS_DIR"
GOAL_OPS = {"<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt}
_STEM = re.compile(r"^\d\d_[a-z0-9_]+$")


def _format(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e6:
        return str(int(value))
    return f"{value:.4g}"


def _number(value, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{what} must be finite, got {number}")
    return number


def goal_met(value: float, goal: tuple[str, float]) -> bool:
    """Whether ``value`` meets ``goal``, an (operator, number) pair such as ``("<=", 3.0)``."""
    op, target = _goal(goal, "goal")
    return bool(GOAL_OPS[op](float(value), target))


def _goal(goal, what: str) -> tuple[str, float]:
    if not isinstance(goal, (tuple, list)) or len(goal) != 2 or goal[0] not in GOAL_OPS:
        raise ValueError(
            f"{what} must be an (operator, number) pair with operator one of "
            f"{list(GOAL_OPS)}, e.g. ('<=', 3.0); got {goal!r}"
        )
    return goal[0], _number(goal[1], what)


def format_goal(goal: tuple[str, float]) -> str:
    """``("<=", 3.0)`` as ``"≤ 3"``."""
    op, target = _goal(goal, "goal")
    return f"{op.replace('<=', '≤').replace('>=', '≥')} {_format(target)}"


def report(
    lesson: str, results: Mapping[str, float], goals: Mapping[str, tuple[str, float]] | None = None
) -> dict[str, float]:
    """Print the lesson's headline results with their goals; return the results as plain floats.

    ``lesson`` is the notebook's stem (``"01_pca_vs_linear_autoencoder"``); ``results`` maps a
    name to a finite number measured in this run; ``goals`` maps some of those names to the
    target each is held to, as data: ``{"sq_error_30d": ("<=", 3.00)}``. Each goal is printed
    with "met" or "NOT met". When ``COURSE_RESULTS_DIR`` is set (the benchmark sets it), the
    values, goals and met flags are also written there as ``<lesson>.json``.
    """
    if not isinstance(lesson, str) or not _STEM.match(lesson):
        raise ValueError(
            f"lesson must be a notebook stem like '01_pca_vs_linear_autoencoder', got {lesson!r}"
        )
    if not isinstance(results, Mapping) or not results:
        raise ValueError("results must be a non-empty mapping of name -> number")
    clean: dict[str, float] = {}
    for name, value in results.items():
        if not isinstance(name, str) or not name:
            raise ValueError(f"results keys must be non-empty strings, got {name!r}")
        clean[name] = _number(value, f"results[{name!r}]")
    if goals is not None and not isinstance(goals, Mapping):
        raise ValueError(f"goals must be a mapping of name -> (operator, number), got {goals!r}")
    goals = {name: _goal(goal, f"goals[{name!r}]") for name, goal in (goals or {}).items()}
    unknown = set(goals) - set(clean)
    if unknown:
        raise ValueError(f"goals names results that are not reported: {sorted(unknown)}")

    width = max(len(n) for n in clean)
    lines = [
        f"Headline results — {lesson}",
        f"{'result':<{width}}  {'value':>10}  {'goal':<10}  status",
    ]
    for name, number in clean.items():
        if name in goals:
            status = "met" if goal_met(number, goals[name]) else "NOT met"
            lines.append(
                f"{name:<{width}}  {_format(number):>10}  {format_goal(goals[name]):<10}  {status}"
            )
        else:
            lines.append(f"{name:<{width}}  {_format(number):>10}")
    print("\n".join(lines))

    target = os.environ.get(RESULTS_DIR_ENV)
    if target:
        record = {name: {"value": number} for name, number in clean.items()}
        for name, (op, goal_value) in goals.items():
            record[name].update(goal=[op, goal_value], met=goal_met(clean[name], (op, goal_value)))
        out = Path(target)
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{lesson}.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    return clean


def read_results(directory: str | Path, lesson: str) -> dict[str, dict]:
    """The record :func:`report` wrote for ``lesson`` in ``directory``.

    Raises FileNotFoundError naming the lesson when it reported nothing, and ValueError when
    results were reported under another lesson's name.
    """
    directory = Path(directory)
    path = directory / f"{lesson}.json"
    if not path.exists():
        others = sorted(p.stem for p in directory.glob("*.json"))
        if others:
            raise ValueError(
                f"{lesson} reported its results under the wrong name {others}; "
                f"call helpers.report({lesson!r}, ...)"
            )
        raise FileNotFoundError(
            f"{lesson} reported no results: its last cell should call "
            f"helpers.report({lesson!r}, ...)"
        )
    return json.loads(path.read_text(encoding="utf-8"))
