"""JupyterLab in a real browser: run a lesson, move every explorer, open every lesson's slides.

Run by ``.ci/run`` after the notebooks: ``pytest browser_tests``. One JupyterLab server and one
headless Chromium serve all the tests:

- ``test_run_all_then_explore_and_present``: one lesson (default 08) opens without being changed
  (a tab marked changed is saved and must equal the stored file; a mark alone is a warning) and
  runs with *Restart Kernel and Run All Cells*; every cell ran once, in order, without
  an error; its explorer (if it has one) redraws when a slider moves; it opens as slides.
- ``test_explorer_redraws``: each other lesson with an explorer (02, 04, 07) runs only up to its
  explorer's cell (the first code cell calling ``…explorer(``, found by content, never by
  position) with *Run All Above Selected Cell*, then that cell; those cells ran in order without
  an error. Dragging a slider, and picking another entry of a drop-down if there is one, must
  redraw the picture.
- ``test_slides_open``: every lesson in ``notebooks/`` opens as a slideshow (``/rise/<lesson>``)
  of at least 5 slides, and opening it runs no cell.

A run counts as started only when a cell has a count or the server sees the kernel busy; one the
kernel never took is issued once more, with a warning. A run that stalls fails with the kernel's
state as the server sees it and the end of the server's log.

Every test gets a fresh browser tab in a fresh JupyterLab workspace, and every kernel is shut down
after each test, so kernels do not pile up. Screenshots go to ``screenshots/`` (kept out of git),
named after the lesson: ``<lesson>_run_all.png``, ``<lesson>_explorer_before.png``,
``<lesson>_explorer_after.png`` (and ``<lesson>_explorer_after_choice.png`` after a drop-down
change), ``<lesson>_slides.png`` (``<lesson>_slides_after_run.png`` for the full run), and
``<lesson>_timeout.png`` if a run does not finish; ``latency.json`` holds, for each explorer
move, how long after it the browser received the last picture.

The server serves temporary copies of the lessons (``helpers`` is installed, and it finds
``data/`` through its own location), so the run never touches the committed notebooks; its
settings and workspaces are temporary too. Environment variables:

- ``CHROMIUM``: the browser binary (default Debian's ``/usr/bin/chromium``);
- ``BROWSER_NOTEBOOK``: the notebook of the full run (default ``notebooks/08_anomaly_detection``);
- ``BROWSER_EXPLORERS``: the lessons whose explorers run up, by number (default ``02,04,07``;
  empty for none);
- ``BROWSER_RUN_ALL_TIMEOUT``: seconds allowed for the full run and for each run up to an
  explorer (default 600).
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Locator, Page

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
FULL_RUN = Path(os.environ.get("BROWSER_NOTEBOOK", NOTEBOOKS / "08_anomaly_detection.ipynb"))
EXPLORER_LESSONS = [
    lesson.name
    for lesson in LESSONS
    if lesson.name[:2] in os.environ.get("BROWSER_EXPLORERS", "02,04,07").split(",")
]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SHOTS = ROOT / "screenshots"
TOKEN = "course-browser-test"
RUN_ALL_TIMEOUT_S = int(os.environ.get("BROWSER_RUN_ALL_TIMEOUT", "600"))
KERNEL_READY_MS = 90_000
STALL_S = 240  # the longest cell of any lesson took 37 s under nbval: this long is stuck
REDRAW_TIMEOUT_S = 30
MIN_SLIDES = 5
START_ATTEMPTS, START_TIMEOUT_S = 2, 45  # a run command the kernel never took: once more
MAX_BLANK = 0.9  # share of white pixels above which an explorer's picture counts as blank
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

playwright = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)


class Server(NamedTuple):
    base: str  # http://127.0.0.1:<port>
    work: Path  # the server's root: temporary copies of the lessons


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_settings(settings: Path) -> None:
    tracker = settings / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    # Render every cell (no virtual scrolling), so the page holds all of them.
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    # No news pop-up (the machine has no network, and it would cover the page).
    notifications = settings / "@jupyterlab" / "apputils-extension"
    notifications.mkdir(parents=True)
    (notifications / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )


def _api(base: str, method: str, path: str) -> Any:
    request = urllib.request.Request(
        f"{base}/api/{path}", method=method, headers={"Authorization": f"token {TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
    return json.loads(body) if body else None


def _shut_down_kernels(base: str) -> None:
    for session in _api(base, "GET", "sessions"):
        _api(base, "DELETE", f"sessions/{session['id']}")
    for kernel in _api(base, "GET", "kernels"):
        _api(base, "DELETE", f"kernels/{kernel['id']}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    work = tmp_path_factory.mktemp("lab")
    for lesson in {*LESSONS, FULL_RUN}:
        shutil.copy(lesson, work / lesson.name)
    _write_settings(work / "settings")
    port = _free_port()
    env = {
        **os.environ,
        "JUPYTERLAB_SETTINGS_DIR": str(work / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(work / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(work / "runtime"),
    }
    log = open(work / "server.log", "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            "--ip=127.0.0.1",
            f"--ServerApp.token={TOKEN}",
            f"--ServerApp.root_dir={work}",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError((work / "server.log").read_text()[-3000:])
            time.sleep(0.5)
    try:
        yield Server(base, work)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


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
            viewport={"width": 1400, "height": 1200},
        )
        yield context
        context.close()


@pytest.fixture
def page(server: Server, browser: BrowserContext) -> Iterator[Page]:
    """A new tab; afterwards it is closed and every kernel is shut down."""
    tab = browser.new_page()
    tab.set_default_timeout(60_000)
    try:
        yield tab
    finally:
        tab.close()
        _shut_down_kernels(server.base)


def _menu(page: Page, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
    label = re.compile(rf"^{re.escape(item)}…?$")
    page.locator(".lm-Menu-itemLabel").filter(has_text=label).first.click()


def _status(page: Page) -> str | None:
    return page.locator(".jp-Notebook-ExecutionIndicator").get_attribute("data-status")


def _differences(before: Any, after: Any, where: str = "") -> list[str]:
    """Where two notebooks (as JSON) differ: a list of paths such as ``cells[3].metadata``."""
    if isinstance(before, dict) and isinstance(after, dict):
        return [
            d
            for key in sorted(set(before) | set(after))
            for d in _differences(before.get(key), after.get(key), f"{where}.{key}")
        ]
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        pairs = enumerate(zip(before, after))
        return [d for i, (b, a) in pairs for d in _differences(b, a, f"{where}[{i}]")]
    return [] if before == after else [where or "."]


def _dirty(page: Page) -> bool:
    tab = page.locator(".lm-TabBar-tab.jp-mod-current")
    return "jp-mod-dirty" in (tab.get_attribute("class") or "")


def _open_in_lab(page: Page, server: Server, lesson: str) -> None:
    """Open a lesson in a fresh workspace, wait for its kernel, check opening did not change it.

    If the tab is marked changed, it is saved and compared with the file as it was: any
    difference fails the test. (A mark with nothing changed was seen once in many runs; it is
    reported as a warning.)
    """
    stored = json.loads((server.work / lesson).read_text(encoding="utf-8"))
    page.goto(f"{server.base}/lab/tree/{lesson}?reset&token={TOKEN}")
    page.locator(".jp-Notebook .jp-Cell").first.wait_for()
    page.wait_for_function(
        "() => document.querySelector('.jp-Notebook-ExecutionIndicator')"
        " && document.querySelector('.jp-Notebook-ExecutionIndicator')"
        ".getAttribute('data-status') === 'idle'",
        timeout=KERNEL_READY_MS,
    )
    time.sleep(2)
    if _dirty(page):
        page.keyboard.press("Control+s")
        page.wait_for_function(
            "() => !document.querySelector('.lm-TabBar-tab.jp-mod-current')"
            ".classList.contains('jp-mod-dirty')",
            timeout=30_000,
        )
        saved = json.loads((server.work / lesson).read_text(encoding="utf-8"))
        changed = _differences(stored, saved)
        assert not changed, f"opening {lesson} changed it, at {changed[:8]}"
        warnings.warn(f"{lesson} was marked changed on opening, with nothing changed", stacklevel=2)


def _prompts(page: Page, upto: int | None = None) -> list[str]:
    """The input prompts of the code cells (all, or those among the first ``upto`` cells)."""
    return page.evaluate(
        """(upto) => [...document.querySelectorAll('.jp-Notebook .jp-Cell')]
            .slice(0, upto ?? undefined)
            .filter((cell) => cell.classList.contains('jp-CodeCell'))
            .map((cell) => cell.querySelector('.jp-InputPrompt').innerText)""",
        upto,
    )


def _kernel_states(base: str) -> list[str]:
    """The execution state of every running kernel, as the server sees it."""
    return [kernel.get("execution_state", "?") for kernel in _api(base, "GET", "kernels")]


def _server_view(server: Server) -> str:
    """What the server knows, for a failure message: kernel states and its log's last lines."""
    log = (server.work / "server.log").read_text(encoding="utf-8", errors="replace")
    tail = "\n".join(log.splitlines()[-15:])
    return f"kernel states {_kernel_states(server.base)}; server log ends:\n{tail}"


