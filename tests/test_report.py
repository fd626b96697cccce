"""``cpanalysis report``: a programme report people can hand over, and printable community stories.

Checked on the bundled sample with the default settings (the dashboard's): offline (no external URL,
no script), plain headings, no <NA>, alt text on every chart, no absolute path, no facilitator id,
small counts hidden, and the same numbers as the library.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

import cpanalysis
from cpanalysis.cli import main
from cpanalysis.reports import fingerprint, notebook_path, report_html, subset
from cpanalysis.story import level_label
from test_story import _library_heatmap

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = cpanalysis.sample_path()
FAST = cpanalysis.Settings(n_perm=200, n_boot=50)


@pytest.fixture(scope="module")
def sample():
    return cpanalysis.load(SAMPLE)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    assert main(["report", str(SAMPLE), "-o", str(out), "--quiet"]) == 0
    return out.read_text(encoding="utf-8")


def _sections(page: str) -> dict[str, str]:
    found = re.findall(r'<section class="community" id="community-(\w+)".*?</section>', page, flags=re.S)
    bodies = re.findall(r'(<section class="community" id="community-\w+".*?</section>)', page, flags=re.S)
    return dict(zip(found, bodies))


def _table_rows(html: str) -> list[list[str]]:
    return [re.findall(r"<td>(.*?)</td>", row, flags=re.S) for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)]


def test_the_page_is_offline_titled_and_every_chart_has_alt_text(page):
    assert "<title>Inclusiveness of community planning</title>" in page
    assert not re.search(r"https?://", page)                  # no URL at all: not in src, href, script or svg
    assert "<script" not in page and "<img" not in page and "<link" not in page
    assert "require.js" not in page and "MathJax" not in page
    svgs = re.findall(r"<svg[^>]*>", page)
    assert len(svgs) >= 12 * 2 + 1
    for tag in svgs:
        label = re.search(r'aria-label="([^"]*)"', tag)
        assert 'role="img"' in tag and label and len(label.group(1)) > 20
    assert page.count("<title>") == 1 + len(svgs)


def test_summary_first_then_one_section_per_community(page, sample):
    sections = _sections(page)
    assert list(sections) == list(sample.communities["community_id"])
    assert page.index("Programme summary") < page.index('id="community-C01"')
    assert "communities show clear signs that elites shaped the choice" in page[:page.index('id="community-C01"')]


def test_tables_have_readable_headings_and_no_missing_markers(page):
    headings = re.findall(r"<th[^>]*>(.*?)</th>", page, flags=re.S)
    assert headings and not [h for h in headings if "_" in h]
    cells = re.findall(r"<td>(.*?)</td>", page, flags=re.S)
    assert not {"&lt;NA&gt;", "<NA>", "nan", "NaN", "None"} & set(cells)
    assert "hidden (fewer than 5)" in cells


def test_no_absolute_path_no_facilitator_id_and_the_identity_at_the_end(page, sample):
    assert str(SAMPLE.resolve()) not in page and str(SAMPLE.resolve().parent) not in page
    for facilitator in sample.sessions["facilitator_id"].dropna().unique():
        assert facilitator not in page
    about = page[page.index("id='about'"):]
    assert cpanalysis.__version__ in about and fingerprint(sample) in about
    for label in cpanalysis.settings_table()["label"]:
        assert label in about
    assert "<th scope='row'>Random seed</th><td>0</td>" in about


def test_the_reports_numbers_are_the_librarys_with_default_settings(page, sample):
    settings = cpanalysis.Settings()
    dominance = cpanalysis.elite_dominance(sample, settings=settings).set_index("community_id")
    heat = _library_heatmap(sample, settings)
    labels = dict(zip(sample.harms["harm_id"], sample.harms["label"]))
    for cid, body in _sections(page).items():
        assert f'data-level="{level_label(dominance.loc[cid, "level"])}"' in body
        cf = " &gt; ".join(labels[h] for h in dominance.loc[cid, "counterfactual"].split(" > "))
        assert f"<td>What the others&#x27; rankings alone would choose</td><td>{cf}</td>" in body
        priorities = body[body.index('data-section="priorities"'):body.index('data-section="reading"')]
        shown = {row[0]: row[1] for row in _table_rows(priorities) if len(row) == 4}
        for group, top in shown.items():
            key = "elites" if group == "The elites" else group.lower()
            lib = heat[(heat["community_id"] == cid) & (heat["subgroup"] == key)]
            n_people_hidden = top.startswith("hidden")
            if not n_people_hidden:
                assert top == " / ".join(lib.loc[lib["rank"] == 1, "label"]), (cid, group)


def test_small_counts_are_hidden_in_the_reports_dominance_and_presence_tables(page):
    c03 = _sections(page)["C03"]
    evidence = dict(row for row in _table_rows(c03[c03.index('data-section="evidence"'):]) if len(row) == 2)
    assert evidence["Elite voice parity"] == "hidden (fewer than 5)"
    assert evidence["Elites present at community meetings"] == "hidden (fewer than 5)"
    for body in _sections(page).values():
        voices = body[body.index('data-section="voices"'):body.index('data-section="priorities"')]
        for row in filter(None, _table_rows(voices)):
            assert row[1] not in {"1", "2", "3", "4"}          # "People present" is never 1 to 4


@pytest.mark.slow
def test_codes_only_replaces_village_names(tmp_path, sample):
    subset(sample, ["C01", "C03"]).save(tmp_path / "two")
    out = tmp_path / "codes.html"
    assert main(["report", str(tmp_path / "two"), "-o", str(out), "--codes-only", "--n-perm", "200",
                 "--n-boot", "50", "--quiet"]) == 0
    text = out.read_text()
    assert "C01" in text and "Community 01" not in text and "Community 03" not in text


def _lowest_text(page) -> float:
    """The lowest line of text on a PDF page other than the footer (in points from the bottom)."""
    heights = []

    def visit(text, cm, tm, font, size):
        if text.strip() and " - page " not in text:
            heights.append(tm[5] * cm[3] + cm[5])

    page.extract_text(visitor_text=visit)
    return min(heights)


def test_community_story_pdf_is_two_pages_and_the_action_plan_with_the_decision_and_no_p_value_first(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    out = tmp_path / "c03.pdf"
    assert main(["report", str(SAMPLE), "--community", "C03", "--format", "pdf", "-o", str(out),
                 "--n-perm", "200", "--n-boot", "50", "--quiet"]) == 0
    reader = pypdf.PdfReader(str(out))
    # the story on two pages, then a third with the action plan (C03 has 5 actions in data/sample/actions.csv)
    assert len(reader.pages) == 3
    assert "C03 - Community 03: what the community agreed to do" in reader.pages[2].extract_text()
    # nothing runs into the footer (0.35 in = 25 pt) or off the page
    assert all(_lowest_text(page) > 30 for page in reader.pages)
    first = reader.pages[0].extract_text()
    assert "Community story: C03 - Community 03" in first
    assert "The community chose to act on: 1. Early marriage" in first   # data/sample decisions.csv, C03
    assert "Who was there and who was heard" in first and "Girls wanted: Early marriage" in first
    assert not re.search(r"\bp\s*=|p-value", first)
    assert b"http" not in out.read_bytes()


def test_community_story_html_is_printable_and_offline(tmp_path):
    out = tmp_path / "c03.html"
    assert main(["report", str(SAMPLE), "--community", "C03", "-o", str(out), "--n-perm", "200", "--n-boot", "50",
                 "--quiet"]) == 0
    text = out.read_text()
    assert "<title>Community story: C03 - Community 03</title>" in text
    assert "Community 01" not in text and not re.search(r"https?://", text)
    assert text.index("What was decided") < text.index("The statistics behind the reading")
    assert re.search(r"<details[^>]*data-section=\"evidence\"", text)         # statistics collapsed


def test_unknown_community_and_bad_settings_are_refused(tmp_path, capsys):
    assert main(["report", str(SAMPLE), "-o", str(tmp_path / "x.html"), "--community", "C99", "--quiet"]) == 1
    assert "C99" in capsys.readouterr().err
    assert main(["report", str(SAMPLE), "-o", str(tmp_path / "x.html"), "--min-count", "0", "--quiet"]) == 2
    assert "min_count must lie between 1" in capsys.readouterr().err


def test_a_threshold_below_five_is_stated(sample, capsys):
    text = report_html(subset(sample, ["C01"]), FAST.replace(min_count=3, allow_small_counts=True))
    assert "Counts of people from 3 to 4 are shown in this report" in text


def test_notebook_is_thin_and_shipped_copy_matches():
    notebook = nbformat.read(notebook_path(), as_version=4)
    assert [c.metadata.get("tags") for c in notebook.cells if c.metadata.get("tags")] == [["parameters"]]
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert "def " not in code and "class " not in code and "report_html(" in code
    shipped = ROOT / "cpanalysis" / "resources" / "report.ipynb"
    assert json.loads(shipped.read_text()) == json.loads((ROOT / "notebooks" / "report.ipynb").read_text())


@pytest.mark.slow
def test_notebook_runs_and_shows_the_same_page(tmp_path):
    from nbclient import NotebookClient

    notebook = nbformat.read(notebook_path(), as_version=4)
    params = next(c for c in notebook.cells if c.metadata.get("tags") == ["parameters"])
    params.source += ("\ncommunities = ['C01']\nsettings = {'n_perm': 200, 'n_boot': 50}")
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    shown = notebook.cells[-1].outputs[0]["data"]["text/html"]
    assert "<title>Inclusiveness of community planning</title>" in shown and 'id="community-C01"' in shown


def test_fingerprint_ignores_row_order_and_survives_save(tmp_path):
    data = cpanalysis.simulate(1, seed=8)
    tables = data.contract_tables()
    tables["turns"] = tables["turns"].iloc[::-1].reset_index(drop=True)
    shuffled = cpanalysis.Dataset.from_tables(tables)
    assert fingerprint(shuffled) == fingerprint(data)
    assert fingerprint(cpanalysis.load(data.save(tmp_path / "d"))) == fingerprint(data)
    tables["turns"].loc[0, "duration_s"] = 1.0
    assert fingerprint(cpanalysis.Dataset.from_tables(tables)) != fingerprint(data)
