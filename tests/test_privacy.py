"""Staff pseudonyms, place codes, paths cut to file names, and the leak scan on planted examples."""

from __future__ import annotations

import json
import zlib

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402
from PIL.PngImagePlugin import PngInfo  # noqa: E402

import cpanalysis  # noqa: E402
from cpanalysis.inclusion import safe_table  # noqa: E402
from cpanalysis.privacy import (codes_only, codes_only_text, place_codes, pseudonymise_staff,  # noqa: E402
                                scan_for_leaks, staff_codes, strip_paths)

FACILITATORS = ["Amina Diallo", "Joao Mucavele", "Fatou Ndiaye"]
CHILD = "Mariama Kone"


@pytest.fixture(scope="module")
def planted():
    """Simulated tables with names planted: facilitators, a child's name column, village names."""
    data = cpanalysis.simulate(2, seed=3)
    tables = {k: v.copy() for k, v in data.tables.items()}
    sessions = tables["sessions"]
    sessions["facilitator_id"] = [FACILITATORS[i % 3] for i in range(len(sessions))]
    tables["participants"]["name"] = [f"Child{i:03d} Name" for i in range(len(tables["participants"]))]
    tables["participants"].loc[0, "name"] = CHILD
    tables["communities"]["name"] = ["Mbanza Juu", "Kisima"]
    tables["communities"]["district"] = ["Lago", "Lago"]
    return tables


def test_staff_codes_are_sequential_by_first_session_and_stable(planted):
    codes = staff_codes(planted)
    first = planted["sessions"].sort_values(["date", "session_id"])["facilitator_id"]
    expected = {name: f"F{i + 1:02d}" for i, name in enumerate(pd.unique(first))}
    assert codes == expected
    out = pseudonymise_staff(planted["sessions"], planted)
    assert set(out["facilitator_id"]) == {"F01", "F02", "F03"}
    # the same person has the same code in another table of the same dataset
    again = pseudonymise_staff(planted["sessions"].iloc[::-1], planted)
    assert (again.sort_index()["facilitator_id"] == out["facilitator_id"]).all()
    # a name absent from the dataset never passes through
    stranger = pd.DataFrame({"facilitator_id": ["Someone Else"]})
    assert pseudonymise_staff(stranger, planted)["facilitator_id"].tolist() == ["F??"]
    keyed = staff_codes(planted, key="k1")
    assert keyed == staff_codes(planted, key="k1") != staff_codes(planted, key="k2")
    assert all(v.startswith("F-") and len(v) == 10 for v in keyed.values())
    assert planted["sessions"]["facilitator_id"].iloc[0] in FACILITATORS  # the input is not changed


def test_codes_only_replaces_every_place_name(planted):
    assert place_codes(planted) == {"Mbanza Juu": "C01", "Kisima": "C02", "Lago": "D01"}
    t = pd.DataFrame({"community": ["Mbanza Juu", "Kisima"], "district": ["Lago", "Lago"],
                      "reading": ["In Mbanza Juu, girls ...", "Kisima-Lago road; Kisimani is another place"]})
    out = codes_only(t, planted)
    assert out["community"].tolist() == ["C01", "C02"] and out["district"].tolist() == ["D01", "D01"]
    assert out["reading"].tolist() == ["In C01, girls ...", "C02-D01 road; Kisimani is another place"]
    assert codes_only_text("Kisima (Lago)", planted) == "C02 (D01)"


def test_strip_paths():
    text = ("Data: /work/field/C03 data/sessions.csv, C:\\Users\\amina\\Desktop\\export.xlsx, "
            "file:///home/joao/report.html, ~/cp/out.csv; see https://example.org/a/b and 2024/01/05, 1/2")
    out = strip_paths(text)
    assert "/work" not in out and "Users" not in out and "/home" not in out and "~/" not in out
    assert "sessions.csv" in out and "export.xlsx" in out and "report.html" in out and "out.csv" in out
    assert "https://example.org/a/b" in out and "2024/01/05" in out and "1/2" in out


