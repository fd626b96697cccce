"""Power curve of the elite-influence assessment against the simulator's elite_influence.

Run from the repository root:  python docs/power_curve.py
Writes docs/figures/power_curve.csv and docs/figures/power_curve.png: for each influence, the
share of communities read "clear sign" or "some sign" (q-values within programmes of 12) and
the share whose community test gives p <= 0.05, with exact 95% intervals. The full calibration
(null worlds, FDR, programme power, weights) is docs/dominance_calibration.py.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import cpanalysis  # noqa: E402
from cpanalysis.dominance.calibration import assess, clopper_pearson, share_flagged  # noqa: E402

N_COMMUNITIES, SEED = 240, 2027
OUT = Path(__file__).resolve().parent / "figures"


def main() -> pd.DataFrame:
    rows = []
    for i, w in enumerate(np.round(np.arange(0, 1.01, 0.1), 1)):
        tab = assess(cpanalysis.simulate(N_COMMUNITIES, seed=SEED + i, elite_influence=float(w)))
        flag = share_flagged(tab)
        k = int((tab["p_value"] <= 0.05).sum())
        lo, hi = clopper_pearson(k, len(tab))
        rows.append({"elite_influence": w, "read_clear_or_some": flag["share"], "ci_low": flag["ci_low"],
                     "ci_high": flag["ci_high"], "test_p_le_0.05": k / len(tab), "test_ci_low": lo, "test_ci_high": hi})
    table = pd.DataFrame(rows)
    OUT.mkdir(parents=True, exist_ok=True)
    table.to_csv(OUT / "power_curve.csv", index=False, float_format="%.4f")
    fig, ax = plt.subplots(figsize=(6, 4))
    w = table["elite_influence"]
    ax.fill_between(w, table["ci_low"], table["ci_high"], color="#0072B2", alpha=0.2)
    ax.plot(w, table["read_clear_or_some"], "o-", color="#0072B2", label="read clear or some sign")
    ax.plot(w, table["test_p_le_0.05"], "s:", color="#009E73", label="community test p <= 0.05")
    ax.axhline(0.05, color="black", ls=":", lw=1, label="0.05")
    ax.axhline(0.8, color="#D55E00", ls="--", lw=1, label="0.8")
    ax.set_xlabel("simulated elite influence w")
    ax.set_ylabel("share of communities")
    ax.set_ylim(0, 1.02)
    ax.set_title(f"Elite-influence assessment: {N_COMMUNITIES} communities per point")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(OUT / "power_curve.png", dpi=120)
    print(table.to_string(index=False))
    return table


if __name__ == "__main__":
    main()
