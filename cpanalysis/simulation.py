"""A seeded simulator of community planning for child protection, with a known amount of elite capture.

The simulator writes every table of the data contract (:mod:`cpanalysis.contract`) for a programme
of communities that each go through a few planning cycles: a large community meeting, small group
discussions held separately for girls, boys, women, men and elders, home visits to people who do
not come (people with a disability, the poorest), a planning group that records the decision and
agrees actions on it, and the follow-up of those actions.
How strongly the community's power elites steer the talk and the decision is a parameter
(``elite_influence``), stored with each community so that the library's measures can be checked
against the truth.

:data:`SAMPLE_ARGS` are the arguments of the bundled sample programme (``data/sample``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from .contract import ACTION_LEADS, ACTION_RESOURCES, COMMON_HARMS
from .dataset import Dataset

__all__ = ["simulate", "simulate_tables", "SAMPLE_ARGS", "HARMS", "SMALL_GROUPS"]

#: The arguments that made the bundled sample in ``data/sample``:
#: ``simulate(**SAMPLE_ARGS).save("data/sample", format="csv")``.
SAMPLE_ARGS: dict = dict(n_communities=12, seed=2026)

HARMS = COMMON_HARMS

#: The subgroups small groups are convened for (the default subgroup scheme's names).
SMALL_GROUPS: tuple[str, ...] = ("girls", "boys", "women", "men", "elders")
#: Reasons people are visited at home.
HOME_VISIT_REASONS: tuple[str, ...] = ("disability", "poorest")
ELITE_ROLES: tuple[str, ...] = ("chief", "religious_leader", "councillor", "committee_member", "wealthy_family")
_ELITE_ROLE_P = np.array([0.10, 0.15, 0.20, 0.35, 0.20])

# How each subgroup's priorities lean away from the community's shared view (before the
# per-community scaling and noise). Harm ids not named lean 0.
SUBGROUP_LEANS: dict[str, dict[str, float]] = {
    "girls": {"early_marriage": 1.0, "teenage_pregnancy": 0.9, "sexual_abuse": 0.8},
    "boys": {"heavy_work": 1.0, "out_of_school": 0.9, "physical_punishment": 0.8},
    "women": {"teenage_pregnancy": 0.6, "neglect": 0.6, "not_with_parents": 0.5, "sexual_abuse": 0.4},
    "men": {"out_of_school": 0.6, "heavy_work": 0.3, "neglect": 0.3, "physical_punishment": -0.4},
    "elders": {"not_with_parents": 0.6, "neglect": 0.5, "out_of_school": 0.3,
               "early_marriage": -0.5, "physical_punishment": -0.5},
}

# Model constants (see the Notes of :func:`simulate`). Index order follows SMALL_GROUPS.
_SUBGROUP_P = np.array([0.20, 0.20, 0.25, 0.22, 0.13])      # share of participants
_ELITE_P = np.array([0.0, 0.0, 0.06, 0.20, 0.30])           # chance of being elite
_MARGINALISED_P = 0.12
_HOMEBOUND_P = {"disability": 0.7, "poorest": 0.3}
_ATTEND_MEETING = np.array([0.35, 0.45, 0.60, 0.75, 0.70])  # community meeting
_ATTEND_MEETING_ELITE = 0.90
_ATTEND_SMALL_GROUP = 0.75
_MARGINALISED_ATTEND = 0.5                                   # multiplier when not home-bound
_SPEAK_RATE = np.array([0.35, 0.55, 0.70, 1.00, 1.00])
_SILENT_P = np.array([0.55, 0.45, 0.35, 0.20, 0.20])         # in community meetings
_INTERRUPTED_P = np.array([0.12, 0.10, 0.10, 0.06, 0.05])
_DURATION_FACTOR = np.array([0.70, 0.80, 0.90, 1.00, 1.10])
_KIND_P = np.array([0.15, 0.25, 0.10, 0.20, 0.30])           # proposal, support, objection, question, other
_KINDS = np.array(["proposal", "support", "objection", "question", "other"], dtype=object)
_MEAN_TURNS = {"community_meeting": 55.0, "small_group": 14.0, "home_visit_per_person": 3.0,
               "planning_group": 28.0}
_SHARED_SD, _SUBGROUP_SD, _INDIVIDUAL_SD, _GUMBEL_SCALE = 0.5, 0.35, 0.5, 0.7
_AGENDA_WEIGHT = 1.5     # how far elites' own utilities move towards the agenda at influence 1
_DECISION_SD = 0.2
_FORMATS_PER_CYCLE = 1 + len(SMALL_GROUPS) + len(HOME_VISIT_REASONS) + 1
_GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0


def _check_influence(elite_influence, n: int, seed) -> np.ndarray:
    if elite_influence is None:
        # A low-discrepancy spread over [0, 0.9]: community i gets the same value whatever n is.
        start = np.random.default_rng(np.random.SeedSequence(_entropy(seed))).random()
        return 0.9 * np.mod(start + _GOLDEN * np.arange(n), 1.0)
    values = np.asarray(elite_influence, dtype=float)
    if values.ndim == 0:
        values = np.full(n, float(values))
    elif values.shape != (n,):
        raise ValueError(f"simulate: elite_influence must be a number or a sequence of length "
                         f"n_communities={n}, not of length {values.size}")
    if not np.all(np.isfinite(values)) or values.min() < 0 or values.max() > 1:
        raise ValueError("simulate: elite_influence must lie in [0, 1]")
    return values


def _entropy(seed) -> int:
    if isinstance(seed, (int, np.integer)) and seed >= 0:
        return int(seed)
    raise ValueError(f"simulate: seed must be a non-negative whole number, not {seed!r}")


def _lean_matrix(harm_ids: Sequence[str]) -> np.ndarray:
    return np.array([[SUBGROUP_LEANS[g].get(h, 0.0) for h in harm_ids] for g in SMALL_GROUPS])


def _competition_rank(values: np.ndarray) -> np.ndarray:
    """Rank of each entry of a 2-D array along rows, 1 = largest, equal values share the best rank."""
    order = np.argsort(-values, axis=1, kind="stable")
    sorted_vals = np.take_along_axis(values, order, axis=1)
    n = values.shape[1]
    pos = np.broadcast_to(np.arange(1, n + 1), values.shape).copy()
    same = np.zeros_like(pos, dtype=bool)
    same[:, 1:] = sorted_vals[:, 1:] == sorted_vals[:, :-1]
    pos = np.where(same, 0, pos)
    pos = np.maximum.accumulate(pos, axis=1)
    ranks = np.empty_like(pos)
    np.put_along_axis(ranks, order, pos, axis=1)
    return ranks


def _community(i: int, rng: np.random.Generator, w: float, cfg: dict) -> dict:
    """Simulate one community; returns arrays with local codes (see :func:`simulate_tables`)."""
    H, n_cycles, lean = cfg["n_harms"], cfg["n_cycles"], cfg["lean"]
    G = len(SMALL_GROUPS)

    # --- latent priorities -------------------------------------------------------------------
    shared = rng.normal(0.0, _SHARED_SD, H)
    lean_scale = rng.uniform(0.7, 1.3)
    u_group = shared + lean_scale * lean + rng.normal(0.0, _SUBGROUP_SD, (G, H))
    agenda = rng.normal(0.0, 1.0, H)
    agenda = (agenda - agenda.mean()) / (agenda.std() or 1.0)

    # --- participants -------------------------------------------------------------------------
    lo, hi = cfg["participants"]
    n_p = int(rng.integers(lo, hi + 1))
    counts = 3 + rng.multinomial(n_p - 3 * G, _SUBGROUP_P)
    sub = rng.permutation(np.repeat(np.arange(G), counts))
    female = np.where(sub == 0, True, np.where(sub == 1, False, np.where(sub == 2, True, np.where(
        sub == 3, False, rng.random(n_p) < 0.5))))
    youth = rng.random(n_p) < 0.3
    age = np.where(sub <= 1, "child", np.where(sub == 4, "elder", np.where(youth, "youth", "adult")))
    elite = rng.random(n_p) < _ELITE_P[sub]
    if elite.sum() < 2:
        eligible = np.flatnonzero(~elite & (sub >= 3))
        elite[rng.choice(eligible, 2 - int(elite.sum()), replace=False)] = True
    role = np.where(elite, ELITE_ROLES[0], None).astype(object)
    role[elite] = np.asarray(ELITE_ROLES, dtype=object)[rng.choice(len(ELITE_ROLES), int(elite.sum()), p=_ELITE_ROLE_P)]
    marg = ~elite & (rng.random(n_p) < _MARGINALISED_P)
    reason_code = np.where(rng.random(n_p) < 0.4, 0, 1)
    for r in range(len(HOME_VISIT_REASONS)):  # at least one marginalised person per reason
        if not np.any(marg & (reason_code == r)):
            j = rng.choice(np.flatnonzero(~elite & ~marg))
            marg[j], reason_code[j] = True, r
    reason = np.where(marg, np.asarray(HOME_VISIT_REASONS, dtype=object)[reason_code], None).astype(object)
    homebound_p = np.where(reason_code == 0, _HOMEBOUND_P["disability"], _HOMEBOUND_P["poorest"])
    homebound = marg & (rng.random(n_p) < homebound_p)
    for r in range(len(HOME_VISIT_REASONS)):  # somebody to visit for each reason
        of_reason = np.flatnonzero(marg & (reason_code == r))
        if not homebound[of_reason].any():
            homebound[rng.choice(of_reason)] = True
    talk = rng.lognormal(0.0, 0.6, n_p)
    elite_factor = 1.0 + 3.0 * w

    # Individual utilities: the subgroup's, the elite agenda for elites (scaled by influence), noise.
    util = u_group[sub] + np.outer(elite * _AGENDA_WEIGHT * w, agenda) + rng.normal(0.0, _INDIVIDUAL_SD, (n_p, H))

    # --- attendance: one row of probabilities per session, cycles x formats x people ----------
    S = n_cycles * _FORMATS_PER_CYCLE
    present = ~homebound
    p_meeting = np.where(elite, _ATTEND_MEETING_ELITE, _ATTEND_MEETING[sub]) * np.where(marg, _MARGINALISED_ATTEND, 1.0)
    p_small = np.where(marg, _MARGINALISED_ATTEND, 1.0) * _ATTEND_SMALL_GROUP
    weight_pg = np.array([0.5, 0.5, 1.5, 2.0, 2.0])[sub] * np.where(elite, 2.0 + 8.0 * w, 1.0) * np.where(marg, 0.3, 1.0)
    weight_pg = weight_pg * present
    pg_size = min(int(rng.integers(8, 13)), int(present.sum()))
    keys = np.log(weight_pg, where=weight_pg > 0, out=np.full(n_p, -np.inf)) + rng.gumbel(size=n_p)
    planning_members = np.zeros(n_p, dtype=bool)
    planning_members[np.argsort(-keys)[:pg_size]] = True

    prob = np.zeros((_FORMATS_PER_CYCLE, n_p))
    prob[0] = p_meeting * present
    for g in range(G):
        prob[1 + g] = np.where(sub == g, p_small, 0.0) * present
    for r in range(len(HOME_VISIT_REASONS)):
        prob[1 + G + r] = np.where(homebound & (reason_code == r), 0.8, 0.0)
    prob[-1] = planning_members * 0.85
    attend = rng.random((n_cycles, _FORMATS_PER_CYCLE, n_p)) < prob
    minimum = np.array([5] + [2] * G + [1] * len(HOME_VISIT_REASONS) + [3])
    eligible = np.zeros((_FORMATS_PER_CYCLE, n_p), dtype=bool)
    eligible[0] = present
    for g in range(G):
        eligible[1 + g] = (sub == g) & present
    for r in range(len(HOME_VISIT_REASONS)):
        eligible[1 + G + r] = homebound & (reason_code == r)
    eligible[-1] = planning_members
    short = attend.sum(axis=2) < minimum
    for c, f in zip(*np.nonzero(short)):  # rare: top a session up to its minimum size
        candidates = np.flatnonzero(eligible[f] & ~attend[c, f])
        need = min(int(minimum[f] - attend[c, f].sum()), candidates.size)
        attend[c, f, rng.choice(candidates, need, replace=False)] = True
    attend = attend.reshape(S, n_p)
    att_s, att_p = np.nonzero(attend)            # sorted by session, then person
    fmt_of_session = np.tile(np.arange(_FORMATS_PER_CYCLE), n_cycles)
    cycle_of_session = np.repeat(np.arange(1, n_cycles + 1), _FORMATS_PER_CYCLE)

    # --- turns ---------------------------------------------------------------------------------
    n_att = np.bincount(att_s, minlength=S)
    mean_turns = np.where(fmt_of_session == 0, _MEAN_TURNS["community_meeting"],
                 np.where(fmt_of_session <= G, _MEAN_TURNS["small_group"],
                 np.where(fmt_of_session <= G + len(HOME_VISIT_REASONS),
                          _MEAN_TURNS["home_visit_per_person"] * n_att, _MEAN_TURNS["planning_group"])))
    n_turns = np.maximum(1, rng.poisson(mean_turns * cfg["turn_rate"]))
    a_fmt = fmt_of_session[att_s]
    a_sub = sub[att_p]
    a_elite = elite[att_p]
    silent_p = _SILENT_P[a_sub] * np.where(a_elite, 1.0 - 0.8 * w, 1.0)
    silent_p = np.where(a_fmt == 0, silent_p, np.where(a_fmt <= G, 0.5 * silent_p,
                        np.where(a_fmt <= G + len(HOME_VISIT_REASONS), 0.0, 0.2)))
    rate = (_SPEAK_RATE[a_sub] * talk[att_p] * np.where(a_elite, elite_factor, 1.0)
            * np.where(marg[att_p], 0.6, 1.0))
    speaks = rng.random(att_s.size) >= silent_p
    starts = np.searchsorted(att_s, np.arange(S))
    nobody = np.flatnonzero(np.add.reduceat(speaks, starts) == 0)
    for s in nobody:  # every session has at least one speaker
        rows = np.arange(starts[s], starts[s] + n_att[s])
        speaks[rows[np.argmax(rate[rows])]] = True
    weight = rate * speaks
    cum = np.cumsum(weight)
    before = np.concatenate(([0.0], cum))[starts]
    total = np.add.reduceat(weight, starts)
    t_s = np.repeat(np.arange(S), n_turns)
    target = before[t_s] + rng.random(t_s.size) * total[t_s]
    rows = np.minimum(np.searchsorted(cum, target, side="right"), att_s.size - 1)
    # guard against floating point landing on a silent row or the next session
    rows = np.clip(rows, starts[t_s], starts[t_s] + n_att[t_s] - 1)
    speaker = att_p[rows]
    T = speaker.size
    t_sub = sub[speaker]
    t_elite = elite[speaker]
    turn_no = np.arange(T) - np.repeat(np.cumsum(n_turns) - n_turns, n_turns) + 1
    proposal_p = _KIND_P[0] * np.where(t_elite, 1.0 + 2.0 * w, 1.0)
    proposal_p = proposal_p / (proposal_p + 1.0 - _KIND_P[0])
    rest = np.cumsum(_KIND_P[1:]) / _KIND_P[1:].sum()
    u = rng.random(T)
    kind = np.where(u < proposal_p, 0,
                    1 + np.minimum(np.searchsorted(rest, (u - proposal_p) / (1.0 - proposal_p), side="right"), 3))
    gumbel = rng.gumbel(0.0, _GUMBEL_SCALE, (T, H))
    noisy = util[speaker] + gumbel
    harm = np.where(kind == 2, noisy.argmin(axis=1), noisy.argmax(axis=1))
    harm = np.where(kind <= 2, harm, -1)
    interrupted_p = _INTERRUPTED_P[t_sub] * np.where(t_elite, 1.0 - 0.5 * w, 1.0 + w)
    interrupted = rng.random(T) < interrupted_p
    duration = (rng.lognormal(np.log(25.0), 0.7, T) * _DURATION_FACTOR[t_sub]
                * np.where(t_elite, 1.0 + 0.5 * w, 1.0) * np.where(interrupted, 0.5, 1.0))
    duration = np.maximum(1.0, np.round(duration, 1))

    # --- rankings --------------------------------------------------------------------------------
    # (a) each small group ranks by consensus: the mean utility of those present, Plackett-Luce noise.
    sg_sessions = np.flatnonzero((fmt_of_session >= 1) & (fmt_of_session <= G))
    group_util = (np.add.reduceat(util[att_p], starts, axis=0) / n_att[:, None])[sg_sessions]
    group_noisy = group_util + rng.gumbel(0.0, _GUMBEL_SCALE, group_util.shape)
    group_rank = _competition_rank(group_noisy)
    tie = rng.random(len(sg_sessions)) < 0.1
    tie_at = rng.integers(1, H, len(sg_sessions)) if H > 1 else np.zeros(len(sg_sessions), int)
    for k in np.flatnonzero(tie & (H > 1)):  # an occasional tie: two neighbours share a rank
        row = group_rank[k]
        row[row == tie_at[k] + 1] = tie_at[k]
    last = cycle_of_session[sg_sessions] == n_cycles
    # In the last cycle the groups pile ~100 counters (proportional piling) instead of ordering.
    expu = np.exp((group_util[last] - group_util[last].max(axis=1, keepdims=True)) / 0.5)
    scores = np.stack([rng.multinomial(100, p / p.sum()) for p in expu]) if last.any() else np.zeros((0, H))
    group_score = np.full(group_rank.shape, np.nan)
    group_score[last] = scores
    group_rank[last] = _competition_rank(scores.astype(float))
    g_ranker = -1 - (fmt_of_session[sg_sessions] - 1)   # negative codes: group rankers
    # (b) individuals at the last community meeting (every elite present, 40% of the others)
    # and everybody visited at home in the last cycle; 30% of the meeting's rankers give a top 3.
    last_meeting = (n_cycles - 1) * _FORMATS_PER_CYCLE
    rows_m = np.arange(starts[last_meeting], starts[last_meeting] + n_att[last_meeting])
    rows_m = rows_m[a_elite[rows_m] | (rng.random(rows_m.size) < 0.4)]
    hv = last_meeting + 1 + G + np.arange(len(HOME_VISIT_REASONS))
    rows_h = np.concatenate([np.arange(starts[s], starts[s] + n_att[s]) for s in hv])
    ind_rows = np.concatenate([rows_m, rows_h])
    ind_rank = _competition_rank(util[att_p[ind_rows]] + rng.gumbel(0.0, _GUMBEL_SCALE, (ind_rows.size, H)))
    top3 = np.concatenate([rng.random(rows_m.size) < 0.3, np.zeros(rows_h.size, bool)])
    listed = ~(top3[:, None] & (ind_rank > 3))

    r_session = np.concatenate([np.repeat(sg_sessions, H), np.repeat(att_s[ind_rows], H)])
    r_ranker = np.concatenate([np.repeat(g_ranker, H), np.repeat(att_p[ind_rows], H)])
    r_harm = np.tile(np.arange(H), len(sg_sessions) + ind_rows.size)
    r_rank = np.concatenate([group_rank.ravel(), ind_rank.ravel()])
    r_score = np.concatenate([group_score.ravel(), np.full(ind_rank.size, np.nan)])
    keep = np.concatenate([np.ones(group_rank.size, bool), listed.ravel()])
    r_session, r_ranker, r_harm, r_rank, r_score = (a[keep] for a in (r_session, r_ranker, r_harm, r_rank, r_score))

    # --- pairwise: the girls' and boys' groups of the first cycle compare every pair of harms -------
    pa, pb = np.triu_indices(H, k=1)
    pw_sessions = np.array([1, 2])
    pw_util = group_util[[0, 1]]  # sg_sessions starts with cycle 1 girls, boys
    diff = (pw_util[:, pa] - pw_util[:, pb]) / _GUMBEL_SCALE
    u2 = rng.random(diff.shape)
    tie_pw = rng.random(diff.shape) < 0.05
    pref = np.where(tie_pw, 2, np.where(u2 < 1.0 / (1.0 + np.exp(-diff)), 0, 1))

    # --- decision --------------------------------------------------------------------------------
    inclusive = u_group.mean(axis=0)                 # every subgroup counts the same
    elite_view = util[elite].mean(axis=0)            # the elites' own mean utility
    decision_util = (1.0 - w) * inclusive + w * elite_view + rng.normal(0.0, _DECISION_SD, H)
    k = min(H, int(rng.choice([1, 2, 3], p=[0.25, 0.45, 0.30])))
    decided = np.argsort(-decision_util, kind="stable")[:k]

    # --- sessions: dates, durations, facilitators ----------------------------------------------
    start = cfg["start"] + int(rng.integers(0, 270))
    cycle_start = start + np.concatenate(([0], np.cumsum(rng.integers(70, 121, n_cycles - 1))))
    day = np.empty((n_cycles, _FORMATS_PER_CYCLE), dtype=int)
    day[:, 0] = 0
    day[:, 1:1 + G] = np.sort(rng.integers(2, 13, (n_cycles, G)), axis=1)
    day[:, 1 + G:-1] = np.sort(rng.integers(13, 20, (n_cycles, len(HOME_VISIT_REASONS))), axis=1)
    day[:, -1] = rng.integers(20, 28, n_cycles)
    session_day = (cycle_start[:, None] + day).ravel()
    duration_min = np.where(fmt_of_session == 0, rng.integers(90, 151, S),
                   np.where(fmt_of_session <= G, rng.integers(45, 91, S),
                   np.where(fmt_of_session <= G + len(HOME_VISIT_REASONS),
                            rng.integers(20, 46, S) * np.maximum(n_att, 1), rng.integers(60, 121, S))))
    facilitator = rng.integers(0, 2, S)

    # --- population ------------------------------------------------------------------------------
    population = np.round(counts * rng.uniform(3.0, 6.0, G)).astype(int)

    return dict(
        agenda=agenda, n_p=n_p, sub=sub, female=female, age=age, elite=elite, role=role, marg=marg,
        reason=reason, population=population, S=S, session_day=session_day, duration_min=duration_min,
        facilitator=facilitator, att_s=att_s, att_p=att_p, t_s=t_s, turn_no=turn_no, speaker=speaker,
        duration=duration, kind=kind, harm=harm, interrupted=interrupted, r_session=r_session,
        r_ranker=r_ranker, r_harm=r_harm, r_rank=r_rank, r_score=r_score, pw_session=np.repeat(pw_sessions, pa.size),
        pw_ranker=np.repeat([-1, -2], pa.size), pw_a=np.tile(pa, 2), pw_b=np.tile(pb, 2), pw_pref=pref.ravel(),
        decided=decided, u_group=u_group, util=util, decision_util=decision_util,
    )


# --- actions (contract v2) ------------------------------------------------------------------------
# Drawn from each community's own second stream (see _community_actions), after everything above.
_LEADS = np.array(ACTION_LEADS, dtype=object)
_LEAD_P = dict(community_group=0.25, planning_group=0.20, subgroup=0.18, government=0.08, service_provider=0.10,
               ngo_agency=0.14, other=0.05)
_PARTNER_P = dict(community_group=0.20, government=0.30, service_provider=0.35, ngo_agency=0.30)
_RESOURCES = np.array(ACTION_RESOURCES, dtype=object)
_RESOURCE_P = np.array([0.15, 0.45, 0.30, 0.10])     # none, community, agency, government
_ACTION_MEAN = 1.3                                    # actions per planning-group meeting: 1 + Poisson(1.3)
_PROPOSER_P = dict(planning_group=0.25, small_group=0.25)
_ON_DECIDED_P = 0.7
_FOLLOW_UP_DAYS = 30
_OBSERVED_AFTER_LAST = 150
# status -> (next statuses, their base probabilities at a follow-up visit; the rest: no change)
_STEPS = {"planned": (("started", "dropped"), (0.55, 0.05)),
          "started": (("done", "stalled", "dropped"), (0.30, 0.12, 0.02)),
          "stalled": (("started", "dropped"), (0.30, 0.15))}
_DESCRIPTIONS = ("Meet families about {harm}", "Awareness session on {harm}", "Refer cases of {harm} to services",
                 "Agree community rules on {harm}", "Home visits about {harm}")
_NOTES = {"stalled": "waiting for a partner", "dropped": "no longer possible"}


def _community_actions(rng: np.random.Generator, c: dict, w: float, n_cycles: int) -> dict:
    """The actions and follow-up of one community (local codes, as :func:`_community` returns)."""
    G, H = len(SMALL_GROUPS), c["u_group"].shape[1]
    elite, sub = c["elite"], c["sub"]
    decided = c["decided"]
    rows = dict(cycle=[], session=[], proposer=[], harm=[], lead=[], partners=[], due=[], resources=[],
                description=[], shareable=[])
    updates = dict(action=[], day=[], status=[], note=[])
    last_day = int(c["session_day"].max()) + _OBSERVED_AFTER_LAST
    for k in range(n_cycles):
        s = (k + 1) * _FORMATS_PER_CYCLE - 1            # the cycle's planning-group meeting
        day = int(c["session_day"][s])
        present = c["att_p"][c["att_s"] == s]
        for _ in range(1 + int(rng.poisson(_ACTION_MEAN))):
            # who proposes: the planning group as a whole, a small group's idea, or one member
            u = rng.random()
            if u < _PROPOSER_P["planning_group"]:
                proposer, pref, by_elite = -1, c["util"][present].mean(axis=0), False
            elif u < _PROPOSER_P["planning_group"] + _PROPOSER_P["small_group"] * (1.0 - w):
                g = int(rng.integers(G))
                proposer, pref, by_elite = -2 - g, c["u_group"][g], False
            else:
                weight = np.where(elite[present], 1.0 + 4.0 * w, 1.0) * np.where(sub[present] <= 1, 0.5, 1.0)
                person = int(rng.choice(present, p=weight / weight.sum()))
                proposer, pref, by_elite = person, c["util"][person], bool(elite[person])
            noisy = pref + rng.gumbel(0.0, _GUMBEL_SCALE, H)
            on_decided = rng.random() < _ON_DECIDED_P
            harm = int(decided[np.argmax(noisy[decided])]) if on_decided else int(np.argmax(noisy))
            # who leads: elite proposals go to committees rather than to subgroups as w grows;
            # the agency leads more in the first cycle and hands over later
            lead_w = np.array([_LEAD_P[name] for name in ACTION_LEADS])
            if by_elite:
                lead_w *= np.array([1.0 + 2.0 * w, 1.0, 1.0 - w, 1.0 + w, 1.0, 1.0, 1.0])
            if proposer <= -2:
                lead_w[ACTION_LEADS.index("subgroup")] *= 2.0
            if k == 0:
                lead_w[ACTION_LEADS.index("ngo_agency")] *= 2.0
            lead = int(rng.choice(len(ACTION_LEADS), p=lead_w / lead_w.sum()))
            partners = [name for name, p in _PARTNER_P.items() if rng.random() < p and name != ACTION_LEADS[lead]]
            rows["cycle"].append(k + 1)
            rows["session"].append(s)
            rows["proposer"].append(proposer)
            rows["harm"].append(harm)
            rows["lead"].append(lead)
            rows["partners"].append(" ".join(partners) if partners else None)
            rows["due"].append(day + int(rng.integers(30, 121)))
            rows["resources"].append(int(rng.choice(len(_RESOURCES), p=_RESOURCE_P)))
            rows["description"].append(int(rng.integers(len(_DESCRIPTIONS))))
            rows["shareable"].append(bool(rng.random() < 0.5))
            # follow-up: a visit every 30 days until the end of observation; a row when the status changes
            action = len(rows["cycle"]) - 1
            status, when = "planned", day
            updates["action"].append(action), updates["day"].append(day), updates["status"].append(status)
            updates["note"].append(None)
            stall_factor = 1.0 + w if not by_elite and proposer != -1 else 1.0
            while when + _FOLLOW_UP_DAYS <= last_day and status in _STEPS:
                when += _FOLLOW_UP_DAYS
                nexts, probs = _STEPS[status]
                probs = np.array([p * stall_factor if n == "stalled" else p for n, p in zip(nexts, probs)])
                u = rng.random()
                pick = np.searchsorted(np.cumsum(probs), u, side="right")
                if pick < len(nexts):
                    status = nexts[pick]
                    updates["action"].append(action), updates["day"].append(when)
                    updates["status"].append(status), updates["note"].append(_NOTES.get(status))
    return {key: np.array(value, dtype=object if key in ("partners", "status", "note") else None)
            for key, value in {**{f"a_{k}": v for k, v in rows.items()},
                               **{f"u_{k}": v for k, v in updates.items()}}.items()}


def simulate_tables(
    n_communities: int = 12,
    *,
    seed: int = 0,
    elite_influence: float | Sequence[float] | None = None,
    n_cycles: int = 3,
    n_harms: int = 8,
    n_districts: int = 3,
    participants: tuple[int, int] = (60, 120),
    turn_rate: float = 1.0,
    start_date: str = "2024-01-08",
) -> dict[str, pd.DataFrame]:
    """The raw contract tables of a simulated programme, without the checks of :func:`simulate`.

    Same parameters and same tables as :func:`simulate` (whose docstring describes the model);
    use it for large programmes when the checks of :meth:`Dataset.from_tables` are not wanted.

    Returns
    -------
    dict of str to DataFrame
        ``communities``, ``population``, ``harms``, ``participants``, ``sessions``, ``attendance``,
        ``turns``, ``rankings``, ``pairwise``, ``decisions``, ``actions`` and ``action_updates``.

    Examples
    --------
    >>> from cpanalysis.simulation import simulate_tables
    >>> tables = simulate_tables(2, seed=5)
    >>> sorted(tables)[:4]
    ['action_updates', 'actions', 'attendance', 'communities']
    >>> tables["sessions"]["session_id"].iloc[0]
    'C01-S001'
    """
    n = int(n_communities)
    if n < 1:
        raise ValueError("simulate: n_communities must be at least 1")
    if not 1 <= int(n_harms) <= len(HARMS):
        raise ValueError(f"simulate: n_harms must be between 1 and {len(HARMS)}")
    if int(n_cycles) < 1 or int(n_districts) < 1:
        raise ValueError("simulate: n_cycles and n_districts must be at least 1")
    lo, hi = (int(v) for v in participants)
    if lo < 3 * len(SMALL_GROUPS) + 5 or hi < lo:
        raise ValueError(f"simulate: participants must be (low, high) with low >= {3 * len(SMALL_GROUPS) + 5}")
    weights = _check_influence(elite_influence, n, seed)
    harms = HARMS[: int(n_harms)]
    harm_ids = np.array([h[0] for h in harms], dtype=object)
    H = len(harms)
    start = (date.fromisoformat(start_date) - date(1970, 1, 1)).days
    cfg = dict(n_harms=H, n_cycles=int(n_cycles), lean=_lean_matrix(harm_ids), participants=(lo, hi),
               turn_rate=float(turn_rate), start=start)
    children = np.random.SeedSequence(_entropy(seed)).spawn(n)
    width = max(2, len(str(n)))
    community_ids = [f"C{i + 1:0{width}d}" for i in range(n)]
    sim = [_community(i, np.random.default_rng(children[i]), float(weights[i]), cfg) for i in range(n)]

    # Global codes: participants and sessions are numbered across communities.
    n_people = np.array([c["n_p"] for c in sim])
    n_sessions = np.array([c["S"] for c in sim])
    p_off = np.concatenate(([0], np.cumsum(n_people)))
    s_off = np.concatenate(([0], np.cumsum(n_sessions)))
    person_ids = np.array([f"{cid}-P{k + 1:04d}" for cid, m in zip(community_ids, n_people) for k in range(m)],
                          dtype=object)
    session_ids = np.array([f"{cid}-S{k + 1:03d}" for cid, m in zip(community_ids, n_sessions) for k in range(m)],
                           dtype=object)
    cat = lambda key: np.concatenate([c[key] for c in sim])  # noqa: E731

    def glob(key, offsets):
        return np.concatenate([c[key] + offsets[i] for i, c in enumerate(sim)])

    districts = np.arange(n) % int(n_districts)
    communities = pd.DataFrame({
        "community_id": community_ids,
        "name": [f"Community {i + 1:0{width}d}" for i in range(n)],
        "district": [f"District {d + 1}" for d in districts],
        "sim_elite_influence": weights,
        "sim_elite_agenda": [" > ".join(harm_ids[np.argsort(-c["agenda"], kind="stable")]) for c in sim],
    })
    population = pd.DataFrame({
        "community_id": np.repeat(community_ids, len(SMALL_GROUPS)),
        "subgroup": np.tile(SMALL_GROUPS, n),
        "count": cat("population"),
    })
    harms_table = pd.DataFrame({"harm_id": harm_ids, "label": [h[1] for h in harms],
                                "sensitive": [h[2] for h in harms]})
    participants_table = pd.DataFrame({
        "participant_id": person_ids,
        "community_id": np.repeat(community_ids, n_people),
        "gender": np.where(cat("female"), "female", "male"),
        "age_group": cat("age"),
        "elite": cat("elite"),
        "elite_role": cat("role"),
        "marginalised": cat("marg"),
        "marginalised_reason": cat("reason"),
    })
    fmt = np.array(["community_meeting"] + ["small_group"] * len(SMALL_GROUPS)
                   + ["home_visit"] * len(HOME_VISIT_REASONS) + ["planning_group"], dtype=object)
    convened = np.array([None, *SMALL_GROUPS, *HOME_VISIT_REASONS, None], dtype=object)
    per_cycle = lambda a: np.tile(a, n_sessions.sum() // _FORMATS_PER_CYCLE)  # noqa: E731
    session_community = np.repeat(np.arange(n), n_sessions)
    days = cat("session_day").astype("datetime64[D]")
    sessions = pd.DataFrame({
        "session_id": session_ids,
        "community_id": np.repeat(community_ids, n_sessions),
        "date": np.datetime_as_string(days, unit="D").astype(object),
        "cycle": np.concatenate([np.repeat(np.arange(1, int(n_cycles) + 1), _FORMATS_PER_CYCLE)] * n),
        "format": per_cycle(fmt),
        "convened_for": per_cycle(convened),
        "duration_min": cat("duration_min").astype(float),
        "facilitator_id": [f"D{districts[c] + 1}-F{f + 1}" for c, f in zip(session_community, cat("facilitator"))],
    })
    attendance = pd.DataFrame({"session_id": session_ids[glob("att_s", s_off)],
                               "participant_id": person_ids[glob("att_p", p_off)]})
    kind = cat("kind")
    harm = cat("harm")
    harm_or_none = np.append(harm_ids, None)
    turns = pd.DataFrame({
        "session_id": session_ids[glob("t_s", s_off)],
        "turn": cat("turn_no"),
        "participant_id": person_ids[glob("speaker", p_off)],
        "duration_s": cat("duration"),
        "kind": _KINDS[kind],
        "harm_id": harm_or_none[harm],
        "interrupted": cat("interrupted"),
    })
    # Rankers: non-negative codes are participants, -1 - g is the small group g.
    group_names = np.array(SMALL_GROUPS, dtype=object)

    def rankers(key):
        codes = [c[key] for c in sim]
        out = []
        for i, code in enumerate(codes):
            names = np.empty(code.size, dtype=object)
            individual = code >= 0
            names[individual] = person_ids[code[individual] + p_off[i]]
            names[~individual] = group_names[-1 - code[~individual]]
            out.append(names)
        return np.concatenate(out)

    rankings = pd.DataFrame({
        "session_id": session_ids[glob("r_session", s_off)],
        "ranker": rankers("r_ranker"),
        "harm_id": harm_ids[cat("r_harm")],
        "rank": cat("r_rank"),
        "score": cat("r_score"),
    })
    pairwise = pd.DataFrame({
        "session_id": session_ids[glob("pw_session", s_off)],
        "ranker": rankers("pw_ranker"),
        "harm_a": harm_ids[cat("pw_a")],
        "harm_b": harm_ids[cat("pw_b")],
        "preferred": np.array(["harm_a", "harm_b", "tie"], dtype=object)[cat("pw_pref")],
    })
    k_decided = np.array([c["decided"].size for c in sim])
    final_session = s_off[1:] - 1  # the last session of a community: the last cycle's planning group
    decisions = pd.DataFrame({
        "community_id": np.repeat(community_ids, k_decided),
        "session_id": session_ids[np.repeat(final_session, k_decided)],
        "harm_id": harm_ids[cat("decided")],
        "priority": np.concatenate([np.arange(1, m + 1) for m in k_decided]),
    })
    actions, action_updates = _action_tables(sim, children, weights, int(n_cycles), community_ids, person_ids,
                                             session_ids, p_off, s_off, harm_ids, [h[1] for h in harms])
    return {"communities": communities, "population": population, "harms": harms_table,
            "participants": participants_table, "sessions": sessions, "attendance": attendance,
            "turns": turns, "rankings": rankings, "pairwise": pairwise, "decisions": decisions,
            "actions": actions, "action_updates": action_updates}


def _action_tables(sim, children, weights, n_cycles, community_ids, person_ids, session_ids, p_off, s_off,
                   harm_ids, harm_labels) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The actions and action_updates tables. Each community draws them from a stream spawned from its own
    seed after all its other draws, so every other table is the same as without actions."""
    drawn = [_community_actions(np.random.default_rng(children[i].spawn(1)[0]), c, float(weights[i]), n_cycles)
             for i, c in enumerate(sim)]
    n_actions = np.array([d["a_cycle"].size for d in drawn])
    a_off = np.concatenate(([0], np.cumsum(n_actions)))
    action_ids = np.array([f"{cid}-A{k + 1:03d}" for cid, m in zip(community_ids, n_actions) for k in range(m)],
                          dtype=object)
    groups = np.array(["planning_group", *SMALL_GROUPS], dtype=object)

    def proposers(i, codes):
        codes = codes.astype(int)
        names = np.empty(codes.size, dtype=object)
        names[codes >= 0] = person_ids[codes[codes >= 0] + p_off[i]]
        names[codes < 0] = groups[-1 - codes[codes < 0]]
        return names

    cat = lambda key: np.concatenate([d[key] for d in drawn]) if drawn else np.zeros(0)  # noqa: E731
    days = lambda values: np.datetime_as_string(values.astype(int).astype("datetime64[D]"), unit="D").astype(object)  # noqa: E731
    harm = cat("a_harm").astype(int)
    labels = np.array([label[0].lower() + label[1:] for label in harm_labels], dtype=object)
    actions = pd.DataFrame({
        "action_id": action_ids,
        "community_id": np.repeat(community_ids, n_actions),
        "harm_id": harm_ids[harm],
        "cycle": cat("a_cycle").astype(int),
        "description": [_DESCRIPTIONS[int(t)].format(harm=labels[h]) for t, h in zip(cat("a_description"), harm)],
        "shareable": cat("a_shareable").astype(bool),
        "proposed_by": np.concatenate([proposers(i, d["a_proposer"]) for i, d in enumerate(drawn)]),
        "session_id": session_ids[np.concatenate([d["a_session"].astype(int) + s_off[i]
                                                  for i, d in enumerate(drawn)])],
        "lead": _LEADS[cat("a_lead").astype(int)],
        "partners": cat("a_partners"),
        "due_date": days(cat("a_due")),
        "resources": _RESOURCES[cat("a_resources").astype(int)],
    })
    action_updates = pd.DataFrame({
        "action_id": action_ids[np.concatenate([d["u_action"].astype(int) + a_off[i] for i, d in enumerate(drawn)])],
        "date": days(cat("u_day")),
        "status": cat("u_status"),
        "note": cat("u_note"),
    })
    return actions, action_updates


