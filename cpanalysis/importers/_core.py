"""From the sheets of a form export to the data contract's tables, with every row traced back.

Each reader (Kobo XLSX, Kobo CSV, ODK Central zip, ODK Central OData) turns an export into a list
of :class:`Sheet` objects: one per table of the export (the main table and one per repeat), their
columns renamed to the form's field names, each row with its own key, its parent's key and where it
is in the export (``row 7`` of ``export.xlsx [sheet turns]``). :func:`build_dataset` then makes the
contract tables and validates them with the loader's checks, so that every problem names the
export's sheet or file and row, never an intermediate table.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from ..contract import PLANNING_GROUP
from ..dataset import Dataset
from ..forms import read_form, shipped_form_path
from ..problems import DatasetError, Problem, ProblemList, Source
from ..subgroups import SubgroupScheme

#: Downloads that hold the table of submissions only (read and checked, never imported).
MAIN_TABLE_ONLY = ("kobo-csv", "odk-csv")
#: Excel's day zero for serial dates (1900 date system, with the Lotus leap-year bug).
EXCEL_EPOCH = date(1899, 12, 30)


@dataclass(frozen=True)
class ExportSource(Source):
    """A :class:`~cpanalysis.problems.Source` whose rows are told as they are in the original export.

    ``locations[i]`` is where row ``i`` of the contract table came from, e.g. ``row 7`` (one sheet)
    or ``sheet items, row 7`` (a table gathered from several sheets).
    """

    locations: tuple[str, ...] = ()

    def where(self, index: int) -> str:
        return self.locations[int(index)]


@dataclass
class Sheet:
    """One table of an export: the main table (``name="main"``) or a repeat."""

    name: str
    frame: pd.DataFrame                 # columns: the form's field names
    keys: list[str]                     # each row's own key
    parents: list[str | None]           # each row's parent key (None for the main table)
    part: str | None                    # the export's sheet or file, e.g. "sheet turns", "cp_session-turns.csv"
    rows: list[str]                     # each row's place in that sheet or file, e.g. "row 7", "line 8"
    parent_column: str | None = None    # column holding the parent link, for problems
    parent_cells: list | None = None    # the parent link as the export shows it (default: the parent key)

    def parent_shown(self, i: int) -> str:
        return str(self.parent_cells[i] if self.parent_cells is not None else self.parents[i])


@dataclass
class Export:
    """Everything read from one export, ready to become contract tables."""

    name: str                           # the export's file or folder name
    sheets: dict[str, Sheet]
    problems: ProblemList = field(default_factory=ProblemList)
    kind: str | None = None             # kobo-xlsx, kobo-csv, odk-zip, odk-csv, odata-json
    notes: list[Problem] = field(default_factory=list)     # what was left aside without losing data
    stopped: bool = False               # a problem made reading the rest pointless (another form, ...)
    foreign: bool = False               # stopped because it is no export of the form given
    form_id: str | None = None          # the form whose export it is (set by read_export)

    def where(self, part: str | None) -> str:
        return f"{self.name} [{part}]" if part else self.name


# --- reading helpers shared by the readers -----------------------------------------------------

def is_blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        if value is pd.NA or value is pd.NaT:
            return True
    except TypeError:  # pragma: no cover
        pass
    return isinstance(value, str) and value.strip() == ""


def as_text(value):
    """A cell as text: 101.0 reads as "101"; blanks are None."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, pd.Timestamp)):
        return value.date().isoformat() if value == datetime(value.year, value.month, value.day) else value.isoformat()
    return str(value).strip()


def as_date(value):
    """A date cell: Excel serial numbers and datetimes become YYYY-MM-DD; other text is left for validation."""
    if is_blank(value):
        return None
    if isinstance(value, (datetime, pd.Timestamp)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return (EXCEL_EPOCH + timedelta(days=int(value))).isoformat()
        return str(value)
    text = str(value).strip()
    if re.fullmatch(r"\d{1,7}(\.0+)?", text):
        return as_date(float(text))
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?", text)
    return match.group(1) if match else text


# --- from sheets to contract tables -------------------------------------------------------------

class _Collector:
    """Rows of one contract table and where each came from."""

    def __init__(self):
        self.rows: list[dict] = []
        self.places: list[tuple[str | None, str]] = []

    def add(self, row: dict, part: str | None, where: str) -> None:
        self.rows.append(row)
        self.places.append((part, where))

    def frame(self, columns) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=list(columns), dtype=object)

    def source(self, export: Export) -> ExportSource:
        parts = {part for part, _ in self.places}
        if len(parts) <= 1:
            part = next(iter(parts)) if parts else None
            return ExportSource(export.where(part), unit="row", locations=tuple(w for _, w in self.places))
        return ExportSource(export.name, unit="row",
                            locations=tuple(f"{p}, {w}" if p else w for p, w in self.places))


