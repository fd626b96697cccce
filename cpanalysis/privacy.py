"""What may leave the organisation: pseudonymous staff codes, place codes, no paths, and a leak scan.

Children's names never reach the outputs (the contract keeps them out of the analysis tables), but
other things can identify people or places:

- ``facilitator_id`` is often a person's name. :func:`pseudonymise_staff` replaces it by codes
  ``F01``, ``F02`` ... numbered in the order the facilitators first ran a session in the dataset
  (by date, then session id), so the same person has the same code in every table made from one
  dataset and the codes do not follow the alphabetical order of the names. With ``key=`` the codes
  are a keyed hash (HMAC-SHA256, ``F-`` and 8 hexadecimal digits) instead: the same across
  datasets for whoever holds the key, and not reversible without it.
- Community and district names. :func:`codes_only` replaces them by their codes (the contract's
  ``community_id``; districts get ``D01``, ``D02`` ... in order of their first community) in a
  table, and :func:`codes_only_text` in text, for outputs that leave the organisation. There is no
  settings field for this: a report or an export that leaves calls these functions (for example
  behind its own ``public=True`` option).
- Absolute paths reveal user names and folders: :func:`strip_paths` keeps only the file name.

:func:`scan_for_leaks` searches output files or texts for all of these and for counts of people
below the threshold, and returns what it found as a tidy table.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import re
import zlib
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from .settings import Settings, resolve_settings

__all__ = ["staff_codes", "pseudonymise_staff", "place_codes", "codes_only", "codes_only_text", "strip_paths",
           "scan_for_leaks", "STAFF_COLUMNS", "NAME_COLUMNS", "FINDING_COLUMNS"]

#: Columns that hold a staff member's identifier (possibly their name).
STAFF_COLUMNS: tuple[str, ...] = ("facilitator_id",)
#: Columns of ``participants`` that would hold a person's name (not in the contract; looked for anyway).
NAME_COLUMNS: tuple[str, ...] = ("name", "full_name", "first_name", "last_name", "participant_name", "surname")
#: The columns of :func:`scan_for_leaks`'s table.
FINDING_COLUMNS: tuple[str, ...] = ("source", "location", "kind", "found", "context")

_TABLE_SUFFIXES = {".csv", ".xlsx", ".json", ".html", ".htm"}
_TEXT_SUFFIXES = {".txt", ".md", ".svg", ".ipynb", ".xml", ".tex", ".log", ".tsv"}
# POSIX paths with at least two parts, a home folder, a Windows drive or a file URI
_PATH = re.compile(r"file://[^\s\"'<>]+|(?<![\w.~:/\\])(?:~|/[\w.@-]+)(?:/[\w.@-]+)+/?"
                   r"|\b[A-Za-z]:\\(?:[^\\\s\"'<>|:*?]+\\)*[^\\\s\"'<>|:*?]*")
_NOT_PATHS = re.compile(r"^(?:/?\d+(?:/\d+)+|/+)$")  # dates such as 1/2/2024, lone slashes


def _tables(data) -> dict:
    tables = getattr(data, "tables", data)
    if not isinstance(tables, dict):
        raise TypeError(f"expected a cpanalysis.Dataset or a dict of DataFrames, not {type(data).__name__}")
    return tables


# ------------------------------------------------------------------------------------------------ staff
def staff_codes(data, *, key: str | bytes | None = None) -> dict[str, str]:
    """The code of each facilitator of a dataset: ``{facilitator_id: code}``.

    Parameters
    ----------
    data : Dataset or dict of DataFrame
        Its ``sessions`` table (``facilitator_id``, and ``date`` for the order) is read.
    key : str or bytes, optional
        A secret: codes become a keyed hash (``F-`` and 8 hex digits), stable across datasets.
        Without it, sequential codes ``F01``, ``F02`` ... in order of each facilitator's first
        session (date, then session id).

    Returns
    -------
    dict
        Empty when the dataset records no facilitator.

    Examples
    --------
    >>> import pandas as pd
    >>> sessions = pd.DataFrame({"session_id": ["s1", "s2", "s3"], "date": ["2024-02-01", "2024-01-05", "2024-03-01"],
    ...                          "facilitator_id": ["Amina Diallo", "Joao Silva", "Amina Diallo"]})
    >>> staff_codes({"sessions": sessions})
    {'Joao Silva': 'F01', 'Amina Diallo': 'F02'}
    >>> staff_codes({"sessions": sessions}, key="secret")["Amina Diallo"].startswith("F-")
    True
    """
    sessions = _tables(data).get("sessions")
    if sessions is None or "facilitator_id" not in sessions.columns:
        return {}
    order = [c for c in ("date", "session_id") if c in sessions.columns]
    ordered = sessions.sort_values(order, kind="stable") if order else sessions
    ids = [str(v) for v in pd.unique(ordered["facilitator_id"].dropna())]
    if key is not None:
        secret = key.encode() if isinstance(key, str) else bytes(key)
        return {v: "F-" + hmac.new(secret, v.encode(), hashlib.sha256).hexdigest()[:8] for v in ids}
    width = max(2, len(str(len(ids))))
    return {v: f"F{i + 1:0{width}d}" for i, v in enumerate(ids)}


def pseudonymise_staff(table: pd.DataFrame, data, *, key: str | bytes | None = None,
                       columns: Iterable[str] = STAFF_COLUMNS) -> pd.DataFrame:
    """``table`` with every staff identifier replaced by its code (see :func:`staff_codes`).

    Parameters
    ----------
    table : DataFrame
        Any table to show or export (sessions, participation by session ...).
    data : Dataset or dict of DataFrame
        The dataset the table comes from: the codes are numbered over all its sessions, so that
        the same person has the same code in every table.
    key : str or bytes, optional
        As in :func:`staff_codes`.
    columns : list of str, default ``("facilitator_id",)``
        The columns to replace (those present).

    Returns
    -------
    DataFrame
        A copy; an identifier missing from the dataset gets the code ``F??`` (never its text).

    Examples
    --------
    >>> import pandas as pd
    >>> sessions = pd.DataFrame({"session_id": ["s1", "s2"], "date": ["2024-01-01", "2024-01-02"],
    ...                          "facilitator_id": ["Amina Diallo", "Joao Silva"]})
    >>> pseudonymise_staff(sessions, {"sessions": sessions})["facilitator_id"].tolist()
    ['F01', 'F02']
    """
    codes = staff_codes(data, key=key)
    out = table.copy()
    for column in columns:
        if column in out.columns:
            values = out[column]
            mapped = values.astype("string").map(lambda v: codes.get(v, "F??"), na_action="ignore")
            out[column] = pd.array(mapped, dtype="string")
    out.attrs = dict(table.attrs)
    return out


# ------------------------------------------------------------------------------------------------ places
def place_codes(data) -> dict[str, str]:
    """The code that replaces each community and district name: ``{name: code}``.

    Communities are replaced by their ``community_id``; districts by ``D01``, ``D02`` ... in the
    order of their first community id.

    Parameters
    ----------
    data : Dataset or dict of DataFrame
        Its ``communities`` table (``community_id``, ``name``, ``district``) is read.

    Returns
    -------
    dict
        Names (community names and districts) to codes; empty without a communities table.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"community_id": ["C01", "C02"], "name": ["Mbanza", "Kisima"],
    ...                   "district": ["Lago", "Lago"]})
    >>> place_codes({"communities": c})
    {'Mbanza': 'C01', 'Kisima': 'C02', 'Lago': 'D01'}
    """
    communities = _tables(data).get("communities")
    if communities is None or "community_id" not in communities.columns:
        return {}
    c = communities.sort_values("community_id", kind="stable")
    out: dict[str, str] = {}
    if "name" in c.columns:
        for cid, name in zip(c["community_id"].astype(str), c["name"]):
            if pd.notna(name) and str(name).strip() and str(name) != cid:
                out[str(name)] = cid
    if "district" in c.columns:
        districts = [str(d) for d in pd.unique(c["district"].dropna()) if str(d).strip()]
        width = max(2, len(str(len(districts))))
        out.update({d: f"D{i + 1:0{width}d}" for i, d in enumerate(districts)})
    return out


def codes_only(table: pd.DataFrame, data) -> pd.DataFrame:
    """``table`` with community and district names replaced by their codes, for outputs that leave.

    Every text cell equal to a community or district name of the dataset becomes its code (see
    :func:`place_codes`); so do column names and the index. Names inside longer texts (readings,
    notes) are replaced as in :func:`codes_only_text`.

    Parameters
    ----------
    table : DataFrame
    data : Dataset or dict of DataFrame

    Returns
    -------
    DataFrame
        A copy.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"community_id": ["C01"], "name": ["Mbanza"], "district": ["Lago"]})
    >>> t = pd.DataFrame({"community": ["Mbanza"], "district": ["Lago"], "note": ["Mbanza met twice"]})
    >>> codes_only(t, {"communities": c}).iloc[0].tolist()
    ['C01', 'D01', 'C01 met twice']
    """
    codes = place_codes(data)
    out = table.copy()
    if not codes:
        return out
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
            out[column] = values.map(lambda v: _replace_names(v, codes) if isinstance(v, str) else v)
    out.columns = [_replace_names(c, codes) if isinstance(c, str) else c for c in out.columns]
    if out.index.dtype == object:
        out.index = [_replace_names(v, codes) if isinstance(v, str) else v for v in out.index]
    out.attrs = dict(table.attrs)
    return out


def _name_pattern(names: Iterable[str]) -> re.Pattern | None:
    names = sorted({n for n in names if n}, key=len, reverse=True)  # longest first: "Kisima Juu" before "Kisima"
    if not names:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)")


def _replace_names(text: str, codes: dict[str, str]) -> str:
    pattern = _name_pattern(codes)
    return pattern.sub(lambda m: codes[m.group(0)], text) if pattern else text


def codes_only_text(text: str, data) -> str:
    """``text`` with every community and district name replaced by its code (whole words only).

    Parameters
    ----------
    text : str
    data : Dataset or dict of DataFrame

    Returns
    -------
    str

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"community_id": ["C01"], "name": ["Mbanza"], "district": ["Lago"]})
    >>> codes_only_text("Mbanza (Lago district); Mbanzaville stays", {"communities": c})
    'C01 (D01 district); Mbanzaville stays'
    """
    return _replace_names(text, place_codes(data))


def strip_paths(text: str, *, replacement: str | None = None) -> str:
    """``text`` with every absolute path (POSIX, home ``~``, Windows, ``file://``) cut to its file name.

    Parameters
    ----------
    text : str
    replacement : str, optional
        Put this instead of the file name (e.g. ``"<path>"``).

    Returns
    -------
    str

    Examples
    --------
    >>> strip_paths("read /home/amina/field/C03/sessions.csv and C:\\\\Users\\\\amina\\\\data.xlsx")
    'read sessions.csv and data.xlsx'
    >>> strip_paths("on 1/2/2024, see ~/exports/", replacement="<path>")
    'on 1/2/2024, see <path>'
    """
    def cut(match: re.Match) -> str:
        found = match.group(0)
        if _NOT_PATHS.match(found):
            return found
        if replacement is not None:
            return replacement
        name = re.split(r"[\\/]", found.rstrip("/\\"))[-1]
        return name
    return _PATH.sub(cut, text)


# ------------------------------------------------------------------------------------------------ scan
class _HTMLTables(HTMLParser):
    """Text of an HTML page, and its tables as rows of cells (a header cell's ``title`` wins over its text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._title: str | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for value in attrs.values():  # alt text, titles, links: all can carry names
            if value:
                self.text.append(value)
        if tag in ("script", "style"):
            self._skip += tag == "style"
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self._row = []
            self.tables[-1].append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell, self._title = [], attrs.get("title") if tag == "th" else None

    def handle_endtag(self, tag):
        if tag == "style" and self._skip:
            self._skip -= 1
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(self._title or "".join(self._cell).strip())
            self._cell = self._title = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _frames_from_html(rows_of_tables) -> list[pd.DataFrame]:
    frames = []
    for rows in rows_of_tables:
        rows = [r for r in rows if r]
        if len(rows) < 2:
            continue
        width = max(len(r) for r in rows)
        header = rows[0] + [""] * (width - len(rows[0]))
        frames.append(pd.DataFrame([r + [""] * (width - len(r)) for r in rows[1:]], columns=header))
    return frames


def _json_frames(value, out: list) -> None:
    """Records (lists of dicts) anywhere in a JSON document, as tables."""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        out.append(pd.DataFrame(value))
    if isinstance(value, dict):
        if value and all(isinstance(v, list) for v in value.values()) and len({len(v) for v in value.values()}) == 1:
            out.append(pd.DataFrame(value))
        for v in value.values():
            _json_frames(v, out)
    elif isinstance(value, list):
        for v in value:
            if isinstance(v, (dict, list)):
                _json_frames(v, out)


def _pdf_text(raw: bytes) -> str:
    """The text of a PDF: pypdf's when it is installed and can read the file, plus the literal
    strings of the (inflated) streams and the document information, which a damaged file keeps."""
    parts = []
    try:
        import io

        import pypdf  # optional

        reader = pypdf.PdfReader(io.BytesIO(raw))
        parts += [page.extract_text() or "" for page in reader.pages]
        parts += [str(v) for v in (reader.metadata or {}).values()]
    except Exception:  # noqa: BLE001 - any unreadable PDF still gets the raw search below
        pass
    # literal strings outside the streams (the document's objects) and inside the inflated streams;
    # a compressed stream's bytes are not text and would only give false findings
    chunks = [re.sub(rb"stream\r?\n.*?\r?\nendstream", b"", raw, flags=re.S)]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", raw, re.S):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    for chunk in chunks:
        parts += [s.decode("latin-1") for s in re.findall(rb"\(((?:[^()\\]|\\.)*)\)", chunk)]
    return "\n".join(parts)


def _png_text(path: Path) -> str:
    from PIL import Image

    with Image.open(path) as image:
        info = dict(getattr(image, "text", {}) or {})
        info.update({k: v for k, v in image.info.items() if isinstance(v, str)})
    return "\n".join(f"{k}: {v}" for k, v in info.items())


def _read(source) -> tuple[str, str, list[pd.DataFrame]]:
    """(name, text, tables) of a file path or a text."""
    if isinstance(source, Path) or (isinstance(source, str) and "\n" not in source and len(source) < 4096
                                    and Path(source).is_file()):
        path = Path(source)
        suffix = path.suffix.lower()
        frames: list[pd.DataFrame] = []
        if suffix == ".xlsx":
            sheets = pd.read_excel(path, sheet_name=None, header=0, dtype=object, keep_default_na=False)
            frames = list(sheets.values())
            text = "\n".join(f.to_csv(index=False) + "\n" + ",".join(map(str, f.columns)) for f in frames)
        elif suffix == ".png":
            text = _png_text(path)
        elif suffix == ".pdf":
            text = _pdf_text(path.read_bytes())
        else:
            raw = path.read_bytes()
            text = raw.decode("utf-8", "replace")
            if suffix in (".csv", ".tsv"):
                try:
                    frames = [pd.read_csv(path, dtype=str, keep_default_na=False,
                                          sep="\t" if suffix == ".tsv" else ",", comment=None)]
                except (pd.errors.ParserError, UnicodeDecodeError, ValueError):
                    frames = []
            elif suffix in (".html", ".htm", ".svg"):
                parser = _HTMLTables()
                parser.feed(text)
                text = text + "\n" + html.unescape("\n".join(parser.text))
                frames = _frames_from_html(parser.tables)
            elif suffix in (".json", ".ipynb"):
                try:
                    _json_frames(json.loads(text), frames)
                except (json.JSONDecodeError, ValueError):
                    pass
        return str(path), text, frames
    return "text", str(source), []


def _expand(paths_or_texts) -> list:
    if isinstance(paths_or_texts, (str, Path)):
        paths_or_texts = [paths_or_texts]
    out = []
    for item in paths_or_texts:
        if isinstance(item, (str, Path)) and not (isinstance(item, str) and "\n" in item) \
                and len(str(item)) < 4096 and Path(item).is_dir():
            out += _expand(sorted(p for p in Path(item).rglob("*") if p.is_file()))
        elif isinstance(item, (str, Path)) and str(item).lower().endswith(".zip") and Path(item).is_file():
            out += _expand([_unpacked(Path(item))])  # a bundle is searched file by file, not as bytes
        else:
            out.append(item)
    return out


def _unpacked(archive: Path) -> Path:
    """``archive`` extracted into a temporary folder removed when Python exits."""
    import atexit
    import shutil
    import tempfile
    import zipfile

    folder = Path(tempfile.mkdtemp(prefix=f"cpanalysis-scan-{archive.stem}-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    with zipfile.ZipFile(archive) as bundle:
        for member in bundle.infolist():
            target = (folder / member.filename).resolve()
            if folder.resolve() in target.parents and not member.is_dir():  # no path escapes the folder
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(bundle.read(member))
    return folder


def _planted(data, codes_only_names: bool) -> dict[str, list[str]]:
    tables = _tables(data) if data is not None else {}
    found: dict[str, list[str]] = {"participant name": [], "staff identifier": [], "place name": []}
    people = tables.get("participants")
    if people is not None:
        for column in NAME_COLUMNS:
            if column in people.columns:
                found["participant name"] += [str(v) for v in people[column].dropna().unique()]
    sessions = tables.get("sessions")
    if sessions is not None:
        for column in STAFF_COLUMNS:
            if column in sessions.columns:
                found["staff identifier"] += [str(v) for v in sessions[column].dropna().unique()]
    if codes_only_names and data is not None:
        found["place name"] = list(place_codes(data))
    # very short values (initials, "F1") would match everywhere; 3 characters at least
    return {k: sorted({v for v in vs if len(v.strip()) >= 3}) for k, vs in found.items()}


def _context(text: str, start: int, end: int) -> str:
    return text[max(0, start - 40): end + 40].replace("\n", " ")


def _line_of(text: str, position: int) -> str:
    return f"line {text.count(chr(10), 0, position) + 1}"


def scan_for_leaks(paths_or_texts, data=None, settings: Settings | None = None, *, codes_only: bool = False,
                   count_columns: Iterable[str] | None = None, extra_names: Iterable[str] = ()) -> pd.DataFrame:
    """Search outputs for what must not be in them, and return every finding as a table.

    Looked for: participants' names (when the dataset has a name column), staff identifiers
    (``facilitator_id`` values, which should have been pseudonymised), community and district
    names (with ``codes_only=True``), any ``extra_names``, absolute paths, and cells of
    people-count columns below the threshold (``0 < value < settings.min_count``).

    Parameters
    ----------
    paths_or_texts : path, str, or list of them
        Files (csv, tsv, xlsx, json, ipynb, html, svg, png text metadata, pdf text, any text
        file), zip bundles (searched file by file), folders (searched recursively) or texts.
    data : Dataset or dict of DataFrame, optional
        Where the names to look for come from.
    settings : Settings, optional
        ``min_count`` is the threshold for counts of people.
    codes_only : bool, default False
        The outputs were meant to carry codes only: community and district names are leaks.
    count_columns : list of str, optional
        Headings of columns that count people; by default the names of
        :data:`cpanalysis.inclusion.COUNT_COLUMNS` that count people wherever they appear (with
        spaces for underscores too), and ``n_actions`` in tables with a ``proposer`` column (there it
        counts the actions of a class of people; elsewhere it counts actions).
    extra_names : list of str, optional
        More texts that must not appear (for example names planted in a test dataset).

    Returns
    -------
    DataFrame
        One row per finding: ``source`` (file or ``"text"``), ``location`` (line, or table,
        row and column), ``kind`` (``participant name``, ``staff identifier``, ``place name``,
        ``planted name``, ``absolute path``, ``small count``), ``found`` and ``context``. Empty
        when nothing was found.

    Notes
    -----
    PDF text is read with pypdf when it is installed, and the literal strings of the PDF's
    streams are searched too (without pypdf, text drawn from subset fonts may be missed). In PNG files
    only the text metadata is searched (not the pixels). A count in a table is recognised by its
    column heading, or in HTML by the header cell's ``title``.

    Examples
    --------
    >>> import pandas as pd
    >>> sessions = pd.DataFrame({"session_id": ["s1"], "facilitator_id": ["Amina Diallo"]})
    >>> found = scan_for_leaks(["Session s1 led by Amina Diallo", "saved to /home/amina/out.csv"],
    ...                        {"sessions": sessions})
    >>> found[["kind", "found"]]
                   kind                found
    0  staff identifier         Amina Diallo
    1     absolute path  /home/amina/out.csv
    """
    s = resolve_settings(settings)
    names = _planted(data, codes_only)
    names["planted name"] = sorted({str(n) for n in extra_names if str(n).strip()})
    by_class: set = set()
    if count_columns is None:
        from .inclusion.suppression import COUNT_COLUMNS

        count_columns = [name for name, c in COUNT_COLUMNS.items() if c.by_default]
        by_class = {name for name, c in COUNT_COLUMNS.items() if not c.by_default}
    headings = set(count_columns) | {c.replace("_", " ") for c in count_columns}
    patterns = {kind: _name_pattern(v) for kind, v in names.items()}
    rows = []
    for item in _expand(paths_or_texts):
        source, text, frames = _read(item)
        for kind, pattern in patterns.items():
            if pattern is None:
                continue
            for m in pattern.finditer(text):
                rows.append((source, _line_of(text, m.start()), kind, m.group(0), _context(text, m.start(), m.end())))
        for m in _PATH.finditer(text):
            found = m.group(0)
            if _NOT_PATHS.match(found) or found.startswith(("//", "/>")):
                continue
            if not re.search(r"[A-Za-z]", found) or re.match(r"^/(?:[\w-]+)?$", found):
                continue
            rows.append((source, _line_of(text, m.start()), "absolute path", found, _context(text, m.start(), m.end())))
        for t, frame in enumerate(frames):
            of_people = headings | (by_class if "proposer" in frame.columns else set())
            for column in frame.columns:
                if str(column).strip() not in of_people:
                    continue
                values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
                small = np.flatnonzero((values > 0) & (values < s.min_count))
                for r in small:
                    rows.append((source, f"table {t + 1}, row {r + 1}, column {column}", "small count",
                                 f"{values[r]:g}", f"{column} = {values[r]:g} (< {s.min_count})"))
    out = pd.DataFrame(rows, columns=list(FINDING_COLUMNS)).drop_duplicates(ignore_index=True)
    for column in out.columns:
        out[column] = out[column].astype("string")
    return out