def _ran(texts: list[str]) -> int:
    """How many of these input prompts show an execution count (``[12]:``)."""
    return sum(bool(re.fullmatch(r"\[\d+\]:", t.strip())) for t in texts)


def _start(
    page: Page, server: Server, issue: Callable[[], None], what: str, upto: int | None = None
) -> None:
    """Issue a run command and wait until the kernel takes it: a cell finishes, or it works.

    A queued cell shows ``[*]`` in the page as soon as the command is issued, whether or not the
    kernel ever receives it, so ``[*]`` proves nothing. Taken means: some cell has a count, or the
    server sees the kernel busy. A command the kernel never took (it stays idle with the cells
    queued) is issued once more, with a warning, since a student would see a run that never
    starts; a second loss fails the test with the kernel's state.
    """
    for attempt in range(START_ATTEMPTS):
        issue()
        deadline, busy = time.time() + START_TIMEOUT_S, 0
        while time.time() < deadline:
            time.sleep(1)
            busy = busy + 1 if "busy" in _kernel_states(server.base) else 0
            if _ran(_prompts(page, upto)) or busy >= 2:  # busy twice: not a kernel-info blip
                return
        texts = _prompts(page, upto)
        if attempt + 1 < START_ATTEMPTS:
            warnings.warn(
                f"{what}: the kernel took no cell in {START_TIMEOUT_S} s (kernel states "
                f"{_kernel_states(server.base)}, prompts {texts[:4]}…); issued again",
                stacklevel=2,
            )
    pytest.fail(
        f"{what}: the kernel took no cell in {START_ATTEMPTS} attempts of {START_TIMEOUT_S} s; "
        f"prompts {texts[:6]}…; {_server_view(server)}"
    )


