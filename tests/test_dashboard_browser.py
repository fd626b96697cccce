"""The dashboard in a real browser: Voilà serving notebooks/dashboard.ipynb, headless Chromium.

Run with ``pytest -m browser``. Without /usr/bin/chromium (and outside CI) these tests are
skipped with a message; with ``CI=true`` they always run. Screenshots (1366x768) are written to
tests/output/screenshots/ at 1366x768 and 1024x600 (look at them: a blank, blurry or
contradictory chart is a bug).
"""

from __future__ import annotations

import zipfile

import pytest
from browser_support import LOAD_TIMEOUT_MS, ROOT, VIEWPORTS, _no_error_text, _offline, _open

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", params=list(VIEWPORTS))
def visit(request, browser, voila_url):
    """One visitor per screen size, shared by the tests below in order (each leaves the page as it found it)."""
    context, v = _open(browser, voila_url, request.param)
    v.page.wait_for_selector(".cp-app", timeout=LOAD_TIMEOUT_MS)
    v.idle(LOAD_TIMEOUT_MS)
    yield v
    context.close()
    _offline(v)


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
    assert "(small count)" in v.page.locator(".cp-section-cycles svg").text_content()  # C03's hidden cycle 2
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


def test_the_session_tab_draws_its_session_and_voice_sessions_are_a_choice(visit):
    v = visit
    v.tab("Session")
    chart = v.page.locator(".cp-chart-session svg")
    chart.wait_for()
    assert chart.bounding_box()["width"] >= 300 and "share of those present" in chart.get_attribute("aria-label")
    v.shot("session")
    v.tab("Settings")
    choice = v.page.locator(".cp-setting-voice_formats select")
    assert choice.evaluate("e => e.multiple") and choice.locator("option").count() == 4
    assert choice.evaluate("e => Array.from(e.selectedOptions).map(o => o.textContent.replace(/\\s+/g, ' ').trim())") == [
        "community meetings"]  # the default, Settings().voice_formats
    _no_error_text(v)


def test_everything_for_a_community_downloads_with_its_context(visit, tmp_path):
    v = visit
    target = v.download_everything(tmp_path)
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
