"""The course website in a real browser: every built page, served from a local HTTP server.

Build the site first (``python site/build.py``), then ``pytest browser_tests/test_site.py``.
One server on 127.0.0.1 (a free port) serves ``site/_build/html`` and one headless Chromium
(Debian's ``/usr/bin/chromium``, driven by Playwright) opens every page:

- the site is built, holds a page for every lesson in ``notebooks/``, and is not older than the
  notebooks and ``notebooks/results.json`` it was built from;
- every page loads with no console error, no script error, no failed request and no request
  leaving the site (a CDN, say): the site works with no network at all;
- no raw ``$$``, ``$…$``, ``\\(`` or TeX command is left in the text outside code, and every
  formula was typeset by MathJax without an error (a lesson with formulas has typeset ones);
- every ``<img>`` decodes (``naturalWidth > 0``);
- every link to a page of the site resolves to a built file, and its ``#anchor`` to an id there;
- each lesson: its solutions are collapsed ``<details>`` (as many as the notebook has), every
  code cell has a copy button, previous/next lead to the neighbouring lessons, each explorer's
  stored picture is visible and not blank, and the card of its reference model (if any) is
  linked;
- the landing page: the course map has a row for every lesson and shows every goal of
  ``results.json`` as met or not met, as stored; each reference-model card in
  ``data/reference/`` (if any) is linked.

Screenshots go to ``screenshots/``: ``site_index.png`` (the whole landing page),
``site_<lesson>.png`` (the top of the first lesson with an explorer), ``site_<lesson>_math.png``
(its first displayed formula) and ``site_<lesson>_explorer.png``; ``site_page_weight.json``
records what the browser downloaded for each page on a first visit (``bytes``: every file, fonts
included) and how much of it is the page itself and its images (``page_and_images``; the rest,
the theme and MathJax, is the same for every page and cached).

``CHROMIUM`` sets the browser binary.
"""

from __future__ import annotations

