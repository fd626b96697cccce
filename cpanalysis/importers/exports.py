"""Write a dataset as KoboToolbox or ODK Central would export submissions of the session form.

Used to test the importers on simulated programmes (simulate, export, import, compare) and to make
demonstration exports. A dataset becomes one submission per session: its details, head counts
(when ``attendance_counts`` has the session), the roster (when ``attendance`` has it), the turns,
the rankings, for the deciding session, the decision and, for a session where actions were agreed,
the actions (contract v2). The follow-up form's exports (``write_followup_*``) hold one visit per
community and date of ``action_updates``. A ranking is entered as an ``order``
(rank question) when it ranks every harm without ties or scores, as ``positions`` when it ranks
some harms without ties or scores, and as ``items`` otherwise.

Not exported (the form does not record them): ``population``, ``pairwise``, participants who
attended no session, actions without a session, and extra columns.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from ..contract import ACTION_LEADS as LEADS
from ..forms import (ACTION_REPEATS, FOLLOWUP_FORM_ID, FOLLOWUP_FORM_TITLE, FORM_ID, FORM_TITLE, REPEATS,
                     action_fields, build_followup_form, build_session_form, followup_fields, session_fields)

#: Every repeat of the session form (v1 repeats, then the action plan).
_ALL_REPEATS = {**REPEATS, **ACTION_REPEATS}
_TOP_REPEATS = [name for name, (parent, _, _) in _ALL_REPEATS.items() if parent is None]


def _fields(n_positions: int):
    return session_fields(n_positions) + action_fields()

_NAMESPACE = uuid.UUID("6f1c2a4e-2b8f-4d7e-9a51-0c3f5e7d9b11")


def _value(v):
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, (bool,)) or str(type(v)).endswith("bool_'>"):
        return "yes" if bool(v) else "no"
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if hasattr(v, "item"):
        return _value(v.item())
    return v


def form_for(data, path: str | Path) -> Path:
    """Write the session form with this dataset's communities and harms as choices."""
    harms = [(r.harm_id, r.label, bool(r.sensitive) if "sensitive" in data.harms and pd.notna(r.sensitive) else False)
             for r in data.harms.itertuples()]
    communities = [(r.community_id, r.name, getattr(r, "district", None) if pd.notna(getattr(r, "district", None)) else None)
                   for r in data.communities.itertuples()]
    return build_session_form(path, harms=harms, communities=communities)