def simulate(
    n_communities: int = 12,
    *,
    seed: int = 0,
    elite_influence: float | Sequence[float] | None = None,
    n_cycles: int = 3,
    n_harms: int = 8,
    n_districts: int = 3,
    participants: tuple[int, int] = (60, 120),
    turn_rate: float = 1.0,
    start_date: str = "2024-01-08",
) -> Dataset:
    """Simulate a programme of community planning with a known amount of elite influence.

    Parameters
    ----------
    n_communities : int, default 12
        How many communities.
    seed : int, default 0
        Seed of :func:`numpy.random.default_rng`; the same arguments give the same tables.
        Community ``i`` draws from its own child generator, so it is the same whatever
        ``n_communities`` is (its ids get wider digits beyond 99 communities).
    elite_influence : float or sequence of float in [0, 1], optional
        How strongly elites shape the talk and the decision: 0 = not at all, 1 = elites decide.
        One number for every community or one per community. By default the values are spread
        evenly over [0, 0.9] (``0.9 * frac(u + 0.618 i)`` with ``u`` drawn from the seed), so
        that some communities are inclusive and others elite-dominated.
    n_cycles : int, default 3
        Planning cycles per community.
    n_harms : int, default 8
        How many of :data:`HARMS` the programme works with (the first ``n_harms``).
    n_districts : int, default 3
        Districts; community ``i`` is in district ``i mod n_districts``.
    participants : (int, int), default (60, 120)
        Bounds of the number of participants per community (uniform).
    turn_rate : float, default 1.0
        Multiplies the expected number of speaking turns of every session (about 500 turns per
        community over 3 cycles at 1.0).
    start_date : str, default "2024-01-08"
        The earliest possible first meeting (ISO date).

    Returns
    -------
    Dataset
        Checked by :meth:`Dataset.from_tables`, with the tables ``communities``, ``population``,
        ``harms``, ``participants``, ``sessions``, ``attendance``, ``turns``, ``rankings``,
        ``pairwise``, ``decisions``, ``actions`` and ``action_updates``. ``communities`` carries
        the truth in two extra columns:
        ``sim_elite_influence`` (w) and ``sim_elite_agenda`` (the harm ids in the order of the
        elite agenda, joined by ``" > "``).

    Notes
    -----
    Everything below is drawn per community ``c`` with influence ``w`` and harms ``h = 1..H``.

    *Priorities.* A shared view ``m_h ~ N(0, 0.5^2)``; each subgroup ``g`` (girls, boys, women,
    men, elders) has the latent utility ``u_gh = m_h + lambda_c L_gh + N(0, 0.35^2)`` where
    ``L`` (:data:`SUBGROUP_LEANS`) makes girls lean to early marriage, teenage pregnancy and
    sexual abuse, boys to heavy work, out of school and physical punishment, women to teenage
    pregnancy, neglect and children not with their parents, men to out of school, elders to
    children not with their parents and neglect; ``lambda_c ~ U(0.7, 1.3)``. The elite agenda
    ``a_h`` is a standardised ``N(0, 1)`` vector. Person ``i`` of subgroup ``g`` has utility
    ``v_ih = u_gh + 1.5 w E_i a_h + N(0, 0.5^2)`` with ``E_i`` = 1 for elites: at ``w = 0``
    elites' preferences have exactly the distribution of their subgroup's non-elites.

    *People.* 60-120 participants (at least 3 per subgroup; about 20% girls, 20% boys, 25% women,
    22% men, 13% elders; 30% of women and men are youth; elders are female or male at random).
    Elites: 6% of women, 20% of men, 30% of elders (at least two per community), with a role
    drawn from chief, religious leader, councillor, committee member, wealthy family.
    Marginalised: 12% of non-elites, disability (40%) or poorest (60%), at least one of each;
    70% of people with a disability and 30% of the poorest are home-bound and only take part
    through home visits. Each person has a talkativeness ``lognormal(0, 0.6)``.

    *Sessions.* Each cycle has a community meeting (day 0), small groups for girls, boys, women,
    men and elders (days 2-12), home visits for disability and for poorest (days 13-19) and a
    planning-group meeting (days 20-27); cycles start 70-120 days apart. Attendance: community
    meeting girls 35%, boys 45%, women 60%, men 75%, elders 70%, elites 90%, halved for
    marginalised people; small groups 75% of their subgroup; home visits 80% of the home-bound
    of the reason; the planning group is a standing group of 8-12 chosen with weights favouring
    adults and elites (elite weight ``2 + 8 w``), 85% of whom attend each meeting. Sessions are
    topped up to a minimum size (5, 2, 1, 3).

    *Turns.* Expected turns: 55 per community meeting, 14 per small group, 3 per person visited,
    28 per planning-group meeting (times ``turn_rate``; Poisson). An attendee stays silent with
    probability girls 0.55, boys 0.45, women 0.35, men and elders 0.2 in community meetings (half
    that in small groups, 0.2 in the planning group, never at home), elites times ``1 - 0.8 w``.
    Speakers are drawn in turn order with probability proportional to subgroup rate (girls 0.35,
    boys 0.55, women 0.7, men and elders 1) x talkativeness x ``(1 + 3 w)`` for elites x 0.6 for
    marginalised people. Kinds: proposal 15%, support 25%, objection 10%, question 20%, other
    30%, with the proposal odds of elites times ``1 + 2 w``. Proposals and supports name the
    speaker's top harm under Gumbel noise, objections the bottom one. Interruptions: girls 12%,
    boys and women 10%, men 6%, elders 5%, times ``1 + w`` for non-elites and ``1 - w/2`` for
    elites. Duration in seconds ``lognormal(log 25, 0.7)`` times a subgroup factor (girls 0.7 ...
    elders 1.1), ``1 + w/2`` for elites, halved when interrupted.

    *Rankings.* Plackett-Luce: an ordering is the order of ``utility + Gumbel(0, 0.7)``. Each
    small group ranks by consensus on the mean utility of those present (10% of the lists have a
    tie of two neighbours); in the last cycle the groups pile 100 counters instead
    (``score ~ Multinomial(100, softmax(utility / 0.5))``, rank = order of scores, equal scores
    tied). In the last cycle every elite at the community meeting and 40% of the others rank
    individually (30% of them list only their top 3), and everybody visited at home ranks all
    harms. In cycle 1 the girls' and boys' groups also compare every pair of harms
    (``P(a over b) = logistic((U_a - U_b) / 0.7)``, 5% ties).

    *Decision.* ``D_h = (1 - w) mean_g u_gh + w mean_{elites} v_ih + N(0, 0.2^2)``: every subgroup
    counts the same in the inclusive part, the elites' own mean utility in the other. The
    community chooses the top ``k`` of ``D`` (``k`` = 1, 2, 3 with probability 0.25, 0.45, 0.30),
    recorded at the last planning-group meeting. At ``w = 0`` nothing in the process depends on
    who is elite except planning-group membership and meeting attendance.

    *Actions* (contract v2; drawn from a second random stream of each community, spawned from its
    seed after all the draws above, so every other table is the same with or without them). At each
    cycle's planning-group meeting the community agrees ``1 + Poisson(1.3)`` actions. Each is
    proposed by the planning group as a whole (probability 0.25), by a small group (``0.25 (1 - w)``;
    the group uniformly among girls, boys, women, men, elders) or otherwise by one member present,
    chosen with weight ``1 + 4 w`` for elites and 0.5 for children. Its harm is the proposer's top
    harm under ``Gumbel(0, 0.7)`` noise (the group: its mean utility; the planning group: the mean of
    those present), among the decided harms with probability 0.7 and among all harms otherwise. The
    lead is drawn with base weights community group 0.25, planning group 0.20, subgroup 0.18,
    government 0.08, service provider 0.10, NGO/agency 0.14, other 0.05; for an elite's proposal the
    community group's weight is times ``1 + 2 w``, the subgroup's times ``1 - w`` and government's
    times ``1 + w`` (elites hand their actions to committees and officials, not to girls' or women's
    groups); a small group's proposal doubles the subgroup weight; the agency's weight doubles in
    cycle 1. Partners: community group 0.20, government 0.30, service provider 0.35, NGO/agency
    0.30, independently (never the lead). Resources: none 0.15, community 0.45, agency 0.30,
    government 0.10. Due 30-120 days after the meeting; half the (synthetic) descriptions are
    marked shareable. Follow-up: status ``planned`` at the meeting, then a visit every 30 days until
    150 days after the community's last session; at a visit ``planned`` becomes ``started`` (0.55) or
    ``dropped`` (0.05), ``started`` becomes ``done`` (0.30), ``stalled`` (0.12) or ``dropped`` (0.02),
    ``stalled`` becomes ``started`` (0.30) or ``dropped`` (0.15); the stall probability of actions
    proposed by a small group or a non-elite member is times ``1 + w``. An update row is written
    when the status changes.

    Examples
    --------
    >>> import cpanalysis
    >>> data = cpanalysis.simulate(n_communities=2, seed=1, elite_influence=[0.0, 0.8])
    >>> data.communities[["community_id", "sim_elite_influence"]].to_numpy().tolist()
    [['C01', 0.0], ['C02', 0.8]]
    >>> sorted(data.sessions["format"].unique())
    ['community_meeting', 'home_visit', 'planning_group', 'small_group']
    >>> data.harms["harm_id"].tolist()[:3]
    ['out_of_school', 'teenage_pregnancy', 'heavy_work']
    """
    tables = simulate_tables(n_communities, seed=seed, elite_influence=elite_influence, n_cycles=n_cycles,
                             n_harms=n_harms, n_districts=n_districts, participants=participants,
                             turn_rate=turn_rate, start_date=start_date)
    return Dataset.from_tables(tables, source=f"simulate(n_communities={n_communities}, seed={seed})")
