"""JupyterLab in a real browser: run a lesson, move an explorer, open the slides.

Run by ``.ci/run`` after the notebooks: ``pytest browser_tests``. It needs Debian's Chromium
(``/usr/bin/chromium``; override with ``CHROMIUM``) and writes screenshots to ``screenshots/``
(kept out of git). The server it starts serves a temporary copy of the lesson, so the run never
touches the committed notebook, and it is stopped at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = Path(
    os.environ.get("BROWSER_NOTEBOOK", ROOT / "notebooks" / "08_anomaly_detection.ipynb")
)
LESSON = NOTEBOOK.name
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SHOTS = ROOT / "screenshots"
TOKEN = "course-browser-test"
RUN_ALL_TIMEOUT_S = int(os.environ.get("BROWSER_RUN_ALL_TIMEOUT", "600"))
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    work = tmp_path_factory.mktemp("lab")
    shutil.copy(NOTEBOOK, work / LESSON)
    settings = work / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # Render every cell (no virtual scrolling), so the page holds all of them.
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    # No news pop-up (the machine has no network, and it would cover the page).
    notifications = work / "settings" / "@jupyterlab" / "apputils-extension"
    notifications.mkdir(parents=True)
    (notifications / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    port = _free_port()
    env = {
        **os.environ,
        "JUPYTERLAB_SETTINGS_DIR": str(work / "settings"),
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
        yield base, work
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def page(server, tmp_path_factory):
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
        page = context.new_page()
        page.set_default_timeout(60_000)
        yield page
        context.close()


def _menu(page, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def test_run_all_in_the_browser_then_explore_and_present(server, page):
    base, work = server
    page.goto(f"{base}/lab/tree/{LESSON}?token={TOKEN}")
    page.locator(".jp-Notebook .jp-Cell").first.wait_for()
    page.wait_for_function(
        "() => document.querySelector('.jp-Notebook-ExecutionIndicator')"
        " && document.querySelector('.jp-Notebook-ExecutionIndicator')"
        ".getAttribute('data-status') === 'idle'",
        timeout=90_000,
    )
    time.sleep(2)
    tab = page.locator(".lm-TabBar-tab.jp-mod-current")
    assert "jp-mod-dirty" not in (tab.get_attribute("class") or ""), (
        "opening a lesson must not mark it as changed"
    )

    _menu(page, "Kernel", "Restart Kernel and Run All Cells")
    page.locator(".jp-Dialog .jp-mod-accept").click()
    n_code = page.locator(".jp-CodeCell").count()
    deadline = time.time() + RUN_ALL_TIMEOUT_S
    idle_polls = 0
    while True:
        time.sleep(2)
        prompts = page.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()
        done = [p for p in prompts if p.strip() not in ("[ ]:", "[*]:", "")]
        status = page.locator(".jp-Notebook-ExecutionIndicator").get_attribute("data-status")
        if len(done) == n_code and status == "idle":
            break
        idle_polls = idle_polls + 1 if status == "idle" and done else 0
        if idle_polls >= 5:  # the kernel stopped before the end: a cell failed
            break
        if time.time() > deadline:
            page.screenshot(path=str(SHOTS / "timeout.png"))
            pytest.fail(
                f"run all did not finish in {RUN_ALL_TIMEOUT_S} s: "
                f"{len(done)} of {n_code} cells done, prompts {prompts[:8]}…"
            )
    page.screenshot(path=str(SHOTS / "01_after_run_all.png"))

    page.keyboard.press("Control+s")
    time.sleep(3)
    saved = json.loads((work / LESSON).read_text(encoding="utf-8"))
    code = [c for c in saved["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1)), (
        "every cell ran once, in order, from a fresh kernel"
    )
    errors = [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
    assert not errors, f"error outputs: {[e['ename'] + ': ' + e['evalue'] for e in errors]}"

    explorer = page.locator(".course-explorer").first
    explorer.scroll_into_view_if_needed()
    picture = explorer.locator(".course-explorer-picture")
    before = picture.screenshot(path=str(SHOTS / "02_explorer_before.png"))
    handle = explorer.locator(".noUi-handle").first
    box = handle.bounding_box()
    track = explorer.locator(".noUi-target").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(track["x"] + 0.85 * track["width"], box["y"] + box["height"] / 2, steps=8)
    page.mouse.up()
    time.sleep(3)
    after = picture.screenshot(path=str(SHOTS / "03_explorer_after.png"))
    assert after != before, "moving the slider must redraw the explorer's picture"

    page.goto(f"{base}/rise/{LESSON}?token={TOKEN}")
    page.locator(".reveal .slides section").first.wait_for(timeout=90_000)
    time.sleep(3)
    slides = page.locator(".reveal .slides > section").count()
    page.screenshot(path=str(SHOTS / "04_slideshow.png"))
    assert slides >= 5, (
        f"the lesson should open as a slideshow of its sections, got {slides} slides"
    )
