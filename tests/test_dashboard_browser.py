"""The dashboard in a real browser: Voilà serving notebooks/dashboard.ipynb, headless Chromium.

Run with ``pytest -m browser``. Without /usr/bin/chromium (and outside CI) these tests are
skipped with a message; with ``CI=true`` they always run. Screenshots (1366x768) are written to
tests/output/screenshots/ at 1366x768 and 1024x600 (look at them: a blank, blurry or
contradictory chart is a bug).
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


@pytest.fixture(scope="module", params=list(VIEWPORTS))
def visit(request, browser, voila_url):
    """One visitor per screen size, shared by the tests below in order (each leaves the page as it found it)."""
    context, v = _open(browser, voila_url, request.param)
    v.page.wait_for_selector(".cp-app", timeout=LOAD_TIMEOUT_MS)
    v.idle(LOAD_TIMEOUT_MS)
    yield v
    context.close()
    _offline(v)


def _no_error_text(v: Visit) -> None:
    text = v.text()
    assert "Traceback" not in text and "Error:" not in text, text[:2000]
    assert not [e for e in v.console_errors if "favicon" not in e], v.console_errors


def test_overview_is_understood_at_a_glance(visit):
    v = visit
    assert v.page.title() == "cpanalysis: is community planning inclusive?"  # the tab says what this is
    chart = v.page.locator(".cp-chart-overview svg")
    box = chart.bounding_box()
    height = VIEWPORTS[v.size]["height"]
    assert box and box["width"] > 300 and box["y"] < height, box  # visible without a click or scroll
    headlines = v.page.inner_text(".cp-headlines")
    assert "communities show clear signs that elites shaped the choice" in headlines
    assert "Girls" in headlines
    assert chart.get_attribute("role") == "img" and "first harm" in chart.get_attribute("aria-label")
    assert v.page.locator(".cp-chart-overview svg title").count() > 12  # hover values
    badges = v.page.locator(".cp-programme-table .cp-badge").all_inner_texts()
    assert len(badges) == 12 and all("sign" in b or "Cannot tell" in b for b in badges)
    heads = v.page.locator(".cp-programme-table .cp-head")
    assert "Elite influence" in heads.all_inner_texts() and all(heads.nth(i).get_attribute("title")
                                                                 for i in range(heads.count()))
    assert "alpha_clear" not in v.text() and "n_attendees_unit" not in v.text()
    v.shot("overview")
    _no_error_text(v)
    # clicking a community opens it
    v.page.locator(".cp-open-community", has_text="C03").first.click()
    v.page.wait_for_function("() => document.querySelector('.cp-community h2') && "
                             "document.querySelector('.cp-community h2').innerText.startsWith('C03')")
    v.page.wait_for_function("() => document.querySelector('.cp-community-picker select').value === 'C03'")
    v.idle()
    v.shot("community_opened")


def test_community_page_tells_one_story_plain_words_first(visit):
    v = visit
    v.tab("Community")
    text = v.page.inner_text(".cp-community")
    order = [text.index(h) for h in ("What was decided", "Who was there and who was heard",
                                     "What each group wanted", "Did the elites steer the choice?",
                                     "Change over the planning cycles")]
    assert order == sorted(order)
    assert "p = " not in text  # statistics only in the evidence, collapsed
    assert not v.page.locator(".cp-evidence").is_visible()
    for name in ("presence_voice", "priorities", "cycles"):
        svg = v.page.locator(f".cp-chart-{name} svg")
        assert svg.is_visible() and svg.get_attribute("aria-label"), name
        assert svg.bounding_box()["width"] >= 300, name
    assert v.page.locator(".cp-scope").count() >= 6  # each part says which sessions and people it counts
    v.page.locator(".cp-glossary summary").click()
    glossary = v.page.inner_text(".cp-glossary")
    assert "parity" in glossary and "Gini" in glossary and "reading: clear sign" in glossary
    v.shot("community")
    v.page.locator(".cp-section-priorities").scroll_into_view_if_needed()
    v.shot("community_priorities")
    v.page.locator(".cp-section-cycles").scroll_into_view_if_needed()
    v.shot("community_cycles")
    v.page.locator(".cp-evidence-panel .lm-AccordionPanel-title, .cp-evidence-panel .jupyter-widget-Collapse-header,"
                   " .cp-evidence-panel .p-Collapse-header").first.click()
    v.page.locator(".cp-chart-counterfactual svg").wait_for()
    v.idle()
    v.page.locator(".cp-chart-counterfactual").scroll_into_view_if_needed()
    v.shot("community_evidence")
    _no_error_text(v)


def test_recomputation_is_visible_and_filters_are_stated(visit):
    v = visit
    v.page.evaluate("""() => { window.cpBusySeen = false;
        new MutationObserver(() => { if (document.querySelector('[aria-busy="true"]')) window.cpBusySeen = true; })
            .observe(document.body, {subtree: true, childList: true, attributes: true}); }""")
    v.tab("Overview")
    v.page.locator(".cp-cycle select").select_option("1")
    v.page.wait_for_function("() => window.cpBusySeen === true", timeout=30_000)
    v.shot("busy")
    v.idle()
    v.page.wait_for_function("() => document.querySelector('.cp-status-text').innerText.includes('cycle 1')")
    status = v.page.inner_text(".cp-status-text")
    assert "cycle 1" in status and "of 324 sessions" in status
    assert "cycle 1" in v.page.inner_text(".cp-overview")
    v.tab("Community")
    scopes = v.page.locator(".cp-community .cp-scope").all_inner_texts()
    assert all("cycle 1" in s or "not apply" in s or "do not change" in s for s in scopes), scopes
    v.shot("filtered_community")
    _no_error_text(v)
    v.tab("Overview")
    v.page.locator(".cp-cycle select").select_option("All")
    v.idle()


def test_settings_are_checked_labelled_and_can_be_reset(visit):
    v = visit
    v.tab("Settings")
    box = v.page.locator(".cp-setting-alpha input")
    box.fill("7")
    box.press("Enter")
    message = v.page.locator(".cp-message-alpha")
    message.get_by_text("must lie between").wait_for()
    assert "Significance level" in message.inner_text()
    assert "alpha_clear" not in v.page.inner_text(".cp-app") and "Level of a clear sign" in v.text()
    v.shot("settings_refused")
    v.page.locator(".cp-setting-min_count input").fill("2")
    v.page.locator(".cp-setting-min_count input").press("Enter")
    v.page.locator(".cp-message-min_count").get_by_text("Tick the box").wait_for()
    v.page.locator(".cp-reset").click()
    v.page.wait_for_function("() => document.querySelector('.cp-message-alpha').innerText.trim() === ''")
    assert box.input_value() == "0.05"
    _no_error_text(v)


def test_everything_for_a_community_downloads_with_its_context(visit, tmp_path):
    v = visit
    v.tab("Export")
    v.page.get_by_role("button", name="Everything (zip)").click()
    link = v.page.locator("a.cp-download", has_text="everything.zip")
    link.wait_for()
    with v.page.expect_download() as info:
        link.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        assert any(n.startswith("reading_") for n in names) and any(n.endswith(".svg") for n in names)
        assert all(n + ".json" in names for n in names if not n.endswith(".json"))
    v.shot("export")


def test_first_load_says_what_it_is_doing_and_charts_stay_sharp_at_200_percent(browser, voila_url):
    context, v = _open(browser, voila_url, "1024x600", device_scale_factor=2)
    v.page.wait_for_function("""() => { const s = document.querySelector('.cp-status-text');
                                        return s && /Loading 12 communities|Starting: loading/.test(s.innerText); }""",
                             timeout=LOAD_TIMEOUT_MS)
    v.shot("loading")
    v.idle(LOAD_TIMEOUT_MS)
    v.tab("Community")
    v.page.locator(".cp-chart-presence_voice").scroll_into_view_if_needed()
    assert v.page.locator(".cp-chart-presence_voice svg text").count() > 5  # text, not pixels
    v.shot("community_zoom200")
    context.close()
    _offline(v)


def test_a_bad_upload_shows_its_problems(browser, voila_url, tmp_path):
    context, v = _open(browser, voila_url, "1366x768")
    v.page.wait_for_selector(".cp-app")
    v.idle(LOAD_TIMEOUT_MS)
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
    context.close()
    _offline(v)
