"""Exports of the session form and of the follow-up form, validated together as one dataset.

The session export gives every table but ``action_updates``; the follow-up exports give the
updates, each dated with its visit; a dataset an earlier import wrote can stand for the session
export (its updates are kept, and updates already there are not added twice). Every problem names
the export's sheet or file and row.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..contract import TABLES
from ..dataset import Dataset
from ..problems import DatasetError, Problem, ProblemList, Source
from ..subgroups import SubgroupScheme
from ._core import (MAIN_TABLE_ONLY, Export, ExportSource, _in_export_terms, _roster_decides_speakers, build_dataset,
                    build_tables, load_form)
from .followup import check_communities, load_followup_form, update_rows
from .form_schema import FormSchema


def _followup_alone(export: Export, followup: FormSchema) -> Problem:
    return Problem(export.name, f"this is an export of the follow-up form \"{followup.title}\" "
                   f"({followup.form_id}): status updates of actions, which are read with the actions they follow",
                   expected="the session export given with it (cpanalysis import SESSION_EXPORT FOLLOWUP_EXPORT -o "
                   "DATASET), or a dataset folder an earlier import wrote as the output (cpanalysis import "
                   "FOLLOWUP_EXPORT -o DATASET): its updates are added to that dataset; in Python, import_exports")


def _table_sources(folder: Path) -> dict[str, Source]:
    """Where each table of a dataset written by :meth:`Dataset.save` is, for problems."""
    out = {}
    for name in TABLES:
        if folder.is_file():
            out[name] = Source(f"{folder.name} [sheet {name}]", unit="row", first_data_row=2)
        elif (folder / f"{name}.parquet").exists():
            out[name] = Source(f"{folder.name}/{name}.parquet", unit="row", first_data_row=1)
        else:
            out[name] = Source(f"{folder.name}/{name}.csv", unit="line", first_data_row=2)
    return out


def _update_key(action_id, day, status, note) -> tuple:
    def text(v):
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return None
        return v.strftime("%Y-%m-%d") if hasattr(v, "strftime") else str(v)
    return tuple(text(v) for v in (action_id, day, status, note))


def validate_together(exports: list[Export], *, form=None, followup_form=None, dataset: str | Path | None = None,
                      scheme: SubgroupScheme | None = None) -> Dataset:
    """Validate read exports (at most one of the session form, any of the follow-up form) as one dataset.

    ``exports`` come from :func:`cpanalysis.importers.read_export` (or the OData reader), each with
    its ``form_id``; the other arguments are those of :func:`cpanalysis.importers.import_exports`.

    Raises
    ------
    DatasetError
        Every problem at once.

    Examples
    --------
    >>> from cpanalysis.importers.joint import validate_together
    >>> validate_together([])
    Traceback (most recent call last):
    ...
    cpanalysis.problems.DatasetError: 1 problem(s) in (no export):
      - (no export): no export was given; expected the session form's export, and any follow-up exports
    """
    session_form, followup_form = load_form(form), load_followup_form(followup_form)
    followup_schema = FormSchema(followup_form)
    if not exports:
        raise DatasetError("(no export)", [Problem("(no export)", "no export was given",
                                                   expected="the session form's export, and any follow-up exports")])
    names = ", ".join(e.name for e in exports)
    stopped = [p for e in exports if e.stopped for p in e.problems.problems]
    if stopped:
        raise DatasetError(names, stopped)
    partial = [e for e in exports if e.form_id == followup_schema.form_id and e.kind in MAIN_TABLE_ONLY]
    if partial:     # the visits only: read and checked, then the download with the updates is named
        for export in partial:
            update_rows(export, followup_form)
        raise DatasetError(names, [p for e in partial for p in e.problems.problems])
    sessions = [e for e in exports if e.form_id != followup_schema.form_id]
    followups = [e for e in exports if e.form_id == followup_schema.form_id]
    if len(sessions) > 1:
        raise DatasetError(names, [Problem(e.name, "a second export of the session form: one at a time",
                                           expected=f"one download of the session form (the first is "
                                           f"{sessions[0].name}): each download holds every submission")
                                   for e in sessions[1:]])
    if not sessions and dataset is None:
        raise DatasetError(names, [_followup_alone(e, followup_schema) for e in followups])
    existing = None
    if dataset is not None:
        from ..dataset import load

        try:
            existing = load(dataset)
        except DatasetError as error:
            raise DatasetError(str(dataset), [*error.problems, Problem(
                Path(dataset).name, "the output already holds a dataset, which is not valid (listed above): the "
                "import keeps its action updates", expected="another output folder, or that dataset fixed")]) from None
    if sessions:
        session = sessions[0]
        if not followups and existing is None:
            return build_dataset(session, session_form, scheme)
        if session.kind in MAIN_TABLE_ONLY:
            build_dataset(session, session_form, scheme)        # raises: the repeats are not there
        frames, sources = build_tables(session, session_form)
        _roster_decides_speakers(session, frames, scheme)
        problems = session.problems
    else:
        frames = {name: frame for name, frame in existing.contract_tables().items() if name != "action_updates"}
        sources = _table_sources(Path(dataset))
        problems = ProblemList()
    scheme = scheme or (existing.scheme if existing is not None and not sessions else None)

    rows, places, seen = [], [], set()
    kept = existing.tables.get("action_updates") if existing is not None else None
    if kept is not None:
        before = _table_sources(Path(dataset))["action_updates"]
        for i, r in enumerate(kept[["action_id", "date", "status", "note"]].itertuples(index=False)):
            rows.append(dict(zip(("action_id", "date", "status", "note"), r)))
            places.append((before.file, before.where(i)))
            seen.add(_update_key(*r))
    kept_keys = set(seen)
    repeated = {}          # where the same update was already read -> how many
    new_rows = []
    for export in followups:
        # downloads are cumulative: an update identical to one already read (in the dataset or an
        # earlier export) is the same visit again; identical rows within one export are kept
        these = set()
        for r in update_rows(export, followup_form):
            key = _update_key(r["action_id"], r["date"], r["status"], r["note"])
            if key in seen:
                where = Path(dataset).name if key in kept_keys else "an earlier export given"
                repeated[where] = repeated.get(where, 0) + 1
                continue
            these.add(key)
            new_rows.append(r)
            rows.append({k: r[k] for k in ("action_id", "date", "status", "note")})
            places.append(r["_where"])
        seen |= these
        for p in export.problems.problems:
            problems.add(p)
    for p in check_communities(new_rows, frames.get("actions")):
        problems.add(p)
    if rows:
        files = {file for file, _ in places}
        if len(files) == 1:
            update_source = ExportSource(files.pop(), unit="row", locations=tuple(w for _, w in places))
        else:
            update_source = ExportSource("action updates", unit="row",
                                         locations=tuple(f"from {f}, {w}" for f, w in places))
        frames["action_updates"] = pd.DataFrame(rows, columns=["action_id", "date", "status", "note"], dtype=object)
        sources["action_updates"] = update_source
    try:
        data = Dataset.from_sources(frames, sources, scheme=scheme, source=names, file_format="form export",
                                    problems=problems)
    except DatasetError as error:
        raise DatasetError(names, _in_export_terms(error.problems, sources, problems)) from None
    data.import_notes = [n for e in exports for n in e.notes]
    for where, n in repeated.items():
        data.import_notes.append(Problem(names, f"{n} update(s) already in {where} were not added again"))
    return data

