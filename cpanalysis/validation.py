"""Checking a dataset against the data contract and turning raw cells into typed columns.

Every check runs on whole columns at once, and every problem is collected before anything is
reported, so that a user fixes their files in one pass. Checks of single columns (categories,
minimums, missing values, unique ids) are pandera schemas built from :data:`cpanalysis.contract.TABLES`;
checks across tables (unknown ids, turns without attendance, rankers) follow them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc

from .action_checks import check_actions
from .contract import DERIVED_COLUMNS, TABLES, Column, Table
from .io import near_name
from .problems import Problem, ProblemList, Source
from .subgroups import KNOWN_MARGINALISED_REASONS, STATUS_GROUPS, SubgroupScheme, group_labels

TRUE_WORDS = {"true", "yes", "y", "1", "t", "1.0"}
FALSE_WORDS = {"false", "no", "n", "0", "f", "0.0"}
ID_COLUMN = {"communities": "community_id", "sessions": "session_id",
             "participants": "participant_id", "harms": "harm_id"}

#: A date as the contract writes it, optionally followed by a time of day (no time zone).
DATE_TEXT = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
PARTIAL_DATE_TEXT = r"\d{4}(?:-\d{1,2})?"
ZONE_TEXT = r"\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?|UTC|GMT)$"
#: Whole numbers beyond 2**53 cannot be held exactly (and are never counts, ranks or cycles).
LARGEST_WHOLE_NUMBER = 2 ** 53

_KIND_WORDS = {"int": "a whole number", "number": "a number", "bool": "true or false (yes/no, 1/0)",
               "date": "a date written YYYY-MM-DD", "id": "an identifier", "text": "some text"}


def _arrow_text(values) -> pyarrow.Array:
    if isinstance(values, (set, frozenset, list, tuple)):
        values = pd.array(list(values), dtype="string")
    array = pyarrow.array(values, from_pandas=True)
    if isinstance(array, pyarrow.ChunkedArray):
        array = array.combine_chunks()
    return array.cast(pyarrow.large_string())


def is_in(values: pd.Series, known) -> pd.Series:
    """``values.isin(known)`` in Arrow's hash kernel (pandas' isin on Arrow strings is slow for large sets).

    Missing values are never "in"."""
    found = pc.is_in(_arrow_text(values), value_set=_arrow_text(known), skip_nulls=True)
    return pd.Series(found.fill_null(False).to_numpy(zero_copy_only=False), index=values.index)


def map_by_key(values: pd.Series, mapping: pd.Series) -> pd.Series:
    """``values.map(mapping)`` for text keys, through Arrow's hash kernel; unknown keys give missing values."""
    positions = pc.index_in(_arrow_text(values), value_set=_arrow_text(mapping.index), skip_nulls=True)
    positions = positions.fill_null(-1).to_numpy(zero_copy_only=False)
    return pd.Series(mapping.array.take(positions, allow_fill=True), index=values.index, name=values.name)


def _on_distinct(values: pd.Series, transform) -> pd.Series:
    """Apply a text transform once per distinct value (categories repeat a lot)."""
    codes, uniques = pd.factorize(values.astype("string"), use_na_sentinel=True)
    done = transform(pd.Series(uniques, dtype="string")).to_numpy(dtype=object)
    out = np.full(len(codes), None, dtype=object)
    present = codes >= 0
    out[present] = done[codes[present]]
    return pd.Series(out, index=values.index, dtype="string")


def normalise_category(values: pd.Series) -> pd.Series:
    """Lower case, no surrounding spaces, inner spaces and hyphens as underscores: "Small group " -> small_group."""
    return _on_distinct(values, lambda text: text.str.strip().str.lower().str.replace(r"[\s\-]+", "_", regex=True))


def _expected(col: Column) -> str:
    if col.kind == "category":
        return "one of " + ", ".join(col.categories)
    words = _KIND_WORDS[col.kind]
    if col.minimum is not None:
        words += f" >= {col.minimum:g}"
    return words


def _blank(values: pd.Series) -> pd.Series:
    """Missing or only white space."""
    if pd.api.types.is_string_dtype(values) or values.dtype == object:
        text = _arrow_text(values.astype("string"))
        blank = pc.equal(pc.utf8_trim_whitespace(text), "").fill_null(True)
        return pd.Series(blank.to_numpy(zero_copy_only=False), index=values.index)
    return values.isna()