def _get(columns: dict[str, list], i: int, name: str):
    return columns[name][i] if name in columns else None


def _columns_of(sheet: Sheet) -> dict[str, list]:
    """The sheet's columns as plain lists (fast cell access)."""
    return {name: sheet.frame[name].tolist() for name in sheet.frame.columns}


def _choices_tables(form: dict) -> tuple[dict, dict]:
    communities, harms = _Collector(), _Collector()
    for row in form["choices"]:
        name = as_text(row.get("name"))
        if row.get("list_name") == "community" and name:
            communities.add({"community_id": name, "name": as_text(row.get("label")) or name,
                             "district": as_text(row.get("district"))}, "sheet choices", f"row {row['_row']}")
        elif row.get("list_name") == "harm" and name:
            harms.add({"harm_id": name, "label": as_text(row.get("label")) or name,
                       "sensitive": as_text(row.get("sensitive"))}, "sheet choices", f"row {row['_row']}")
    return communities, harms


def build_tables(export: Export, form: dict) -> tuple[dict[str, pd.DataFrame], dict[str, Source]]:
    """The contract tables made from an export of the session form, and their sources."""
    problems = export.problems
    form_export = Export(form["file"], {})
    communities, harms = _choices_tables(form)
    c = {name: _Collector() for name in ("sessions", "attendance_counts", "participants", "attendance",
                                         "turns", "rankings", "decisions", "actions")}
    main = export.sheets.get("main")
    sessions_by_key: dict[str, dict] = {}
    if main is None:
        problems.add(Problem(export.name, "no main table of submissions was found",
                             expected="an export of the cp_session form (a main sheet/file with session/session_id)"))
    else:
        f = _columns_of(main)
        if "session_id" not in f:
            problems.add(Problem(export.where(main.part), "missing column", column="session/session_id",
                                 expected="an export of the cp_session form"))
        for i in range(len(main.keys)):
            session = {
                "session_id": as_text(_get(f, i, "session_id")), "community_id": as_text(_get(f, i, "community")),
                "date": as_date(_get(f, i, "date")), "cycle": _get(f, i, "cycle"),
                "format": as_text(_get(f, i, "format")), "convened_for": as_text(_get(f, i, "convened_for")),
                "duration_min": _get(f, i, "duration_min"), "facilitator_id": as_text(_get(f, i, "facilitator_id")),
            }
            c["sessions"].add(session, main.part, main.rows[i])
            sessions_by_key[main.keys[i]] = session
            for name in f:
                if name.startswith("count_") and not is_blank(f[name][i]):
                    c["attendance_counts"].add({"session_id": session["session_id"], "subgroup": name[len("count_"):],
                                                "count": f[name][i]}, main.part, main.rows[i])

    def parent_session(sheet: Sheet, i: int, via: dict[str, str] | None = None):
        key = sheet.parents[i]
        if key is None:             # a link the reader refused, already reported
            return None
        if via is not None:
            key = via.get(key, key)
        session = sessions_by_key.get(key)
        if session is None:
            problems.add(Problem(export.where(sheet.part), "refers to a submission that is not in the export",
                                 row=sheet.rows[i], column=sheet.parent_column, value=sheet.parent_shown(i),
                                 expected="a row of the main table"))
        return session

    roster = export.sheets.get("roster")
    first_seen: dict[str, tuple[dict, str]] = {}
    if roster is not None:
        f = _columns_of(roster)
        for i in range(len(roster.keys)):
            session = parent_session(roster, i)
            if session is None:
                continue
            person = {"participant_id": as_text(_get(f, i, "participant_id")), "community_id": session["community_id"],
                      "gender": as_text(_get(f, i, "gender")), "age_group": as_text(_get(f, i, "age_group")),
                      "elite": as_text(_get(f, i, "elite")), "elite_role": as_text(_get(f, i, "elite_role")),
                      "marginalised": as_text(_get(f, i, "marginalised")),
                      "marginalised_reason": as_text(_get(f, i, "marginalised_reason"))}
            c["attendance"].add({"session_id": session["session_id"], "participant_id": person["participant_id"]},
                                roster.part, roster.rows[i])
            pid = person["participant_id"]
            if pid is None:
                continue
            if pid not in first_seen:
                first_seen[pid] = (person, roster.rows[i])
                c["participants"].add(person, roster.part, roster.rows[i])
            else:
                earlier, where = first_seen[pid]
                differ = [k for k in ("community_id", "gender", "age_group", "elite") if person[k] != earlier[k]]
                if differ:
                    problems.add(Problem(export.where(roster.part), f"participant recorded differently than in {where}",
                                         row=roster.rows[i], column=f"roster/{differ[0]}", value=str(person[differ[0]]),
                                         expected=f'"{earlier[differ[0]]}" as in {where}'))

    turns = export.sheets.get("turns")
    if turns is not None:
        f = _columns_of(turns)
        position: dict[str, int] = {}
        for i in range(len(turns.keys)):
            session = parent_session(turns, i)
            if session is None:
                continue
            position[turns.parents[i]] = position.get(turns.parents[i], 0) + 1
            turn = _get(f, i, "turn")
            c["turns"].add({"session_id": session["session_id"],
                            "turn": position[turns.parents[i]] if is_blank(turn) else turn,
                            "participant_id": as_text(_get(f, i, "speaker_id")),
                            "subgroup": as_text(_get(f, i, "speaker_subgroup")),
                            "duration_s": _get(f, i, "duration_s"), "kind": as_text(_get(f, i, "kind")),
                            "harm_id": as_text(_get(f, i, "harm_id")),
                            "interrupted": as_text(_get(f, i, "interrupted"))}, turns.part, turns.rows[i])

    rankings = export.sheets.get("rankings")
    ranking_of: dict[str, tuple[str, str]] = {}     # rankings key -> (session key, ranker)
    methods: dict[str, tuple[str | None, int]] = {}  # rankings key -> (ranking_method, row)
    empty: list[tuple[str, int]] = []               # rankings that rank no harm: (method, row)
    if rankings is not None:
        f = _columns_of(rankings)
        for i in range(len(rankings.keys)):
            session = parent_session(rankings, i)
            if session is None:
                continue
            ranker = as_text(_get(f, i, "ranker_group")) or as_text(_get(f, i, "ranker_id"))
            ranking_of[rankings.keys[i]] = (rankings.parents[i], ranker)
            method = as_text(_get(f, i, "ranking_method"))
            methods[rankings.keys[i]] = (method, i)
            base = {"session_id": session["session_id"], "ranker": ranker}
            before = len(c["rankings"].rows)
            if method == "order":
                for r, harm in enumerate((as_text(_get(f, i, "order")) or "").split(), start=1):
                    c["rankings"].add({**base, "harm_id": harm, "rank": r, "score": None}, rankings.part, rankings.rows[i])
            elif method == "positions":
                positions = sorted((int(n[4:]), n) for n in f if re.fullmatch(r"pos_\d+", n))
                for r, name in positions:
                    harm = as_text(f[name][i])
                    if harm:
                        c["rankings"].add({**base, "harm_id": harm, "rank": r, "score": None}, rankings.part, rankings.rows[i])
            if method in ("order", "positions") and len(c["rankings"].rows) == before:
                empty.append((method, i))
            elif method not in ("order", "positions", "items"):
                problems.add(Problem(export.where(rankings.part), "unknown ranking method", row=rankings.rows[i],
                                     column="ranking_method", value=str(method), expected="order, positions or items"))

    items = export.sheets.get("items")
    with_items: set[str] = set()
    if items is not None:
        f = _columns_of(items)
        via = {key: session_key for key, (session_key, _) in ranking_of.items()}
        for i in range(len(items.keys)):
            owner = ranking_of.get(items.parents[i])
            if owner is None:
                problems.add(Problem(export.where(items.part), "refers to a ranking that is not in the export",
                                     row=items.rows[i], column=items.parent_column, value=items.parent_shown(i),
                                     expected="a row of the rankings repeat"))
                continue
            session = parent_session(items, i, via)
            if session is None:
                continue
            with_items.add(items.parents[i])
            c["rankings"].add({"session_id": session["session_id"], "ranker": owner[1],
                               "harm_id": as_text(_get(f, i, "item_harm")), "rank": _get(f, i, "item_rank"),
                               "score": _get(f, i, "item_score")}, items.part, items.rows[i])

    if rankings is not None:
        if items is not None:
            empty += [(m, i) for key, (m, i) in methods.items() if m == "items" and key not in with_items]
        columns = {"order": "order", "positions": "pos_1", "items": "ranking_method"}
        for method, i in sorted(empty, key=lambda e: e[1]):
            problems.add(Problem(export.where(rankings.part), "a ranking that ranks no harm", row=rankings.rows[i],
                                 column=columns[method], value="" if method != "items" else method,
                                 expected="the harms in order" if method == "order" else
                                 "a harm in position 1 or later" if method == "positions" else
                                 f"rows in {export.sheets['items'].part or 'the items table'} linked to this ranking"))

    decisions = export.sheets.get("decisions")
    if decisions is not None:
        f = _columns_of(decisions)
        position = {}
        for i in range(len(decisions.keys)):
            session = parent_session(decisions, i)
            if session is None:
                continue
            position[decisions.parents[i]] = position.get(decisions.parents[i], 0) + 1
            priority = _get(f, i, "priority")
            c["decisions"].add({"community_id": session["community_id"], "session_id": session["session_id"],
                                "harm_id": as_text(_get(f, i, "decision_harm")),
                                "priority": position[decisions.parents[i]] if is_blank(priority) else priority},
                               decisions.part, decisions.rows[i])

    actions = export.sheets.get("actions")
    if actions is not None:
        f = _columns_of(actions)
        for i in range(len(actions.keys)):
            session = parent_session(actions, i)
            if session is None:
                continue
            c["actions"].add({"action_id": as_text(_get(f, i, "action_id")), "community_id": session["community_id"],
                              "harm_id": as_text(_get(f, i, "action_harm")), "cycle": session["cycle"],
                              "description": as_text(_get(f, i, "action_description")),
                              "shareable": as_text(_get(f, i, "action_shareable")),
                              "proposed_by": _proposer(export, actions, f, i),
                              "session_id": session["session_id"], "lead": as_text(_get(f, i, "action_lead")),
                              "partners": as_text(_get(f, i, "action_partners")),
                              "due_date": as_date(_get(f, i, "action_due_date")),
                              "resources": as_text(_get(f, i, "action_resources"))}, actions.part, actions.rows[i])

    from ..contract import TABLES

    frames = {"communities": communities.frame(TABLES["communities"].column_names),
              "harms": harms.frame(TABLES["harms"].column_names)}
    sources = {"communities": communities.source(form_export), "harms": harms.source(form_export)}
    for name, collector in c.items():
        optional = name in ("attendance_counts", "participants", "attendance", "turns", "actions")
        if optional and not collector.rows:
            continue
        frames[name] = collector.frame(TABLES[name].column_names)
        sources[name] = collector.source(export)
    return frames, sources


