"""The dashboard's model, without a browser: selections, settings, uploads, exports, suppression."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

import cpanalysis
from cpanalysis.dashboard import DashboardModel, build_app
from cpanalysis.dashboard.model import ALL


@pytest.fixture(scope="module")
def dataset(sample_path):
    return cpanalysis.load(sample_path)


@pytest.fixture()
def model(dataset, tmp_path):
    m = DashboardModel(downloads=tmp_path / "downloads")
    m.set_data(dataset, label="sample")
    return m


def _zip_folder(folder) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.glob("*.csv")):
            archive.write(path, f"{folder.name}/{path.name}")
    return buffer.getvalue()


def test_load_fills_overview_and_first_community(model, dataset):
    assert model.problems is None
    assert len(model.overview) == len(dataset.communities)
    assert model.community_id == model.overview["community_id"].iloc[0]
    assert "presence_voice" in model.figures and model.figures["presence_voice"].startswith(b"\x89PNG")
    assert model.methods == cpanalysis.ranking_methods()


def test_selecting_a_community_changes_tables_figures_and_reading(model):
    first = model.community_id
    before_tables = model.community_tables
    before_figures = dict(model.figures)
    other = model.community_ids[1]
    model.community_id = other
    assert model.community_id != first
    assert set(model.community_tables["participation"]["community_id"]) == {other}
    assert not model.community_tables["participation"].equals(before_tables["participation"])
    assert model.figures["presence_voice"] != before_figures["presence_voice"]
    assert model.figures["heatmap"] != before_figures["heatmap"]
    assert model.reading  # a reading, or a plain "not available yet"
    assert set(model.community_tables["decision"]["harm_id"]) == set(
        model.data.decisions.loc[model.data.decisions["community_id"] == other, "harm_id"])


def test_reading_comes_from_the_library_or_says_not_available(model):
    if model.availability["reading"] == "available":
        kwargs = model._dominance_kwargs(model._f("reading"))
        assert kwargs["ranking_method"] == model.method and kwargs["ranking_weighting"] == model.weighting
        expected = str(cpanalysis.reading(model.data, model.community_id, **kwargs))
        assert model.reading == expected
    else:
        assert "not available yet" in model.reading.lower()


def test_filters_only_select_rows(model):
    district = model.districts[1]
    model.district = district
    assert set(model.overview["district"]) == {district}
    assert model.community_id in set(model.overview["community_id"])
    model.district = ALL
    model.cycle = model.cycles[1]
    assert all(model.data.sessions.set_index("session_id").loc[s, "cycle"] == int(model.cycle)
               for s in model.session_ids)


def test_sorting(model):
    model.sort_by = "lowest_parity"
    model.ascending = False
    values = model.overview["lowest_parity"].dropna().to_numpy()
    assert (values[:-1] >= values[1:]).all()


def test_method_setting_changes_the_ranking(model):
    model.method = "borda"
    borda = model.community_tables["consensus"]
    heat = model.figures["heatmap"]
    model.method = "kemeny"
    kemeny = model.community_tables["consensus"]
    assert borda.attrs["method"] == "borda" and kemeny.attrs["method"] == "kemeny"
    # The same call made directly gives the same table: the model only passes the setting on.
    rows = model.data.rankings[model.data.rankings["session_id"].isin(model._session_list(model.community_id))]
    direct = cpanalysis.aggregate(rows, method="kemeny", weighting=model.weighting)
    assert kemeny["harm_id"].tolist() == direct["harm_id"].tolist()
    assert model.figures["heatmap"] != heat
    assert "method='kemeny'" in model.calls["heatmap"]


def test_weighting_setting_is_passed_on(model):
    model.weighting = "subgroup"
    assert model.community_tables["consensus"].attrs["weighting"] == "subgroup"


def test_bad_upload_gives_a_problems_table(model, broken_path):
    source = model.source
    ok = model.load_upload([("broken.zip", _zip_folder(broken_path))])
    assert not ok
    problems = model.problems
    assert isinstance(problems, pd.DataFrame) and len(problems) > 0
    assert {"file", "row", "column", "value", "expected", "problem"} <= set(problems.columns)
    assert "communities.csv" in set(problems["file"])
    assert "Traceback" not in model.status
    assert model.source == source  # the previous dataset is still shown


def test_upload_of_a_valid_zip_loads_it(model, tiny_path):
    assert model.load_upload([("tiny.zip", _zip_folder(tiny_path))])
    assert model.problems is None
    assert len(model.overview) == 2


def test_upload_of_something_else_is_a_problem_not_an_exception(model):
    assert not model.load_upload([("notes.txt", b"hello")])
    assert "notes.txt" in model.problems["problem"].iloc[0]
    assert not model.load_upload([("broken.zip", b"not a zip at all")])
    assert len(model.problems) == 1


def test_missing_path_is_a_problem(tmp_path):
    m = DashboardModel(tmp_path / "nowhere")
    assert m.data is None and len(m.problems) == 1
    assert "Could not load" in m.status


@pytest.mark.parametrize("kind, suffix", [("csv", ".csv"), ("xlsx", ".xlsx"), ("png", ".png")])
def test_export_writes_files(model, kind, suffix, tmp_path):
    paths = model.export(kind)
    assert paths and all(p.suffix == suffix and p.stat().st_size > 0 for p in paths)
    assert all(str(p).startswith(str(tmp_path / "downloads")) for p in paths)
    if kind == "xlsx":
        sheets = pd.read_excel(paths[0], sheet_name=None)
        assert "overview" in sheets and len(sheets["overview"]) == len(model.overview)


def test_exported_tables_are_suppressed(model):
    model.threshold = 10_000  # every count is below it: every count must be hidden
    paths = {p.stem: p for p in model.export("csv")}
    community = pd.read_csv(paths[f"community_{model.community_id}_participation"])
    for column in ("n_attendees", "n_turns", "presence_share", "parity"):
        nonzero = model.data.attendance is not None
        assert nonzero and community[column].isna().all(), column
    overview = pd.read_csv(paths["overview"])
    assert overview["n_attendees_unit"].isna().all()
    # and at the default threshold the same table keeps its large counts
    model.threshold = 5
    again = pd.read_csv({p.stem: p for p in model.export("csv")}[f"community_{model.community_id}_participation"])
    assert again["n_attendees"].notna().any()


def test_shown_tables_are_suppressed(model):
    model.threshold = 10_000
    assert model.community_tables["participation"]["n_turns"].isna().all()
    assert model.overview["n_turns_unit"].isna().all()


def test_calls_reproduce_the_figures(model):
    # The call the panel shows, run by hand, gives the table the page shows.
    part = cpanalysis.participation(model.data, level="community", subgroup="subgroup", n_boot=None)
    rows = cpanalysis.suppress_small(part[part["community_id"] == model.community_id], threshold=5)
    assert "cpanalysis.participation(data, level='community', subgroup='subgroup'" in model.calls["presence_voice"]
    assert "n_boot=None" in model.calls["presence_voice"]
    shown = model.community_tables["participation"]
    pd.testing.assert_frame_equal(shown.reset_index(drop=True), rows.reset_index(drop=True), check_dtype=False)


def test_dominance_threshold_setting_reaches_the_library(model):
    if model.availability["elite_dominance"] != "available":
        pytest.skip("cpanalysis has no elite_dominance yet")
    assert "alpha" in model.dominance_defaults
    model.dominance_thresholds = {**model.dominance_thresholds, "alpha": 0.1}
    assert "alpha=0.1" in model.calls["dominance"]
    assert model.community_tables["dominance"].attrs["settings"].alpha == 0.1


def test_unavailable_parts_say_so(model):
    if model.availability["elite_dominance"] != "available":
        assert "not available yet" in model.notes["dominance"]


def test_build_app_reads_cpanalysis_data(monkeypatch, tiny_path, tmp_path):
    monkeypatch.setenv("CPANALYSIS_DATA", str(tiny_path))
    view = build_app(downloads=tmp_path)
    assert view.model.source == str(tiny_path)
    assert len(view.model.overview) == 2


def test_figures_do_not_touch_pyplot():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    DashboardModel(cpanalysis.sample_path())
    assert plt.get_fignums() == before
