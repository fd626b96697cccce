"""ODK Central's OData feed, pulled with pyODK: submissions with their repeats, as an :class:`Export`.

``pull_odk_central(client, "cp_session")`` asks Central for ``Submissions?$expand=*`` (every repeat
nested in its submission) through ``client.submissions.get_table`` and validates the result like a
file export. Problems name the OData table (``Submissions``, ``Submissions.turns``, ...) and the
record's position in it (``record 12``).
"""

from __future__ import annotations

import pandas as pd

from ..forms import FORM_ID
from ..problems import Problem
from ._core import Export, Sheet, build_dataset, load_form
from .form_schema import FormSchema
from .readers import HeaderReader, RawTable, _main_table, _check_repeats, _no_submissions, _stop

ODATA_DOWNLOAD = "ODK Central's OData feed of the form's submissions with $expand=* (what pyODK returns)"


def _flatten(record: dict, repeats, prefix: str = "") -> dict:
    out = {}
    for key, value in record.items():
        if key in repeats or key.startswith("__") or "@odata" in key:
            continue
        if isinstance(value, dict):
            out.update(_flatten(value, repeats, f"{prefix}{key}/"))
        else:
            out[f"{prefix}{key}"] = value
    return out


def export_from_odata(payload, name: str = f"ODK Central form {FORM_ID}", *, form=None) -> Export:
    """Turn an OData ``Submissions?$expand=*`` JSON document into an :class:`Export`.

    Repeats nested in each submission (and nested repeats in their entries) become one table each.

    Examples
    --------
    >>> import cpanalysis, tempfile, pathlib
    >>> from cpanalysis.importers.exports import form_for, odata_submissions
    >>> data = cpanalysis.simulate(1, seed=3)
    >>> form = form_for(data, pathlib.Path(tempfile.mkdtemp()) / "form.xlsx")
    >>> export = export_from_odata(odata_submissions(data), form=form)
    >>> export.sheets["items"].part, len(export.problems)
    ('Submissions.rankings.items', 0)
    """
    schema = form if isinstance(form, FormSchema) else FormSchema(load_form(form))
    export = Export(name, {}, kind="odata-json")
    records = payload.get("value") if isinstance(payload, dict) else None
    if not isinstance(records, list):
        return _stop(export, "the document holds no OData submissions", expected=f'{ODATA_DOWNLOAD} ("value": [...])')
    if not records:
        return _no_submissions(export, "Submissions", ODATA_DOWNLOAD)
    tables: dict[str, dict[str, list]] = {}
    children = {r: [c for c, info in schema.repeats.items() if info.parent == r] for r in [None, *schema.repeats]}

    def add(table: str | None, record: dict, key: str, parent: str | None, where: str):
        t = tables.setdefault(table or "main", {"rows": [], "keys": [], "parents": []})
        t["rows"].append(_flatten(record, schema.repeats))
        t["keys"].append(key)
        t["parents"].append(parent)
        for repeat in children[table]:
            entries = record.get(repeat)
            if entries is None and f"{repeat}@odata.navigationLink" in record:
                export.problems.add(Problem(f"{name} [Submissions]", f"the {repeat} repeat was not expanded",
                                            row=where, expected=ODATA_DOWNLOAD))
                continue
            for k, entry in enumerate(entries or [], start=1):
                add(repeat, entry, entry.get("__id") or f"{key}/{repeat}[{k}]", key, where)

    for n, submission in enumerate(records, start=1):
        add(None, submission, submission.get("__id") or f"submission {n}", None, f"record {n}")
    raw_tables = {}
    for table, t in tables.items():
        part = "Submissions" if table == "main" else \
            "Submissions." + ".".join(_chain(schema, table))
        raw_tables[table] = RawTable(part, part, pd.DataFrame(t["rows"], dtype=object),
                                     [f"record {i}" for i in range(1, len(t["rows"]) + 1)])
    reader = HeaderReader(schema, list(raw_tables.values()))
    main = _main_table(export, reader, raw_tables["main"], None)
    if main is None:
        return export
    main.keys = tables["main"]["keys"]
    export.sheets["main"] = main
    for table, t in tables.items():
        if table == "main":
            continue
        export.sheets[table] = Sheet(table, reader.fields(raw_tables[table], table, export), t["keys"], t["parents"],
                                     raw_tables[table].part, raw_tables[table].rows, parent_column="__id")
    # a repeat no submission has entries for is absent from the feed: only say so when it should be there
    _check_repeats(export, schema, {r: r for r in tables if r != "main"})
    return export


def _chain(schema: FormSchema, repeat: str) -> list[str]:
    chain = [repeat]
    while schema.repeats[chain[0]].parent:
        chain.insert(0, schema.repeats[chain[0]].parent)
    return chain


def pull_odk_central(client, form_id: str = FORM_ID, *, project_id: int | None = None, form=None, scheme=None,
                     followup_form_id: str | None = None, followup_form=None):
    """Pull a form's submissions from ODK Central with pyODK and validate them.

    Parameters
    ----------
    client : pyodk.client.Client
        A logged-in client (``Client(config_path=...)``; see pyODK's documentation).
    form_id : str
        The session form's id on Central (default ``cp_session``).
    project_id : int, optional
        Default: the client's default project.
    form : str or Path, optional
        The XLSForm (for the communities and harms); default the shipped form.
    followup_form_id : str, optional
        The follow-up form's id on Central (``cp_followup``): its submissions become the
        ``action_updates``, validated with the session form's actions.
    followup_form : str or Path, optional
        The follow-up XLSForm; default the shipped one.

    Returns
    -------
    Dataset

    Examples
    --------
    >>> from pyodk.client import Client                                    # doctest: +SKIP
    >>> from cpanalysis.importers import pull_odk_central                 # doctest: +SKIP
    >>> with Client(config_path="pyodk_config.toml") as client:           # doctest: +SKIP
    ...     data = pull_odk_central(client, "cp_session", form="my_form.xlsx", followup_form_id="cp_followup")
    >>> data.save("dataset")                                               # doctest: +SKIP
    """
    from .followup import load_followup_form
    from .joint import validate_together

    form = load_form(form)
    exports = []
    for which, schema in ((form_id, FormSchema(form)),
                          *(((followup_form_id, FormSchema(load_followup_form(followup_form))),)
                            if followup_form_id else ())):
        payload = client.submissions.get_table(form_id=which, project_id=project_id, table_name="Submissions",
                                               expand="*")
        export = export_from_odata(payload, name=f"ODK Central form {which}", form=schema)
        export.form_id = schema.form_id
        exports.append(export)
    if followup_form_id is None:
        return build_dataset(exports[0], form, scheme)
    return validate_together(exports, form=form, followup_form=followup_form, scheme=scheme)