#: The questions of the ``actions`` repeat behind each column of the contract's ``actions`` table
#: (the other columns come from the session the action belongs to).
ACTION_QUESTIONS = {"action_id": "action_id", "harm_id": "action_harm", "description": "action_description",
                    "shareable": "action_shareable", "lead": "action_lead", "partners": "action_partners",
                    "due_date": "action_due_date", "resources": "action_resources"}
#: Where ``proposed_by`` comes from, by the answer to ``proposer_type``.
PROPOSER_QUESTIONS = {"group": "proposer_group", "participant": "proposer_id", PLANNING_GROUP: None}


def _proposer(export: Export, sheet: Sheet, f: dict[str, list], i: int) -> str | None:
    """``proposed_by`` of an action row: the group, the participant's code or ``planning_group``."""
    kind = as_text(_get(f, i, "proposer_type"))
    where = export.where(sheet.part)
    if kind not in PROPOSER_QUESTIONS:
        export.problems.add(Problem(where, "missing value" if kind is None else "unknown value", row=sheet.rows[i],
                                    column="proposer_type", value=kind,
                                    expected="one of " + ", ".join(PROPOSER_QUESTIONS)))
        return None
    question = PROPOSER_QUESTIONS[kind]
    if question is None:
        return PLANNING_GROUP
    value = as_text(_get(f, i, question))
    if value is None:
        export.problems.add(Problem(where, "missing value", row=sheet.rows[i], column=question,
                                    expected=f"the proposer's {'group' if kind == 'group' else 'participant code'} "
                                    f"(proposer_type is {kind})"))
    return value


