"""The course's own Sphinx extension: lessons, course map and reference-model cards.

- Every ``notebooks/NN_*.ipynb`` is copied into ``site/lessons/`` when the build starts (stale
  copies are removed), so a new lesson gets a page without any edit of the configuration.
- As a lesson is read (in memory only; the stored notebook is never changed): its explorer cells
  (outputs carrying a widget view) are tagged ``course-explorer``, the widget state is dropped
  (the page shows the stored PNG instead, see ``nb_mime_priority_overrides`` in ``conf.py``), and
  the link back to the repository's ``README.md`` points to the landing page instead.
- On the landing page, ``<!-- course-map -->`` becomes the course map read from
  ``notebooks/results.json`` and ``<!-- reference-models -->`` the list of reference-model cards
  in ``data/reference/*.json`` (nothing when there are none). The cards are copied to
  ``reference/`` in the built site and linked from the lessons that name them.
- After the build, the MathJax bundles that no page loads are removed from ``_static/mathjax``.
"""

from __future__ import annotations

import filecmp
import html
import json
import shutil
from pathlib import Path
from typing import Any

from helpers.benchmark import lesson_title

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
RESULTS = NOTEBOOKS / "results.json"
REFERENCE = ROOT / "data" / "reference"
SITE = Path(__file__).resolve().parents[1]
LESSONS = SITE / "lessons"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
EXPLORER_TAG = "course-explorer"
# MathJax entry points other than tex-chtml.js, which the pages load; nothing refers to these.
UNUSED_MATHJAX = [
    "tex-chtml-full-speech.js",
    "tex-chtml-full.js",
    "tex-mml-chtml.js",
    "tex-mml-svg.js",
    "tex-svg-full.js",
    "tex-svg.js",
    "mml-chtml.js",
    "mml-svg.js",
    "node-main.js",
]


def lesson_paths() -> list[Path]:
    """The lessons, in course order."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def stage_lessons() -> None:
    """Copy every lesson into ``site/lessons/`` (unchanged files keep their copy and date)."""
    LESSONS.mkdir(exist_ok=True)
    wanted = {path.name for path in lesson_paths()}
    for old in LESSONS.iterdir():
        if old.name not in wanted:
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    for path in lesson_paths():
        copy = LESSONS / path.name
        if not copy.exists() or not filecmp.cmp(path, copy, shallow=False):
            shutil.copy2(path, copy)


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return html.escape(str(value))
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"  # as in README.md


def _goal(goal: Any) -> str:
    op, target = goal
    op = {"<=": "≤", ">=": "≥"}.get(op, op)
    return f"{html.escape(op)} {_number(target)}"


def course_map(results: dict) -> str:
    """The course map as an HTML table: one row per lesson, its goals and other results."""
    rows = []
    for path in lesson_paths():
        stem = path.stem
        entry = results.get(stem, {})
        goals, others = [], []
        for name, record in entry.get("results", {}).items():
            text = f"<code>{html.escape(name)}</code> = {_number(record.get('value'))}"
            if "goal" in record:
                met = bool(record.get("met"))
                verdict = "met" if met else "not met"
                css = "course-met" if met else "course-not-met"
                goals.append(
                    f'<li class="{css}">{text} <span class="course-goal">(goal '
                    f"{_goal(record['goal'])}: <strong>{verdict}</strong>)</span></li>"
                )
            else:
                others.append(text)
        seconds = entry.get("seconds")
        run_time = f"{seconds:.0f} s" if isinstance(seconds, (int, float)) else "–"
        goal_list = f"<ul>{''.join(goals)}</ul>" if goals else "–"
        other_text = ", ".join(others) if others else "–"
        link = f"lessons/{stem}.html"
        rows.append(
            "<tr>"
            f'<td><a href="{link}">{stem[:2]}</a></td>'
            f'<td><a href="{link}">{html.escape(lesson_title(path))}</a></td>'
            f"<td>{run_time}</td><td>{goal_list}</td>"
            f'<td class="course-other">{other_text}</td>'
            "</tr>"
        )
    head = (
        "<thead><tr><th>lesson</th><th>topic</th><th>run time</th>"
        "<th>headline goals</th><th>other headline results</th></tr></thead>"
    )
    return (
        '<div class="course-map"><table class="table">'
        f"{head}<tbody>{''.join(rows)}</tbody></table></div>"
    )


def reference_cards() -> list[Path]:
    return sorted(REFERENCE.glob("*.json")) if REFERENCE.is_dir() else []


def _card(path: Path) -> dict:
    card = json.loads(path.read_text(encoding="utf-8"))
    return card if isinstance(card, dict) else {}


def _metric(card: dict) -> str:
    """``name = test value unit (goal …: met)`` from the card's ``metric``, or "–"."""
    metric = card.get("metric")
    if not isinstance(metric, dict) or "test" not in metric:
        return "–"
    text = f"{html.escape(str(metric.get('name', 'test')))} = {_number(metric['test'])}"
    if metric.get("unit"):
        text += f" {html.escape(str(metric['unit']))}"
    if metric.get("goal"):
        met = bool(metric.get("met"))
        css = "course-met" if met else "course-not-met"
        verdict = "met" if met else "not met"
        text += (
            f' <span class="{css}">(goal {_goal(metric["goal"])}: '
            f"<strong>{verdict}</strong>)</span>"
        )
    return text


