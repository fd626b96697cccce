"""ODK Central exports of the session form: the CSV zip and the OData feed pulled with pyODK.

The zip is written by cpanalysis.importers.exports as Central's "all data as CSV" download:
``cp_session.csv`` plus ``cp_session-<repeat>.csv``, headers joined with '-', KEY/PARENT_KEY
(``uuid:...``, ``uuid:.../turns[1]``, ``uuid:.../rankings[2]/items[1]``).

The pyODK test replays a recorded ``Submissions?$expand=*`` response
(``tests/data/odk/submissions_expand.json``, made with
``cpanalysis.importers.exports.odata_submissions(cpanalysis.simulate(1, seed=3))``; the form with that
programme's choices is ``tests/data/odk/cp_session_form.xlsx``) through a fake transport: no network.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
import requests

import cpanalysis
from conftest import assert_same_tables
from cpanalysis.importers import detect_format, import_export, pull_odk_central
from cpanalysis.importers.exports import form_for, odata_submissions, write_odk_zip

FIXTURES = Path(__file__).resolve().parent / "data" / "odk"


@pytest.fixture(scope="module")
def programme(tmp_path_factory):
    data = cpanalysis.simulate(2, seed=12)
    folder = tmp_path_factory.mktemp("odk")
    return data, form_for(data, folder / "form.xlsx"), folder


def test_odk_zip_round_trip(programme):
    data, form, folder = programme
    path = write_odk_zip(data, folder / "cp_session.zip")
    assert detect_format(path) == "odk-zip"
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        header = archive.read("cp_session.csv").decode().split("\n", 1)[0]
        items = list(csv.reader(io.StringIO(archive.read("cp_session-items.csv").decode())))
    assert "cp_session-turns.csv" in names
    assert "session-date" in header and "KEY" in header
    assert items[1][-1].startswith("uuid:") and "/rankings[" in items[1][-1] and items[1][-1].endswith("/items[1]")
    assert_same_tables(data, import_export(path, form=form))


def test_broken_odk_zip_points_to_file_and_line(programme, tmp_path):
    data, form, folder = programme
    good = write_odk_zip(data, tmp_path / "good.zip")
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as dst:
        for name in src.namelist():
            text = src.read(name).decode()
            if name == "cp_session-turns.csv":
                rows = list(csv.reader(io.StringIO(text)))
                kind = rows[0].index("kind")
                rows[9][kind] = "shouting"                      # line 10 of the file
                rows[12][rows[0].index("PARENT_KEY")] = "uuid:nobody"  # line 13
                buffer = io.StringIO()
                csv.writer(buffer, lineterminator="\n").writerows(rows)
                text = buffer.getvalue()
            dst.writestr(name, text)
    with pytest.raises(cpanalysis.DatasetError) as caught:
        import_export(broken, form=form)
    found = {(p.file, p.row, p.column, p.value) for p in caught.value.problems}
    assert ("broken.zip [cp_session-turns.csv]", "line 10", "kind", "shouting") in found
    assert ("broken.zip [cp_session-turns.csv]", "line 13", "PARENT_KEY", "uuid:nobody") in found


class FakeCentral:
    """Replays recorded OData responses in place of pyODK's HTTP session (no network)."""

    def __init__(self, payload: dict):
        self.payload = payload
        self.calls: list[tuple[str, str, dict]] = []

    def request(self, method, url, *args, **kwargs):
        self.calls.append((method, url, kwargs.get("params") or {}))
        response = requests.Response()
        response.status_code = 200
        response.headers["Content-Type"] = "application/json"
        response._content = json.dumps(self.payload).encode()
        response.url = url
        return response


def _client(monkeypatch, payload):
    from pyodk._utils.config import CentralConfig, Config
    from pyodk.client import Client

    config = Config(central=CentralConfig(base_url="https://central.example.org", username="me@example.org",
                                          password="not-used", default_project_id=1))
    client = Client(config=config)
    fake = FakeCentral(payload)
    monkeypatch.setattr(client.session, "request", fake.request)
    return client, fake


def test_pull_from_odk_central_with_pyodk_recorded_response(monkeypatch):
    payload = json.loads((FIXTURES / "submissions_expand.json").read_text())
    client, fake = _client(monkeypatch, payload)
    data = pull_odk_central(client, "cp_session", form=FIXTURES / "cp_session_form.xlsx")
    (method, url, params), = fake.calls
    assert method == "GET" and url.endswith("projects/1/forms/cp_session.svc/Submissions")
    assert params.get("$expand") == "*"
    submissions = payload["value"]
    assert len(data.sessions) == len(submissions)
    assert len(data.turns) == sum(len(s["turns"]) for s in submissions)
    assert len(data.attendance) == sum(len(s["roster"]) for s in submissions)


def test_pull_from_odk_central_round_trip(monkeypatch, programme):
    data, form, _ = programme
    client, _ = _client(monkeypatch, odata_submissions(data))
    assert_same_tables(data, pull_odk_central(client, form=form))


def test_odata_problem_names_table_and_record(monkeypatch, programme):
    data, form, _ = programme
    payload = odata_submissions(data)
    payload["value"][1]["turns"][2]["kind"] = "shouting"
    client, _ = _client(monkeypatch, payload)
    with pytest.raises(cpanalysis.DatasetError) as caught:
        pull_odk_central(client, form=form)
    turns_before = len(payload["value"][0]["turns"])
    assert [(p.file, p.row, p.column) for p in caught.value.problems] == [
        ("ODK Central form cp_session [Submissions.turns]", f"record {turns_before + 3}", "kind")]
