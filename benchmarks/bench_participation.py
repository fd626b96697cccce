"""Benchmark of the participation measures on a large simulated programme.

Run on demand (not collected by pytest)::

    python benchmarks/bench_participation.py [--communities 2000] [--seed 1] [--loop-sessions 5000]

What "all measures" includes (timed together, data already loaded):

- ``participation(data, level="session", n_boot=None)``: presence, representation, voice by
  turns and by time, parity with its interval (the exact limit of the turn bootstrap, from
  binomial quantiles: no Monte Carlo replicates), silence, proposals and uptake, interruptions;
- ``speaking_concentration(data, level="session")``: Gini (both forms), top-10% share, Theil T
  and its between/within decomposition (no permutation p-values).

Two ratios, measured in the same run on the same rows:

- against a per-session Python loop computing the same core measures one session at a time:
  Gini with PySAL ``inequality``, top-10% share and Theil T with its between part (numpy on the
  session's few values), presence share, voice share, parity and silence rate by subgroup (plain
  Python counting). It runs on ``--loop-sessions`` sessions drawn at random and is scaled up
  linearly to all sessions; target: the library >= 20x faster. (It leaves out time shares,
  proposals, interruptions and intervals, which the library includes.)
- against a single ``np.bincount`` over the integer codes of the turn and attendance rows (the
  floor: the cost of touching every row once).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

import numpy as np


def _best(func, repeat=3):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def per_session_loop(data, session_ids):
    """The slow, obvious version: one Python iteration per session, PySAL for the Gini."""
    import math

    from inequality.gini import Gini

    att = data.attendance[data.attendance["session_id"].isin(session_ids)]
    turns = data.turns[data.turns["session_id"].isin(session_ids)]
    att_by = {sid: rows for sid, rows in att.groupby("session_id")}
    turns_by = {sid: rows for sid, rows in turns.groupby("session_id")}
    out = []
    for sid in session_ids:
        a = att_by.get(sid)
        if a is None:
            continue
        t = turns_by.get(sid)
        spoken = Counter(t["participant_id"].tolist()) if t is not None else Counter()
        people = a["participant_id"].tolist()
        x = np.array([spoken.get(p, 0) for p in people] + [v for k, v in spoken.items() if k not in set(people)],
                     dtype=float)
        groups = a["subgroup"].tolist() + ["?"] * (len(x) - len(people))
        total = x.sum()
        if total > 0:
            g = Gini(x).g
            k = max(1, math.ceil(round(0.1 * len(x), 9)))
            top = np.sort(x)[::-1][:k].sum() / total
            s = x / total
            theil = float(np.sum(s[s > 0] * np.log(len(x) * s[s > 0])))
            between = 0.0
            for sub in set(groups):
                members = [i for i, h in enumerate(groups) if h == sub]
                share = s[members].sum()
                if share > 0:
                    between += share * math.log(share * len(x) / len(members))
        else:
            g = top = theil = between = np.nan
        present = Counter(a["subgroup"].tolist())
        silent = Counter(sub for p, sub in zip(people, a["subgroup"].tolist()) if p not in spoken)
        voice = Counter(t["subgroup"].tolist()) if t is not None else Counter()
        n_att, n_turns = sum(present.values()), sum(voice.values())
        for sub in present | voice:
            p = present.get(sub, 0) / n_att
            v = voice.get(sub, 0) / n_turns if n_turns else np.nan
            quiet = silent.get(sub, 0) / present[sub] if present.get(sub) else np.nan
            out.append((sid, sub, p, v, v / p if p else np.nan, quiet, g, top, theil, between))
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communities", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--loop-sessions", type=int, default=5000,
                        help="sessions the per-session loop runs on (scaled up to all sessions)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    import cpanalysis
    from cpanalysis.inclusion import participation, speaking_concentration
    from cpanalysis.inclusion._common import prepare

    start = time.perf_counter()
    data = cpanalysis.simulate(args.communities, seed=args.seed)
    print(f"simulated {data!r} in {time.perf_counter() - start:.1f} s")
    n_sessions, n_turns = len(data.sessions), len(data.turns)
    n_att = len(data.attendance) if data.attendance is not None else 0
    print(f"sessions {n_sessions:,}  attendance rows {n_att:,}  turns {n_turns:,}")

    def all_measures():
        participation(data, level="session", n_boot=None)
        speaking_concentration(data, level="session")

    ours = _best(all_measures, args.repeat)
    t_part = _best(lambda: participation(data, level="session", n_boot=None), args.repeat)
    t_conc = _best(lambda: speaking_concentration(data, level="session"), args.repeat)
    t_comm = _best(lambda: participation(data, level="community", n_boot=None), args.repeat)

    # the floor: one bincount over the integer codes of the same rows
    prep = prepare(data, level="session", subgroup="subgroup", formats=None, func="bench")
    G = prep.n_groups
    t_cells = prep.session_unit[prep.t_session] * G + prep.t_sub
    a_cells = prep.session_unit[prep.a_session] * G + prep.a_sub
    size = prep.n_units * G

    def floor():
        np.bincount(t_cells, minlength=size)
        np.bincount(a_cells, minlength=size)

    t_floor = _best(floor, max(args.repeat, 5))

    rng = np.random.default_rng(0)
    ids = data.sessions["session_id"].to_numpy(dtype=object)
    k = min(args.loop_sessions, len(ids))
    chosen = list(rng.choice(ids, size=k, replace=False))
    start = time.perf_counter()
    per_session_loop(data, chosen)
    t_loop_sample = time.perf_counter() - start
    t_loop = t_loop_sample * len(ids) / k

    print()
    print(f"all measures (participation + speaking_concentration, session level): {ours:.3f} s "
          f"({'under' if ours < 3 else 'OVER'} the 3 s target)")
    print(f"  participation(level='session', n_boot=None):  {t_part:.3f} s")
    print(f"  speaking_concentration(level='session'):      {t_conc:.3f} s")
    print(f"  participation(level='community', n_boot=None): {t_comm:.3f} s")
    print(f"per-session loop with inequality: {t_loop_sample:.2f} s on {k:,} sessions -> "
          f"{t_loop:.1f} s for all {len(ids):,}")
    print(f"single np.bincount pass (floor): {t_floor * 1000:.1f} ms")
    print(f"ratio loop / ours:  {t_loop / ours:.1f}x faster (target >= 20x)")
    print(f"ratio ours / floor: {ours / t_floor:.0f}x the floor")


if __name__ == "__main__":
    main()
