"""Every dataset the contract allows produces a report, each section saying what it cannot show."""

import re

import pytest

import cpanalysis
from cpanalysis.reports import report_html, subset
from test_story_datasets import FAST, head_counts_only, no_elites, no_turns, score_only


@pytest.fixture(scope="module")
def tables():
    return subset(cpanalysis.load(cpanalysis.sample_path()), ["C01", "C03"]).contract_tables()


@pytest.mark.parametrize("make, says", [
    (head_counts_only, "the elites (no participant is marked as elite, or only head counts were recorded)"),
    (score_only, None),
    (no_turns, "who spoke (no speaking turns were recorded)"),
    (no_elites, "the elites (no participant is marked as elite, or only head counts were recorded)"),
])
def test_allowed_dataset_gives_a_full_report(tables, make, says):
    page = report_html(cpanalysis.Dataset.from_tables(make(tables)), FAST)
    sections = re.findall(r'<section class="community" id="community-(\w+)"', page)
    assert sections == ["C01", "C03"]                              # no community dropped without a word
    for key in ("decision", "voices", "priorities", "reading", "cycles"):
        assert page.count(f'data-section="{key}"') == 2
    assert "<td>&lt;NA&gt;</td>" not in page and not re.search(r"https?://", page)
    if says:
        assert f"Cannot be shown with the data recorded: {says}" in page.replace("&#x27;", "'")
    if make is score_only:
        assert "Girls put " in page                                 # score-only rankings still give priorities
