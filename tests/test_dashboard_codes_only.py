"""The dashboard's codes-only option: with it on, no community or district name is shown or exported.

Distinctive names are planted in a copy of the sample (every community gets a village name, every
district a district name, none of which the sample or the code contain otherwise); every export kind is
made for the programme and for one community, and everything written or shown is searched with
:func:`cpanalysis.privacy.scan_for_leaks`. The same search with the option off finds the names, so the
check can fail.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import cpanalysis
from cpanalysis.dashboard import DashboardModel
from cpanalysis.dashboard.places import CODES_ONLY_LABEL, place_names
from cpanalysis.dashboard.results import LibraryResults
from cpanalysis.privacy import scan_for_leaks
from cpanalysis.story import story_analysis

VILLAGES = [f"Zzvillagename {w}" for w in ("Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf",
                                             "Hotel", "India", "Juliet", "Kilo", "Lima")]
DISTRICTS = ["Zzdistrictname North", "Zzdistrictname South", "Zzdistrictname East"]
KINDS = ("csv", "xlsx", "charts", "reading", "everything")


@pytest.fixture(scope="module")
def planted(tmp_path_factory, sample_path) -> Path:
    folder = tmp_path_factory.mktemp("codes") / "data"
    shutil.copytree(sample_path, folder)
    communities = pd.read_csv(folder / "communities.csv", dtype=str)
    assert len(communities) == len(VILLAGES)
    communities["name"] = VILLAGES
    # the sample's districts "District 1..3" renamed (each community keeps its district)
    recorded = sorted(communities["district"].unique())
    communities["district"] = communities["district"].map(dict(zip(recorded, DISTRICTS)))
    communities.to_csv(folder / "communities.csv", index=False)
    # a column the contract does not know, naming each session's village (kept by the loader as an extra)
    sessions = pd.read_csv(folder / "sessions.csv", dtype=str, keep_default_na=False)
    sessions["venue"] = sessions["community_id"].map(dict(zip(communities["community_id"], VILLAGES)))
    sessions.to_csv(folder / "sessions.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def data(planted):
    return cpanalysis.load(planted)


@pytest.fixture(scope="module")
def results(data):
    """The library results, computed once for the module (each test's model reuses them)."""
    return LibraryResults(data, cpanalysis.Settings())


@pytest.fixture()
def model(data, results, tmp_path):
    m = DashboardModel(downloads=tmp_path / "downloads")
    m.set_data(data, label="field data", results=results)
    assert m.results is results
    return m


def _names_found(found: pd.DataFrame) -> pd.DataFrame:
    return found[found["kind"].isin(["place name", "planted name"])]


def _scan(paths_or_texts, data) -> pd.DataFrame:
    return scan_for_leaks(paths_or_texts, data, codes_only=True, extra_names=VILLAGES + DISTRICTS)


def _export_everything(model: DashboardModel, community: str) -> list[Path]:
    """Every export kind for the programme (no community chosen) and for ``community``."""
    written = []
    for cid in ("", community):
        model.community_id = cid
        assert (model.page is None) == (cid == "")
        for kind in KINDS:
            written += model.export(kind)
    return written


def _file_names(paths: list[Path]) -> list[str]:
    names = [p.name for p in paths]
    for path in paths:
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                names += archive.namelist()
    return names


def _shown(model: DashboardModel) -> list[str]:
    """Everything the model gives the views to show, as texts."""
    texts = [model.status, " | ".join(model.districts), model.district, model.overview.to_csv(index=False),
             "\n".join(model.headlines), model.overview_chart.svg]
    if model.page is not None:
        texts += [model.page.title, model.page.scope, model.page.text]
        for section in model.page.sections:
            texts += [section.heading, section.scope, "\n".join(section.sentences)]
            texts += [c.svg + "\n" + c.alt for c in [section.chart, *section.extra_charts] if c is not None]
            if section.table is not None:
                texts.append(section.table.to_csv(index=False))
    texts += [t.to_csv(index=False) for t in model.session_tables.values()]
    return [t + "\n" for t in texts]  # a text with a line break is searched as text, never as a path


def test_the_planted_names_are_in_the_data_and_on_screen_by_default(data, model):
    assert set(data.communities["name"]) == set(VILLAGES)
    assert set(model.districts[1:]) == set(DISTRICTS)
    assert model.page.title.startswith(f"{model.community_id} - Zzvillagename")
    assert set(model.overview["name"]) <= set(VILLAGES)
    assert model.session_tables["session"]["venue"].iloc[0] in VILLAGES
    # the search finds them on screen: the codes-only checks below can fail
    assert len(_names_found(_scan(_shown(model), data))) > 0


def test_codes_only_shows_and_exports_no_name_and_says_so(data, model, tmp_path):
    model.district = "Zzdistrictname South"
    shown_ids = model.overview["community_id"].tolist()
    model.codes_only = True
    # the district filter keeps its district, now named by its code
    assert model.district == place_names(model.results, True).district("Zzdistrictname South")
    assert model.district.startswith("D0") and model.overview["community_id"].tolist() == shown_ids
    assert set(model.overview["district"]) == {model.district} and "name" not in model.overview
    assert model.page.title == model.community_id
    assert model.session_tables["session"]["venue"].tolist() == [model.community_id]  # the extra column too
    assert "Codes only" in model.status
    found = _names_found(_scan(_shown(model), data))
    assert found.empty, found.head(10).to_string()

    written = _export_everything(model, shown_ids[-1])  # a community of the chosen district
    assert {p.suffix for p in written} >= {".csv", ".xlsx", ".svg", ".png", ".txt", ".zip", ".json"}
    found = _scan([tmp_path / "downloads"], data)
    assert found.empty, found.head(20).to_string()  # no name, no staff, no path, no small count
    names = " ".join(_file_names(written))
    assert not any(n in names or n.replace(" ", "_") in names for n in VILLAGES + DISTRICTS)
    sidecars = [json.loads(p.read_text()) for p in written if p.suffix == ".json"]
    assert sidecars and all(s["codes_only"] is True and "Codes only" in s["place_names"] for s in sidecars)
    assert all(s["filters"]["district"] == model.district for s in sidecars)


def test_unticking_brings_the_names_back_everywhere(data, model, tmp_path):
    model.district = "Zzdistrictname East"
    model.codes_only = True
    model.codes_only = False
    assert model.district == "Zzdistrictname East"
    assert model.page.title.startswith(f"{model.community_id} - Zzvillagename")
    assert set(model.districts[1:]) == set(DISTRICTS) and "Codes only" not in model.status
    model.community_id = "C03"
    written = model.export("everything") + model.export("csv")
    found = _names_found(_scan(written, data))
    assert {"Zzdistrictname East", VILLAGES[2]} <= set(found["found"]), found.to_string()
    sidecars = [json.loads(p.read_text()) for p in written if p.suffix == ".json"]
    assert sidecars and not any(s["codes_only"] for s in sidecars)


def test_toggling_recomputes_names_only(model):
    results = model.results
    named = results.story()
    model.codes_only = True
    assert model.results is results  # no new library results: nothing measured again
    coded = results.story(codes_only=True)
    assert coded is not named and coded["dominance"] is named["dominance"]
    assert all(coded[k] is named[k] for k in named if k != "names")
    assert "codes_only_s" in model.timings


def test_the_dashboards_codes_are_the_storys_and_the_privacy_modules():
    # the codes-only names derived from the named analysis are exactly story_analysis(codes_only=True)'s
    data = cpanalysis.simulate(3, seed=5)
    settings = cpanalysis.Settings(n_perm=200, n_boot=50)
    results = LibraryResults(data, settings)
    assert results.story(codes_only=True)["names"] == story_analysis(data, settings, codes_only=True)["names"]
    places = place_names(results, codes_only=True)
    assert places.communities == {c: c for c in data.communities["community_id"].astype(str)}
    # districts: the privacy module's codes (D01, D02... by first community), so reports and dashboard agree
    from cpanalysis.privacy import place_codes

    codes = place_codes(data)
    assert places.districts == {d: codes[d] for d in data.communities["district"].unique()}
    assert places.text(f"in {data.communities['district'].iloc[0]}") == f"in {codes[data.communities['district'].iloc[0]]}"
    assert place_names(results).text("District 1 stays") == "District 1 stays"  # off: text untouched


def test_the_option_has_an_honest_label(model):
    assert model.traits()["codes_only"].help == CODES_ONLY_LABEL
    assert "village and district names" in CODES_ONLY_LABEL and "leave the organisation" in CODES_ONLY_LABEL


def test_a_missing_name_or_district_stays_missing():
    # with or without codes, a blank is shown as a blank ("–"), never as the text "nan"
    data = cpanalysis.simulate(2, seed=3)
    results = LibraryResults(data, cpanalysis.Settings(n_perm=200, n_boot=50))
    table = pd.DataFrame({"community_id": ["C01", "C02"], "name": [None, "Zzvillagename X"],
                          "district": [None, data.communities["district"].iloc[1]]})
    named = place_names(results).table(table)
    assert named["name"].isna().tolist() == [True, False] and named["district"].isna().tolist() == [True, False]
    coded = place_names(results, codes_only=True).table(table)
    assert "name" not in coded and pd.isna(coded["district"].iloc[0])
    assert coded["district"].iloc[1].startswith("D0")
