"""The "Actions" view: what the communities agreed to do and what became of it (contract v2).

For the chosen community: the community story's ``actions`` section (its sentences, table and
timeline; the same words as the reports), who leads and who partners. For the programme (the
communities of the district filter): actions by latest status per community, who leads and
partners, completion by cycle with intervals, time to the first completed action, and the
planning group's composition. Every number is a :mod:`cpanalysis.planning` call made through
:meth:`LibraryResults.planning`; every table shown goes through :func:`.safety.hide_small_counts`;
descriptions only through the story (:func:`cpanalysis.planning.shareable_texts`). Community names come
from the story analysis's ``names`` only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from cpanalysis.plotting import join_words
from cpanalysis.story import community_story

from . import figures
from .filters import ALL, Filters
from .results import LibraryResults
from .safety import hide_small_counts

#: Shown instead of the whole view when the dataset has no actions table (contract v1).
NO_PLAN = "No action plan was recorded in these data."
#: Said under every chart and table of actions.
NOT_PEOPLE = "These are counts of actions, not of people."
#: The programme chart shows at most this many communities (the tables hold them all).
CHART_COMMUNITIES = 40

_OPEN = ("planned", "started")


@dataclass
class ActionsPart:
    """One half of the view (the community, or the programme): words first, then charts and tables."""

    heading: str
    sentences: list[str]
    scope: str
    charts: list = field(default_factory=list)
    tables: dict = field(default_factory=dict)


@dataclass
class ActionsPage:
    """The Actions view; ``available`` is False for a dataset without actions (``message`` says so)."""

    available: bool
    message: str = ""
    community_id: str = ""
    community: ActionsPart | None = None
    programme: ActionsPart | None = None

    def charts(self) -> dict:
        """Every chart, by a name unique in the dashboard's exports."""
        parts = [p for p in (self.community, self.programme) if p is not None]
        return {chart.name: chart for part in parts for chart in part.charts}

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table, by export name (``actions_<community>_...``, ``actions_programme_...``)."""
        out = {}
        if self.community is not None:
            out.update({f"actions_{self.community_id}_{k}": v for k, v in self.community.tables.items()})
        if self.programme is not None:
            out.update({f"actions_programme_{k}": v for k, v in self.programme.tables.items()})
        return out


def actions_page(results: LibraryResults, community_id: str, filters: Filters, *, codes_only: bool = False
                 ) -> ActionsPage:
    """The Actions view for ``community_id`` (may be empty) under ``filters``; communities named by their
    code only with ``codes_only`` (the dashboard's codes-only option).

    Examples
    --------
    >>> import cpanalysis
    >>> from cpanalysis.dashboard.results import LibraryResults
    >>> results = LibraryResults(cpanalysis.load(cpanalysis.sample_path()), cpanalysis.Settings(n_boot=50, n_perm=50))
    >>> page = actions_page(results, "C01", Filters())
    >>> page.available, page.community.heading
    (True, 'What the community agreed to do')
    """
    if not results.has_actions:
        return ActionsPage(False, NO_PLAN)
    programme = results._cached(("actions_programme", filters.district_value, filters.cycle, codes_only),
                                lambda: _programme_part(results, filters, codes_only))
    community = _community_part(results, community_id, filters, codes_only) if community_id else None
    return ActionsPage(True, "", community_id, community, programme)


# ------------------------------------------------------------------------------------------ helpers

def as_of_date(results: LibraryResults):
    """The date of the latest follow-up visit in the data (statuses are read then); NaT if none."""
    updates = results.data.tables.get("action_updates")
    return pd.to_datetime(updates["date"]).max() if updates is not None and len(updates) else pd.NaT


def _names(results: LibraryResults, codes_only: bool) -> dict[str, str]:
    return results.story(codes_only=codes_only)["names"]


def _district_ids(results: LibraryResults, filters: Filters) -> tuple[str, ...] | None:
    communities = results.data.communities
    if filters.district == ALL or "district" not in communities:
        return None
    return tuple(communities.loc[communities["district"].astype(str) == filters.district_value,
                                 "community_id"].astype(str))


def _cycle(filters: Filters) -> str | None:
    return None if filters.cycle == ALL else filters.cycle


def _cycle_words(filters: Filters) -> str:
    return "every cycle" if filters.cycle == ALL else f"cycle {filters.cycle}"


def _community_follow_up(results: LibraryResults, cid: str) -> str:
    """The community's last follow-up visit in words: the date its story and timeline read statuses at."""
    updates, actions = results.data.tables.get("action_updates"), results.data.tables.get("actions")
    if updates is None or actions is None:
        return "its last follow-up visit (none recorded yet)"
    mine = actions.loc[actions["community_id"].astype(str) == cid, "action_id"].astype(str)
    dates = pd.to_datetime(updates.loc[updates["action_id"].astype(str).isin(mine), "date"])
    return f"its last follow-up visit ({dates.max():%d %B %Y})" if len(dates) else \
        "its last follow-up visit (none recorded yet)"


def _when(as_of) -> str:
    return f"the latest follow-up visit in the data ({as_of:%d %B %Y})" if pd.notna(as_of) else \
        "the latest follow-up visit (none recorded yet)"


def _status_words(status: pd.Series) -> str:
    counts = status.astype(str).value_counts()
    parts = [f"{counts[s]} {s}" for s in ("done", "dropped", "stalled") if counts.get(s, 0)]
    still = int(sum(counts.get(s, 0) for s in _OPEN))
    if still:
        parts.append(f"{still} still open (planned or started)")
    return join_words(parts) or "none followed up yet"


def _share(share, low=None, high=None) -> str:
    """``"70%, 95% interval 61-78%"`` (``"hidden"`` for a hidden share)."""
    if pd.isna(share):
        return "hidden"
    text = f"{100 * float(share):.0f}%"
    if low is not None and pd.notna(low) and pd.notna(high):
        text += f", 95% interval {100 * float(low):.0f}-{100 * float(high):.0f}%"
    return text


def lead_partner_counts(results: LibraryResults, communities, cycle) -> pd.DataFrame:
    """Actions by kind of lead (:func:`cpanalysis.planning.action_ownership`'s ``lead_<kind>`` rows) and by
    kind of partner (each action counted once per kind among its ``partners``): ``role``, ``kind``,
    ``n_actions``."""
    ownership = results.planning("action_ownership", communities, cycle, level="programme")
    leads = ownership[ownership["measure"].str.startswith("lead_")]
    rows = pd.DataFrame({"role": "lead", "kind": leads["measure"].str[len("lead_"):].to_numpy(),
                         "n_actions": leads["n_yes"].astype("int64").to_numpy()})
    actions = _actions_of(results, communities, cycle)
    if "partners" in actions:
        words = actions.assign(kind=actions["partners"].astype("string").fillna("").str.split())
        words = words.explode("kind").dropna(subset=["kind"]).drop_duplicates(["action_id", "kind"])
        partners = words.groupby("kind").size()
        rows = pd.concat([rows, pd.DataFrame({"role": "partner", "kind": partners.index.astype(str),
                                              "n_actions": partners.astype("int64").to_numpy()})],
                         ignore_index=True)
    return rows.reset_index(drop=True)


def _actions_of(results: LibraryResults, communities, cycle) -> pd.DataFrame:
    actions = results.data.tables["actions"]
    keep = pd.Series(True, index=actions.index)
    if communities is not None:
        keep &= actions["community_id"].astype(str).isin(communities)
    if cycle is not None:
        keep &= actions["cycle"].astype(str) == str(cycle)
    return actions[keep]


def _leads_chart(name: str, counts: pd.DataFrame, where: str, scope: str):
    from cpanalysis.planning.plots import plot_action_leads

    if counts.empty or counts["n_actions"].sum() == 0:
        return None
    kinds = counts.loc[counts["n_actions"] > 0, "kind"].nunique()
    return _described(name, plot_action_leads, counts, f"Who leads the actions and who partners in them, {where}",
                      scope, size=(6.6, 1.6 + 0.4 * kinds))


def _described(name: str, plot, table: pd.DataFrame, title: str, scope: str, size, alt: str = ""):
    """A library chart whose alt text is ``alt`` (else the plot's own description) followed by what it counts."""
    from matplotlib.figure import Figure

    from cpanalysis.plotting import alt_text

    if not alt:
        alt = alt_text(plot(table, ax=Figure(figsize=size).add_subplot(), title=title))
    return figures.library_chart(name, plot, (table,), f"{alt} {scope}".strip(), size=size, title=title)


# ------------------------------------------------------------------------------------ one community

def _story_actions(results: LibraryResults, community_id: str, filters: Filters, codes_only: bool):
    """The community story's ``actions`` section: the same words, table and timeline as the reports."""
    analysis = results.story(_cycle(filters), filters.formats, codes_only=codes_only)
    return community_story(results.data, community_id, analysis=analysis).section("actions")


def _community_part(results: LibraryResults, cid: str, filters: Filters, codes_only: bool) -> ActionsPart:
    s = results.settings
    cycle = _cycle(filters)
    names = _names(results, codes_only)
    name = names.get(cid, cid)
    where = cid if name == cid else f"{cid} ({name})"
    section = _story_actions(results, cid, filters, codes_only)
    seen = _community_follow_up(results, cid)
    whole = section.ignores_filters and cycle is not None
    if whole:   # the story tells the whole action plan whatever the filters: so does every part of this view
        cycle = None
    status = results.planning("action_status", (cid,), cycle)
    if whole:
        scope = (f"Actions of {where} agreed in every cycle: the community's action plan is told whole, so the cycle "
                 f"and session-format filters do not apply here; statuses at {seen}. {NOT_PEOPLE}")
    else:
        scope = (f"Actions of {where} agreed in {_cycle_words(filters)}; statuses at {seen}. The "
                 f"session-format filter does not apply to actions. {NOT_PEOPLE}")
    heading = section.heading
    sentences = list(section.sentences) + [f"Cannot show: {m}" for m in section.missing]
    table, chart_data, alt = section.table, section.chart_data, section.alt
    if cycle is not None:   # the story kept every cycle: keep the chosen one, as the scope says
        table = table[table["cycle"].astype(str) == cycle] if table is not None and "cycle" in table else table
        chart_data = chart_data[chart_data["cycle"].astype(str) == cycle] \
            if chart_data is not None and len(chart_data) else chart_data
    charts = []
    if chart_data is not None and len(chart_data):
        from cpanalysis.planning.plots import plot_action_timeline

        n = chart_data["action_id"].nunique()
        charts.append(_described("actions_community_timeline", plot_action_timeline, chart_data,
                                 f"What became of the actions, {where}", scope, size=(8.2, 1.7 + 0.34 * n), alt=alt))
    counts = lead_partner_counts(results, (cid,), cycle) if len(status) else pd.DataFrame()
    if len(counts):  # the story's paragraph says who leads; the chart shows it
        chart = _leads_chart("actions_community_leads", counts, where, scope)
        if chart is not None:
            charts.append(chart)
    tables = {}
    if table is not None and len(table):
        tables["actions"] = hide_small_counts(table.reset_index(drop=True), s)
    if chart_data is not None and len(chart_data):
        tables["timeline"] = chart_data.reset_index(drop=True)
    if len(counts):
        tables["leads_partners"] = counts
    return ActionsPart(heading, sentences, scope, charts, tables)


# ------------------------------------------------------------------------------------------ programme

def _programme_part(results: LibraryResults, filters: Filters, codes_only: bool) -> ActionsPart:
    from cpanalysis.planning.plots import plot_actions_by_status

    s = results.settings
    communities = _district_ids(results, filters)
    cycle = _cycle(filters)
    names = _names(results, codes_only)
    as_of = as_of_date(results)
    where = "all communities" if communities is None else f"the communities of {filters.district}"
    scope = (f"Actions of {where} agreed in {_cycle_words(filters)}; statuses at {_when(as_of)}. The session-format "
             f"filter does not apply to actions. {NOT_PEOPLE}")
    heading = "What the communities agreed to do, and what became of it"
    status = results.planning("action_status", communities, cycle)
    if status.empty:
        return ActionsPart(heading, [f"No action was agreed in {where} in {_cycle_words(filters)}."], scope)
    n_comm = status["community_id"].nunique()
    sentences = [f"{len(status)} actions were agreed in {n_comm} communit{'ies' if n_comm != 1 else 'y'} "
                 f"({where}, {_cycle_words(filters)}): {_status_words(status['status'])} at {_when(as_of)}."]
    charts, tables = [], {}

    # actions by latest status, one bar per community (in the communities table's order)
    order = [c for c in results.data.communities["community_id"].astype(str) if c in set(status["community_id"])]
    by_status = (status.groupby(["community_id", "status"]).size().rename("n_actions").reset_index())
    by_status["community_id"] = pd.Categorical(by_status["community_id"].astype(str), categories=order)
    by_status = by_status.sort_values(["community_id", "status"]).reset_index(drop=True)
    shown = by_status[by_status["community_id"].isin(order[:CHART_COMMUNITIES])].copy()
    shown["community_id"] = [names.get(c, c) for c in shown["community_id"].astype(str)]
    more = f" The chart shows the first {CHART_COMMUNITIES} of {len(order)} communities; the table holds all." \
        if len(order) > CHART_COMMUNITIES else ""
    charts.append(_described("actions_by_status", plot_actions_by_status, shown,
                             "Actions of each community by their latest status", scope + more,
                             size=(7.2, 1.5 + 0.34 * min(len(order), CHART_COMMUNITIES))))
    table = by_status.assign(community_id=by_status["community_id"].astype(str))
    table.insert(1, "community", [names.get(c, c) for c in table["community_id"]])
    tables["status_by_community"] = table

    # who leads and who partners
    counts = lead_partner_counts(results, communities, cycle)
    ownership = results.planning("action_ownership", communities, cycle, level="programme").set_index("measure")
    led = ownership.loc["community_led"]
    agency = ownership.loc["agency_led"]
    formal = ownership.loc["formal_system_involved"]
    sentences.append(f"Led by the community: {led['n_yes']} of {led['n_actions']} actions "
                     f"({_share(led['share'], led['ci_low'], led['ci_high'])}); by the agency: {agency['n_yes']} "
                     f"({_share(agency['share'])}); government or a service provider took part in {formal['n_yes']} "
                     f"({_share(formal['share'])}).")
    chart = _leads_chart("actions_programme_leads", counts, where, scope)
    if chart is not None:
        charts.append(chart)
    tables["leads_partners"] = counts
    tables["ownership"] = ownership.reset_index()[["community_id", "measure", "n_actions", "n_yes", "share",
                                                   "ci_low", "ci_high"]]

    # completion by cycle
    follow = results.planning("action_follow_up", communities, cycle, level="programme", as_of=as_of)
    tables["completion_by_cycle"] = follow
    said = [f"cycle {r.cycle}: {r.n_done} of {r.n_actions} done ({_share(r.done_share, r.done_ci_low, r.done_ci_high)}), "
            f"{r.n_dropped} dropped, {r.n_ever_stalled} stalled at some point" for r in follow.itertuples()]
    sentences.append("Completion by the cycle in which actions were agreed: " + "; ".join(said) + ". "
                     "Later cycles have had less time.")

    # time to the first completed action (every cycle: it counts from each community's first action)
    first = results.planning("first_completion", communities, None)
    km = results.planning("first_completion", communities, None, level="programme").iloc[0]
    if pd.notna(km["median_days"]):
        low, high = km["ci_low"], km["ci_high"]
        ci = f" (95% interval {low:.0f}-{high:.0f} days)" if pd.notna(low) and pd.notna(high) else ""
        half = f"half of them had done so within {km['median_days']:.0f} days of agreeing their first action{ci}"
    else:
        half = "fewer than half have completed one yet"
    sentences.append(f"{km['n_with_done']} of {km['n_communities']} communities have completed at least one action; "
                     f"{half}. This counts every cycle (the cycle filter does not apply).")
    first = first.copy()
    first.insert(1, "community", [names.get(c, c) for c in first["community_id"].astype(str)])
    tables["first_completion"] = first
    tables["first_completion_programme"] = km.to_frame().T.reset_index(drop=True)

    # the planning group's composition (elites against the community meeting), every cycle
    group = _planning_group(results, communities, codes_only)
    if group is not None:
        tables["planning_group"] = group
        shown = group.dropna(subset=["ratio_to_meeting"])
        elites = shown[shown["subgroup"] == "elite"]
        if len(elites):
            sentences.append(
                f"Planning groups: in the {len(elites)} communities where the elite and the other members are each "
                f"at least {s.min_count}, elites hold {elites['ratio_to_meeting'].min():.1f} to "
                f"{elites['ratio_to_meeting'].max():.1f} times their share of the community meeting; the others are "
                f"hidden (groups of fewer than {s.min_count} members). This counts every cycle.")
        else:
            sentences.append(f"Planning groups: no community has at least {s.min_count} elite and {s.min_count} "
                             "other members, so their composition is hidden.")
    return ActionsPart(heading, sentences, scope, charts, tables)


def _planning_group(results: LibraryResults, communities, codes_only: bool) -> pd.DataFrame | None:
    """:func:`cpanalysis.planning.planning_group_inclusion` by elite status, shares only (no member counts),
    and a community's shares hidden together when one of its two rows is hidden (with two rows, one shown
    share would give the other)."""
    if not results.has_people:
        return None
    try:
        table = results.planning("planning_group_inclusion", None, None, subgroup="elite")
    except (ValueError, KeyError) as error:
        results.missing["planning_group"] = str(error)
        return None
    if communities is not None:
        table = table[table["community_id"].astype(str).isin(communities)]
    table = hide_small_counts(table, results.settings)
    shares = ["planning_share", "planning_ci_low", "planning_ci_high", "ratio_to_meeting", "ratio_ci_low",
              "ratio_ci_high"]
    hidden = table["planning_share"].isna().groupby(table["community_id"].astype(str)).transform("any")
    table = table.copy()
    for column in shares:
        table[column] = table[column].astype("Float64").mask(hidden.to_numpy())
    names = _names(results, codes_only)
    table.insert(1, "community", [names.get(c, c) for c in table["community_id"].astype(str)])
    return table[["community_id", "community", "subgroup", *shares[:3], "meeting_share", *shares[3:]]] \
        .reset_index(drop=True)


#: The tables shown on screen (the exports hold every table, unformatted), with a title and the columns shown.
SHOWN_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "actions": ("The actions (descriptions shown only where the data mark them shareable)",
                ("action_id", "cycle", "harm", "lead", "partners", "due_date", "status", "status_date", "description")),
    "completion_by_cycle": ("Completion by the cycle the actions were agreed in",
                            ("cycle", "n_actions", "n_done", "done_share", "done_ci_low", "done_ci_high", "n_dropped",
                             "n_stalled", "n_open", "n_ever_stalled")),
    "first_completion": ("Time to each community's first completed action (days from its first agreed action)",
                         ("community", "first_agreed", "first_done", "days_from_first_agreed", "censored")),
    "planning_group": ("Planning groups: share of elite and other members against the community meeting",
                       ("community", "subgroup", "planning_share", "planning_ci_low", "planning_ci_high",
                        "meeting_share", "ratio_to_meeting", "ratio_ci_low", "ratio_ci_high")),
}
_PERCENT = ("share", "ci_low", "ci_high")