def submissions(data) -> list[dict]:
    """One dict per session: main fields plus ``roster``, ``turns``, ``rankings`` (with ``items``), ``decisions``."""
    tables = data.contract_tables() if hasattr(data, "contract_tables") else data
    harms = list(tables["harms"]["harm_id"])
    people = tables.get("participants")
    people = people.set_index("participant_id") if people is not None else None

    def by_session(name):
        frame = tables.get(name)
        return {} if frame is None else {k: g for k, g in frame.groupby("session_id", sort=False)}

    attendance, counts, turns = by_session("attendance"), by_session("attendance_counts"), by_session("turns")
    rankings, decisions, actions = by_session("rankings"), by_session("decisions"), by_session("actions")
    out = []
    for n, s in enumerate(tables["sessions"].itertuples(index=False), start=1):
        sid = s.session_id
        day = pd.Timestamp(s.date).date()
        sub = {"_n": n, "_uuid": str(uuid.uuid5(_NAMESPACE, sid)),
               "_time": datetime.combine(day, datetime.min.time()) + timedelta(days=1, hours=9),
               "community": s.community_id, "session_id": sid, "date": day, "cycle": _value(s.cycle),
               "format": s.format, "convened_for": _value(s.convened_for),
               "duration_min": _value(s.duration_min), "facilitator_id": _value(s.facilitator_id)}
        mode = [m for m, has in (("counts", sid in counts), ("roster", sid in attendance)) if has]
        sub["attendance_mode"] = "both" if len(mode) == 2 else (mode[0] if mode else None)
        if sid in counts:
            for r in counts[sid].itertuples():
                sub[f"count_{r.subgroup}"] = _value(r.count)
        sub["roster"] = []
        for r in attendance.get(sid, pd.DataFrame()).itertuples():
            p = people.loc[r.participant_id]
            sub["roster"].append({"participant_id": r.participant_id, "gender": p["gender"], "age_group": p["age_group"],
                                  "elite": _value(p["elite"]), "elite_role": _value(p.get("elite_role")),
                                  "marginalised": _value(p.get("marginalised")),
                                  "marginalised_reason": _value(p.get("marginalised_reason"))})
        sub["turns"] = []
        for r in turns.get(sid, pd.DataFrame()).itertuples():
            sub["turns"].append({"turn": _value(r.turn), "speaker_subgroup": _value(getattr(r, "subgroup", None)),
                                 "speaker_id": _value(getattr(r, "participant_id", None)), "kind": _value(r.kind),
                                 "harm_id": _value(r.harm_id), "duration_s": _value(r.duration_s),
                                 "interrupted": _value(r.interrupted)})
        sub["rankings"] = []
        for ranker, g in rankings.get(sid, pd.DataFrame(columns=["ranker"])).groupby("ranker", sort=False):
            individual = people is not None and ranker in people.index
            entry = {"ranker_type": "individual" if individual else "group",
                     "ranker_group": None if individual else ranker, "ranker_id": ranker if individual else None,
                     "items": []}
            ranks = g["rank"]
            plain = g["score"].isna().all() and ranks.notna().all() and not ranks.duplicated().any()
            if plain and len(g) == len(harms) and sorted(ranks) == list(range(1, len(harms) + 1)):
                entry["ranking_method"] = "order"
                entry["order"] = " ".join(g.sort_values("rank")["harm_id"])
            elif plain and ranks.max() <= len(harms):
                entry["ranking_method"] = "positions"
                for r in g.itertuples():
                    entry[f"pos_{int(r.rank)}"] = r.harm_id
            else:
                entry["ranking_method"] = "items"
                entry["items"] = [{"item_harm": r.harm_id, "item_rank": _value(r.rank), "item_score": _value(r.score)}
                                  for r in g.itertuples()]
            sub["rankings"].append(entry)
        sub["decisions"] = [{"priority": _value(r.priority), "decision_harm": r.harm_id}
                            for r in decisions.get(sid, pd.DataFrame()).sort_values("priority").itertuples()] \
            if sid in decisions else []
        sub["actions"] = [_action_record(r, people) for r in actions.get(sid, pd.DataFrame()).itertuples()]
        out.append(sub)
    return out


def _action_record(r, people) -> dict:
    proposer = _value(r.proposed_by)
    if proposer == "planning_group":
        kind = "planning_group"
    elif people is not None and proposer in people.index:
        kind = "participant"
    else:
        kind = "group"
    due = _value(getattr(r, "due_date", None))
    return {"action_id": r.action_id, "action_harm": r.harm_id, "action_description": _value(r.description),
            "action_shareable": _value(getattr(r, "shareable", None)), "proposer_type": kind,
            "proposer_group": proposer if kind == "group" else None,
            "proposer_id": proposer if kind == "participant" else None, "action_lead": r.lead,
            "action_partners": _value(r.partners), "action_due_date": None if due is None else pd.Timestamp(due).date(),
            "action_resources": _value(r.resources)}


def _columns(repeat: str | None, n_positions: int, separator: str, relative: bool) -> list[tuple[str, str]]:
    """(header, field name) of a table, in form order; ``relative``: repeat fields without the repeat path."""
    out = []
    for f in _fields(n_positions):
        if f.repeat != repeat:
            continue
        path = []
        if f.repeat and not relative:
            r = f.repeat
            chain = []
            while r:
                chain.insert(0, r)
                r = _ALL_REPEATS[r][0]
            path = chain
        if f.group:
            path = path + [f.group]
        out.append((separator.join(path + [f.name]), f.name))
    return out


def _cell(value, *, excel: bool):
    if isinstance(value, date) and not isinstance(value, datetime):
        return (value - date(1899, 12, 30)).days if excel else value.isoformat()
    return value