def _in_export_terms(problems: list[Problem], sources: dict[str, Source], reported: ProblemList) -> list[Problem]:
    """The contract's problems of the ``actions`` table named by the export's questions.

    A ``proposed_by`` left empty was already reported on the question the answer comes from.
    """
    updates = sources.get("action_updates")
    if updates is not None:       # an update's date is its visit's
        problems = [replace(p, column="visit_date") if p.file == updates.file and p.column == "date" else p
                    for p in problems]
    source = sources.get("actions")
    if source is None:
        return problems
    asked = ("proposer_type", "proposer_group", "proposer_id")
    already = {(p.file, p.row) for p in reported.problems if p.column in asked}
    out = []
    for p in problems:
        if p.file != source.file:
            out.append(p)
        elif p.column == "proposed_by" and (p.file, p.row) in already and p.message == "missing value":
            continue
        elif p.column in ACTION_QUESTIONS:
            out.append(replace(p, column=ACTION_QUESTIONS[p.column]))
        elif p.column == "proposed_by":
            out.append(replace(p, column="proposer_group or proposer_id"))
        else:
            out.append(p)
    return out


def _roster_decides_speakers(export: Export, frames: dict, scheme: SubgroupScheme | None) -> None:
    """A turn whose speaker is on the roster counts in the roster's subgroup; a different subgroup ticked
    for the turn (a young woman ticked as a girl) is listed as a note, not kept and not an error."""
    turns, people = frames.get("turns"), frames.get("participants")
    if turns is None or people is None or not {"participant_id", "subgroup"} <= set(turns) \
            or not {"participant_id", "gender", "age_group"} <= set(people) or not len(people):
        return
    scheme = scheme or SubgroupScheme.default()
    known = people.dropna(subset=["participant_id"]).drop_duplicates("participant_id").set_index("participant_id")
    try:
        derived = pd.Series(scheme.assign(known["gender"], known["age_group"]).to_numpy(), index=known.index)
    except (TypeError, ValueError):  # blank or unknown categories: the checks of the contract report them
        return
    roster = turns["participant_id"].map(derived)
    stated = turns["subgroup"]
    differs = stated.notna() & roster.notna() & (stated.astype(str) != roster.astype(str))
    for i in turns.index[differs.fillna(False).to_numpy(bool)]:
        pid = turns.at[i, "participant_id"]
        export.notes.append(Problem(export.where("turns"), f"turn {turns.at[i, 'turn']} of session "
                                    f"{turns.at[i, 'session_id']}: the speaker {pid} was ticked as "
                                    f"\"{stated[i]}\" but the roster makes them \"{roster[i]}\" "
                                    f"({known.at[pid, 'gender']}, {known.at[pid, 'age_group']}); counted as "
                                    f"{roster[i]}"))
    turns.loc[differs.fillna(False).to_numpy(bool), "subgroup"] = None