def shown_tables(part: ActionsPart) -> list[tuple[str, pd.DataFrame]]:
    """The part's tables as shown on screen: chosen columns, shares as percentages, dates as dates.

    Examples
    --------
    >>> part = ActionsPart("h", [], "", tables={"completion_by_cycle": pd.DataFrame(
    ...     {"cycle": [1], "n_actions": [4], "n_done": [3], "done_share": [0.75], "done_ci_low": [0.5],
    ...      "done_ci_high": [1.0], "n_dropped": [1], "n_stalled": [0], "n_open": [0], "n_ever_stalled": [0]})})
    >>> shown_tables(part)[0][1]["done_share"].tolist()
    ['75%']
    """
    out = []
    for name, (title, columns) in SHOWN_TABLES.items():
        table = part.tables.get(name)
        if table is None or len(table) == 0:
            continue
        shown = table[[c for c in columns if c in table.columns]].copy()
        for column in shown.columns:
            if column.endswith(_PERCENT) and column.startswith(("done", "planning", "meeting")):
                shown[column] = [_share(v) if pd.notna(v) else None for v in shown[column]]
            elif column.startswith("ratio"):
                shown[column] = [f"{float(v):.2f}" if pd.notna(v) else None for v in shown[column]]
            elif column in ("first_agreed", "first_done"):
                shown[column] = pd.to_datetime(shown[column]).dt.date
        out.append((title, shown))
    return out