def _coerce_column(values: pd.Series, col: Column, source: Source, problems: ProblemList) -> pd.Series:
    """Typed values; cells that cannot be read are reported and become missing."""
    blank = _blank(values)
    if col.kind in ("id", "text"):
        return values.astype("string").str.strip().mask(blank)
    if col.kind == "category":
        return normalise_category(values).mask(blank)
    if col.kind in ("int", "number"):
        if pd.api.types.is_bool_dtype(values):
            # A yes/no column where a number belongs: True would silently count as 1.
            problems.add_rows(source, values.notna(), values, column=col.name,
                              message="true/false where a number belongs", expected=_expected(col))
            return pd.Series(pd.NA, index=values.index, dtype="Int64" if col.kind == "int" else "Float64")
        if pd.api.types.is_numeric_dtype(values):
            numbers = values.astype("Float64")
        else:
            text = values.astype("string").str.strip().str.replace(",", ".", regex=False)
            numbers = pd.to_numeric(text, errors="coerce").astype("Float64")
        unreadable = numbers.isna() & ~blank
        problems.add_rows(source, unreadable, values, column=col.name, message="not a number",
                          expected=_expected(col))
        plain = numbers.to_numpy(dtype="float64", na_value=np.nan)
        limit = LARGEST_WHOLE_NUMBER if col.kind == "int" else np.inf
        endless = pd.Series(np.isinf(plain) | (np.abs(np.nan_to_num(plain)) > limit), index=values.index)
        if endless.any():
            problems.add_rows(source, endless, values, column=col.name,
                              message="not a finite number" if col.kind == "number" else "not a whole number that can be stored",
                              expected=_expected(col))
            numbers = numbers.mask(endless)
        if col.kind == "int":
            fractional = numbers.notna() & (numbers != numbers.round())
            problems.add_rows(source, fractional, values, column=col.name, message="not a whole number",
                              expected=_expected(col))
            numbers = numbers.mask(fractional)
            return numbers.round().astype("Int64")
        return numbers
    if col.kind == "bool":
        if pd.api.types.is_bool_dtype(values):
            return values.astype("boolean")
        text = values.astype("string").str.strip().str.lower()
        result = pd.Series(pd.NA, index=values.index, dtype="boolean")
        result[text.isin(TRUE_WORDS).fillna(False)] = True
        result[text.isin(FALSE_WORDS).fillna(False)] = False
        problems.add_rows(source, result.isna() & ~blank, values, column=col.name,
                          message="not a yes/no value", expected=_expected(col))
        return result
    if col.kind == "date":
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            return values.dt.tz_localize(None)  # a typed date-time keeps its local date
        if pd.api.types.is_datetime64_any_dtype(values):
            return pd.to_datetime(values)
        text = values.astype("string").str.strip()
        well_formed = text.str.fullmatch(DATE_TEXT).fillna(False).astype(bool)
        zoned = text.str.contains(ZONE_TEXT, regex=True).fillna(False).astype(bool) & ~blank
        partial = text.str.fullmatch(PARTIAL_DATE_TEXT).fillna(False).astype(bool)
        problems.add_rows(source, zoned, values, column=col.name, message="a date with a time zone",
                          expected=_expected(col) + " (no time zone)")
        problems.add_rows(source, partial, values, column=col.name, message="an incomplete date",
                          expected=_expected(col) + " (year, month and day)")
        dates = pd.to_datetime(text.where(well_formed), format="ISO8601", errors="coerce")
        problems.add_rows(source, dates.isna() & ~blank, values, column=col.name,
                          message="not a date that can be read", expected=_expected(col))
        return dates
    raise ValueError(f"unknown column kind {col.kind!r}")  # pragma: no cover


def _schema(table: Table) -> pa.DataFrameSchema:
    """The single-column checks of a contract table, as a pandera schema (types are coerced before)."""
    columns = {}
    for col in table.columns:
        checks = []
        if col.categories is not None:
            checks.append(pa.Check.isin(list(col.categories), error="category"))
        if col.minimum is not None:
            checks.append(pa.Check.ge(col.minimum, error="minimum"))
        columns[col.name] = pa.Column(
            checks=checks, nullable=col.nullable or not col.required, unique=col.unique, required=False,
        )
    return pa.DataFrameSchema(columns, strict=False, coerce=False)