def build_dataset(export: Export, form: str | Path | dict | None = None,
                  scheme: SubgroupScheme | None = None) -> Dataset:
    """Validate an export's contract tables; problems point to the export's sheets and rows.

    Raises
    ------
    DatasetError
        With every problem of the reading and of the data contract's checks.
    """
    form = load_form(form)
    if export.stopped:
        raise DatasetError(export.name, export.problems.problems)
    frames, sources = build_tables(export, form)
    if export.kind in MAIN_TABLE_ONLY:
        # the repeats are not there (already said): list the problems of the rows read, not the missing tables
        try:
            Dataset.from_sources(frames, sources, scheme=scheme, source=export.name, problems=export.problems)
        except DatasetError as error:
            kept = [p for p in error.problems if p.file.startswith((export.name, str(form["file"])))]
            raise DatasetError(export.name, kept) from None
    _roster_decides_speakers(export, frames, scheme)
    try:
        data = Dataset.from_sources(frames, sources, scheme=scheme, source=export.name, file_format="form export",
                                    problems=export.problems)
    except DatasetError as error:
        raise DatasetError(export.name, _in_export_terms(error.problems, sources, export.problems)) from None
    data.import_notes = list(export.notes)
    return data


def load_form(form) -> dict:
    """The form as read by :func:`cpanalysis.forms.read_form` (default: the shipped form)."""
    if isinstance(form, dict):
        return form
    path = Path(form) if form is not None else shipped_form_path()
    expected = "an XLSForm (.xlsx with survey and choices sheets), the one the data was collected with"
    try:
        read = read_form(path)
    except FileNotFoundError:
        raise DatasetError(path.name, [Problem(path.name, "the form was not found", value=str(path),
                                               expected=expected)]) from None
    except Exception as exc:  # openpyxl raises many kinds for files that are not workbooks
        raise DatasetError(path.name, [Problem(path.name, f"the form could not be read: {exc}",
                                               expected=expected)]) from None
    if not read["survey"]:
        raise DatasetError(path.name, [Problem(path.name, "this is not an XLSForm: it has no survey sheet (was the "
                                               "export given as the form?)", expected=expected)])
    return read


__all__ = ["ExportSource", "Sheet", "Export", "build_tables", "build_dataset", "DatasetError"]
