"""The programme overview: one row per community, headline sentences, and each group's top harm
against the decision (the chart of communities x groups)."""

from __future__ import annotations

import pandas as pd

from cpanalysis.dominance import LEVELS

from .filters import ALL, Filters
from .places import PlaceNames, place_names
from .results import LibraryResults
from .safety import hide_small_counts

#: Badge of each reading level: (words on the badge, css class, rank for sorting: strongest first).
#: Keyed on the library's levels (old and new names) so that a new level without a badge fails a test.
BADGES = {
    "strong signals": ("Clear signs of elite influence", "cp-badge-clear", 0),
    "clear sign": ("Clear signs of elite influence", "cp-badge-clear", 0),
    "some signals": ("Some signs of elite influence", "cp-badge-some", 1),
    "some sign": ("Some signs of elite influence", "cp-badge-some", 1),
    "no signal": ("No sign of elite influence", "cp-badge-none", 2),
    "no sign": ("No sign of elite influence", "cp-badge-none", 2),
    "not assessable": ("Cannot tell (too little data)", "cp-badge-unknown", 3),
    "cannot tell": ("Cannot tell (too little data)", "cp-badge-unknown", 3),
}

#: Overview columns: plain heading and the help shown on hover.
COLUMNS = {
    "community_id": ("Community", "The community's code; click it to open its page."),
    "name": ("Name", "The community's name (or code)."),
    "district": ("District", "District of the community."),
    "reading": ("Elite influence", "The reading of whether the elites shaped the choice of harms "
                "(all cycles and sessions: the decision is the final one)."),
    "decision": ("First harm chosen", "The harm the community put first in its plan."),
    "girls_top": ("Girls' first harm", "The harm girls put first (every list girls made, in the filters; "
                  "elite girls are counted with the elites), and whether the community chose it."),
    "n_attendees_unit": ("Attendances", "How many times people came to sessions (in the filters)."),
    "n_turns_unit": ("Speaking turns", "How many times someone spoke (in the filters)."),
    "lowest_parity_subgroup": ("Heard least", "The group whose share of speaking turns was smallest "
                               "compared with its share of those present."),
    "lowest_parity": ("Their voice parity", "Share of turns divided by share of those present: 1 = heard "
                      "in proportion, 0.5 = half their fair share."),
    "elite_parity": ("Elites' voice parity", "The same for elites: above 1 = heard more than their share."),
    "gini": ("Gini of speaking", "0 = everyone spoke equally often, 1 = one person did all the talking."),
}


def badge(level) -> tuple[str, str, int]:
    """The badge (words, css class, order) of a reading level; unknown levels say so."""
    return BADGES.get(str(level), (f"Reading: {level}", "cp-badge-unknown", 4))


def missing_badges() -> list[str]:
    """Levels of :data:`cpanalysis.dominance.LEVELS` that have no badge (should be empty)."""
    return [level for level in LEVELS if level not in BADGES]


def harm_labels(data) -> dict[str, str]:
    return dict(zip(data.harms["harm_id"].astype(str), data.harms["label"].astype(str)))


def group_priorities(results: LibraryResults, communities=None, filters: Filters | None = None) -> pd.DataFrame:
    """Each group's top harm against the decision, one row per community x group (already safe).

    The community story's groups and lists (:func:`cpanalysis.story.story_analysis`: elites as one
    group, every list a group made), for the sessions the filters keep; the decision is the final one.
    Columns: ``community_id``, ``subgroup``, ``n_people_ranking``, ``top_harm_label``,
    ``top_harm_position`` (its place in the decision, NA = not chosen), ``top_harm_in_decision``.
    """
    filters = filters or Filters()
    analysis = results.story(None if filters.cycle == ALL else filters.cycle, filters.formats)
    ranks = analysis.get("rankings")
    columns = ["community_id", "subgroup", "n_people_ranking", "top_harm_label", "top_harm_position",
               "top_harm_in_decision"]
    if ranks is None or ranks.empty:
        return pd.DataFrame(columns=columns)
    ranks = ranks.assign(community_id=ranks["community_id"].astype(str))
    if communities is not None:
        ranks = ranks[ranks["community_id"].isin([str(c) for c in communities])]
    top = ranks[ranks["rank"] == 1]
    rows = []
    for (cid, group), part in top.groupby(["community_id", "subgroup"], sort=False, observed=True):
        decided = list(analysis["decisions"].get(cid, {}).get("harms", ()))
        positions = [decided.index(h) + 1 for h in part["harm_id"] if h in decided]
        rows.append({"community_id": cid, "subgroup": group, "n_people_ranking": part["n_people"].iloc[0],
                     "top_harm_label": " / ".join(part["label"].astype(str)),
                     "top_harm_position": min(positions) if positions else pd.NA,
                     "top_harm_in_decision": bool(positions) if decided else pd.NA})
    out = pd.DataFrame(rows, columns=columns)
    out["n_people_ranking"] = out["n_people_ranking"].astype("Int64")
    out["top_harm_position"] = out["top_harm_position"].astype("Int64")
    out["top_harm_in_decision"] = out["top_harm_in_decision"].astype("boolean")
    out["top_harm"] = out["top_harm_label"]
    return hide_small_counts(out, results.settings)


