"""ODK Central's OData feed, pulled with pyODK: submissions with their repeats, as an :class:`Export`.

``pull_odk_central(client, "cp_session")`` asks Central for ``Submissions?$expand=*`` (every repeat
nested in its submission) through ``client.submissions.get_table`` and validates the result like a
file export. Problems name the OData table (``Submissions``, ``Submissions.turns``, ...) and the
record's position in it (``record 12``).
"""

from __future__ import annotations

import pandas as pd

from ..forms import FORM_ID, REPEATS
from ..problems import Problem
from ._core import Export, Sheet, build_dataset, fields_frame, load_form


def _flatten(record: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in record.items():
        if key in REPEATS or key.startswith("__") or "@odata" in key:
            continue
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}/"))
        else:
            out[f"{prefix}{key}"] = value
    return out


def export_from_odata(payload: dict, name: str = f"ODK Central form {FORM_ID}") -> Export:
    """Turn an OData ``Submissions?$expand=*`` JSON document into an :class:`Export`."""
    export = Export(name, {})
    records = payload.get("value")
    if not isinstance(records, list):
        export.problems.add(Problem(name, "the response holds no submissions", expected='an OData document with "value"'))
        return export
    tables: dict[str, dict[str, list]] = {}

    def add(table: str, record: dict, key: str, parent: str | None):
        t = tables.setdefault(table, {"rows": [], "keys": [], "parents": []})
        t["rows"].append(_flatten(record))
        t["keys"].append(key)
        t["parents"].append(parent)

    for n, submission in enumerate(records, start=1):
        key = submission.get("__id") or f"submission {n}"
        add("main", submission, key, None)
        for repeat in ("roster", "turns", "rankings", "decisions"):
            entries = submission.get(repeat)
            if entries is None and f"{repeat}@odata.navigationLink" in submission:
                export.problems.add(Problem(f"{name} [Submissions]", f"the {repeat} repeat was not expanded",
                                            row=f"record {n}", expected="a response to Submissions?$expand=*"))
                continue
            for k, entry in enumerate(entries or [], start=1):
                entry_key = entry.get("__id") or f"{key}/{repeat}[{k}]"
                add(repeat, entry, entry_key, key)
                for j, item in enumerate(entry.get("items") or [], start=1):
                    add("items", item, item.get("__id") or f"{entry_key}/items[{j}]", entry_key)
    parts = {"main": "Submissions", "items": "Submissions.rankings.items"}
    for table, t in tables.items():
        raw = pd.DataFrame(t["rows"], dtype=object)
        part = parts.get(table, f"Submissions.{table}")
        export.sheets[table] = Sheet(table, fields_frame(raw, "/"), t["keys"], t["parents"], part,
                                     [f"record {i}" for i in range(1, len(raw) + 1)], parent_column="__id")
    return export


def pull_odk_central(client, form_id: str = FORM_ID, *, project_id: int | None = None, form=None, scheme=None):
    """Pull a form's submissions from ODK Central with pyODK and validate them.

    Parameters
    ----------
    client : pyodk.client.Client
        A logged-in client (``Client(config_path=...)``; see pyODK's documentation).
    form_id : str
        The form's id on Central (default ``cp_session``).
    project_id : int, optional
        Default: the client's default project.
    form : str or Path, optional
        The XLSForm (for the communities and harms); default the shipped form.

    Returns
    -------
    Dataset

    Examples
    --------
    >>> from pyodk.client import Client                                    # doctest: +SKIP
    >>> from cpanalysis.importers import pull_odk_central                 # doctest: +SKIP
    >>> with Client(config_path="pyodk_config.toml") as client:           # doctest: +SKIP
    ...     data = pull_odk_central(client, "cp_session", form="my_form.xlsx")
    >>> data.save("dataset")                                               # doctest: +SKIP
    """
    payload = client.submissions.get_table(form_id=form_id, project_id=project_id, table_name="Submissions",
                                           expand="*")
    export = export_from_odata(payload, name=f"ODK Central form {form_id}")
    return build_dataset(export, load_form(form), scheme)
