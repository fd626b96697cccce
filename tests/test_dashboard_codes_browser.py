"""The codes-only option in a real browser (Voilà + headless Chromium; run with ``pytest -m browser``).

Tick the box on the Export tab: the overview, the district choices and the community page show codes
(``C03``, ``D01``) instead of the sample's names ("Community 03", "District 1"), and the zip an export
downloads holds no name. Screenshots at 1366x768 and 1024x600 in tests/output/screenshots/.
"""

from __future__ import annotations

import pytest

import cpanalysis
from cpanalysis.privacy import scan_for_leaks
from browser_support import LOAD_TIMEOUT_MS, VIEWPORTS, _offline, _open

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def sample():
    return cpanalysis.load(cpanalysis.sample_path())


def _place_names(sample) -> list[str]:
    communities = sample.communities
    return sorted(set(communities["name"].astype(str)) | set(communities["district"].astype(str)))


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_ticking_codes_only_replaces_names_on_screen_and_in_the_download(browser, voila_url, sample, size,
                                                                         tmp_path):
    names = _place_names(sample)
    assert "Community 03" in names and "District 1" in names  # what must disappear
    context, v = _open(browser, voila_url, size)
    v.page.wait_for_selector(".cp-app", timeout=LOAD_TIMEOUT_MS)
    v.idle(LOAD_TIMEOUT_MS)
    shown = v.text()
    assert [n for n in names if n in shown], "the sample's names are on screen before the box is ticked"

    v.tab("Export")
    box = v.page.locator(".cp-codes-only input")
    assert "village and district names" in v.page.inner_text(".cp-codes-only")
    box.check()
    v.page.wait_for_function("() => document.querySelector('.cp-status-text').innerText.includes('Codes only')")
    v.idle()
    v.shot("codes_only_export_tab")

    v.tab("Overview")
    v.page.wait_for_function("() => document.querySelector('.cp-codes-note') !== null")
    table = v.page.inner_text(".cp-programme-table")
    assert "C03" in table and "D01" in table
    districts = v.page.locator(".cp-district select option").all_inner_texts()
    assert districts[0] == "All" and set(districts[1:]) == {"D01", "D02", "D03"}, districts
    v.shot("codes_only_overview")
    v.page.locator(".cp-programme-table").scroll_into_view_if_needed()
    v.shot("codes_only_overview_table")

    v.page.locator(".cp-open-community", has_text="C03").first.click()
    v.page.wait_for_function("() => document.querySelector('.cp-community h2') && "
                             "document.querySelector('.cp-community h2').innerText.trim().startsWith('C03')")
    v.page.wait_for_function("() => document.querySelector('.cp-community-picker select').value === 'C03'")
    v.idle()
    v.tab("Community")
    v.page.locator(".cp-community h2").scroll_into_view_if_needed()
    title = v.page.inner_text(".cp-community h2")
    assert "Community 03" not in title
    assert "Codes only" in v.page.inner_text(".cp-community")
    v.shot("codes_only_community")
    leaked = [n for n in names if n in v.text()]
    assert not leaked, leaked

    target = v.download_everything(tmp_path)
    found = scan_for_leaks([target], sample, codes_only=True)
    assert found.empty, found.head(20).to_string()
    assert not [n for n in names if n.replace(" ", "_") in target.name]
    v.shot("codes_only_downloaded")

    box.uncheck()  # names come back
    v.page.wait_for_function("() => !document.querySelector('.cp-status-text').innerText.includes('Codes only')")
    v.idle()
    assert "Community 03" in v.page.inner_text(".cp-community h2")
    context.close()
    _offline(v)