SCHEMAS: dict[str, pa.DataFrameSchema] = {name: _schema(spec) for name, spec in TABLES.items()}


def _run_schema(table: Table, frame: pd.DataFrame, raw: pd.DataFrame, source: Source, problems: ProblemList) -> None:
    try:
        SCHEMAS[table.name].validate(frame, lazy=True)
        return
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    cases = cases[cases["index"].notna() & cases["column"].notna()]
    for (column, check), group in cases.groupby(["column", "check"], sort=False):
        col = table.column(column)
        check = str(check)
        if check == "category":
            message = "unknown value"
        elif check == "minimum":
            message = "too small"
        elif check == "not_nullable":
            message = "missing value"
        elif check == "field_uniqueness":
            message = f"duplicate {column}: each value may appear only once"
        else:
            message = f"failed the check {check}"
        mask = pd.Series(frame.index.isin(group["index"].astype(int)), index=frame.index)
        problems.add_rows(source, mask, raw[column] if column in raw else None, column=column,
                          message=message, expected=None if check == "field_uniqueness" else _expected(col))


def _without_empty_unnamed(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop columns with no name and no value (a separator at the end of every line)."""
    unnamed = [i for i, c in enumerate(frame.columns) if str(c).strip() == "" or str(c).startswith("Unnamed: ")]
    empty = [i for i in unnamed if _blank(frame.iloc[:, i]).all()]
    if not empty:
        return frame
    return frame.iloc[:, [i for i in range(frame.shape[1]) if i not in empty]]


def _check_columns(table: Table, frame: pd.DataFrame, source: Source, problems: ProblemList) -> bool:
    names = [str(c) for c in frame.columns]
    present = set(names)
    complete = True
    for name in sorted({n for n in names if names.count(n) > 1}, key=names.index):
        positions = " and ".join(str(i + 1) for i, n in enumerate(names) if n == name)
        problems.add(Problem(source.file, f"the column appears more than once (columns {positions})", column=name,
                             expected="each column once"))
        complete = False
    for position, name in enumerate(names):
        if name.strip() == "" or name.startswith("Unnamed: "):
            problems.add(Problem(source.file, f"column {position + 1} has values but no name",
                                 expected="a name in the header for every column that holds values"))
    # A column spelled almost like a contract column is a mistake, not an extra column.
    allowed_extra = set(DERIVED_COLUMNS.get(table.name, ()))
    near = {}
    for name in names:
        if name in table.column_names or name in allowed_extra or name.strip() == "":
            continue
        meant = near_name(name, table.column_names, taken=present)
        if meant is not None:
            near[name] = meant
    for name in table.required_columns:
        if name in present:
            continue
        if table.name == "turns" and name in ("participant_id", "subgroup"):
            continue
        found = [extra for extra, meant in near.items() if meant == name]
        hint = f'; found "{found[0]}" (column names are written exactly as in the contract)' if found else ""
        for extra in found:
            near.pop(extra)
        problems.add(Problem(source.file, f"missing column{hint}", column=name,
                             expected=f"the columns {', '.join(table.required_columns)}"))
        complete = False
    for extra, meant in near.items():
        problems.add(Problem(source.file, f'unknown column "{extra}": did you mean "{meant}"?', column=extra,
                             expected=f'the column name "{meant}", exactly as in the contract'))
    if table.name == "turns" and not ({"participant_id", "subgroup"} & present):
        problems.add(Problem(source.file, "missing column", column="participant_id",
                             expected="a participant_id column, or a subgroup column when only categories were noted"))
        complete = False
    if table.name == "rankings" and not ({"rank", "score"} & present):
        problems.add(Problem(source.file, "missing column", column="rank",
                             expected="a rank column, a score column, or both"))
        complete = False
    return complete


#: Tables without which nothing can be analysed: a header without rows is a problem of its own (a
#: file cut short after its header), not only the unknown references it causes elsewhere.
MUST_HAVE_ROWS = ("communities", "harms", "sessions")


def check_tables(
    frames: dict[str, pd.DataFrame], sources: dict[str, Source], scheme: SubgroupScheme, problems: ProblemList
) -> dict[str, pd.DataFrame]:
    """Coerce and check every table; return the typed tables (tables with missing columns are left out)."""
    typed: dict[str, pd.DataFrame] = {}
    for name, table in TABLES.items():
        if name not in frames:
            if table.required and name not in sources:
                problems.add(Problem(f"{name}.csv", "missing table",
                                     expected=f"a {name} table ({table.description})"))
            continue
        raw, source = _without_empty_unnamed(frames[name]), sources[name]
        frames[name] = raw
        if not _check_columns(table, raw, source, problems):
            continue
        if name in MUST_HAVE_ROWS and len(raw) == 0:
            problems.add(Problem(source.file, "the table has its header but no rows",
                                 expected=f"at least one row of {name}"))
        frame = raw.copy()
        for col in table.columns:
            if col.name in frame.columns:
                frame[col.name] = _coerce_column(raw[col.name], col, source, problems)
        _run_schema(table, frame, raw, source, problems)
        typed[name] = frame
    if "attendance" not in frames and "attendance_counts" not in frames and "attendance" not in sources \
            and "attendance_counts" not in sources:
        problems.add(Problem("attendance.csv", "missing table",
                             expected="an attendance table (who attended), or attendance_counts (head counts by subgroup)"))
    _check_across_tables(typed, frames, sources, scheme, problems)
    check_actions(typed, frames, sources, scheme, problems)
    return typed


def _check_across_tables(typed, raw, sources, scheme: SubgroupScheme, problems: ProblemList) -> None:
    ids = {table: pd.Index(typed[table][column].dropna().unique()) for table, column in ID_COLUMN.items()
           if table in typed}
    for name, frame in typed.items():
        source = sources[name]
        for col in TABLES[name].columns:
            if col.references is None or col.name not in frame:
                continue
            target = col.references
            if target not in ids:
                # A table that is there but could not be checked has been reported already.
                if target in TABLES and target not in sources and not TABLES[target].required \
                        and frame[col.name].notna().any():
                    problems.add(Problem(source.file, f"refers to {target}, but the dataset has no {target} table",
                                         column=col.name, expected=f"a {target} table"))
                continue
            unknown = frame[col.name].notna() & ~is_in(frame[col.name], ids[target])
            singular = ID_COLUMN[target].removesuffix("_id")
            problems.add_rows(source, unknown, raw[name][col.name], column=col.name,
                              message=f"unknown {singular}", expected=f"a {ID_COLUMN[target]} listed in {sources[target].file}"
                              if target in sources else None)
        key = TABLES[name].key
        if key and all(k in frame for k in key):
            duplicated = frame.duplicated(list(key), keep="first") & frame[list(key)].notna().all(axis=1)
            message = {
                "rankings": "the same harm ranked twice by one ranker in one session",
                "attendance": "the same participant listed twice in one session",
                "turns": "the same turn number twice in one session",
                "decisions": "the same harm decided twice in one community",
            }.get(name, f"duplicate ({', '.join(key)})")
            problems.add_rows(source, duplicated, raw[name][key[-1]], column=key[-1], message=message)

    participants = typed.get("participants")
    subgroups = set(scheme.subgroups)
    labels = group_labels(scheme, participants)
    _canonical_group_names(typed, labels, ids.get("participants", pd.Index([])))
    if participants is not None and {"gender", "age_group"} <= set(participants):
        assigned = scheme.assign(participants["gender"], participants["age_group"])
        unassigned = assigned.isna() & participants["gender"].notna() & participants["age_group"].notna()
        unassigned.index = participants.index
        problems.add_rows(sources["participants"], unassigned, participants["gender"] + "/" + participants["age_group"],
                          column="gender", message="no subgroup rule matches this gender and age group",
                          expected=f"a rule in the subgroup scheme ({scheme.name})")

    for name in ("population", "attendance_counts"):
        if name in typed and "subgroup" in typed[name]:
            frame = typed[name]
            unknown = frame["subgroup"].notna() & ~is_in(frame["subgroup"], subgroups)
            problems.add_rows(sources[name], unknown, raw[name]["subgroup"], column="subgroup",
                              message="unknown subgroup", expected="one of " + ", ".join(scheme.subgroups))

    sessions = typed.get("sessions")
    if sessions is not None and "convened_for" in sessions:
        unknown = sessions["convened_for"].notna() & ~is_in(sessions["convened_for"], labels)
        problems.add_rows(sources["sessions"], unknown, raw["sessions"]["convened_for"], column="convened_for",
                          message="unknown group", expected="a subgroup (" + ", ".join(scheme.subgroups)
                          + "), elites, marginalised, or a marginalised reason such as disability")

    turns = typed.get("turns")
    if turns is not None:
        source = sources["turns"]
        speaker = turns["participant_id"] if "participant_id" in turns else pd.Series(pd.NA, index=turns.index)
        category = turns["subgroup"] if "subgroup" in turns else pd.Series(pd.NA, index=turns.index)
        problems.add_rows(source, speaker.isna() & category.isna(), None, column="participant_id",
                          message="a turn without a speaker", expected="a participant_id, or a subgroup")
        if "subgroup" in turns:
            unknown = category.notna() & ~is_in(category, subgroups)
            problems.add_rows(source, unknown, raw["turns"]["subgroup"], column="subgroup",
                              message="unknown subgroup", expected="one of " + ", ".join(scheme.subgroups))
        untyped = [name for name in ("attendance", "attendance_counts") if name in sources and name not in typed]
        if "session_id" in turns and not untyped:
            attended = [typed[name]["session_id"].dropna().unique() for name in ("attendance", "attendance_counts")
                        if name in typed]
            attended = np.concatenate(attended) if attended else []
            without = is_in(turns["session_id"], ids.get("sessions", [])) & ~is_in(turns["session_id"], attended)
            first_of_session = without & ~turns["session_id"].duplicated()
            problems.add_rows(source, first_of_session, turns["session_id"], column="session_id",
                              message="turns recorded in a session that has no attendance",
                              expected="the session's attendance in attendance or attendance_counts")

    _check_contradictions(typed, raw, sources, scheme, problems)

    rankings = typed.get("rankings")
    if rankings is not None:
        source = sources["rankings"]
        rank = rankings["rank"] if "rank" in rankings else pd.Series(pd.NA, index=rankings.index)
        score = rankings["score"] if "score" in rankings else pd.Series(pd.NA, index=rankings.index)
        problems.add_rows(source, rank.isna() & score.isna() & ~problems_flagged(problems, source, "rank", rankings.index),
                          None, column="rank", message="neither a rank nor a score",
                          expected="a rank (whole number >= 1) or a score (>= 0)")
        if "ranker" in rankings and ("participants" in typed or "participants" not in sources):
            known_rankers = ids.get("participants", pd.Index([])).append(pd.Index(sorted(labels)))
            unknown = rankings["ranker"].notna() & ~is_in(rankings["ranker"], known_rankers)
            problems.add_rows(source, unknown, raw["rankings"]["ranker"], column="ranker",
                              message="unknown ranker", expected="a participant_id, or a group name such as "
                              + ", ".join(scheme.subgroups[:5]))

    pairwise = typed.get("pairwise")
    if pairwise is not None and {"harm_a", "harm_b"} <= set(pairwise):
        same = pairwise["harm_a"].notna() & (pairwise["harm_a"] == pairwise["harm_b"])
        problems.add_rows(sources["pairwise"], same, raw["pairwise"]["harm_b"], column="harm_b",
                          message="a harm compared with itself", expected="two different harms")

    decisions = typed.get("decisions")
    if decisions is not None and sessions is not None and {"session_id", "community_id"} <= set(decisions):
        community_of = sessions.drop_duplicates("session_id").set_index("session_id")["community_id"]
        their = decisions["session_id"].map(community_of)
        wrong = their.notna() & decisions["community_id"].notna() & (their != decisions["community_id"])
        problems.add_rows(sources["decisions"], wrong, raw["decisions"]["session_id"], column="session_id",
                          message="this session belongs to another community",
                          expected="a session of the same community")


def _pair(frame: pd.DataFrame, first: str, second: str) -> pd.Series:
    """Two text columns as one key (missing when either is missing)."""
    return frame[first].astype("string") + "\x1f" + frame[second].astype("string")


def _first_by_key(frame: pd.DataFrame, key: str, value) -> pd.Series:
    rows = frame[frame[key].notna()].drop_duplicates(key)
    values = value if isinstance(value, pd.Series) else rows[value]
    return pd.Series(values.loc[rows.index].to_numpy(), index=pd.Index(rows[key].to_numpy()))


def _check_contradictions(typed, raw, sources, scheme: SubgroupScheme, problems: ProblemList) -> None:
    """What one table says that another contradicts: speakers, stated subgroups, rankers' communities."""
    turns, people = typed.get("turns"), typed.get("participants")
    attendance, sessions, rankings = typed.get("attendance"), typed.get("sessions"), typed.get("rankings")
    if turns is not None and "participant_id" in turns and "session_id" in turns and attendance is not None:
        with_roster = is_in(turns["session_id"], attendance["session_id"].dropna().unique())
        absent = turns["participant_id"].notna() & with_roster & ~is_in(
            _pair(turns, "session_id", "participant_id"), _pair(attendance, "session_id", "participant_id").dropna())
        problems.add_rows(sources["turns"], absent, raw["turns"]["participant_id"], column="participant_id",
                          message="the speaker is not in this session's attendance",
                          expected=f"a participant listed for this session in {sources['attendance'].file}")
    if turns is not None and people is not None and {"participant_id", "subgroup"} <= set(turns) \
            and {"participant_id", "gender", "age_group"} <= set(people):
        derived = pd.Series(scheme.assign(people["gender"], people["age_group"]).to_numpy(), index=people.index)
        speaker_subgroup = map_by_key(turns["participant_id"], _first_by_key(people, "participant_id", derived))
        stated = turns["subgroup"]
        wrong = (stated.notna() & speaker_subgroup.notna() & (stated != speaker_subgroup)).fillna(False)
        for subgroup in speaker_subgroup[wrong].dropna().unique():
            problems.add_rows(sources["turns"], wrong & (speaker_subgroup == subgroup), raw["turns"]["subgroup"],
                              column="subgroup", message="the stated subgroup contradicts the speaker's",
                              expected=f'"{subgroup}", the subgroup of this speaker in {sources["participants"].file}')
    if rankings is not None and people is not None and sessions is not None \
            and {"ranker", "session_id"} <= set(rankings) and {"participant_id", "community_id"} <= set(people):
        ranker_community = map_by_key(rankings["ranker"], _first_by_key(people, "participant_id", "community_id"))
        session_community = map_by_key(rankings["session_id"], _first_by_key(sessions, "session_id", "community_id"))
        elsewhere = (ranker_community.notna() & session_community.notna()
                     & (ranker_community != session_community)).fillna(False)
        problems.add_rows(sources["rankings"], elsewhere, raw["rankings"]["ranker"], column="ranker",
                          message="this participant ranks in a session of another community",
                          expected="a participant of the session's community (or a group name)")


def _canonical_group_names(typed: dict[str, pd.DataFrame], labels: set[str], people: pd.Index) -> None:
    """Spell group names as the scheme does: "Girls " is girls (participant ids are left alone)."""
    by_lower = {label.lower(): label for label in labels}
    places = [("population", "subgroup"), ("attendance_counts", "subgroup"), ("turns", "subgroup"),
              ("sessions", "convened_for"), ("rankings", "ranker"), ("pairwise", "ranker")]
    for name, column in places:
        if name not in typed or column not in typed[name]:
            continue
        values = typed[name][column]
        canonical = _on_distinct(values, lambda text: text.str.strip().str.lower().map(by_lower))
        replace = canonical.notna() & (values != canonical).fillna(False) & ~is_in(values, people)
        typed[name][column] = values.mask(replace, canonical).astype("string")


def problems_flagged(problems: ProblemList, source: Source, column: str, index: pd.Index) -> np.ndarray:
    """Rows whose cell in ``column`` was already reported (so a bad rank is not also 'missing')."""
    return index.isin(problems.flagged(source.file, column))

