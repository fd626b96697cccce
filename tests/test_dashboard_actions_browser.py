"""The Actions tab in a real browser (Voilà + headless Chromium) at 1366x768 and 1024x600.

Run with ``pytest -m browser``; skipped without /usr/bin/chromium (always run with ``CI=true``).
Screenshots go to tests/output/screenshots/actions_*.png: look at them (a blank, blurry, clipped
or contradictory chart is a bug).
"""

from __future__ import annotations

import io

import pytest

from browser_support import LOAD_TIMEOUT_MS, VIEWPORTS, _no_error_text, _offline, _open

pytestmark = pytest.mark.browser

#: One colour per status (cpanalysis.planning.plots.STATUS_COLOURS): done and started must be drawn.
DONE, STARTED, DROPPED = (0x00, 0x9E, 0x73), (0x00, 0x72, 0xB2), (0x88, 0x22, 0x55)


@pytest.fixture(scope="module", params=list(VIEWPORTS))
def visit(request, browser, voila_url):  # noqa: F811
    context, v = _open(browser, voila_url, request.param)
    v.page.wait_for_selector(".cp-app", timeout=LOAD_TIMEOUT_MS)
    v.idle(LOAD_TIMEOUT_MS)
    v.tab("Actions")
    v.page.locator(".cp-chart-actions_by_status svg").wait_for(timeout=LOAD_TIMEOUT_MS)
    v.idle()
    yield v
    context.close()
    _offline(v)


def _colours(png: bytes) -> set:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return {colour for _, colour in image.getcolors(maxcolors=1 << 20)}


def _near(colours: set, target: tuple, tolerance: int = 12) -> bool:
    return any(all(abs(a - b) <= tolerance for a, b in zip(c, target)) for c in colours)


def _chart_is_drawn(v, name: str, words: str) -> None:
    chart = v.page.locator(f".cp-chart-{name} svg")
    chart.scroll_into_view_if_needed()
    assert chart.is_visible(), name
    assert chart.get_attribute("role") == "img" and words in chart.get_attribute("aria-label"), name
    box = chart.bounding_box()
    width = VIEWPORTS[v.size]["width"]
    assert box["width"] >= 300 and box["x"] >= 0 and box["x"] + box["width"] <= width, (name, box)  # not clipped
    assert v.page.locator(f".cp-chart-{name} svg text").count() > 5, name   # text stays text: sharp at any zoom
    assert v.page.locator(f".cp-chart-{name} svg title").count() > 3, name  # hover values
    colours = _colours(chart.screenshot())
    assert len(colours) > 8 and _near(colours, DONE), name                  # not blank: statuses drawn
    # a hatched status keeps its colour (its pattern is this chart's own, even with a twin in a hidden tab)
    assert _near(colours, DROPPED), name


def test_the_community_part_tells_what_was_agreed_and_what_became_of_it(visit):
    v = visit
    part = v.page.locator(".cp-actions-community")
    assert "What the community agreed to do" in part.inner_text()
    words = v.page.locator(".cp-actions-community .cp-actions-words li").first
    assert words.is_visible() and "action" in words.inner_text()
    assert "counts of actions, not of people" in v.page.locator(".cp-actions-community .cp-scope").first.inner_text()
    _chart_is_drawn(v, "actions_community_timeline", "Timeline of")
    v.shot("actions_community")
    leads = v.page.locator(".cp-chart-actions_community_leads svg")
    assert leads.is_visible() and "leads the actions" in leads.get_attribute("aria-label")
    table = v.page.locator(".cp-actions-community .cp-table").first
    table.scroll_into_view_if_needed()
    assert "withheld" in table.inner_text() and "status" in table.inner_text()
    v.shot("actions_community_table")
    _no_error_text(v)


def test_the_programme_part_shows_status_leads_completion_and_planning_groups(visit):
    v = visit
    text = v.page.inner_text(".cp-actions-programme")
    # docs/actions.md: 82 actions in 12 communities; cycle 1: 20 of 28 done
    assert "82 actions were agreed in 12 communities" in text and "cycle 1: 20 of 28 done" in text
    assert "the cycle filter does not apply" in text and "Planning groups" in text
    _chart_is_drawn(v, "actions_by_status", "by latest status")
    v.shot("actions_programme")
    leads = v.page.locator(".cp-chart-actions_programme_leads svg")
    leads.scroll_into_view_if_needed()
    colours = _colours(leads.screenshot())
    assert len(colours) > 8 and _near(colours, STARTED)   # lead bars in blue, not blank
    v.shot("actions_programme_leads")
    _no_error_text(v)


def test_another_community_and_a_cycle_filter_redraw_the_tab(visit):
    v = visit
    v.page.locator(".cp-actions-picker select").select_option("C03")
    v.page.wait_for_function("() => document.querySelector('.cp-actions-community') && "
                             "document.querySelector('.cp-actions-community').innerText.includes('C03')")
    v.idle()
    v.tab("Overview")
    v.page.locator(".cp-cycle select").select_option("1")
    v.idle()
    v.tab("Actions")
    v.page.wait_for_function("() => document.querySelector('.cp-actions-programme') && "
                             "document.querySelector('.cp-actions-programme .cp-scope').innerText.includes('cycle 1')")
    v.idle()
    text = v.page.inner_text(".cp-actions-programme")
    assert "28 actions were agreed" in text   # docs/actions.md: 28 actions agreed in cycle 1
    v.page.locator(".cp-actions-community").scroll_into_view_if_needed()
    v.shot("actions_filtered")
    _no_error_text(v)
    v.tab("Overview")
    v.page.locator(".cp-cycle select").select_option("All")
    v.idle()
