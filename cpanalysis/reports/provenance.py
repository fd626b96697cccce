"""What identifies a report and its data: canonical tables, the data fingerprint, version and seed."""

from __future__ import annotations

import hashlib

import pandas as pd

from ..settings import Settings

__all__ = ["canonical_csv", "fingerprint", "report_info", "where_counted"]


def canonical_csv(frame: pd.DataFrame) -> str:
    """A table as CSV with its columns in name order and its rows sorted: the same data gives the same text."""
    frame = frame[sorted(frame.columns)]
    text = frame.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d", float_format="%.12g", na_rep="")
    header, _, body = text.partition("\n")
    rows = sorted(line for line in body.split("\n") if line)
    return "\n".join([header, *rows]) + "\n"


def fingerprint(data) -> str:
    """SHA-256 over the canonical CSV (:func:`canonical_csv`) of every contract table, in table-name order.

    Derived columns are left out (they follow from the tables), so a dataset saved and loaded again
    has the same fingerprint.

    Examples
    --------
    >>> import cpanalysis
    >>> from cpanalysis.reports import fingerprint
    >>> fingerprint(cpanalysis.simulate(1, seed=3)) == fingerprint(cpanalysis.simulate(1, seed=3))
    True
    """
    digest = hashlib.sha256()
    for name, frame in sorted(data.contract_tables().items()):
        digest.update(f"## {name}\n".encode())
        digest.update(canonical_csv(frame).encode("utf-8"))
    return digest.hexdigest()


def report_info(data, settings: Settings) -> dict:
    """What identifies a report: version, data contract, dataset name (no folder path), the data
    fingerprint and the seed."""
    from .. import __version__
    from ..contract import CONTRACT_VERSION
    from .pages import dataset_label

    sizes = ", ".join(f"{n:,} {name}" for name, n in data.summary().items())
    return {"cpanalysis version": __version__, "Data contract": f"version {CONTRACT_VERSION}",
            "Dataset": dataset_label(data), "Data size": sizes,
            "Data fingerprint (SHA-256)": fingerprint(data), "Random seed": str(settings.seed),
            "Subgroup scheme": data.scheme.name}


def where_counted(analysis) -> str:
    """Which sessions presence and voice count, in words (from the analysis' voice formats)."""
    from ..story.community import _formats_words

    return _formats_words(analysis["voice_formats"])