def _wait_until_ran(
    page: Page, server: Server, what: str, shot: Path, upto: int | None = None
) -> None:
    """Poll until the code cells (see :func:`_prompts`) all show a count and the kernel is idle.

    Returns early when the kernel has stayed idle for 10 s with cells still queued (a cell failed
    and the rest of the queue was dropped); the saved notebook then tells which one. Fails when no
    cell has finished for ``STALL_S`` or the run is not done in ``RUN_ALL_TIMEOUT_S``, saying how
    far the run got and what state the server sees the kernel in.
    """
    deadline = time.time() + RUN_ALL_TIMEOUT_S
    idle_polls, done_before, progress_at = 0, -1, time.time()
    while True:
        time.sleep(2)
        texts = _prompts(page, upto)
        done = _ran(texts)
        status = _status(page)
        if done == len(texts) and status == "idle":
            return
        idle_polls = idle_polls + 1 if status == "idle" else 0
        if idle_polls >= 5:
            return
        if done != done_before:
            done_before, progress_at = done, time.time()
        stalled = time.time() - progress_at > STALL_S
        if time.time() > deadline or stalled:
            page.screenshot(path=str(shot))
            limit = STALL_S if stalled else RUN_ALL_TIMEOUT_S
            why = f"no cell done in {limit} s" if stalled else f"not done in {limit} s"
            pytest.fail(
                f"{what}: {why}: {done} of {len(texts)} cells done, page status {status!r}, "
                f"prompts {texts[:8]}…; {_server_view(server)}"
            )