import functools
import http.server
import io
import json
import os
import re
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import numpy as np
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
RESULTS = NOTEBOOKS / "results.json"
CARDS = sorted((ROOT / "data" / "reference").glob("*.json"))
HTML = ROOT / "site" / "_build" / "html"
BUILD = "python site/build.py"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SHOTS = ROOT / "screenshots"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MAX_BLANK = 0.9  # share of white pixels above which a picture counts as blank
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Raw TeX in the text a reader sees: display or inline dollars, \( \[, or a TeX command.
RAW_TEX = re.compile(r"\$\$|\$[^$\s][^$\n]*\$|\\[(\[]|\\[A-Za-z]{2,}")

playwright = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)


def _pages() -> list[str]:
    """Every page: the landing page, one per lesson, and any other page the build made."""
    expected = ["index.html", *(f"lessons/{lesson.stem}.html" for lesson in LESSONS)]
    built = []
    if HTML.is_dir():
        built = [
            str(path.relative_to(HTML))
            for path in sorted(HTML.rglob("*.html"))
            if not path.relative_to(HTML).parts[0].startswith("_")  # theme templates
        ]
    return list(dict.fromkeys(expected + built))


def _notebook(lesson: Path) -> dict:
    return json.loads(lesson.read_text(encoding="utf-8"))


def _markdown(lesson: Path) -> str:
    cells = _notebook(lesson)["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def _explorers(lesson: Path) -> int:
    """How many explorer outputs (a widget view with its static picture) the lesson stores."""
    return sum(
        WIDGET_VIEW in output.get("data", {})
        for cell in _notebook(lesson)["cells"]
        for output in cell.get("outputs", [])
    )


def _blank_share(png: bytes) -> float:
    from PIL import Image

    grey = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    return float((grey > 250).mean())


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.ids.update(value for name, value in attrs if name in ("id", "name") and value)


@functools.lru_cache(maxsize=None)
def _ids(path: Path) -> frozenset[str]:
    parser = _Ids()
    parser.feed(path.read_text(encoding="utf-8"))
    return frozenset(parser.ids)


@pytest.fixture(scope="module")
def site() -> Path:
    index = HTML / "index.html"
    if not index.exists():
        pytest.fail(f"the site is not built ({index} is missing): run `{BUILD}` first")
    return HTML


@pytest.fixture(scope="module")
def base(site: Path) -> Iterator[str]:
    """The built site served on 127.0.0.1 at a free port."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    SHOTS.mkdir(exist_ok=True)
    with playwright.sync_playwright() as p:
        # A fresh, empty profile for every run (the machine has no network to sync it with).
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium")),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        yield context
        context.close()


@pytest.fixture(scope="module")
def weights() -> Iterator[dict]:
    """Bytes the browser downloaded for each page, written to ``site_page_weight.json``."""
    log: dict[str, dict] = {}
    yield log
    if log:
        SHOTS.mkdir(exist_ok=True)
        (SHOTS / "site_page_weight.json").write_text(json.dumps(log, indent=1))


class Visit:
    """A page opened in a new tab, with everything that went wrong while it loaded."""

    def __init__(self, page: Page, base: str, path: str) -> None:
        self.page, self.base, self.path = page, base, path
        self.problems: list[str] = []
        page.on(
            "console",
            lambda m: (
                self.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
            ),
        )
        page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        page.on(
            "requestfailed",
            lambda r: self.problems.append(f"request failed: {r.url} ({r.failure})"),
        )
        page.on(
            "response",
            lambda r: (
                self.problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None
            ),
        )

        def only_the_site(route) -> None:
            url = route.request.url
            if url.startswith((base + "/", "data:", "blob:")):
                route.continue_()
            else:
                self.problems.append(f"request outside the site: {url}")
                route.abort()

        page.route("**/*", only_the_site)
        page.goto(f"{base}/{path}", wait_until="load")
        # MathJax typesets after the load event: wait for it (and its fonts) on pages with maths.
        if page.locator(".math").count():
            page.wait_for_function(
                "() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                timeout=30_000,
            )
            page.evaluate("MathJax.startup.promise")
        page.evaluate("document.fonts.ready.then(() => true)")


@pytest.fixture
def visit(browser: BrowserContext, base: str) -> Iterator:
    tabs = []

    def open_page(path: str) -> Visit:
        tab = browser.new_page()
        tab.set_default_timeout(30_000)
        tabs.append(tab)
        return Visit(tab, base, path)

    yield open_page
    for tab in tabs:
        tab.close()


IMAGES = """async () => {
    const broken = [];
    for (const img of document.images) {
        img.loading = 'eager';
        try { await img.decode(); } catch (e) { /* reported below */ }
        if (!img.complete || img.naturalWidth === 0) broken.push(img.getAttribute('src'));
    }
    return { count: document.images.length, broken };
}"""

VISIBLE_TEXT = """() => {
    const body = document.body.cloneNode(true);
    body.querySelectorAll('pre, code, script, style, mjx-container, .highlight, textarea')
        .forEach((node) => node.remove());
    return body.textContent;
}"""

MATH = """() => {
    const maths = [...document.querySelectorAll('.math')];
    return {
        formulas: maths.length,
        typeset: maths.filter((m) => m.querySelector('mjx-container')).length,
        containers: document.querySelectorAll('mjx-container').length,
        errors: [...document.querySelectorAll('mjx-merror')].map((e) => e.textContent),
    };
}"""

WEIGHT = """() => {
    const entries = [...performance.getEntriesByType('navigation'),
                     ...performance.getEntriesByType('resource')];
    const own = (e) => e.entryType === 'navigation' || e.initiatorType === 'img';
    const sum = (list) => list.reduce((total, e) => total + (e.encodedBodySize || 0), 0);
    return { bytes: sum(entries), page_and_images: sum(entries.filter(own)) };
}"""


def _broken_links(page: Page, base: str, site: Path) -> list[str]:
    """Links to the site that lead to no built file, or to no such id in it."""
    hrefs = page.evaluate("() => [...document.querySelectorAll('a[href]')].map((a) => a.href)")
    broken = []
    for href in sorted(set(hrefs)):
        if not href.startswith(base + "/"):
            continue
        parts = urlsplit(href)
        target = site / unquote(parts.path).lstrip("/")
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            broken.append(f"{href} (no file {target.relative_to(site)})")
        elif parts.fragment and target.suffix == ".html":
            if unquote(parts.fragment) not in _ids(target):
                broken.append(f"{href} (no id {parts.fragment!r} in {target.relative_to(site)})")
    return broken


def test_site_is_built_from_the_current_lessons(site: Path) -> None:
    missing = [
        lesson.name for lesson in LESSONS if not (site / "lessons" / f"{lesson.stem}.html").exists()
    ]
    assert not missing, f"no page for {missing}: rebuild the site with `{BUILD}`"
    built = (site / "index.html").stat().st_mtime
    newer = [p.name for p in [*LESSONS, RESULTS] if p.exists() and p.stat().st_mtime > built]
    assert not newer, f"{newer} changed after the site was built: rebuild it with `{BUILD}`"


@pytest.mark.parametrize("path", _pages())
def test_page(visit, site: Path, base: str, weights: dict, path: str) -> None:
    assert (site / path).is_file(), f"{path} was not built: run `{BUILD}`"
    seen = visit(path)
    page = seen.page

    images = page.evaluate(IMAGES)
    assert not images["broken"], f"{path}: images that do not decode: {images['broken']}"

    math = page.evaluate(MATH)
    assert not math["errors"], f"{path}: MathJax could not typeset: {math['errors']}"
    assert math["typeset"] == math["formulas"], (
        f"{path}: {math['formulas'] - math['typeset']} of {math['formulas']} formulas not typeset"
    )
    raw = sorted(set(RAW_TEX.findall(page.evaluate(VISIBLE_TEXT))))
    assert not raw, f"{path}: raw TeX in the text: {raw[:10]}"

    broken = _broken_links(page, base, site)
    assert not broken, f"{path}: broken internal links: {broken}"

    weights[path] = page.evaluate(WEIGHT)
    assert not seen.problems, f"{path}: " + "\n".join(seen.problems)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.name[:2])
def test_lesson_page(visit, site: Path, lesson: Path) -> None:
    page = visit(f"lessons/{lesson.stem}.html").page
    markdown = _markdown(lesson)

    if "$" in markdown:
        assert page.locator("mjx-container").count() > 0, f"{lesson.name}: MathJax typeset nothing"

    solutions = markdown.count("<details")
    details = page.locator("details")
    assert details.count() == solutions, (
        f"{lesson.name}: {details.count()} of {solutions} <details>"
    )
    assert page.locator("details[open]").count() == 0, f"{lesson.name}: a solution is open"

    cells = page.locator("div.cell_input")
    buttons = page.locator("div.cell_input button.copybtn")
    assert cells.count() > 0 and buttons.count() == cells.count(), (
        f"{lesson.name}: {buttons.count()} copy buttons for {cells.count()} code cells"
    )

    i = LESSONS.index(lesson)
    previous = "../index.html" if i == 0 else f"{LESSONS[i - 1].stem}.html"
    assert page.locator("a.left-prev").get_attribute("href") == previous
    if i + 1 < len(LESSONS):
        assert page.locator("a.right-next").get_attribute("href") == f"{LESSONS[i + 1].stem}.html"
    else:
        assert page.locator("a.right-next").count() == 0

    for card in CARDS:
        if json.loads(card.read_text(encoding="utf-8")).get("lesson") == lesson.stem:
            link = page.locator(f'.course-reference-note a[href="../reference/{card.name}"]')
            assert link.count() == 1, f"{lesson.name} does not link its reference card {card.name}"

    expected = _explorers(lesson)
    pictures = page.locator(".tag_course-explorer .cell_output img")
    assert pictures.count() == expected, (
        f"{lesson.name}: {pictures.count()} explorer pictures on the page, {expected} stored"
    )
    for k in range(expected):
        picture = pictures.nth(k)
        picture.scroll_into_view_if_needed()
        assert picture.is_visible(), f"{lesson.name}: explorer {k + 1}'s picture is not visible"
        assert picture.evaluate("(img) => img.naturalWidth") > 0
        white = _blank_share(picture.screenshot())
        assert white < MAX_BLANK, f"{lesson.name}: explorer {k + 1}'s picture is {white:.0%} white"

    shown = next((p for p in LESSONS if _explorers(p)), LESSONS[0])
    if lesson == shown:
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(SHOTS / f"site_{lesson.stem}.png"))
        formula = page.locator("div.math").first
        if formula.count():
            formula.scroll_into_view_if_needed()
            page.evaluate("window.scrollBy(0, -250)")
            page.screenshot(path=str(SHOTS / f"site_{lesson.stem}_math.png"))
        if expected:
            cell = page.locator(".tag_course-explorer").first
            cell.scroll_into_view_if_needed()
            cell.screenshot(path=str(SHOTS / f"site_{lesson.stem}_explorer.png"))


def test_landing_page(visit) -> None:
    page = visit("index.html").page
    page.screenshot(path=str(SHOTS / "site_index.png"), full_page=True)

    rows = page.locator(".course-map tbody tr")
    assert rows.count() == len(LESSONS), f"course map: {rows.count()} rows, {len(LESSONS)} lessons"
    for lesson, row in zip(LESSONS, rows.all()):
        link = row.locator("a").first
        assert link.get_attribute("href") == f"lessons/{lesson.stem}.html"

    results = json.loads(RESULTS.read_text(encoding="utf-8"))
    goals = [
        record["met"]
        for lesson in LESSONS
        for record in results.get(lesson.stem, {}).get("results", {}).values()
        if "goal" in record
    ]
    met = page.locator(".course-map .course-met").count()
    not_met = page.locator(".course-map .course-not-met").count()
    assert (met, not_met) == (sum(goals), len(goals) - sum(goals)), (
        f"course map shows {met} goals met and {not_met} not met; results.json has "
        f"{sum(goals)} and {len(goals) - sum(goals)}"
    )

    for card in CARDS:
        assert page.locator(f'a[href="reference/{card.name}"]').count() == 1, (
            f"the landing page does not link the reference-model card {card.name}"
        )
    if not CARDS:
        assert page.locator(".course-references").count() == 0