def _tables(subs: list[dict], n_positions: int, separator: str, relative: bool, onehot: bool, excel: bool):
    """Rows per table (main and each repeat) with Kobo-style link columns."""
    reasons = ("disability", "poorest", "minority", "displaced")
    tables: dict[str, list[dict]] = {"main": []}
    heads = {name: _columns(None if name == "main" else name, n_positions, separator, relative)
             for name in ["main", *_ALL_REPEATS]}
    counters = {name: 0 for name in _ALL_REPEATS}

    def fill(name, record):
        row = {}
        for header, field in heads[name]:
            row[header] = _cell(record.get(field), excel=excel)
            if onehot and field == "marginalised_reason":
                chosen = (record.get(field) or "").split()
                for option in reasons:
                    row[f"{header}/{option}"] = (1 if option in chosen else 0) if record.get("marginalised") == "yes" else None
            if onehot and field == "action_partners":
                chosen = (record.get(field) or "").split()
                for option in LEADS:
                    row[f"{header}/{option}"] = 1 if option in chosen else 0
        return row

    for sub in subs:
        tables["main"].append({"_sub": sub, **fill("main", sub)})
        for repeat in _TOP_REPEATS:
            for k, record in enumerate(sub[repeat], start=1):
                counters[repeat] += 1
                index = counters[repeat]
                tables.setdefault(repeat, []).append({"_sub": sub, "_index": index, "_parent": ("main", sub["_n"]),
                                                      "_k": k, **fill(repeat, record)})
                for j, item in enumerate(record.get("items", []), start=1):
                    counters["items"] += 1
                    tables.setdefault("items", []).append({"_sub": sub, "_index": counters["items"],
                                                           "_parent": (repeat, index), "_k": j, "_pk": k,
                                                           **fill("items", item)})
    return tables


def write_kobo_xlsx(data, path: str | Path, *, title: str = FORM_TITLE) -> Path:
    """Write the dataset as a KoboToolbox XLSX export (sheet per repeat, ``/`` group paths, serial dates)."""
    from openpyxl import Workbook

    subs = submissions(data)
    n_positions = len(data.harms)
    tables = _tables(subs, n_positions, "/", relative=False, onehot=True, excel=True)
    main_name = title[:31]
    book = Workbook()
    book.remove(book.active)
    for name, rows in sorted(tables.items(), key=lambda t: ["main", *_ALL_REPEATS].index(t[0])):
        sheet = book.create_sheet(main_name if name == "main" else name)
        fields = [h for h in (rows[0] if rows else {}) if not h.startswith("_")] if rows else \
            [h for h, _ in _columns(name, n_positions, "/", False)]
        if name == "main":
            meta = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
                    "_submitted_by", "__version__", "_tags", "_index"]
            sheet.append(["start", "end", *fields, *meta])
            for row in rows:
                sub = row["_sub"]
                stamp = sub["_time"].isoformat(timespec="milliseconds") + "+00:00"
                sheet.append([stamp, stamp, *[row[h] for h in fields], 1000 + sub["_n"], sub["_uuid"],
                              sub["_time"].isoformat(), None, None, "submitted_via_web", None, "vAbCdEf", None, sub["_n"]])
        else:
            meta = ["_index", "_parent_table_name", "_parent_index", "_submission__id", "_submission__uuid",
                    "_submission__submission_time", "_submission__validation_status", "_submission__notes",
                    "_submission__status", "_submission__submitted_by", "_submission___version__", "_submission__tags"]
            sheet.append([*fields, *meta])
            for row in rows:
                sub = row["_sub"]
                parent = main_name if row["_parent"][0] == "main" else row["_parent"][0]
                sheet.append([*[row[h] for h in fields], row["_index"], parent, row["_parent"][1], 1000 + sub["_n"],
                              sub["_uuid"], sub["_time"].isoformat(), None, None, "submitted_via_web", None,
                              "vAbCdEf", None])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _label_headers(headers: list[str], data_form: dict[str, str]) -> list[str]:
    return ["/".join(data_form.get(p, p) for p in h.split("/")) for h in headers]


