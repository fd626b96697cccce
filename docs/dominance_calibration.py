"""Calibration of the elite-influence assessment: false alarms, FDR, power, programme power, weights.

Run from the repository root (about 10-20 minutes on one core):

    python docs/dominance_calibration.py            # the full calibration
    python docs/dominance_calibration.py --quick    # a small run (a few minutes), same tables

Prints the tables and writes docs/figures/dominance_*.csv and docs/figures/dominance_*.png.
Readings are computed as the library gives them to a programme of 12 communities (q-values
within each programme; :func:`cpanalysis.dominance.calibration.assess`). Seeds are new (not the
ones the code was tuned on). The null worlds other than the simulator's come from
:func:`cpanalysis.dominance.calibration.null_world`, which does not use the simulator.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import cpanalysis  # noqa: E402
from cpanalysis.dominance.calibration import NULL_WORLDS, assess, clopper_pearson, null_world, share_flagged  # noqa: E402
from cpanalysis.dominance.combination import programme_test  # noqa: E402
from cpanalysis.dominance.core import analyse  # noqa: E402
from cpanalysis.dominance.weight import programme_weight  # noqa: E402

OUT = Path(__file__).resolve().parent / "figures"
SIZE = 12          # communities per programme
SEED = 70_000      # new seeds: nothing was tuned on them


def _programmes(n_programmes: int) -> int:
    return n_programmes * SIZE


def false_alarms(n_sim: int, n_world: int) -> pd.DataFrame:
    rows = []
    worlds = [("simulator, elite_influence 0", lambda: cpanalysis.simulate(n_sim, seed=SEED + 1, elite_influence=0.0))]
    worlds += [(f"null world '{k}'", (lambda k=k: null_world(k, n_world, seed=SEED + 2 + i))) for i, k in enumerate(NULL_WORLDS)]
    for name, make in worlds:
        tab = assess(make(), programme_size=SIZE)
        flag = share_flagged(tab)
        tested = tab["p_value"].notna()
        k = int((tab.loc[tested, "p_value"] <= 0.05).sum())
        n = int(tested.sum())
        rows.append({"world": name, "communities": flag["n"], "read_clear_or_some": flag["flagged"],
                     "share": flag["share"], "upper_95": flag["ci_high"],
                     "raw_p_le_0.05": k / n if n else np.nan, "raw_upper_95": clopper_pearson(k, n)[1] if n else np.nan,
                     "cannot_tell": float((tab["level"] == "cannot tell").mean())})
    return pd.DataFrame(rows)


def fdr(n_programmes: int) -> pd.DataFrame:
    rows = []
    for j, w in enumerate((0.5, 1.0)):
        n = _programmes(n_programmes)
        influence = np.tile(np.r_[np.zeros(SIZE // 2), np.full(SIZE - SIZE // 2, w)], n_programmes)
        tab = assess(cpanalysis.simulate(n, seed=SEED + 20 + j, elite_influence=influence), programme_size=SIZE)
        flagged = tab["level"].isin(["clear sign", "some sign"]).to_numpy()
        null = influence == 0
        per = pd.DataFrame({"p": tab["programme"], "false": flagged & null, "flagged": flagged})
        g = per.groupby("p").sum()
        fdp = np.where(g["flagged"] > 0, g["false"] / np.maximum(g["flagged"], 1), 0.0)
        rows.append({"captured_influence": w, "programmes": n_programmes, "flagged": int(flagged.sum()),
                     "false_flags": int((flagged & null).sum()), "FDR_mean_per_programme": float(fdp.mean()),
                     "FDR_pooled": float((flagged & null).sum() / max(flagged.sum(), 1)),
                     "power_among_captured": float(flagged[~null].mean())})
    return pd.DataFrame(rows)


def power(n_by_w: dict) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rows, prog_rows, weights = [], [], []
    for j, (w, n) in enumerate(n_by_w.items()):
        data = cpanalysis.simulate(n, seed=SEED + 40 + j, elite_influence=w)
        full = analyse(data, cpanalysis.Settings())
        s = full["settings"]
        tab = assess(data, programme_size=SIZE, analysis=full)
        flag = share_flagged(tab)
        raw = float((tab["p_value"] <= s.alpha).mean())
        rows.append({"elite_influence": w, "communities": n, "clear_or_some": flag["share"],
                     "ci_low": flag["ci_low"], "ci_high": flag["ci_high"], "clear": float((tab["level"] == "clear sign").mean()),
                     "raw_p_le_alpha": raw, "cannot_tell": float((tab["level"] == "cannot tell").mean()),
                     "mean_detectability_moderate": float(tab["detectability_moderate"].mean()),
                     "mean_detectability_strong": float(tab["detectability_strong"].mean()),
                     "median_elite_weight": float(tab["elite_weight"].median()),
                     "weight_ci_covers_1": float(((tab["elite_weight_ci_low"] <= 1) & (tab["elite_weight_ci_high"] >= 1)).mean())})
        ids = list(full["tests"])
        p_prog, w_prog = [], []
        for b in range(0, len(ids) - SIZE + 1, SIZE):
            chunk = ids[b:b + SIZE]
            p_prog.append(programme_test([full["tests"][c] for c in chunk], n_perm=s.n_perm)["p_value"])
            pw = programme_weight([full["curves"][c] for c in chunk], ci=s.ci, n_boot=200, seed=b)
            w_prog.append(pw)
        p_prog = np.array(p_prog)
        k = int((p_prog <= s.alpha).sum())
        lo, hi = clopper_pearson(k, p_prog.size)
        prog_rows.append({"elite_influence": w, "programmes": p_prog.size, "programme_power": k / p_prog.size,
                          "ci_low": lo, "ci_high": hi})
        wp = pd.DataFrame(w_prog)
        weights.append({"elite_influence": w, "programmes": len(wp), "median_programme_weight": wp["elite_weight"].median(),
                        "q25": wp["elite_weight"].quantile(0.25), "q75": wp["elite_weight"].quantile(0.75),
                        "ci_covers_1": float(((wp["elite_weight_ci_low"] <= 1) & (wp["elite_weight_ci_high"] >= 1)).mean())})
    return pd.DataFrame(rows), pd.DataFrame(prog_rows), pd.DataFrame(weights)


def figures(alarms: pd.DataFrame, pw: pd.DataFrame, prog: pd.DataFrame, wt: pd.DataFrame) -> None:
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.2))
    ax = axes[0]
    y = np.arange(len(alarms))
    ax.barh(y, alarms["share"], color="#0072B2", label="read clear or some sign")
    ax.errorbar(alarms["share"], y, xerr=[np.zeros(len(y)), alarms["upper_95"] - alarms["share"]], fmt="none",
                ecolor="black", capsize=3, label="upper 95% bound")
    ax.axvline(0.05, color="#D55E00", ls="--", lw=1, label="target 0.05")
    ax.set_yticks(y, alarms["world"], fontsize=8)
    ax.set_xlabel("share of communities without influence")
    ax.set_title("False alarms per null world")
    ax.legend(fontsize=7)
    ax = axes[1]
    ax.fill_between(pw["elite_influence"], pw["ci_low"], pw["ci_high"], color="#0072B2", alpha=0.2)
    ax.plot(pw["elite_influence"], pw["clear_or_some"], "o-", color="#0072B2", label="community read clear/some sign")
    ax.plot(pw["elite_influence"], pw["raw_p_le_alpha"], "s:", color="#009E73", label="community test p <= 0.05")
    ax.plot(prog["elite_influence"], prog["programme_power"], "^-", color="#CC79A7", label="programme of 12: p <= 0.05")
    for level, w in ((0.8, 0.5), (0.95, 1.0)):
        ax.plot([w], [level], "x", color="#D55E00", ms=9)
    ax.axhline(0.05, color="black", ls=":", lw=1)
    ax.set_xlabel("simulated elite influence w")
    ax.set_ylabel("share detected")
    ax.set_ylim(0, 1.02)
    ax.set_title("Power (x = targets)")
    ax.legend(fontsize=7, loc="lower right")
    ax = axes[2]
    ax.plot(wt["elite_influence"], wt["median_programme_weight"], "o-", color="#E69F00", label="median programme weight")
    ax.fill_between(wt["elite_influence"], wt["q25"], wt["q75"], color="#E69F00", alpha=0.2, label="quartiles")
    ax.axhline(1, color="black", ls=":", lw=1)
    ax.set_xlabel("simulated elite influence w")
    ax.set_ylabel("elite weight (x their share)")
    ax.set_title("Programme elite weight (12 communities)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(OUT / "dominance_calibration.png", dpi=110)
    plt.close(fig)


def main(quick: bool = False) -> None:
    t0 = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    scale = 0.25 if quick else 1.0
    n = lambda k: max(SIZE, int(round(k * scale / SIZE)) * SIZE)  # noqa: E731
    alarms = false_alarms(n(1200), n(480))
    print("False alarms (no elite influence), share read 'clear sign' or 'some sign':")
    print(alarms.to_string(index=False, float_format="%.4f"))
    rates = fdr(max(4, int(50 * scale)))
    print("\nFalse discovery rate, half of every programme captured:")
    print(rates.to_string(index=False, float_format="%.4f"))
    pw, prog, wt = power({0.0: n(600), 0.1: n(240), 0.25: n(1200), 0.5: n(600), 0.75: n(240), 1.0: n(600)})
    print("\nPower per community (programmes of 12, every community at the same influence):")
    print(pw.to_string(index=False, float_format="%.4f"))
    print("\nProgramme test (12 communities):")
    print(prog.to_string(index=False, float_format="%.4f"))
    print("\nProgramme elite weight (12 communities):")
    print(wt.to_string(index=False, float_format="%.4f"))
    for name, table in (("false_alarms", alarms), ("fdr", rates), ("power", pw), ("programme_power", prog),
                        ("programme_weight", wt)):
        table.to_csv(OUT / f"dominance_{name}.csv", index=False, float_format="%.4f")
    figures(alarms, pw, prog, wt)
    print(f"\n{time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
