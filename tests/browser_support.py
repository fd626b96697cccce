"""What the browser tests share: the Voila server and the headless Chromium (one of each per test
process, as session fixtures in conftest.py), a visitor with its screenshots, and the checks every
visit ends with (nothing loaded from outside this machine, no error on the page).

Debian's chromium with Python Playwright; ``playwright install`` is never needed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1366, "height": 768}
SMALL = {"width": 1024, "height": 600}
VIEWPORTS = {"1366x768": VIEWPORT, "1024x600": SMALL}
SHOTS = ROOT / "tests" / "output" / "screenshots"
LOCAL_HOSTS = {"localhost", "127.0.0.1"}
LOAD_TIMEOUT_MS = 90_000


def _require_browser():
    in_ci = os.environ.get("CI", "").lower() == "true"
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package is not installed")
    if missing:
        message = "browser tests need a browser: " + "; ".join(missing)
        if in_ci:
            pytest.fail(message + " (CI=true: browser tests must run)")
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def voila_command(port: int) -> list[str]:
    """The command `make run` uses, on another port."""
    return [sys.executable, "-m", "voila", str(ROOT / "notebooks" / "dashboard.ipynb"), f"--port={port}",
            "--no-browser", "--Voila.ip=127.0.0.1", "--template=cpanalysis", "--theme=light"]


def voila_env(downloads: Path) -> dict:
    env = dict(os.environ)
    env.update({"MPLBACKEND": "Agg", "CPANALYSIS_DATA": str(ROOT / "data" / "sample"),
                "CPANALYSIS_DOWNLOADS": str(downloads),
                "JUPYTER_PATH": os.pathsep.join(filter(None, [
                    str(ROOT / "cpanalysis" / "resources" / "voila"), os.environ.get("JUPYTER_PATH")])),
                "JUPYTER_CONFIG_PATH": os.pathsep.join(filter(None, [
                    str(ROOT / "cpanalysis" / "resources" / "voila" / "config"),
                    os.environ.get("JUPYTER_CONFIG_PATH")]))})
    return env


def serve_voila(tmp_path_factory):
    """The dashboard served on a free port (a generator: the session fixture ``voila_url``)."""
    _require_browser()
    port = _free_port()
    downloads = tmp_path_factory.mktemp("downloads")
    log = open(tmp_path_factory.mktemp("voila") / "voila.log", "w+")
    proc = subprocess.Popen(voila_command(port), cwd=ROOT, env=voila_env(downloads), stdout=log,
                            stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            pytest.fail("voila exited:\n" + log.read()[-3000:])
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("voila did not open its port within 60 s")
    yield f"http://127.0.0.1:{port}/"
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def launch_browser():
    """Headless Chromium (a generator: the session fixture ``browser``)."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """One visitor: a page, every request URL it made, and console errors."""

    def __init__(self, page, size: str = "1366x768"):
        self.page, self.size = page, size
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text))
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def shot(self, name: str, full_page: bool = False) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}_{self.size}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def tab(self, title: str) -> None:
        self.page.locator(".lm-TabBar-tab", has_text=title).first.click()

    def idle(self, timeout: float = 60_000) -> None:
        """Wait until no region is busy and the page is drawn."""
        self.page.wait_for_function(
            """() => document.querySelector('.cp-community svg') &&
                     document.querySelectorAll('[aria-busy="true"]').length === 0""", timeout=timeout)

    def text(self) -> str:
        return self.page.inner_text("body")

    def download_everything(self, folder: Path) -> Path:
        """Export tab, "Everything (zip)", then the link it offers: the saved file."""
        self.tab("Export")
        self.page.get_by_role("button", name="Everything (zip)").click()
        link = self.page.locator("a.cp-download", has_text="everything.zip")
        link.wait_for()
        with self.page.expect_download() as info:
            link.click()
        target = folder / info.value.suggested_filename
        info.value.save_as(target)
        return target


def _open(browser, voila_url, size: str, **context_args):
    context = browser.new_context(viewport=VIEWPORTS[size], accept_downloads=True, **context_args)
    page = context.new_page()
    page.set_default_timeout(LOAD_TIMEOUT_MS)
    v = Visit(page, size)
    page.goto(voila_url, timeout=LOAD_TIMEOUT_MS)
    return context, v


def _offline(v: Visit) -> None:
    outside = [u for u in v.requests if urlparse(u).scheme in ("http", "https", "ws", "wss")
               and urlparse(u).hostname not in LOCAL_HOSTS]
    assert not outside, f"requests left localhost: {outside[:5]}"


def _no_error_text(v: Visit) -> None:
    text = v.text()
    assert "Traceback" not in text and "Error:" not in text, text[:2000]
    assert not [e for e in v.console_errors if "favicon" not in e], v.console_errors
