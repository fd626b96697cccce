"""Power curve of the elite proximity gap test: rejection rate against the simulator's elite_influence.

Run from the repository root:  python docs/power_curve.py
Writes docs/figures/power_curve.csv and docs/figures/power_curve.png.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from cpanalysis.dominance.calibration import rejection_rate  # noqa: E402

N_COMMUNITIES, N_PERM, ALPHA, SEED = 400, 1000, 0.05, 2026
OUT = Path(__file__).resolve().parent / "figures"


def main() -> pd.DataFrame:
    rows = [rejection_rate(w, n_communities=N_COMMUNITIES, seed=SEED + i, n_perm=N_PERM, alpha=ALPHA)
            for i, w in enumerate(np.round(np.arange(0, 1.01, 0.1), 1))]
    table = pd.DataFrame(rows)
    OUT.mkdir(parents=True, exist_ok=True)
    table.to_csv(OUT / "power_curve.csv", index=False, float_format="%.4f")
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.fill_between(table["elite_influence"], table["ci_low"], table["ci_high"], color="#0072B2", alpha=0.2,
                    label="95% interval (Wilson)")
    ax.plot(table["elite_influence"], table["rate"], "o-", color="#0072B2", label="rejection rate")
    ax.axhline(ALPHA, color="black", ls=":", lw=1, label=f"alpha = {ALPHA}")
    ax.axhline(0.8, color="#D55E00", ls="--", lw=1, label="power 0.8")
    ax.set_xlabel("simulated elite influence w")
    ax.set_ylabel("share of communities where the gap test rejects")
    ax.set_ylim(0, 1)
    ax.set_title(f"Elite proximity gap test: {N_COMMUNITIES} communities per point, B = {N_PERM}")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(OUT / "power_curve.png", dpi=120)
    print(table.to_string(index=False))
    return table


if __name__ == "__main__":
    main()
