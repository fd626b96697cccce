"""Person-level evidence of elite influence: one row per person, the strata the test relabels within.

Every measure the combined test uses is a number per person, so that elite status can be
relabelled among persons (never among turns or attendances) and every interval resamples persons:

* ``proximity``: 1 - the mean :func:`topk_distance` from the decision to the person's own ranking
  lists (individual rankers only, every cycle);
* ``voice``: speaking at ``settings.elite_test_formats`` sessions of every cycle (seconds when every
  turn's duration is recorded, else turns) relative to an equal share of each session the
  person attended, on the log scale: ``log((1 + spoken) / (1 + equal share))``;
* ``proposals``: the same for proposals naming a harm;
* ``uptake``: the same for proposals naming a harm the community decided.

A person's *stratum* is the combination of ``settings.dominance_strata`` columns of the
participants table (default: subgroup, marginalised status, and a ``stratum`` column when a
dataset declares one). The test's *cells* add what data the person has (ranked individually or
not; attended a voice session or not), so that being more often present or more often asked to
rank, which elites are even without influence, is never read as influence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..settings import Settings
from .signals import _table

__all__ = ["COMPONENTS", "PersonEvidence", "person_evidence"]

#: The per-person measures of the combined test, in this order.
COMPONENTS = ("proximity", "voice", "proposals", "uptake")


@dataclass
class PersonEvidence:
    """One community's persons: ids, elite flags, strata, test cells and the measures (NaN = no data)."""

    community_id: str
    person: np.ndarray        # (n,) participant ids
    elite: np.ndarray         # (n,) bool
    stratum: np.ndarray       # (n,) str: subgroup x marginalised x declared strata
    cell: np.ndarray          # (n,) str: stratum x data availability (what the test relabels within)
    values: np.ndarray        # (n, 4) float, columns COMPONENTS; NaN where the person has no such data
    attendances: np.ndarray   # (n,) attendances at voice sessions
    turns: np.ndarray         # (n,) turns at voice sessions

    @property
    def n_elite(self) -> int:
        return int(self.elite.sum())


def _strata_labels(people: pd.DataFrame, columns: tuple) -> np.ndarray:
    label = np.full(len(people), "", dtype=object)
    for col in columns:
        if col not in people:
            continue
        v = people[col]
        if col == "marginalised":
            part = np.where(v.astype("boolean").fillna(False).to_numpy(bool), "marginalised", "")
        else:
            part = v.astype(object).where(v.notna(), "unknown").astype(str).to_numpy(dtype=object)
        label = np.char.add(np.char.add(label.astype(str), "|"), part.astype(str)).astype(object)
    return label