def overview_table(results: LibraryResults, filters: Filters, places: PlaceNames | None = None) -> pd.DataFrame:
    """One row per community in the filters (already safe); the reading ignores cycle and format.
    Names and districts as ``places`` shows them (as recorded by default)."""
    data, s = results.data, results.settings
    out = data.communities[[c for c in ("community_id", "name", "district") if c in data.communities]].copy()
    out["community_id"] = out["community_id"].astype(str)
    if filters.district != ALL and "district" in out:
        out = out[out["district"].astype(str) == filters.district_value]
    out = (places or place_names(results)).table(out)
    out = out.set_index("community_id", drop=False)
    out["reading"] = results.levels().reindex(out.index).astype(object)
    decisions = results.story()["decisions"]
    out["decision"] = [(decisions.get(c, {}).get("labels") or ("no decision",))[0] for c in out.index]
    prio = group_priorities(results, out.index, filters)
    girls = prio[prio["subgroup"] == "girls"].set_index("community_id")
    out["girls_top"] = [_girls_words(girls, c, s) for c in out.index]
    level = filters.level
    part = hide_small_counts(_rows(results.participation(filters.formats, level), filters), s)
    if part is not None and len(part):
        first = part.drop_duplicates("community_id").set_index("community_id")
        for column in ("n_attendees_unit", "n_turns_unit"):
            out[column] = first[column].reindex(out.index)
        ranked = part.dropna(subset=["parity"]).sort_values("parity", kind="stable")
        lowest = ranked.drop_duplicates("community_id").set_index("community_id")
        out["lowest_parity_subgroup"] = lowest["subgroup"].reindex(out.index)
        out["lowest_parity"] = lowest["parity"].reindex(out.index)
    status = hide_small_counts(_rows(results.participation(filters.formats, level, "status"), filters), s)
    if status is not None and len(status):
        elite = status[status["subgroup"] == "elite"].drop_duplicates("community_id").set_index("community_id")
        out["elite_parity"] = elite["parity"].reindex(out.index)
    conc = hide_small_counts(_rows(results.concentration(filters.formats, level), filters), s)
    if conc is not None and len(conc) and "gini" in conc:
        out["gini"] = conc.drop_duplicates("community_id").set_index("community_id")["gini"].reindex(out.index)
    out = out.reset_index(drop=True)
    return out[[c for c in COLUMNS if c in out]]


def _rows(table, filters: Filters):
    if table is None:
        return None
    if filters.cycle != ALL and "cycle" in table:
        table = table[table["cycle"].astype(str) == filters.cycle]
    return table.assign(community_id=table["community_id"].astype(str))


def _girls_words(girls: pd.DataFrame, community_id: str, settings) -> str:
    if community_id not in girls.index:
        return "no ranking by girls"
    row = girls.loc[community_id]
    if pd.isna(row["top_harm"]):
        return f"hidden (fewer than {settings.min_count} girls ranked)"
    where = "chosen" if bool(row["top_harm_in_decision"]) else "not chosen"
    return f"{row['top_harm_label']} ({where})"


def headlines(results: LibraryResults, table: pd.DataFrame, filters: Filters) -> list[str]:
    """Sentences a facilitator reads first, about the communities in ``table``."""
    n = len(table)
    if n == 0:
        return [f"No community matches the filters ({filters.words()})."]
    ranks = pd.Series([badge(level)[2] for level in table["reading"]])
    out = [f"{int((ranks == 0).sum())} of {n} communities show clear signs that elites shaped the choice; "
           f"{int((ranks == 1).sum())} show some signs, {int((ranks == 2).sum())} show none"
           + (f", and in {int((ranks >= 3).sum())} we cannot tell." if (ranks >= 3).any() else ".")]
    prio = group_priorities(results, table["community_id"], filters)
    girls = prio[(prio["subgroup"] == "girls") & prio["top_harm"].notna()]
    if len(girls):
        chosen = int(girls["top_harm_in_decision"].fillna(False).sum())
        first = int((girls["top_harm_position"] == 1).fillna(False).sum())
        out.append(f"Girls' first harm was among the harms chosen in {chosen} of {len(girls)} communities "
                   f"where it can be shown, and chosen first in {first}.")
    else:
        out.append("Girls' priorities cannot be shown: no ranking by enough girls.")
    analysis = results.story(None if filters.cycle == ALL else filters.cycle, filters.formats)
    prog = analysis.get("presence_programme")
    if prog is not None and len(prog):
        g = prog[prog["subgroup"] == "girls"]
        where = ", ".join(f.replace("_", " ") + "s" for f in analysis["voice_formats"])
        if len(g) and pd.notna(g["presence_share"].iloc[0]) and pd.notna(g["voice_share_turns"].iloc[0]):
            out.append(f"Across the programme's {where} (every district; {filters.words()}), girls were "
                       f"{g['presence_share'].iloc[0]:.0%} of the people present and took "
                       f"{g['voice_share_turns'].iloc[0]:.0%} of the speaking turns.")
    return out