def _save_and_check(page: Page, saved: Path, upto: int | None = None) -> None:
    """Save, then check the saved code cells (all, or those before cell ``upto`` and it).

    From a fresh kernel every one of them ran once, in order, without an error output.
    """
    page.keyboard.press("Control+s")
    page.wait_for_function(
        "() => !document.querySelector('.lm-TabBar-tab.jp-mod-current')"
        ".classList.contains('jp-mod-dirty')",
        timeout=30_000,
    )
    cells = json.loads(saved.read_text(encoding="utf-8"))["cells"]
    if upto is not None:
        cells = cells[: upto + 1]
    code = [c for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1)), (
        f"every cell of {saved.name} ran once, in order, from a fresh kernel"
    )
    errors = [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
    assert not errors, f"error outputs: {[e['ename'] + ': ' + e['evalue'] for e in errors]}"


PAINTED = """async (img) => {
    if (!img.complete) {
        await new Promise((done) => img.addEventListener('load', done, { once: true }));
    }
    await img.decode().catch(() => {});
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
}"""


def _look(picture: Locator, shot: Path | None = None) -> bytes:
    """A screenshot of the explorer's picture once its current image is decoded and painted."""
    picture.scroll_into_view_if_needed()
    picture.evaluate(PAINTED)
    return picture.screenshot(path=None if shot is None else str(shot))


def _blank_share(png: bytes) -> float:
    """The share of a screenshot's pixels that are (near) white.

    A drawn explorer picture is 20-75 % white (its digits, histograms and matrices are dark); a
    picture whose panels failed to draw, with only its title, is over 94 % white.
    """
    from PIL import Image

    grey = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    return float((grey > 250).mean())


def _redrawn(page: Page, picture: Locator, before: bytes, shot: Path) -> bytes:
    """Wait until the picture differs from ``before`` and has settled; save and return it.

    Settled: the same on two looks a second apart, with the kernel idle (every redraw that the
    change queued is done).
    """
    deadline = time.time() + REDRAW_TIMEOUT_S
    last = now = before
    while time.time() < deadline:
        time.sleep(1)
        now = _look(picture)
        if now != before and now == last and _status(page) == "idle":
            break
        last = now
    shot.write_bytes(now)
    return now


WATCH = """(img) => {
    window.courseRedraws = [];
    if (!img.courseWatched) {
        img.courseWatched = true;
        new MutationObserver(() => window.courseRedraws.push(performance.now()))
            .observe(img, { attributes: true, attributeFilter: ['src'] });
    }
}"""


def _record_latency(page: Page, stem: str, change: str, since_ms: float) -> None:
    """Note how long after a change the explorer's last picture arrived (``latency.json``).

    The times are the browser's: from the change (mouse released, entry picked) to the last new
    image the page received for it, so they include the kernel's redraw and the round trip.
    """
    times = page.evaluate("window.courseRedraws")
    path = SHOTS / "latency.json"
    log = json.loads(path.read_text()) if path.exists() else {}
    log[f"{stem}: {change}"] = {
        "pictures": len(times),
        "last_picture_ms": round(max(times) - since_ms) if times else None,
    }
    path.write_text(json.dumps(log, indent=1))


def _drag_first_slider(page: Page, explorer: Locator) -> None:
    """Drag the first slider on screen (an explorer may hide the sliders not in use)."""
    handle = explorer.locator(".noUi-handle:visible").first
    handle.scroll_into_view_if_needed()
    knob = handle.bounding_box()
    track = explorer.locator(".noUi-target:visible").first.bounding_box()
    assert knob and track, "the explorer has no slider on screen"
    y = knob["y"] + knob["height"] / 2
    page.mouse.move(knob["x"] + knob["width"] / 2, y)
    page.mouse.down()
    page.mouse.move(track["x"] + 0.85 * track["width"], y, steps=4)
    page.mouse.up()


def _explore(page: Page, explorer: Locator, stem: str) -> None:
    """Drag the explorer's first slider (then pick another drop-down entry, if it has one).

    Each change must redraw the picture.
    """
    picture = explorer.locator(".course-explorer-picture")
    picture.wait_for()
    before = _look(picture, SHOTS / f"{stem}_explorer_before.png")
    assert _blank_share(before) < MAX_BLANK, f"{stem}: the explorer's first picture is blank"
    picture.evaluate(WATCH)
    _drag_first_slider(page, explorer)
    released = page.evaluate("performance.now()")
    after = _redrawn(page, picture, before, SHOTS / f"{stem}_explorer_after.png")
    _record_latency(page, stem, "slider dragged", released)
    moved = after != before
    assert moved, f"{stem}: moving the slider must redraw the explorer's picture"
    white = _blank_share(after)
    assert white < MAX_BLANK, f"{stem}: the picture after the move is {white:.0%} white (blank)"

    choices = explorer.locator("select")
    if choices.count():
        options = choices.first.locator("option").all_inner_texts()
        picture.evaluate(WATCH)
        picked = page.evaluate("performance.now()")
        choices.first.select_option(label=options[-1])
        chosen = _redrawn(page, picture, after, SHOTS / f"{stem}_explorer_after_choice.png")
        _record_latency(page, stem, f"{options[-1]} chosen", picked)
        changed = chosen != after
        assert changed, f"{stem}: choosing {options[-1]!r} must redraw the picture"
        white = _blank_share(chosen)
        assert white < MAX_BLANK, (
            f"{stem}: the picture after choosing {options[-1]!r} is {white:.0%} white (blank)"
        )


def _explorer_cell(notebook: Path) -> int | None:
    """The index (among all cells) of the first code cell that calls an explorer, if any."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    for i, cell in enumerate(cells):
        if cell["cell_type"] == "code" and "explorer(" in "".join(cell["source"]):
            return i
    return None


def _open_slides(page: Page, base: str, lesson: str, shot: Path) -> int:
    """Open the standalone slideshow, wait until its slides are laid out, return their count.

    Opening it must not run the lesson: no cell is queued or running.
    """
    page.goto(f"{base}/rise/{lesson}?token={TOKEN}")
    page.locator(".reveal.ready .slides > section").first.wait_for(timeout=KERNEL_READY_MS)
    page.locator(".reveal .slides > section.present").first.wait_for()
    slides = page.locator(".reveal .slides > section").count()
    page.screenshot(path=str(shot))
    running = [t for t in page.locator(".jp-InputPrompt").all_inner_texts() if "*" in t]
    assert not running, f"opening the slides of {lesson} ran cells: {running}"
    return slides


def test_run_all_then_explore_and_present(server: Server, page: Page) -> None:
    lesson, stem = FULL_RUN.name, FULL_RUN.stem
    _open_in_lab(page, server, lesson)

    def restart_and_run_all() -> None:
        _menu(page, "Kernel", "Restart Kernel and Run All Cells")
        page.locator(".jp-Dialog .jp-mod-accept").click()

    _start(page, server, restart_and_run_all, "restart and run all")
    _wait_until_ran(page, server, "run all", SHOTS / f"{stem}_timeout.png")
    page.screenshot(path=str(SHOTS / f"{stem}_run_all.png"))
    _save_and_check(page, server.work / lesson)

    index = _explorer_cell(server.work / lesson)
    if index is not None:
        cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
        _explore(page, cell.locator(".course-explorer"), stem)

    slides = _open_slides(page, server.base, lesson, SHOTS / f"{stem}_slides_after_run.png")
    assert slides >= MIN_SLIDES, f"{lesson} should present its sections, got {slides} slides"


@pytest.mark.parametrize("lesson", EXPLORER_LESSONS, ids=lambda name: name[:2])
def test_explorer_redraws(server: Server, page: Page, lesson: str) -> None:
    stem = Path(lesson).stem
    index = _explorer_cell(server.work / lesson)
    assert index is not None, f"{lesson} has no code cell calling an explorer"
    _open_in_lab(page, server, lesson)
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    assert "explorer(" in cell.locator(".jp-InputArea-editor").inner_text(), (
        f"cell {index} on the page is not {lesson}'s explorer cell"
    )
    prompt = cell.locator(".jp-InputPrompt")

    def run_up_to_the_explorer() -> None:
        prompt.click()
        _menu(page, "Run", "Run All Above Selected Cell")
        prompt.click()
        _menu(page, "Run", "Run Selected Cell and Do not Advance")

    what = f"the run up to {lesson}'s explorer"
    _start(page, server, run_up_to_the_explorer, what, upto=index + 1)
    _wait_until_ran(page, server, what, SHOTS / f"{stem}_timeout.png", upto=index + 1)
    _save_and_check(page, server.work / lesson, upto=index)
    explorer = cell.locator(".course-explorer")
    explorer.wait_for(timeout=REDRAW_TIMEOUT_S * 1000)
    _explore(page, explorer, stem)


@pytest.mark.parametrize("lesson", [p.name for p in LESSONS], ids=lambda name: name[:2])
def test_slides_open(server: Server, page: Page, lesson: str) -> None:
    stem = Path(lesson).stem
    slides = _open_slides(page, server.base, lesson, SHOTS / f"{stem}_slides.png")
    assert slides >= MIN_SLIDES, f"{lesson} should present its sections, got {slides} slides"
