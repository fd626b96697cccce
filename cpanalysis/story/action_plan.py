"""The story's action plan: what the community agreed to do, who leads it and where it stands (contract v2).

Every number comes from :mod:`cpanalysis.planning` (computed once per dataset by
:func:`action_plan_analysis`); counts of proposers and of planning-group members arrive already
hidden by :func:`cpanalysis.suppress_small`, and free text only through
:func:`cpanalysis.planning.shareable_texts`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..contract import PLANNING_GROUP
from ..settings import Settings
from .hiding import is_hidden
from .model import StorySection
from .wording import hidden_text, join, pct

HEADING = "What the community agreed to do"
NO_PLAN = "No action plan was recorded for this community."

#: Statuses in the order sentences list them, and their plain words.
STATUS_WORDS = {"done": "done", "started": "under way", "planned": "planned (not started)", "stalled": "stalled",
                "dropped": "dropped"}
#: Who leads or takes part, in words (the contract's kinds).
LEAD_WORDS = {"community_group": "a community group", "planning_group": "the planning group",
              "subgroup": "a subgroup (girls, women...)", "government": "government",
              "service_provider": "a service provider", "ngo_agency": "the agency", "other": "other"}
RESOURCE_WORDS = {"none": "none", "community": "the community's", "agency": "the agency's",
                  "government": "government's"}
#: The groups whose first priorities the actions are checked against.
MATCH_GROUPS = ("girls", "boys", "marginalised")
#: What the table's description shows when the action is not shareable.
WITHHELD = "withheld"

TABLE_COLUMNS = ["action_id", "cycle", "harm", "proposed_by", "lead", "partners", "resources", "agreed", "due_date",
                 "status", "status_date", "description"]
CHART_COLUMNS = ["action_id", "label", "cycle", "lead", "status", "start", "end", "latest"]


def _table(data, name):
    return data.get(name) if isinstance(data, dict) else getattr(data, name, None)


def _date_words(day) -> str:
    day = pd.Timestamp(day)
    return f"{day.day} {day.strftime('%B %Y')}"


def _iso(day) -> str:
    return "not recorded" if pd.isna(day) else pd.Timestamp(day).strftime("%Y-%m-%d")


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def action_plan_analysis(data, settings: Settings) -> dict:
    """The action measures every community's story reads, computed once on the whole dataset.

    Counts only (no interval is shown in a story), so the measures run with ``n_boot=0``; their
    counts and the hidden cells do not depend on ``n_boot``. A dataset without an ``actions`` table
    (data contract v1) gives ``{"present": False, ...}``.

    Returns
    -------
    dict
        ``present``, ``why`` (when absent), and the tables of :mod:`cpanalysis.planning`:
        ``status`` (:func:`~cpanalysis.planning.action_status`), ``proposers`` (subgroup classes),
        ``ownership``, ``first`` (:func:`~cpanalysis.planning.first_completion`), ``match``
        (:func:`~cpanalysis.planning.action_priority_match`), ``planning`` and ``planning_elite``
        (:func:`~cpanalysis.planning.planning_group_inclusion`), ``texts``
        (:func:`~cpanalysis.planning.shareable_texts`), plus ``actions``, ``updates``, ``classes``
        (each action's proposer class), ``agreed`` (action id -> date agreed), ``as_of`` (the
        latest update of the dataset) and ``problems`` (measure -> why it could not be computed).

    Examples
    --------
    >>> import cpanalysis
    >>> plan = action_plan_analysis(cpanalysis.load(cpanalysis.sample_path()), cpanalysis.Settings())
    >>> plan["present"], len(plan["actions"]), str(plan["as_of"].date())
    (True, 82, '2025-10-02')
    """
    from .. import planning
    from ..planning._common import people_table, proposer_classes

    actions = _table(data, "actions")
    if actions is None:
        return {"present": False, "why": "the dataset has no actions table (data contract v1)"}
    s = settings.replace(n_boot=0)
    updates = _table(data, "action_updates")
    if updates is None:
        updates = pd.DataFrame({"action_id": pd.Series(dtype="string"), "date": pd.Series(dtype="datetime64[ns]"),
                                "status": pd.Series(dtype="string")})
    out = {"present": True, "actions": actions.reset_index(drop=True), "updates": updates, "problems": {}}
    calls = {
        "status": lambda: planning.action_status(data),
        "proposers": lambda: planning.action_proposers(data, by="subgroup", settings=s),
        "ownership": lambda: planning.action_ownership(data, settings=s),
        "first": lambda: planning.first_completion(data, settings=s),
        "match": lambda: planning.action_priority_match(data, groups=MATCH_GROUPS, settings=s),
        "planning": lambda: planning.planning_group_inclusion(data, subgroup="subgroup", settings=s),
        "planning_elite": lambda: planning.planning_group_inclusion(data, subgroup="elite", settings=s),
        "texts": lambda: planning.shareable_texts(data),
    }
    for key, call in calls.items():
        try:
            out[key] = call()
        except (ValueError, KeyError, TypeError) as error:  # a table the measure needs is missing: say so
            out[key] = None
            out["problems"][key] = str(error)
    classes = proposer_classes(actions, people_table(data))
    out["classes"] = pd.Series(classes["proposer_subgroup"].fillna("unknown").astype(str).to_numpy(),
                               index=actions["action_id"].astype(str).to_numpy())
    out["kinds"] = pd.Series(classes["proposer_kind"].astype(str).to_numpy(),
                             index=actions["action_id"].astype(str).to_numpy())
    dates = pd.to_datetime(updates["date"])
    sessions = _table(data, "sessions")
    agreed = pd.Series(pd.NaT, index=actions.index, dtype="datetime64[ns]")
    if sessions is not None and "session_id" in actions and "date" in sessions:
        when = sessions.drop_duplicates("session_id").set_index("session_id")["date"]
        agreed = pd.to_datetime(actions["session_id"].map(when))
    first_update = dates.groupby(updates["action_id"].astype(str)).min()
    # as first_completion: an action without a session is dated by its first update
    if len(first_update):
        agreed = agreed.fillna(pd.to_datetime(actions["action_id"].astype(str).map(first_update)))
    out["agreed"] = pd.Series(agreed.to_numpy(), index=actions["action_id"].astype(str).to_numpy())
    out["as_of"] = dates.max() if len(dates) else pd.NaT
    return out


def _class_words(name: str) -> str:
    if name == PLANNING_GROUP:
        return "the planning group as a whole"
    if name == "elites":
        return "the elites"
    return str(name).replace("_", " ")


def _proposer_words(cls: str, kind: str) -> str:
    if kind == PLANNING_GROUP or cls == PLANNING_GROUP:
        return "the planning group"
    words = _class_words(cls)
    return f"a small group of {words.removeprefix('the ')}" if kind == "group" else words


def _rows(table, cid):
    if table is None:
        return None
    return table[table["community_id"].astype(str) == cid].reset_index(drop=True)


def action_timeline(plan: dict, actions: pd.DataFrame, labels: dict, *, until=None) -> pd.DataFrame:
    """One row per (action, status period): the chart data of the story's actions section.

    A period runs from one update to the next; the first starts on the day the action was agreed
    (status ``planned`` until its first update, unless that update is on the same day); the last
    ends at ``until``: the community's last follow-up, the date its story gives the statuses at
    (a bar drawn past it would claim a status nobody saw), or ``plan["as_of"]``, the latest update
    of the dataset, when the community has none. Consecutive updates with the same status make one
    period. Actions with no date at all are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> plan = {"agreed": pd.Series(pd.to_datetime(["2025-01-01"]), index=["A1"]),
    ...         "as_of": pd.Timestamp("2025-04-01"),
    ...         "updates": pd.DataFrame({"action_id": ["A1", "A1"], "date": ["2025-02-01", "2025-03-01"],
    ...                                  "status": ["started", "done"]})}
    >>> actions = pd.DataFrame({"action_id": ["A1"], "harm_id": ["h"], "cycle": [1], "lead": ["government"]})
    >>> t = action_timeline(plan, actions, {"h": "Heavy work"})
    >>> t[["label", "status", "latest"]].to_numpy().tolist()
    [['A1: Heavy work', 'planned', False], ['A1: Heavy work', 'started', False], ['A1: Heavy work', 'done', True]]
    """
    updates = plan["updates"]
    dates = pd.to_datetime(updates["date"])
    ordered = updates.assign(_date=dates, _row=np.arange(len(updates))).sort_values(["_date", "_row"], kind="stable")
    by_action = {a: part for a, part in ordered.groupby(ordered["action_id"].astype(str), sort=False)}
    end = until if until is not None and pd.notna(until) else plan["as_of"]
    rows = []
    for a in actions.sort_values(["cycle", "action_id"], kind="stable").itertuples(index=False):
        aid = str(a.action_id)
        part = by_action.get(aid)
        agreed = plan["agreed"].get(aid, pd.NaT)
        points = [] if part is None else list(zip(part["_date"], part["status"].astype(str)))
        if pd.isna(agreed) and not points:
            continue
        start = agreed if pd.notna(agreed) else points[0][0]
        if not points or points[0][0] > start:
            points.insert(0, (start, "planned"))
        periods = []
        for day, status in points:
            if periods and periods[-1][1] == status:
                continue
            periods.append((day, status))
        stop = end if pd.notna(end) else periods[-1][0]
        label = f"{aid}: {labels.get(str(a.harm_id), str(a.harm_id))}"
        for k, (day, status) in enumerate(periods):
            last = k == len(periods) - 1
            rows.append({"action_id": aid, "label": label, "cycle": int(a.cycle), "lead": LEAD_WORDS.get(
                str(a.lead), str(a.lead)), "status": status, "start": pd.Timestamp(day),
                "end": pd.Timestamp(max(stop, day) if last else periods[k + 1][0]), "latest": last})
    out = pd.DataFrame(rows, columns=CHART_COLUMNS)
    out["start"] = pd.to_datetime(out["start"])
    out["end"] = pd.to_datetime(out["end"])
    out["latest"] = out["latest"].astype(bool)
    return out


def actions_section(plan: dict, cid: str, *, decision: dict, labels: dict, settings: Settings,
                    filtered: bool = False, top_harms: dict | None = None) -> StorySection:
    """The story's ``actions`` section for one community (see the shared contract in the module docs).

    Parameters
    ----------
    plan : dict
        :func:`action_plan_analysis` output.
    cid : str
        The community.
    decision : dict
        The community's decision (``harms``: harm ids in order; ``labels``).
    labels : dict
        Harm id -> label.
    settings : Settings
    filtered : bool
        The story's cycle or format filters are on (the actions ignore them and say so).
    top_harms : dict, optional
        The story's own first priority of each group (label, ties joined " / "): where the action
        measure's group (elite members included) puts another harm first, the section says so.

    Examples
    --------
    >>> import cpanalysis
    >>> data = cpanalysis.load(cpanalysis.sample_path())
    >>> plan = action_plan_analysis(data, cpanalysis.Settings())
    >>> labels = dict(zip(data.harms["harm_id"], data.harms["label"]))
    >>> section = actions_section(plan, "C03", decision={"harms": (), "labels": ()}, labels=labels,
    ...                           settings=cpanalysis.Settings())
    >>> section.sentences[0]
    '5 actions were agreed: 1 in cycle 1, 1 in cycle 2 and 3 in cycle 3.'
    """
    s = settings
    note = ("The action plan uses every action of the community; the cycle and format filters do not apply "
            "to it.") if filtered else None
    if not plan.get("present"):
        return _empty(note, f"the action plan ({plan.get('why', 'none was recorded')})")
    actions = plan["actions"][plan["actions"]["community_id"].astype(str) == cid].reset_index(drop=True)
    if not len(actions):
        return _empty(note, "the action plan (no action was recorded for this community)")
    ids = actions["action_id"].astype(str)
    n = len(actions)
    sentences, missing = [], []

    # what was agreed, when, on which harms
    cycles = actions["cycle"].astype(int).value_counts().sort_index()
    if len(cycles) == 1:
        sentences.append(f"{_count(n, 'action was', 'actions were')} agreed, all in cycle {cycles.index[0]}.")
        missing.append("change between cycles (actions of one cycle only)")
    else:
        sentences.append(f"{_count(n, 'action was', 'actions were')} agreed: "
                         + join([f"{k} in cycle {c}" for c, k in cycles.items()]) + ".")
    chosen = list(decision.get("harms", ()))
    harms = actions["harm_id"].astype(str).value_counts()
    order = sorted(harms.index, key=lambda h: (chosen.index(h) if h in chosen else len(chosen), -harms[h], h))
    on = join([f"{labels.get(h, h)} ({harms[h]})" for h in order])
    outside = int((~actions["harm_id"].astype(str).isin(chosen)).sum())
    if not chosen:
        tail = "."
    elif outside == 0:
        tail = ", all harms the community chose."
    else:
        tail = (f"; {_count(outside, 'action is', 'actions are')} on a harm that the community's recorded "
                f"decision does not name.")
    sentences.append(f"They address {on}{tail}")

    # who proposed them (counts hidden by action_proposers: suppress_small, complementary cells included)
    proposers = _rows(plan.get("proposers"), cid)
    shown_classes = set()
    if proposers is None:
        missing.append("who proposed the actions")
    else:
        shown = proposers[proposers["n_actions"].map(lambda v: not is_hidden(v))]
        hidden = proposers[proposers["n_actions"].map(is_hidden)]
        shown_classes = set(shown["proposer"].astype(str))
        shown = shown.sort_values(["n_actions", "proposer"], ascending=[False, True], kind="stable")
        parts = [f"{_class_words(p)} {int(k)}" for p, k in zip(shown["proposer"], shown["n_actions"])]
        few = [_class_words(p) for p in hidden["proposer"]]
        if parts:
            text = "Who proposed them: " + join(parts)
            if few:
                text += (f"; {join(few)} not shown (fewer than {s.min_count}, or a number that would reveal a "
                         f"group that small: to protect who they are)")
            sentences.append(text + ".")
        else:
            sentences.append(f"Who proposed them is not shown group by group: some groups proposed fewer than "
                             f"{s.min_count} of them, and the other numbers would reveal those (to protect who "
                             f"they are).")
        if few:
            missing.append(f"the proposers of groups that proposed fewer than {s.min_count} actions")

    # who leads, with whom
    own = _rows(plan.get("ownership"), cid)
    if own is not None and len(own):
        yes = dict(zip(own["measure"], own["n_yes"].astype(int)))
        by = [f"{LEAD_WORDS[k]}: {yes[f'lead_{k}']}" for k in ("community_group", "planning_group", "subgroup")
              if yes.get(f"lead_{k}", 0)]
        text = f"The community itself leads {yes['community_led']} of the {n}" + (f" ({'; '.join(by)})" if by else "")
        agency = yes["agency_led"]
        text += f"; the agency leads {agency if agency else 'none'}"
        others = [f"{LEAD_WORDS[k]}: {yes[f'lead_{k}']}" for k in ("government", "service_provider", "other")
                  if yes.get(f"lead_{k}", 0)]
        text += (f"; the others are led by {'; '.join(others)}." if others else ".")
        sentences.append(text)
        formal = yes["formal_system_involved"]
        if formal:
            sentences.append(f"Government or a service provider leads or takes part in {formal} of them "
                             f"(government in {yes['government_involved']}, a service provider in "
                             f"{yes['services_involved']}).")
        else:
            sentences.append("No action involves government or a service provider.")
    else:
        missing.append("who leads the actions")

    # where they stand
    status = _rows(plan.get("status"), cid)
    updates = plan["updates"][plan["updates"]["action_id"].astype(str).isin(ids)]
    latest = pd.to_datetime(updates["date"]).max() if len(updates) else pd.NaT
    counts = {}
    if status is None:
        missing.append("where the actions stand")
    elif not len(updates):
        sentences.append("No follow-up of these actions was recorded yet, so where they stand is not known.")
        missing.append("where the actions stand (no follow-up recorded yet)")
    else:
        counts = status["status"].astype(str).value_counts().to_dict()
        listed = [f"{counts[k]} {w}" for k, w in STATUS_WORDS.items() if counts.get(k)]
        sentences.append(f"At the last follow-up ({_date_words(latest)}): " + join(listed) + ".")
        ever = int(status["ever_stalled"].sum())
        without = int((status["n_updates"] == 0).sum())
        extra = []
        if ever:
            extra.append(f"{_count(ever, 'action')} stalled at some point")
        if without:
            extra.append(f"{_count(without, 'action has', 'actions have')} no follow-up recorded (counted as planned)")
        if extra:
            sentences.append(join(extra)[:1].upper() + join(extra)[1:] + ".")
    first = _rows(plan.get("first"), cid)
    if first is not None and len(first) and len(updates) and not pd.isna(first["days_from_first_agreed"].iloc[0]):
        row = first.iloc[0]
        days = int(row["days_from_first_agreed"])
        if row["censored"]:
            sentences.append(f"No action is done yet, {days} days after the first one was agreed.")
        else:
            sentences.append(f"The first action was done {days} days (about {max(1, round(days / 30.44))} "
                             f"months) after the first one was agreed, in cycle {int(row['cycle_first_done'])}.")

    # do the actions address what girls, boys and marginalised people put first?
    match = _rows(plan.get("match"), cid)
    if match is None:
        missing.append("whether the actions address the groups' first priorities (no rankings)")
    else:
        said, hidden, differs = [], [], []
        story_tops = {g: t for g, t in (top_harms or {}).items() if isinstance(t, str)}
        for group in MATCH_GROUPS:
            row = match[match["group"] == group]
            name = "marginalised people" if group == "marginalised" else group
            if not len(row):
                missing.append(f"what {name} put first (none of their rankings was recorded)")
                continue
            r = row.iloc[0]
            if is_hidden(r["top_harms"]) or is_hidden(r["n_addressing"]):
                hidden.append(name)
                continue
            top = " / ".join(labels.get(h, h) for h in str(r["top_harms"]).split())
            if group in story_tops and set(str(story_tops[group]).split(" / ")) != set(top.split(" / ")):
                differs.append(name)
            hits = int(r["n_addressing"])
            said.append(f"{hits} of the {int(r['n_actions'])} {'addresses' if hits == 1 else 'address'} what "
                        f"{name} put first ({top})")
        if said:
            sentences.append(said[0][:1].upper() + "; ".join(said)[1:] + ".")
        if hidden:
            sentences.append(f"What {join(hidden)} put first is not shown: fewer than {s.min_count} of them ranked "
                             f"the harms alone.")
            missing.append(f"what {join(hidden)} put first (fewer than {s.min_count} ranked)")
        if differs:
            sentences.append(f"Here {join(differs)}' lists include their elite members' lists, so their first "
                             f"priority differs from the one in the section above.")

    # is the planning group itself inclusive?
    sentences += _planning_sentences(plan, cid, s, missing)
    if note:
        sentences.append(note)

    table = _table_of(plan, actions, labels, shown_classes, s)
    chart = action_timeline(plan, actions, labels, until=latest)
    left_out = n - chart["action_id"].nunique() if len(chart) else n
    if left_out:
        missing.append(f"{_count(left_out, 'action')} on the timeline (no date recorded)")
    if len(chart):
        listed = [f"{counts[k]} {w}" for k, w in STATUS_WORDS.items() if counts.get(k)]
        until = f"to {_date_words(latest)}" if pd.notna(latest) else "(no follow-up recorded yet)"
        alt = (f"Timeline of the {_count(chart['action_id'].nunique(), 'action')}, one row each grouped by cycle, "
               f"coloured by status from the day each was agreed {until}"
               + (": " + join(listed) if listed else "") + ".")
    else:
        alt = ""
    return StorySection("actions", HEADING, tuple(sentences), table, "action_timeline" if len(chart) else None,
                        chart if len(chart) else None, alt, tuple(missing), ignores_filters=filtered)


def _empty(note, why) -> StorySection:
    sentences = (NO_PLAN,) + ((note,) if note else ())
    return StorySection("actions", HEADING, sentences, None, None, None, "", (why,), ignores_filters=note is not None)


def _planning_sentences(plan, cid, s, missing) -> list:
    table, elite = _rows(plan.get("planning"), cid), _rows(plan.get("planning_elite"), cid)
    if table is None or not len(table):
        missing.append("who sits in the planning group (no planning-group meeting with attendance)")
        return []
    # shares only, never member counts: with counts and shares a hidden row could be worked out
    out = []
    shown = [r for r in table.itertuples() if not is_hidden(r.n_members) and not is_hidden(r.planning_share)
             and not is_hidden(r.meeting_share)]
    few = [str(r.subgroup) for r in table.itertuples() if is_hidden(r.n_members)]
    if shown:
        out.append("In the planning group, " + join([f"{r.subgroup} hold {pct(r.planning_share)} of the seats "
                                                     f"({pct(r.meeting_share)} of the people at community meetings)"
                                                     for r in shown]) + ".")
        under = [str(r.subgroup) for r in shown if not is_hidden(r.ratio_to_meeting) and r.ratio_to_meeting < 1]
        if under:
            out.append(f"So {join(under)} have fewer seats than their share of the community meetings.")
    if few:
        out.append(f"How many {join(few)} sit in the planning group is not shown: fewer than {s.min_count} "
                   f"{'of them' if len(few) == 1 else 'of each'} (or showing it would reveal such a group).")
        missing.append("the planning group's make-up for groups with fewer than "
                       f"{s.min_count} members")
    if elite is not None and len(elite):
        e = elite[elite["subgroup"] == "elite"]
        if len(e):
            e = e.iloc[0]
            if is_hidden(e["n_members"]):
                out.append(f"Fewer than {s.min_count} elites sit in the planning group, so their share is not shown.")
            elif int(e["n_members"]) == 0:
                out.append("No elite sits in the planning group.")
            elif not is_hidden(e["meeting_share"]):
                out.append(f"Elites hold {pct(e['planning_share'])} of its seats, against {pct(e['meeting_share'])} "
                           f"of the people at community meetings (groups above count their elite members too).")
    return out


def _table_of(plan, actions, labels, shown_classes, s) -> pd.DataFrame:
    """One row per action, display-ready text (the proposer's class only where action_proposers shows it)."""
    status = plan.get("status")
    latest = status.set_index(status["action_id"].astype(str))["status"] if status is not None else pd.Series(dtype=str)
    updates = plan["updates"]
    last_date = pd.to_datetime(updates["date"]).groupby(updates["action_id"].astype(str)).max()
    texts = plan.get("texts")
    described = {}
    if texts is not None and len(texts):
        d = texts[texts["field"] == "description"]
        described = {str(a): (str(t) if bool(ok) else WITHHELD) for a, t, ok in
                     zip(d["action_id"], d["text"], d["shareable"])}
    rows = []
    for a in actions.sort_values(["cycle", "action_id"], kind="stable").itertuples(index=False):
        aid = str(a.action_id)
        cls, kind = plan["classes"].get(aid, "unknown"), plan["kinds"].get(aid, "group")
        partners = getattr(a, "partners", None)
        words = [LEAD_WORDS.get(w, w) for w in str(partners).split()] if isinstance(partners, str) else []
        resources = getattr(a, "resources", None)
        st = latest.get(aid)
        rows.append({
            "action_id": aid, "cycle": int(a.cycle), "harm": labels.get(str(a.harm_id), str(a.harm_id)),
            "proposed_by": _proposer_words(cls, kind) if cls in shown_classes else hidden_text(s),
            "lead": LEAD_WORDS.get(str(a.lead), str(a.lead)), "partners": "; ".join(words) or "none recorded",
            "resources": RESOURCE_WORDS.get(str(resources), "not recorded") if isinstance(resources, str)
            else "not recorded",
            "agreed": _iso(plan["agreed"].get(aid, pd.NaT)),
            "due_date": _iso(getattr(a, "due_date", pd.NaT)),
            "status": STATUS_WORDS.get(str(st), "not recorded") if st is not None else "not recorded",
            "status_date": _iso(last_date.get(aid, pd.NaT)),
            "description": described.get(aid, "not recorded"),
        })
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def actions_headline(plan: dict, communities) -> str | None:
    """One programme headline about the actions of ``communities``: how many are done at the last
    follow-up, and how many the agency leads rather than the community (None without actions).

    Examples
    --------
    >>> import cpanalysis
    >>> data = cpanalysis.load(cpanalysis.sample_path())
    >>> plan = action_plan_analysis(data, cpanalysis.Settings())
    >>> actions_headline(plan, data.communities["community_id"])
    '54 of the 82 actions agreed are done at the last follow-up; 9 are led by the agency rather than the community.'
    """
    if not plan.get("present") or plan.get("status") is None or plan.get("ownership") is None:
        return None
    wanted = {str(c) for c in communities}
    status = plan["status"][plan["status"]["community_id"].astype(str).isin(wanted)]
    if not len(status):
        return None
    own = plan["ownership"]
    own = own[own["community_id"].astype(str).isin(wanted) & (own["measure"] == "agency_led")]
    agency = int(own["n_yes"].sum())
    done = int((status["status"] == "done").sum())
    followed = bool(len(plan["updates"]))
    first = (f"{done} of the {len(status)} actions agreed are done at the last follow-up" if followed
             else f"{len(status)} actions were agreed (no follow-up recorded yet)")
    return (f"{first}; {agency if agency else 'none'} {'is' if agency == 1 else 'are'} led by the agency rather "
            f"than the community.")
