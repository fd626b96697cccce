"""Exports of the follow-up form (``cp_followup``) as rows of the contract's ``action_updates`` table.

One submission is one follow-up visit (community, date, facilitator); each row of its ``updates``
repeat is the status of one action seen that day. An update's ``date`` is its visit's
``visit_date``. The updates only make sense with the actions they follow, so they are validated
together with a session export or with a dataset an earlier import wrote (see
:func:`cpanalysis.importers.import_exports`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..forms import FOLLOWUP_FORM_ID
from ..problems import Problem
from ._core import Export, _columns_of, _get, as_date, as_text, load_form

#: The contract's ``action_updates`` columns and the questions of the follow-up form behind them.
UPDATE_QUESTIONS = {"action_id": "action_id", "date": "visit_date", "status": "status", "note": "note"}


def shipped_followup_form_path() -> Path:
    """The shipped follow-up form (``data/forms/cp_followup.xlsx``, or the copy under resources).

    Examples
    --------
    >>> shipped_followup_form_path().name
    'cp_followup.xlsx'
    """
    here = Path(__file__).resolve().parent.parent
    for candidate in (here.parent / "data" / "forms" / f"{FOLLOWUP_FORM_ID}.xlsx",
                      here / "resources" / "forms" / f"{FOLLOWUP_FORM_ID}.xlsx"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"the shipped form {FOLLOWUP_FORM_ID}.xlsx was not found (data/forms or "
                            "cpanalysis/resources/forms)")


def load_followup_form(form=None) -> dict:
    """The follow-up form as read by :func:`cpanalysis.forms.read_form` (default: the shipped one)."""
    return load_form(form if form is not None else shipped_followup_form_path())


def update_rows(export: Export, form: dict) -> list[dict]:
    """The follow-up export's updates: one dict per row of ``updates``, with where it came from.

    Each dict has the ``action_updates`` columns, ``community`` (the visit's) and ``_where``
    (``(part, row)`` in the export). Problems of the visits (an unknown community, a visit without
    a date, an update linked to no visit) go to ``export.problems``.

    Examples
    --------
    >>> import cpanalysis, tempfile, pathlib
    >>> from cpanalysis.importers import read_export
    >>> from cpanalysis.importers.exports import followup_form_for, write_followup_odk_zip
    >>> data = cpanalysis.simulate(1, seed=3)
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> form = load_followup_form(followup_form_for(data, folder / "cp_followup.xlsx"))
    >>> export = read_export(write_followup_odk_zip(data, folder / "visits.zip"), form=form)
    >>> rows = update_rows(export, form)
    >>> len(rows) == len(data.tables["action_updates"]), rows[0]["_where"]
    (True, ('visits.zip [cp_followup-updates.csv]', 'line 2'))
    """
    main, updates = export.sheets.get("main"), export.sheets.get("updates")
    if main is None:
        return []
    communities = {as_text(r.get("name")) for r in form["choices"] if r.get("list_name") == "community"}
    visits: dict[str, dict] = {}
    f = _columns_of(main)
    where = export.where(main.part)
    for i, key in enumerate(main.keys):
        community, day = as_text(_get(f, i, "community")), as_date(_get(f, i, "visit_date"))
        if community is None or community not in communities:
            export.problems.add(Problem(where, "missing value" if community is None else "unknown community",
                                        row=main.rows[i], column="community", value=community,
                                        expected=f"one of the communities of the form {form['file']}"))
        if day is None:
            export.problems.add(Problem(where, "missing value", row=main.rows[i], column="visit_date",
                                        expected="the date of the visit"))
        visits[key] = {"community": community, "date": day}
    rows = []
    if updates is None:
        return rows
    f = _columns_of(updates)
    where = export.where(updates.part)
    for i in range(len(updates.keys)):
        visit = visits.get(updates.parents[i]) if updates.parents[i] is not None else None
        if visit is None:
            if updates.parents[i] is not None:
                export.problems.add(Problem(where, "refers to a visit that is not in the export", row=updates.rows[i],
                                            column=updates.parent_column, value=updates.parent_shown(i),
                                            expected="a row of the main table"))
            continue
        rows.append({"action_id": as_text(_get(f, i, "action_id")), "date": visit["date"],
                     "status": as_text(_get(f, i, "status")), "note": as_text(_get(f, i, "note")),
                     "community": visit["community"], "_where": (export.where(updates.part), updates.rows[i])})
    return rows


def check_communities(rows: list[dict], actions: pd.DataFrame | None) -> list[Problem]:
    """An update of an action agreed in another community than the one visited.

    Examples
    --------
    >>> import pandas as pd
    >>> actions = pd.DataFrame({"action_id": ["A1"], "community_id": ["C01"]})
    >>> rows = [{"action_id": "A1", "community": "C02", "_where": ("f.xlsx [sheet updates]", "row 2")}]
    >>> [str(p) for p in check_communities(rows, actions)]
    ['f.xlsx [sheet updates], row 2, column "action_id": the action belongs to another community than the one visited (found "A1"); expected an action of C02 (the action plan gives C01)']
    """
    if actions is None or not {"action_id", "community_id"} <= set(actions):
        return []
    home = dict(zip(actions["action_id"].astype(str), actions["community_id"].astype(str)))
    out = []
    for row in rows:
        theirs = home.get(str(row["action_id"]))
        if theirs is not None and row.get("community") is not None and theirs != row["community"]:
            out.append(Problem(row["_where"][0], "the action belongs to another community than the one visited",
                               row=row["_where"][1], column="action_id", value=row["action_id"],
                               expected=f"an action of {row['community']} (the action plan gives {theirs})"))
    return out