def person_evidence(data, settings: Settings, prepared: dict) -> dict:
    """Every community's :class:`PersonEvidence` (communities without persons get an empty one)."""
    s = settings
    people = _table(data, "participants")
    sessions = _table(data, "sessions")
    att = _table(data, "attendance")
    turns = _table(data, "turns")
    decisions = _table(data, "decisions")
    comm = list(prepared)
    wanted = set(comm)
    # --- persons -------------------------------------------------------------------------------
    if people is not None and len(people):
        p = people[people["community_id"].astype(str).isin(wanted)]
        pid = p["participant_id"].astype(str).to_numpy(dtype=object)
        p_comm = p["community_id"].astype(str).to_numpy(dtype=object)
        p_elite = p["elite"].astype("boolean").fillna(False).to_numpy(bool) if "elite" in p else np.zeros(len(p), bool)
        p_stratum = _strata_labels(p, s.dominance_strata if s.stratify else ())
    else:
        pid = p_comm = p_stratum = np.array([], dtype=object)
        p_elite = np.array([], dtype=bool)
    persons = pd.DataFrame({"pid": pid, "c": p_comm, "elite": p_elite, "stratum": p_stratum})
    # rankers missing from the participants table: their rankings' own subgroup and elite flag
    extra = []
    known = set(p_comm.astype(str) + "\x1f" + pid.astype(str)) if len(pid) else set()
    for c, cl in prepared.items():
        if cl.members is None or not len(cl.members):
            continue
        m = cl.members[cl.members["source"] == "individual"]
        ids = m["member"].astype(str).to_numpy(dtype=object)
        missing = np.array([f"{c}\x1f{i}" not in known for i in ids], dtype=bool)
        for i, el, st in zip(ids[missing], m["elite_individual"].to_numpy(bool)[missing],
                             m["stratum"].astype(str).to_numpy(dtype=object)[missing]):
            extra.append({"pid": i, "c": c, "elite": bool(el), "stratum": "|" + st})
    if extra:
        persons = pd.concat([persons, pd.DataFrame(extra)], ignore_index=True)
    key = persons["c"].astype(str) + "\x1f" + persons["pid"].astype(str)
    index = pd.Index(key)
    n = len(persons)
    # --- voice, proposals, uptake ----------------------------------------------------------------
    n_att = np.zeros(n)
    n_turn = np.zeros(n)
    obs = np.zeros((n, 3))       # speaking (seconds when recorded for every turn, else turns), proposals, adopted
    expected = np.zeros((n, 3))  # the same if every attendee had an equal share of every session
    if sessions is not None and att is not None and len(att):
        meet = set(sessions.loc[sessions["format"].astype(str).isin(s.elite_test_formats), "session_id"].astype(str))
        a = att[att["session_id"].astype(str).isin(meet)]
        ak = a["community_id"].astype(str) + "\x1f" + a["participant_id"].astype(str)
        codes = index.get_indexer(ak)
        a_sid = a["session_id"].astype(str).to_numpy(dtype=object)
        keep = codes >= 0
        n_att = np.bincount(codes[keep], minlength=n).astype(float)
        if turns is not None and len(turns):
            t = turns[turns["session_id"].astype(str).isin(meet) & turns["participant_id"].notna()]
            tk = t["community_id"].astype(str) + "\x1f" + t["participant_id"].astype(str)
            tc = index.get_indexer(tk)
            ok = tc >= 0
            kind = t["kind"].astype(object).to_numpy(dtype=object) if "kind" in t else np.full(len(t), None)
            harm = t["harm_id"].astype(object).to_numpy(dtype=object) if "harm_id" in t else np.full(len(t), None)
            prop = (kind == "proposal") & pd.notna(harm)
            decided = set()
            if decisions is not None and len(decisions):
                decided = set(decisions["community_id"].astype(str) + "\x1f" + decisions["harm_id"].astype(str))
            adopt = prop & np.array([f"{c}\x1f{h}" in decided for c, h in
                                     zip(t["community_id"].astype(str), harm)], dtype=bool)
            secs = (pd.to_numeric(t["duration_s"], errors="coerce").to_numpy(float) if "duration_s" in t
                    else np.full(len(t), np.nan))
            talk = secs / 60.0 if len(t) and not np.isnan(secs).any() else np.ones(len(t))
            per_turn = np.column_stack([talk, prop, adopt]).astype(float)
            n_turn = np.bincount(tc[ok], minlength=n).astype(float)
            for j in range(3):
                obs[:, j] = np.bincount(tc[ok], weights=per_turn[ok, j], minlength=n)
            # each session's totals shared equally among its attendees
            totals = pd.DataFrame(per_turn, index=t["session_id"].astype(str).to_numpy()).groupby(level=0).sum()
            size = pd.Series(a_sid).value_counts()
            share = totals.reindex(a_sid).fillna(0.0).to_numpy() / size.reindex(a_sid).to_numpy()[:, None]
            for j in range(3):
                expected[:, j] = np.bincount(codes[keep], weights=share[keep, j], minlength=n)
    # --- proximity -------------------------------------------------------------------------------
    prox = np.full(n, np.nan)
    for c, cl in prepared.items():
        if cl.members is None or not len(cl.members) or cl.decided.size == 0:
            continue
        m = cl.members[cl.members["source"] == "individual"]
        codes = index.get_indexer(c + "\x1f" + m["member"].astype(str))
        ok = codes >= 0
        prox[codes[ok]] = 1.0 - m["distance"].to_numpy(float)[ok]
    attended = n_att > 0
    # each measure on the log scale, relative to an equal share of the sessions the person attended:
    # neither a few very talkative people nor the mix of large and small sessions drives the comparison
    with np.errstate(invalid="ignore", divide="ignore"):
        relative = np.where(attended[:, None], np.log((1.0 + obs) / (1.0 + expected)), np.nan)
    values = np.column_stack([prox, relative])
    ranked = ~np.isnan(prox)
    cell = (persons["stratum"].astype(str).to_numpy(dtype=object) + np.where(ranked, "|ranked", "")
            + np.where(attended, "|present", ""))
    has_any = ranked | attended
    out = {}
    cs = persons["c"].to_numpy(dtype=object)
    groups = pd.Series(np.arange(n)).groupby(cs).indices if n else {}
    for c in comm:
        idx = groups.get(c, np.array([], int))
        idx = idx[has_any[idx]]
        out[c] = PersonEvidence(c, persons["pid"].to_numpy(dtype=object)[idx], persons["elite"].to_numpy(bool)[idx],
                                persons["stratum"].to_numpy(dtype=object)[idx], cell[idx], values[idx],
                                n_att[idx], n_turn[idx])
    return out

