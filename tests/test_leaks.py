"""The leak test: plant names in a copy of the sample, produce every output, search them all.

Planted: facilitator identifiers that are people's names, village and district names, and a
participants' ``name`` column. Every output a person can take away is produced (the programme
report, the community story as HTML and PDF, the dashboard's export bundle, the datasets written
by an import of an export of the planted data) and searched with :func:`cpanalysis.privacy.scan_for_leaks`
for those names, absolute paths and counts of people below 5.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import cpanalysis
from cpanalysis.privacy import scan_for_leaks

FACILITATORS = ["Amina Diallo", "Joao Pereira", "Marie Kabore", "Fatou Sow"]
VILLAGES = ["Kalimbo Hills", "Nyamazi Village", "Ribeira Funda", "Tanga Moyo"]
DISTRICTS = ["Upper Luamba", "Baixo Zambeze"]
PARTICIPANTS = ["Grace Achieng", "Ines Mucavele", "Aissata Traore"]
COMMUNITIES = ["C01", "C02", "C03", "C04"]


@pytest.fixture(scope="module")
def planted(tmp_path_factory, sample_path) -> Path:
    """Four communities of the sample with names planted where a real dataset may have them."""
    folder = tmp_path_factory.mktemp("planted") / "data"
    shutil.copytree(sample_path, folder)
    communities = pd.read_csv(folder / "communities.csv", dtype=str)
    keep = communities["community_id"].isin(COMMUNITIES)
    communities = communities[keep].reset_index(drop=True)
    communities["name"] = VILLAGES
    communities["district"] = [DISTRICTS[i % 2] for i in range(len(communities))]
    communities.to_csv(folder / "communities.csv", index=False)
    sessions = pd.read_csv(folder / "sessions.csv", dtype=str)
    sessions = sessions[sessions["community_id"].isin(COMMUNITIES)].reset_index(drop=True)
    sessions["facilitator_id"] = [FACILITATORS[i % len(FACILITATORS)] for i in range(len(sessions))]
    sessions.to_csv(folder / "sessions.csv", index=False)
    kept_sessions = set(sessions["session_id"])
    for path in folder.glob("*.csv"):
        if path.name in ("communities.csv", "sessions.csv", "harms.csv", "subgroups.csv"):
            continue
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "session_id" in table and table["session_id"].ne("").any():
            table = table[table["session_id"].isin(kept_sessions) | table["session_id"].eq("")]
        if "community_id" in table:
            table = table[table["community_id"].isin(COMMUNITIES)]
        table.to_csv(path, index=False)
    actions = pd.read_csv(folder / "actions.csv", dtype=str, keep_default_na=False)
    updates = pd.read_csv(folder / "action_updates.csv", dtype=str, keep_default_na=False)
    updates[updates["action_id"].isin(actions["action_id"])].to_csv(folder / "action_updates.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def data(planted):
    return cpanalysis.load(planted)


def _assert_clean(found: pd.DataFrame) -> None:
    shown = found.head(20).to_string() if len(found) else ""
    assert found.empty, f"{len(found)} leak(s):\n{shown}"


def test_the_planted_dataset_is_valid_and_carries_the_names(data):
    # the test is only meaningful if the names really are in the data the outputs are made from
    assert set(data.sessions["facilitator_id"]) == set(FACILITATORS)
    assert set(data.communities["name"]) == set(VILLAGES)


def test_programme_report_with_codes_only_leaks_nothing(data, planted, tmp_path):
    from cpanalysis.reports import write_report

    out = write_report(data, tmp_path / "report.html", codes_only=True)
    found = scan_for_leaks([out], data, codes_only=True, extra_names=[str(planted.resolve())])
    _assert_clean(found)


def test_programme_report_without_codes_names_no_staff_and_no_small_count(data, tmp_path):
    from cpanalysis.reports import write_report

    out = write_report(data, tmp_path / "report.html")
    found = scan_for_leaks([out], data)
    # place names are allowed here (codes were not asked for); nothing else is
    _assert_clean(found[found["kind"] != "place name"])


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_community_story_leaks_nothing(data, tmp_path, fmt):
    from cpanalysis.reports import write_report

    out = write_report(data, tmp_path / f"story.{fmt}", fmt=fmt, communities=["C03"], codes_only=True)
    _assert_clean(scan_for_leaks([out], data, codes_only=True))


def test_import_round_trip_keeps_names_in_the_data_folder_only(data, tmp_path, capsys):
    # an export made from the planted data and imported again with the command: the written dataset
    # is data (it keeps facilitator ids, like the input), but what the command prints names nobody
    from cpanalysis.cli import main
    from cpanalysis.importers.exports import write_kobo_xlsx

    export = write_kobo_xlsx(data, tmp_path / "export.xlsx")
    assert main(["import", str(export), "-o", str(tmp_path / "imported")]) == 0
    printed = capsys.readouterr()
    assert "valid; wrote" in printed.out + printed.err  # the command's own summary is what is searched
    imported = cpanalysis.load(tmp_path / "imported")
    assert set(imported.sessions["facilitator_id"]) == set(FACILITATORS)
    found = scan_for_leaks([printed.out + printed.err], data)
    # the command tells its user where it wrote, on their own terminal: paths are not a finding here
    _assert_clean(found[found["kind"] != "absolute path"])


def _dashboard_exports(data, downloads: Path, *, codes_only: bool) -> list[Path]:
    """Every community's zip bundle and the session tables of small groups, exported from the dashboard."""
    from cpanalysis.dashboard.model import DashboardModel

    model = DashboardModel(downloads=downloads)
    model.set_data(data, label="planted")
    model.codes_only = codes_only
    written = []
    for community in COMMUNITIES:
        model.community_id = community
        written += model.export("everything")
    # session tables: the small groups, where one girl's own ranking was once exported
    small = data.sessions[data.sessions["format"] == "small_group"]["session_id"].head(6)
    for session in small:
        model.session_id = session
        written += model.export("csv")
    assert any(path.suffix == ".zip" for path in written)
    return written


def test_dashboard_exports_name_no_staff_no_path_and_no_small_count(data, tmp_path):
    _dashboard_exports(data, tmp_path / "downloads", codes_only=False)
    # codes_only=True makes village names findings too; zip bundles are searched file by file
    found = scan_for_leaks([tmp_path / "downloads"], data, codes_only=True)
    # without the codes-only option the dashboard names villages: finding them shows the scan read
    # the bundles' files; nothing else may appear
    assert (found["kind"] == "place name").any()
    _assert_clean(found[found["kind"] != "place name"])


def test_dashboard_exports_with_codes_only_name_no_place_either(data, tmp_path):
    written = _dashboard_exports(data, tmp_path / "downloads", codes_only=True)
    _assert_clean(scan_for_leaks([tmp_path / "downloads"], data, codes_only=True))
    assert not [p.name for p in written if any(v.replace(" ", "_") in p.name for v in VILLAGES + DISTRICTS)]