def _wall_time(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        minutes, seconds = divmod(round(value), 60)
        return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"
    return "–"


def _lessons_of(path: Path) -> list[str]:
    """The lessons (stems) a card belongs to: the one it names, and those that name it."""
    lesson = str(_card(path).get("lesson", ""))
    return [
        notebook.stem
        for notebook in lesson_paths()
        if notebook.stem == lesson or path.stem in notebook.read_text(encoding="utf-8")
    ]


def reference_section() -> str:
    """The landing page's list of reference-model cards (empty when there are none)."""
    cards = reference_cards()
    if not cards:
        return ""
    rows = []
    for path in cards:
        card = _card(path)
        name = html.escape(str(card.get("name", path.stem)))
        lessons = ", ".join(
            f'<a href="lessons/{stem}.html">{stem[:2]}</a>' for stem in _lessons_of(path)
        )
        command = card.get("command")
        summary = card.get("summary")
        rows.append(
            "<tr>"
            f'<td><a href="reference/{html.escape(path.name)}">{name}</a>'
            + (f"<br>{html.escape(str(summary))}" if summary else "")
            + f"</td><td>{lessons or '–'}</td><td>{_metric(card)}</td>"
            f"<td>{_wall_time(card.get('wall_seconds'))}</td>"
            f"<td>{f'<code>{html.escape(str(command))}</code>' if command else '–'}</td>"
            "</tr>"
        )
    return (
        "## Reference models\n\n"
        "Each lesson trains a small live model in about a minute; a reference model is the same "
        "recipe trained to convergence by the course's own script and shipped in "
        "`data/reference/`. Its card (linked) records the command, seed, library versions, "
        "wall time, validation curve and test metric.\n\n"
        '<div class="course-references"><table class="table"><thead><tr><th>model</th>'
        "<th>lesson</th><th>test metric</th><th>wall time</th><th>command</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>\n"
    )


def _prepare_lesson(source: str) -> str:
    """A lesson as the site reads it: explorers tagged, widget state dropped, overview link."""
    nb = json.loads(source)
    nb.get("metadata", {}).pop("widgets", None)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            outputs = cell.get("outputs", [])
            if any(WIDGET_VIEW in output.get("data", {}) for output in outputs):
                tags = cell.setdefault("metadata", {}).setdefault("tags", [])
                if EXPLORER_TAG not in tags:
                    tags.append(EXPLORER_TAG)
        elif cell["cell_type"] == "markdown":
            text = "".join(cell["source"])
            cell["source"] = text.replace("](../README.md)", "](../index.md)")
    return json.dumps(nb)


def on_config_inited(app, config) -> None:
    stage_lessons()


def on_source_read(app, docname: str, source: list[str]) -> None:
    if docname.startswith("lessons/"):
        source[0] = _prepare_lesson(source[0])
    elif docname == app.config.root_doc:
        results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
        text = source[0].replace("<!-- course-map -->", course_map(results))
        source[0] = text.replace("<!-- reference-models -->", reference_section())


def on_page_context(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Link, at the top of a lesson, the cards of its reference models."""
    if not pagename.startswith("lessons/") or "body" not in context:
        return
    stem = pagename.split("/", 1)[1]
    named = [path for path in reference_cards() if stem in _lessons_of(path)]
    if not named:
        return
    links = ", ".join(
        f'<a href="{context["pathto"]("reference/" + path.name, 1)}">{path.stem}</a>'
        for path in named
    )
    note = (
        '<div class="admonition note course-reference-note"><p class="admonition-title">'
        f"Reference models</p><p>The reference model of this lesson: {links} (its card records "
        "the command, seed, library versions, wall time and test metric).</p></div>"
    )
    body = context["body"]
    # under the lesson's title, or above everything if it has none
    context["body"] = body.replace("</h1>", "</h1>" + note, 1) if "</h1>" in body else note + body


def on_build_finished(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    cards = reference_cards()
    target = out / "reference"
    if target.exists():
        shutil.rmtree(target)
    if cards:
        target.mkdir()
        for path in cards:
            shutil.copy2(path, target / path.name)
    mathjax = out / "_static" / "mathjax"
    for name in UNUSED_MATHJAX:
        (mathjax / name).unlink(missing_ok=True)


def setup(app) -> dict:
    app.connect("config-inited", on_config_inited)
    app.connect("source-read", on_source_read)
    app.connect("html-page-context", on_page_context)
    # after sphinx-mathjax-offline has copied MathJax (default priority 500)
    app.connect("build-finished", on_build_finished, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
