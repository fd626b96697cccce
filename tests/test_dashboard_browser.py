"""The dashboard in a real browser: Voilà serving notebooks/dashboard.ipynb, headless Chromium.

Run with ``pytest -m browser``. Without /usr/bin/chromium (and outside CI) these tests are
skipped with a message; with ``CI=true`` they always run. Screenshots (1366x768) are written to
tests/output/screenshots/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1366, "height": 768}
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


@pytest.fixture(scope="session")
def voila_url(tmp_path_factory):
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


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """One visitor: a page, every request URL it made, and console errors."""

    def __init__(self, page):
        self.page = page
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text))
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def shot(self, name: str, full_page: bool = False) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def tab(self, title: str) -> None:
        self.page.locator(".lm-TabBar-tab", has_text=title).first.click()

    def image_src(self, name: str) -> str:
        return self.page.locator(f"img.cp-chart-{name}").first.get_attribute("src") or ""

    def wait_chart(self, name: str, timeout: float = 30_000) -> None:
        self.page.wait_for_function(
            f"""() => {{ const i = document.querySelector('img.cp-chart-{name}');
                        return i && i.complete && i.naturalWidth > 100 && i.naturalHeight > 50; }}""",
            timeout=timeout)

    def wait_src_change(self, name: str, old: str, timeout: float = 30_000) -> None:
        self.page.wait_for_function(
            f"""(old) => {{ const i = document.querySelector('img.cp-chart-{name}');
                           return i && i.src && i.src !== old && i.complete && i.naturalWidth > 100; }}""",
            arg=old, timeout=timeout)

    def text(self) -> str:
        return self.page.inner_text("body")


@pytest.fixture()
def visit(browser, voila_url):
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(LOAD_TIMEOUT_MS)
    v = Visit(page)
    page.goto(voila_url, timeout=LOAD_TIMEOUT_MS)
    page.wait_for_selector(".cp-app", timeout=LOAD_TIMEOUT_MS)
    yield v
    # Offline: nothing may be fetched from anywhere but this machine.
    outside = [u for u in v.requests if urlparse(u).scheme in ("http", "https", "ws", "wss")
               and urlparse(u).hostname not in LOCAL_HOSTS]
    context.close()
    assert not outside, f"requests left localhost: {outside[:5]}"


def _no_error_text(v: Visit) -> None:
    text = v.text()
    assert "Traceback" not in text and "Error:" not in text, text[:2000]


def _our_console_errors(v: Visit) -> list[str]:
    # Voilà logs a harmless 404 for the favicon on some versions; everything else counts.
    return [e for e in v.console_errors if "favicon" not in e]


def test_page_loads_with_charts_and_no_errors(visit):
    v = visit
    v.page.wait_for_selector(".cp-programme-table table")
    v.tab("Community")
    for name in ("presence_voice", "lorenz", "heatmap"):
        v.wait_chart(name)
    _no_error_text(v)
    assert not _our_console_errors(v), v.console_errors
    sizes = v.page.eval_on_selector_all("img[class*='cp-chart-']", "els => els.filter(e => e.offsetParent)"
                                        ".map(e => [e.naturalWidth, e.naturalHeight])")
    assert sizes and all(w > 100 and h > 50 for w, h in sizes), sizes
    v.shot("community")
    v.page.locator("img.cp-chart-heatmap").scroll_into_view_if_needed()
    v.shot("community_heatmap")
    v.page.locator(".cp-reading").scroll_into_view_if_needed()
    v.shot("community_reading")
    v.tab("Session")
    v.wait_chart("session_counts")
    v.shot("session")
    v.tab("Programme")
    v.shot("programme")
    assert v.page.locator(".cp-programme-table tbody tr").count() >= 10


def test_selecting_a_community_changes_charts_and_reading(visit):
    v = visit
    v.tab("Community")
    v.wait_chart("presence_voice")
    v.wait_chart("heatmap")
    before = {name: v.image_src(name) for name in ("presence_voice", "heatmap")}
    reading_before = v.page.inner_text(".cp-reading")
    select = v.page.locator(".cp-community-picker select")
    options = select.locator("option").all_inner_texts()
    select.select_option(options[3])
    v.wait_src_change("presence_voice", before["presence_voice"])
    v.wait_src_change("heatmap", before["heatmap"])
    v.page.wait_for_function("(old) => document.querySelector('.cp-reading').innerText !== old",
                             arg=reading_before)
    assert options[3] in v.page.inner_text(".cp-reading") or "not available" in v.page.inner_text(".cp-reading")
    _no_error_text(v)
    v.shot("community_selected")


def test_a_setting_changes_the_ranking(visit):
    v = visit
    v.tab("Community")
    v.wait_chart("heatmap")
    before = v.image_src("heatmap")
    v.tab("Settings")
    v.page.locator(".cp-method select").select_option("kemeny")
    v.page.wait_for_function("() => document.querySelector('.cp-calls').innerText.includes(\"method='kemeny'\")")
    v.shot("settings")
    v.tab("Community")
    v.wait_src_change("heatmap", before)
    assert "kemeny" in v.page.inner_text(".cp-tables")
    _no_error_text(v)


def test_a_bad_upload_shows_its_problems(visit, tmp_path):
    v = visit
    archive = tmp_path / "broken.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in sorted((ROOT / "tests" / "data" / "broken").glob("*.csv")):
            z.write(path, f"broken/{path.name}")
    v.tab("Another dataset")
    with v.page.expect_file_chooser() as chooser:
        v.page.locator(".cp-upload").first.click()
    chooser.value.set_files(str(archive))
    v.page.wait_for_selector(".cp-problems", timeout=60_000)
    text = v.page.inner_text(".cp-problems-box")
    assert "problem(s) found" in text and "communities.csv" in text
    assert "Traceback" not in v.text()
    v.shot("bad_upload")


def test_export_produces_a_file(visit, tmp_path):
    v = visit
    v.tab("Export")
    v.page.get_by_role("button", name="Tables as CSV").click()
    link = v.page.locator("a.cp-download", has_text="overview.csv")
    link.wait_for()
    with v.page.expect_download() as info:
        link.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    content = target.read_text()
    assert target.stat().st_size > 0 and content.startswith("community_id,")
    v.page.get_by_role("button", name="Figures as PNG").click()
    png = v.page.locator("a.cp-download", has_text="presence_voice")
    png.wait_for()
    with v.page.expect_download() as info:
        png.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.read_bytes().startswith(b"\x89PNG")
    v.shot("export")