def write_kobo_csv(data, path: str | Path, *, headers: str = "xml", hxl: bool = False,
                   select_multiple: str = "both", separator: str = ";") -> Path:
    """Write the dataset's submissions as a KoboToolbox CSV export: the main table only, as KoboToolbox does.

    KoboToolbox puts no repeat (roster, turns, rankings, decisions) in a CSV export; the importer
    reads and checks this table, then asks for the XLSX download. ``headers``: ``"xml"`` (group
    paths of names) or ``"label"``; ``hxl``: add a hashtag row under the header.
    """
    subs = submissions(data)
    n_positions = len(data.harms)
    rows = _tables(subs, n_positions, "/", relative=False, onehot=select_multiple != "space", excel=False)["main"]
    labels = {f.name: f.label for f in _fields(n_positions)}
    labels.update({"session": "Session details", "counts": "Head counts by subgroup"})
    fields = [h for h in rows[0] if not h.startswith("_")]
    link = ["_id", "_uuid", "_submission_time", "_index"]
    shown = fields if headers == "xml" else _label_headers(fields, labels)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(shown + link)
    if hxl:
        writer.writerow([f"#{h.split('/')[-1].replace('_', '')}" for h in fields] + ["#meta+id", "#meta+uuid", "", ""])
    for row in rows:
        sub = row["_sub"]
        writer.writerow(["" if row[h] is None else row[h] for h in fields] +
                        [1000 + sub["_n"], sub["_uuid"], sub["_time"].isoformat(), sub["_n"]])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def write_odk_zip(data, path: str | Path, *, form_id: str = FORM_ID) -> Path:
    """Write the dataset as an ODK Central "all data as CSV" zip (``-`` group paths, KEY/PARENT_KEY)."""
    subs = submissions(data)
    n_positions = len(data.harms)
    tables = _tables(subs, n_positions, "-", relative=True, onehot=False, excel=False)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    keys: dict[tuple[str, int], str] = {}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in ["main", *_ALL_REPEATS]:     # ODK Central writes a file per repeat, even without entries
            rows = tables.get(name, [])
            fields = [h for h, _ in _columns(None if name == "main" else name, n_positions, "-", True)]
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            if name == "main":
                writer.writerow(["SubmissionDate", "start", "end", *fields, "meta-instanceID", "KEY", "SubmitterID",
                                 "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status",
                                 "ReviewState", "DeviceID", "Edits", "FormVersion"])
                for row in rows:
                    sub = row["_sub"]
                    key = f"uuid:{sub['_uuid']}"
                    keys[("main", sub["_n"])] = key
                    stamp = sub["_time"].isoformat(timespec="milliseconds") + "Z"
                    writer.writerow([stamp, stamp, stamp, *["" if row[h] is None else row[h] for h in fields], key, key,
                                     "5", "collector", "0", "0", "", "", "collect:abc", "0", "1"])
            else:
                writer.writerow([*fields, "PARENT_KEY", "KEY"])
                for row in rows:
                    parent = keys[row["_parent"]]
                    key = f"{parent}/{name}[{row['_k']}]"
                    keys[(name, row["_index"])] = key
                    writer.writerow([*["" if row[h] is None else row[h] for h in fields], parent, key])
            file_name = f"{form_id}.csv" if name == "main" else f"{form_id}-{name}.csv"
            info = zipfile.ZipInfo(file_name, date_time=(2024, 1, 1, 0, 0, 0))
            archive.writestr(info, buffer.getvalue())
    return path


