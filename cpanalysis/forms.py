"""The XLSForm that M&E officers fill in on tablets (KoboToolbox or ODK Collect), built from code.

One form, ``cp_session``, records one session: its details, who attended (head counts by
subgroup, a roster of pseudonymous codes, or both), the speaking turns, the rankings of harms made
in the session and, for a planning-group session, the decision and the action plan (contract v2:
one repeat row per action agreed). :func:`build_session_form` writes it. A second, short form,
``cp_followup`` (:func:`build_followup_form`), records a follow-up visit: the status of each action
on that day. ``python -m cpanalysis.forms data/forms`` rebuilds the shipped copies in ``data/forms/``.

The action-planning questions are kept apart from the v1 questions (:func:`action_fields`,
:data:`ACTION_REPEATS`; :func:`followup_fields`, :data:`FOLLOWUP_REPEATS`), so that code reading
v1 exports (:func:`session_fields`, :data:`REPEATS`) is unchanged. The importers read both: the
``actions`` repeat of a session export, and follow-up exports into ``action_updates``
(:func:`cpanalysis.importers.import_exports`; see ``docs/actions.md``).

The importers (:mod:`cpanalysis.importers`) read exports of this form. They take the lists of
communities and harms (with their names, districts and the ``sensitive`` flag) from the form's
``choices`` sheet, so a programme edits those two lists in its copy of the form and passes that
copy to ``cpanalysis import --form``.

Rankings can be entered three ways, chosen per ranking in ``ranking_method``:

- ``order``: an XLSForm ``rank`` question (drag the harms into order; no ties, every harm ranked);
- ``positions``: one ``select_one`` per position (1st, 2nd, ...; positions may stay empty);
- ``items``: a repeat with one row per harm (rank and/or score, e.g. proportional piling), which
  allows ties and scores.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from . import contract
from .subgroups import STATUS_GROUPS, SubgroupScheme
from .validation import KNOWN_MARGINALISED_REASONS

FORM_ID = "cp_session"
FORM_TITLE = "Community planning session"
FORM_VERSION = "2"
FOLLOWUP_FORM_ID = "cp_followup"
FOLLOWUP_FORM_TITLE = "Follow-up of community actions"
FOLLOWUP_FORM_VERSION = "1"

#: Head-count fields (``count_<subgroup>``): the default subgroup scheme's names.
COUNT_SUBGROUPS = SubgroupScheme.default().subgroups
GROUPS = COUNT_SUBGROUPS + STATUS_GROUPS + KNOWN_MARGINALISED_REASONS
GENDERS, AGE_GROUPS, FORMATS, KINDS = contract.GENDERS, contract.AGE_GROUPS, contract.SESSION_FORMATS, contract.TURN_KINDS
ELITE_ROLES = ("chief", "religious_leader", "councillor", "committee_member", "wealthy_family", "other")
REASONS = KNOWN_MARGINALISED_REASONS
#: Example lists; a programme replaces them with its own (``harms``/``communities`` arguments).
DEFAULT_HARMS = contract.COMMON_HARMS
DEFAULT_COMMUNITIES = tuple((f"C{i:02d}", f"Community {i:02d}", f"District {(i - 1) % 4 + 1}") for i in range(1, 13))


@dataclass(frozen=True)
class Field:
    """One question of the form: its XML name, type, label and the repeat it lives in (None = main)."""

    name: str
    type: str
    label: str
    group: str | None = None      # enclosing (non-repeat) group name, for group paths in exports
    repeat: str | None = None     # enclosing repeat name
    relevant: str | None = None
    required: bool = False
    calculation: str | None = None
    constraint: str | None = None

    @property
    def list_name(self) -> str | None:
        parts = self.type.split()
        return parts[1] if len(parts) == 2 and parts[0] in ("select_one", "select_multiple", "rank") else None

    @property
    def kind(self) -> str:
        return self.type.split()[0]


#: Repeats: name -> (parent repeat or None, label, relevant).
REPEATS: dict[str, tuple[str | None, str, str | None]] = {
    "roster": (None, "Roster (pseudonymous codes, never names)", "${attendance_mode} = 'roster' or ${attendance_mode} = 'both'"),
    "turns": (None, "Speaking turns, in order", None),
    "rankings": (None, "Rankings of harms", None),
    "items": ("rankings", "One row per harm", "${ranking_method} = 'items'"),
    "decisions": (None, "Decision: harms chosen, in priority order", "${format} = 'planning_group'"),
}
#: The action-planning repeat of the session form (contract v2), apart from the v1 repeats.
ACTION_REPEATS: dict[str, tuple[str | None, str, str | None]] = {
    "actions": (None, "Action plan: actions agreed on the chosen harms", "${format} = 'planning_group'"),
}
#: The repeat of the follow-up form: one row per action seen on the visit.
FOLLOWUP_REPEATS: dict[str, tuple[str | None, str, str | None]] = {
    "updates": (None, "Actions followed up", None),
}
PROPOSER_TYPES = ("group", "participant", contract.PLANNING_GROUP)


def session_fields(n_positions: int = 8) -> list[Field]:
    """Every question of the form, in form order (``n_positions``: how many ``pos_k`` questions)."""
    s, c = "session", "counts"
    fields = [
        Field("community", "select_one community", "Community", group=s, required=True),
        Field("session_id", "text", "Session code", group=s, required=True),
        Field("date", "date", "Date of the session", group=s, required=True),
        Field("cycle", "integer", "Planning cycle", group=s, required=True, constraint=". >= 1"),
        Field("format", "select_one format", "Format", group=s, required=True),
        Field("convened_for", "select_one group", "Convened for", group=s,
              relevant="${format} = 'small_group' or ${format} = 'home_visit'"),
        Field("duration_min", "decimal", "Duration (minutes)", group=s, constraint=". >= 0"),
        Field("facilitator_id", "text", "Facilitator code", group=s),
        Field("attendance_mode", "select_one attendance_mode", "How was attendance recorded?", required=True),
    ]
    fields += [Field(f"count_{g}", "integer", f"Number of {g}", group=c, constraint=". >= 0") for g in COUNT_SUBGROUPS]
    r = "roster"
    fields += [
        Field("participant_id", "text", "Participant code", repeat=r, required=True),
        Field("gender", "select_one gender", "Gender", repeat=r, required=True),
        Field("age_group", "select_one age_group", "Age group", repeat=r, required=True),
        Field("elite", "select_one yes_no", "Elite (chief, religious leader, councillor, committee, wealthy)?",
              repeat=r, required=True),
        Field("elite_role", "select_one elite_role", "Elite role", repeat=r, relevant="${elite} = 'yes'"),
        Field("marginalised", "select_one yes_no", "Marginalised?", repeat=r),
        Field("marginalised_reason", "select_multiple reason", "Reason", repeat=r, relevant="${marginalised} = 'yes'"),
    ]
    t = "turns"
    fields += [
        Field("turn", "calculate", "Turn", repeat=t, calculation="position(..)"),
        Field("speaker_subgroup", "select_one group", "Speaker's subgroup", repeat=t),
        Field("speaker_id", "text", "Speaker's code (optional)", repeat=t),
        Field("kind", "select_one kind", "Kind of turn", repeat=t),
        Field("harm_id", "select_one harm", "Harm named", repeat=t),
        Field("duration_s", "decimal", "Duration (seconds)", repeat=t, constraint=". >= 0"),
        Field("interrupted", "select_one yes_no", "Interrupted?", repeat=t),
    ]
    k = "rankings"
    fields += [
        Field("ranker_type", "select_one ranker_type", "Who ranked?", repeat=k, required=True),
        Field("ranker_group", "select_one group", "Group", repeat=k, relevant="${ranker_type} = 'group'"),
        Field("ranker_id", "text", "Ranker's participant code", repeat=k, relevant="${ranker_type} = 'individual'"),
        Field("ranking_method", "select_one ranking_method", "How was the ranking recorded?", repeat=k, required=True),
        Field("order", "rank harm", "Put the harms in order (most important first)", repeat=k,
              relevant="${ranking_method} = 'order'"),
    ]
    fields += [Field(f"pos_{i}", "select_one harm", f"Harm in position {i}", repeat=k,
                     relevant="${ranking_method} = 'positions'") for i in range(1, n_positions + 1)]
    fields += [
        Field("item_harm", "select_one harm", "Harm", repeat="items", required=True),
        Field("item_rank", "integer", "Rank (1 = most important)", repeat="items", constraint=". >= 1"),
        Field("item_score", "decimal", "Score (counters, votes)", repeat="items", constraint=". >= 0"),
        Field("priority", "calculate", "Priority", repeat="decisions", calculation="position(..)"),
        Field("decision_harm", "select_one harm", "Harm chosen", repeat="decisions", required=True),
    ]
    return fields


def action_fields() -> list[Field]:
    """The action-planning questions of the session form (the ``actions`` repeat, contract v2).

    Examples
    --------
    >>> [f.name for f in action_fields()][:3]
    ['action_id', 'action_harm', 'action_description']
    """
    a = "actions"
    return [
        Field("action_id", "text", "Action code", repeat=a, required=True),
        Field("action_harm", "select_one harm", "Harm the action addresses", repeat=a, required=True),
        Field("action_description", "text", "What will be done (stays in the data folder unless shareable)",
              repeat=a),
        Field("action_shareable", "select_one yes_no", "May the description be shown in reports?", repeat=a),
        Field("proposer_type", "select_one proposer_type", "Who proposed the action?", repeat=a, required=True),
        Field("proposer_group", "select_one group", "Proposing group", repeat=a,
              relevant="${proposer_type} = 'group'"),
        Field("proposer_id", "text", "Proposer's participant code", repeat=a,
              relevant="${proposer_type} = 'participant'"),
        Field("action_lead", "select_one lead", "Who leads the action?", repeat=a, required=True),
        Field("action_partners", "select_multiple lead", "Partners", repeat=a),
        Field("action_due_date", "date", "Due date", repeat=a),
        Field("action_resources", "select_one resources", "Whose resources mainly?", repeat=a),
    ]


def followup_fields() -> list[Field]:
    """The questions of the follow-up form: the visit, then one repeat row per action seen.

    Examples
    --------
    >>> [f.name for f in followup_fields()]
    ['community', 'visit_date', 'facilitator_id', 'action_id', 'status', 'note']
    """
    v, u = "visit", "updates"
    return [
        Field("community", "select_one community", "Community", group=v, required=True),
        Field("visit_date", "date", "Date of the follow-up visit", group=v, required=True),
        Field("facilitator_id", "text", "Facilitator code", group=v),
        Field("action_id", "text", "Action code (as in the action plan)", repeat=u, required=True),
        Field("status", "select_one status", "Status on that day", repeat=u, required=True),
        Field("note", "text", "Note (stays in the data folder unless the action is shareable)", repeat=u),
    ]


def _choices(harms, communities) -> list[dict]:
    rows: list[dict] = []

    def add(list_name, names, labels=None, **extra):
        for i, name in enumerate(names):
            row = {"list_name": list_name, "name": name,
                   "label": labels[i] if labels else name.replace("_", " ").capitalize()}
            row.update({key: values[i] for key, values in extra.items()})
            rows.append(row)

    add("community", [c[0] for c in communities], [c[1] for c in communities],
        district=[c[2] if len(c) > 2 else None for c in communities])
    add("harm", [h[0] for h in harms], [h[1] for h in harms],
        sensitive=["yes" if len(h) > 2 and h[2] else "no" for h in harms])
    add("format", FORMATS)
    add("group", GROUPS)
    add("attendance_mode", ("counts", "roster", "both"),
        ["Head counts by subgroup", "Roster of codes", "Both"])
    add("gender", GENDERS)
    add("age_group", AGE_GROUPS)
    add("yes_no", ("yes", "no"), ["Yes", "No"])
    add("elite_role", ELITE_ROLES)
    add("reason", REASONS)
    add("kind", KINDS)
    add("ranker_type", ("group", "individual"), ["A small group (consensus)", "One person"])
    add("ranking_method", ("order", "positions", "items"),
        ["Order all harms", "One harm per position", "Rank and/or score per harm (ties allowed)"])
    add("proposer_type", PROPOSER_TYPES, ["A group (subgroup, small group)", "One person", "The planning group"])
    add("lead", contract.ACTION_LEADS, ["A community group or committee", "The planning group", "A subgroup",
                                        "Government", "A service provider", "The NGO or agency", "Other"])
    add("resources", contract.ACTION_RESOURCES)
    return rows


def _followup_choices(communities) -> list[dict]:
    rows = [{"list_name": "community", "name": c[0], "label": c[1], "district": c[2] if len(c) > 2 else None}
            for c in communities]
    rows += [{"list_name": "status", "name": s, "label": s.capitalize()} for s in contract.ACTION_STATUSES]
    return rows


def survey_rows(n_positions: int = 8) -> list[dict]:
    """The ``survey`` sheet of the session form as rows (dicts keyed by column)."""
    return _survey(session_fields(n_positions) + action_fields(), {**REPEATS, **ACTION_REPEATS})


def _survey(fields: list[Field], repeats: dict) -> list[dict]:
    rows = [{"type": "start", "name": "start"}, {"type": "end", "name": "end"}]
    open_group = None
    open_repeats: list[str] = []
    group_labels = {"session": "Session details", "counts": "Head counts by subgroup", "visit": "Follow-up visit"}

    def close_repeats(until: str | None):
        while open_repeats and open_repeats[-1] != until:
            rows.append({"type": "end_repeat", "name": open_repeats.pop()})

    for f in fields:
        if f.group != open_group:
            if open_group:
                rows.append({"type": "end_group", "name": open_group})
            if f.group:
                row = {"type": "begin_group", "name": f.group, "label": group_labels[f.group]}
                if f.group == "counts":
                    row["relevant"] = "${attendance_mode} = 'counts' or ${attendance_mode} = 'both'"
                rows.append(row)
            open_group = f.group
        if f.repeat not in open_repeats:
            parent = repeats[f.repeat][0] if f.repeat else None
            close_repeats(parent)
            if f.repeat:
                _, label, relevant = repeats[f.repeat]
                rows.append({"type": "begin_repeat", "name": f.repeat, "label": label, "relevant": relevant})
                open_repeats.append(f.repeat)
        elif open_repeats and open_repeats[-1] != f.repeat:
            close_repeats(f.repeat)
        rows.append({"type": f.type, "name": f.name, "label": f.label if f.kind != "calculate" else None,
                     "relevant": f.relevant, "required": "yes" if f.required else None,
                     "constraint": f.constraint, "calculation": f.calculation})
    if open_group:
        rows.append({"type": "end_group", "name": open_group})
    close_repeats(None)
    return rows


SURVEY_COLUMNS = ("type", "name", "label", "relevant", "required", "constraint", "calculation")


def build_session_form(path: str | Path, *, harms=None, communities=None) -> Path:
    """Write the session XLSForm (``survey``, ``choices``, ``settings`` sheets) to ``path``.

    Parameters
    ----------
    path : str or Path
        The ``.xlsx`` file to write (folders are created).
    harms : sequence of (harm_id, label, sensitive), optional
        The harms offered in the form; default :data:`DEFAULT_HARMS`.
    communities : sequence of (community_id, name, district), optional
        The communities offered; default :data:`DEFAULT_COMMUNITIES`.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cpanalysis.forms import build_session_form
    >>> build_session_form(pathlib.Path(tempfile.mkdtemp()) / "cp_session.xlsx").name
    'cp_session.xlsx'
    """
    harms = tuple(harms) if harms is not None else DEFAULT_HARMS
    communities = tuple(communities) if communities is not None else DEFAULT_COMMUNITIES
    return _write_form(path, survey_rows(max(len(harms), 1)), _choices(harms, communities),
                       (FORM_TITLE, FORM_ID, FORM_VERSION))


def build_followup_form(path: str | Path, *, communities=None) -> Path:
    """Write the follow-up XLSForm: one submission per visit, one repeat row per action's status.

    Parameters
    ----------
    path : str or Path
        The ``.xlsx`` file to write (folders are created).
    communities : sequence of (community_id, name, district), optional
        The communities offered; default :data:`DEFAULT_COMMUNITIES`.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cpanalysis.forms import build_followup_form
    >>> build_followup_form(pathlib.Path(tempfile.mkdtemp()) / "cp_followup.xlsx").name
    'cp_followup.xlsx'
    """
    communities = tuple(communities) if communities is not None else DEFAULT_COMMUNITIES
    return _write_form(path, _survey(followup_fields(), FOLLOWUP_REPEATS), _followup_choices(communities),
                       (FOLLOWUP_FORM_TITLE, FOLLOWUP_FORM_ID, FOLLOWUP_FORM_VERSION))


def _write_form(path, survey_rows_: list[dict], choice_rows: list[dict], settings_row: tuple) -> Path:
    from openpyxl import Workbook

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(list(SURVEY_COLUMNS))
    for row in survey_rows_:
        survey.append([row.get(c) for c in SURVEY_COLUMNS])
    choices = book.create_sheet("choices")
    columns = ["list_name", "name", "label", "district", "sensitive"]
    choices.append(columns)
    for row in choice_rows:
        choices.append([row.get(c) for c in columns])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version"])
    settings.append(list(settings_row))
    # Fixed workbook properties so that the file is byte-for-byte reproducible.
    from datetime import datetime
    book.properties.created = book.properties.modified = datetime(2024, 1, 1)
    book.properties.creator = "cpanalysis"
    book.save(path)
    return path


def read_form(path: str | Path) -> dict:
    """The parts of an XLSForm the importers need: settings, survey rows and choices (with sheet rows).

    Returns a dict with ``form_id``, ``title``, ``survey`` (list of dicts), ``choices`` (list of
    dicts, each with ``_row``, the choices sheet's row number) and ``file`` (the file name).
    """
    from openpyxl import load_workbook

    path = Path(path)
    book = load_workbook(path, read_only=True, data_only=True)

    def rows(sheet_name):
        if sheet_name not in book.sheetnames:
            return []
        values = list(book[sheet_name].iter_rows(values_only=True))
        if not values:
            return []
        header = [str(h).strip() if h is not None else "" for h in values[0]]
        out = []
        for number, raw in enumerate(values[1:], start=2):
            if all(v is None for v in raw):
                continue
            row = {h: v for h, v in zip(header, raw) if h}
            row["_row"] = number
            out.append(row)
        return out

    settings = (rows("settings") or [{}])[0]
    book_rows = {"survey": rows("survey"), "choices": rows("choices")}
    book.close()
    return {"form_id": settings.get("form_id") or path.stem, "title": settings.get("form_title") or path.stem,
            "survey": book_rows["survey"], "choices": book_rows["choices"], "file": path.name}


def shipped_form_path() -> Path:
    """The shipped form (``data/forms/cp_session.xlsx`` in a checkout, else a copy under resources)."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "data" / "forms" / f"{FORM_ID}.xlsx",
                      here / "resources" / "forms" / f"{FORM_ID}.xlsx"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"the shipped form {FORM_ID}.xlsx was not found (data/forms or cpanalysis/resources/forms)")


def main(argv: list[str] | None = None) -> int:
    """``python -m cpanalysis.forms FOLDER``: write the shipped forms into FOLDER (default data/forms)."""
    argv = sys.argv[1:] if argv is None else argv
    folder = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent / "data" / "forms"
    for written in (build_session_form(folder / f"{FORM_ID}.xlsx"),
                    build_followup_form(folder / f"{FOLLOWUP_FORM_ID}.xlsx")):
        print(f"wrote {written}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