def _write_outputs(folder, tables, *, protected: bool):
    """Every kind of output file the scanner reads, made with or without the safeguards."""
    data = cpanalysis.Dataset.from_tables({k: v.drop(columns=["name"]) if k == "participants" else v
                                           for k, v in tables.items() if k in cpanalysis.TABLES})
    part = cpanalysis.participation(data, level="session", n_boot=0)
    sessions = tables["sessions"][["session_id", "community_id", "facilitator_id"]]
    part = part.merge(sessions[["session_id", "facilitator_id"]], on="session_id")
    names = tables["communities"][["community_id", "name"]]
    part = part.merge(names, on="community_id")
    title = f"Report for {tables['communities']['name'].iloc[0]} from /home/amina/field/data.csv"
    if protected:
        part = codes_only(pseudonymise_staff(safe_table(part), tables), tables)
        title = codes_only_text(strip_paths(title), tables)
    part.to_csv(folder / "participation.csv", index=False)
    part.head(50).to_excel(folder / "participation.xlsx", index=False)
    heads = "".join(f"<th title='{c}'>{c.replace('_', ' ')}</th>" for c in part.columns)
    body = "".join("<tr>" + "".join(f"<td>{'' if pd.isna(v) else v}</td>" for v in row) + "</tr>"
                   for row in part.head(30).itertuples(index=False))
    (folder / "page.html").write_text(f"<html><title>{title}</title><table><tr>{heads}</tr>{body}</table></html>")
    (folder / "records.json").write_text(part.head(30).to_json(orient="records"))
    fig, ax = plt.subplots()
    ax.set_title(title)
    fig.savefig(folder / "chart.svg", metadata={"Title": title})
    fig.savefig(folder / "chart.pdf", metadata={"Title": title})
    plt.close(fig)
    info = PngInfo()
    info.add_text("Title", title)
    Image.new("RGB", (4, 4)).save(folder / "chart.png", pnginfo=info)


def test_scan_finds_every_planted_leak_and_nothing_in_protected_outputs(planted, tmp_path):
    raw, safe = tmp_path / "raw", tmp_path / "safe"
    raw.mkdir(), safe.mkdir()
    _write_outputs(raw, planted, protected=False)
    _write_outputs(safe, planted, protected=True)
    found = scan_for_leaks(raw, planted, codes_only=True)
    assert list(found.columns) == ["source", "location", "kind", "found", "context"]
    by_kind = {kind: {p.rsplit("/", 1)[-1] for p in rows["source"]} for kind, rows in found.groupby("kind")}
    assert by_kind["staff identifier"] >= {"participation.csv", "participation.xlsx", "page.html",
                                           "records.json"}
    assert by_kind["place name"] >= {"participation.csv", "page.html", "chart.svg", "chart.png", "chart.pdf"}
    assert by_kind["absolute path"] >= {"page.html", "chart.svg", "chart.png", "chart.pdf"}
    assert by_kind["small count"] >= {"participation.csv", "participation.xlsx", "page.html", "records.json"}
    assert set(found.loc[found["kind"] == "staff identifier", "found"]) == set(FACILITATORS)
    clean = scan_for_leaks(safe, planted, codes_only=True)
    assert clean.empty, clean.to_string()


def test_scan_texts_participant_names_and_planted_pdf_text(planted, tmp_path):
    found = scan_for_leaks([f"{CHILD} spoke twice", "nothing here"], planted)
    assert found[["source", "kind", "found"]].values.tolist() == [["text", "participant name", CHILD]]
    # a PDF whose page draws the name as text in a compressed stream
    stream = zlib.compress(f"BT /F1 12 Tf 72 712 Td ({CHILD}) Tj ET".encode())
    pdf = (b"%PDF-1.4\n1 0 obj << /Length " + str(len(stream)).encode() + b" /Filter /FlateDecode >>\nstream\n"
           + stream + b"\nendstream\nendobj\n%%EOF\n")
    (tmp_path / "story.pdf").write_bytes(pdf)
    assert scan_for_leaks(tmp_path / "story.pdf", planted)["found"].tolist() == [CHILD]
    # village names are not leaks unless codes only were chosen; extra planted names are searched too
    assert scan_for_leaks("Kisima met", planted).empty
    assert scan_for_leaks("Kisima met", planted, codes_only=True)["kind"].tolist() == ["place name"]
    assert scan_for_leaks("code XJ-77 here", extra_names=["XJ-77"])["kind"].tolist() == ["planted name"]
    # counts: only people-count columns, only 0 < n < threshold
    (tmp_path / "t.json").write_text(json.dumps({"rows": [{"n_rankers": 1, "rank": 2}, {"n_rankers": 9, "rank": 1},
                                                          {"n_rankers": 0, "rank": 3}]}))
    small = scan_for_leaks(tmp_path / "t.json", settings=cpanalysis.Settings(min_count=10))
    assert small["found"].tolist() == ["1", "9"]