def odata_submissions(data) -> dict:
    """The dataset as ODK Central's OData ``Submissions?$expand=*`` JSON (repeats nested in each submission)."""
    subs = submissions(data)
    n_positions = len(data.harms)
    fields = _fields(n_positions)
    value = []

    def record(repeat, src):
        out = {}
        for f in fields:
            if f.repeat != repeat:
                continue
            v = src.get(f.name)
            if isinstance(v, date):
                v = v.isoformat()
            target = out.setdefault(f.group, {}) if f.group else out
            target[f.name] = v
        return out

    for sub in subs:
        key = f"uuid:{sub['_uuid']}"
        entry = {"__id": key, "start": None, "end": None, **record(None, sub),
                 "meta": {"instanceID": key},
                 "__system": {"submissionDate": sub["_time"].isoformat() + "Z", "submitterId": "5",
                              "submitterName": "collector", "attachmentsPresent": 0, "attachmentsExpected": 0,
                              "status": None, "reviewState": None, "deviceId": None, "edits": 0, "formVersion": "1"}}
        for repeat in _TOP_REPEATS:
            items = []
            for k, r in enumerate(sub[repeat], start=1):
                rec = {**record(repeat, r), "__id": f"{key}/{repeat}[{k}]"}
                if repeat == "rankings":
                    rec["items"] = [{**record("items", it), "__id": f"{key}/{repeat}[{k}]/items[{j}]"}
                                    for j, it in enumerate(r.get("items", []), start=1)]
                    rec["items@odata.navigationLink"] = f"Submissions('{key}')/rankings('{k}')/items"
                items.append(rec)
            entry[repeat] = items
            entry[f"{repeat}@odata.navigationLink"] = f"Submissions('{key}')/{repeat}"
        value.append(entry)
    return {"@odata.context": f"https://central.example.org/v1/projects/1/forms/{FORM_ID}.svc/$metadata#Submissions",
            "value": json.loads(json.dumps(value, default=str))}


#: The tables and keys a session-form export carries (what an import gives back).
FORM_TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "communities": ("community_id",), "harms": ("harm_id",), "participants": ("participant_id",),
    "sessions": ("session_id",), "attendance": ("session_id", "participant_id"),
    "attendance_counts": ("session_id", "subgroup"), "turns": ("session_id", "turn"),
    "rankings": ("session_id", "ranker", "harm_id"), "decisions": ("community_id", "harm_id"),
    "actions": ("action_id",),
}


def form_tables(data) -> dict[str, pd.DataFrame]:
    """The contract columns of the tables a session-form export carries, rows sorted by key.

    Participants are those who attended a session (a session form has no place for the others).
    Use it to compare a dataset with its export imported again.
    """
    from ..contract import TABLES

    tables = data.contract_tables()
    attending = set(tables["attendance"]["participant_id"]) if "attendance" in tables else set()
    out = {}
    for name, keys in FORM_TABLE_KEYS.items():
        frame = tables.get(name)
        if frame is None:
            continue
        frame = frame[[c for c in TABLES[name].column_names if c in frame]]
        if name == "participants":
            frame = frame[frame["participant_id"].isin(attending)]
        if name == "actions":
            frame = frame[frame["session_id"].notna()]
        out[name] = frame.sort_values(list(keys)).reset_index(drop=True)
    return out


# --- the follow-up form ---------------------------------------------------------------------------

def followup_form_for(data, path: str | Path) -> Path:
    """Write the follow-up form with this dataset's communities as choices."""
    communities = [(r.community_id, r.name, _value(getattr(r, "district", None)))
                   for r in data.communities.itertuples()]
    return build_followup_form(path, communities=communities)


def followup_submissions(data) -> list[dict]:
    """One dict per follow-up visit (a community and a date of ``action_updates``) with its ``updates``.

    Examples
    --------
    >>> import cpanalysis
    >>> data = cpanalysis.simulate(1, seed=3)
    >>> visits = followup_submissions(data)
    >>> sum(len(v["updates"]) for v in visits) == len(data.tables["action_updates"])
    True
    """
    tables = data.contract_tables()
    updates, actions = tables.get("action_updates"), tables.get("actions")
    if updates is None or actions is None:
        return []
    community = dict(zip(actions["action_id"], actions["community_id"]))
    frame = updates.assign(_community=updates["action_id"].map(community), _day=pd.to_datetime(updates["date"]).dt.date)
    out = []
    for n, ((place, day), group) in enumerate(frame.groupby(["_community", "_day"], sort=True), start=1):
        out.append({"_n": n, "_uuid": str(uuid.uuid5(_NAMESPACE, f"visit {place} {day}")),
                    "_time": datetime.combine(day, datetime.min.time()) + timedelta(days=1, hours=9),
                    "community": place, "visit_date": day, "facilitator_id": None,
                    "updates": [{"action_id": r.action_id, "status": r.status, "note": _value(r.note)}
                                for r in group.itertuples()]})
    return out


