"""Exported files: tables (CSV, Excel), charts (SVG, print PNG), the reading as text, and one zip with
everything of a community. Every file has a sidecar ``<file>.json`` saying which community, filters
and settings it holds and how small counts were treated; no absolute path and no staff name goes out."""

from __future__ import annotations

import datetime as _dt
import json
import re
import zipfile
from pathlib import Path

import pandas as pd

import cpanalysis
from cpanalysis import Settings, settings_table

from .filters import Filters
from .places import AS_RECORDED, PlaceNames
from .safety import hide_small_counts, without_paths
from .settings_form import SAFE_MIN_COUNT


def safe_name(name: str) -> str:
    """A file name made of letters, digits, ``_``, ``.`` and ``-``.

    Examples
    --------
    >>> safe_name("community C03 / participation")
    'community_C03_participation'
    """
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", str(name)).strip("_") or "table"


def context(*, community: str, filters: Filters, settings: Settings, source: str,
            small_counts_choice: str = "", places: PlaceNames | None = None) -> dict:
    """What an exported file holds (written beside it as JSON), the codes-only option included
    (``places``: how communities and districts are named; as recorded by default)."""
    if settings.min_count >= SAFE_MIN_COUNT:
        counts = f"Counts of fewer than {settings.min_count} people, and values computed from them, are hidden."
    else:
        counts = (f"WARNING: counts of {settings.min_count} or more people are shown, below the safe minimum "
                  f"of {SAFE_MIN_COUNT}, by an explicit choice ({small_counts_choice or 'recorded'}). "
                  "Do not share this file outside the team.")
    return {"community": community or "all communities", "filters": filters.as_dict(),
            "filters_in_words": filters.words(), "small_counts": counts,
            "codes_only": bool(places is not None and places.codes_only),
            "place_names": places.words() if places is not None else AS_RECORDED,
            "settings": settings.as_dict(),
            "settings_in_words": settings_table(settings)[["label", "value"]].to_dict("records"),
            "dataset": without_paths(source), "cpanalysis_version": cpanalysis.__version__,
            "created": _dt.datetime.now().isoformat(timespec="seconds"),
            "staff": "facilitator_id replaced by 'facilitator 1', 'facilitator 2'..."}


def _sidecar(path: Path, ctx: dict, what: str) -> Path:
    side = path.with_name(path.name + ".json")
    side.write_text(json.dumps({"file": path.name, "holds": what, **ctx}, indent=2, default=str))
    return side


def write_tables(folder: Path, tables: dict[str, pd.DataFrame], kind: str, ctx: dict, settings: Settings,
                 stem: str) -> list[Path]:
    """Tables as CSV files (one per table) or one Excel workbook (the context as its first sheet)."""
    tables = {name: hide_small_counts(t, settings) for name, t in tables.items() if t is not None}
    paths: list[Path] = []
    if kind == "csv":
        for name, table in tables.items():
            path = folder / f"{safe_name(name)}.csv"
            table.to_csv(path, index=False)
            paths += [path, _sidecar(path, ctx, name.replace("_", " "))]
    elif kind == "xlsx":
        path = folder / f"{safe_name(stem)}.xlsx"
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            pd.DataFrame([{"about": k, "value": json.dumps(v, default=str) if isinstance(v, (dict, list)) else v}
                          for k, v in ctx.items()]).to_excel(writer, sheet_name="context", index=False)
            used = {"context"}
            for name, table in tables.items():
                sheet = safe_name(name)[-31:]
                while sheet in used:
                    sheet = sheet[:-1] + "_"
                used.add(sheet)
                _for_excel(table).to_excel(writer, sheet_name=sheet, index=False)
        paths += [path, _sidecar(path, ctx, "every table shown, one sheet each")]
    else:
        raise ValueError(f"export: kind must be csv or xlsx, not {kind!r}")
    return paths


def write_charts(folder: Path, charts: dict, ctx: dict, suffix: str) -> list[Path]:
    """Charts as SVG (``<svg>`` as shown) and PNG at print resolution."""
    paths = []
    for name, chart in charts.items():
        svg_path = folder / f"{safe_name(name)}_{safe_name(suffix)}.svg"
        svg_path.write_text('<?xml version="1.0" encoding="utf-8"?>\n'
                            + chart.svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
                            if 'xmlns="http://www.w3.org/2000/svg"' not in chart.svg else chart.svg)
        png_path = svg_path.with_suffix(".png")
        png_path.write_bytes(chart.png())
        for path in (svg_path, png_path):
            paths += [path, _sidecar(path, ctx, chart.alt)]
    return paths


def write_reading(folder: Path, text: str, ctx: dict, community: str) -> list[Path]:
    """The community's story as plain text, with its context at the top."""
    path = folder / f"reading_{safe_name(community)}.txt"
    head = [f"Community: {ctx['community']}", f"Filters: {ctx['filters_in_words']}", ctx["small_counts"],
            *([ctx["place_names"]] if ctx.get("codes_only") else []),
            "Settings: " + "; ".join(f"{r['label']} = {r['value']}" for r in ctx["settings_in_words"]), ""]
    path.write_text("\n".join(head) + text + "\n", encoding="utf-8")
    return [path, _sidecar(path, ctx, "the community's story in words")]


def bundle(folder: Path, paths: list[Path], community: str) -> Path:
    """One zip with every file of ``paths`` (and their sidecars)."""
    target = folder / f"cpanalysis_{safe_name(community)}_everything.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            archive.write(path, path.name)
    return target


def _for_excel(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_localize(None)
        if out[column].dtype == object or str(out[column].dtype) in ("string", "str") \
                or str(out[column].dtype) in ("Int64", "boolean", "Float64"):
            out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out