def _followup_headers(separator: str, groups: bool) -> dict[str | None, list[tuple[str, str]]]:
    out: dict[str | None, list[tuple[str, str]]] = {None: [], "updates": []}
    for f in followup_fields():
        path = [p for p in (f.group, f.repeat) if p and groups]
        out[f.repeat].append((separator.join([*path, f.name]), f.name))
    return out


def write_followup_kobo_xlsx(data, path: str | Path, *, title: str = FOLLOWUP_FORM_TITLE) -> Path:
    """Write the dataset's ``action_updates`` as a KoboToolbox XLSX export of the follow-up form.

    Examples
    --------
    >>> import cpanalysis, tempfile, pathlib
    >>> path = write_followup_kobo_xlsx(cpanalysis.simulate(1, seed=3), pathlib.Path(tempfile.mkdtemp()) / "f.xlsx")
    >>> path.name
    'f.xlsx'
    """
    from openpyxl import Workbook

    visits = followup_submissions(data)
    heads = _followup_headers("/", groups=True)
    book = Workbook()
    main = book.active
    main.title = title[:31]
    main.append(["start", "end", *[h for h, _ in heads[None]], "_id", "_uuid", "_submission_time", "__version__",
                 "_index"])
    updates = book.create_sheet("updates")
    updates.append([*[h for h, _ in heads["updates"]], "_index", "_parent_table_name", "_parent_index",
                    "_submission__id", "_submission__uuid"])
    index = 0
    for visit in visits:
        stamp = visit["_time"].isoformat(timespec="milliseconds") + "+00:00"
        main.append([stamp, stamp, *[_cell(visit.get(f), excel=True) for _, f in heads[None]], 2000 + visit["_n"],
                     visit["_uuid"], visit["_time"].isoformat(), "vAbCdEf", visit["_n"]])
        for record in visit["updates"]:
            index += 1
            updates.append([*[record.get(f) for _, f in heads["updates"]], index, title[:31], visit["_n"],
                            2000 + visit["_n"], visit["_uuid"]])
    if not index:
        book.remove(updates)       # KoboToolbox leaves out the sheet of a repeat without entries
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def write_followup_odk_zip(data, path: str | Path, *, form_id: str = FOLLOWUP_FORM_ID) -> Path:
    """Write the dataset's ``action_updates`` as ODK Central's "all data" zip of the follow-up form.

    Examples
    --------
    >>> import cpanalysis, tempfile, pathlib
    >>> path = write_followup_odk_zip(cpanalysis.simulate(1, seed=3), pathlib.Path(tempfile.mkdtemp()) / "f.zip")
    >>> sorted(zipfile.ZipFile(path).namelist())
    ['cp_followup-updates.csv', 'cp_followup.csv']
    """
    visits = followup_submissions(data)
    heads = _followup_headers("-", groups=True)
    repeat_heads = _followup_headers("-", groups=False)["updates"]
    main, updates = io.StringIO(), io.StringIO()
    main_writer, update_writer = csv.writer(main, lineterminator="\n"), csv.writer(updates, lineterminator="\n")
    main_writer.writerow(["SubmissionDate", *[h for h, _ in heads[None]], "meta-instanceID", "KEY", "FormVersion"])
    update_writer.writerow([*[h for h, _ in repeat_heads], "PARENT_KEY", "KEY"])
    for visit in visits:
        key = f"uuid:{visit['_uuid']}"
        main_writer.writerow([visit["_time"].isoformat(timespec="milliseconds") + "Z",
                              *["" if visit.get(f) is None else _cell(visit[f], excel=False) for _, f in heads[None]],
                              key, key, "1"])
        for k, record in enumerate(visit["updates"], start=1):
            update_writer.writerow([*["" if record.get(f) is None else record[f] for _, f in repeat_heads], key,
                                    f"{key}/updates[{k}]"])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, buffer in ((f"{form_id}.csv", main), (f"{form_id}-updates.csv", updates)):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), buffer.getvalue())
    return path
