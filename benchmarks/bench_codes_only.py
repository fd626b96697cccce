"""Time to switch the dashboard's codes-only option (model only, on the sample; run on demand:
`python benchmarks/bench_codes_only.py [--repeats 5]`).

Measured: the model's update when the box is ticked and unticked (median of ``repeats`` each, the
community page open with its charts). References, in the same run: what the switch would cost if it
recomputed the story analysis with ``codes_only=True`` (as the reports compute it, the dominance
analysis included), and the dashboard's own recomputation after a settings change.
"""

from __future__ import annotations

import argparse
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    import cpanalysis
    from cpanalysis.dashboard import DashboardModel
    from cpanalysis.story import story_analysis

    data = cpanalysis.load(cpanalysis.sample_path())
    model = DashboardModel()
    model.set_data(data, label="sample")
    on, off = [], []
    for _ in range(args.repeats):
        start = time.perf_counter()
        model.codes_only = True
        on.append(time.perf_counter() - start)
        start = time.perf_counter()
        model.codes_only = False
        off.append(time.perf_counter() - start)

    start = time.perf_counter()
    story_analysis(data, model.settings, codes_only=True)
    recompute = time.perf_counter() - start

    start = time.perf_counter()
    model.settings = model.settings.replace(alpha=0.049)
    settings_change = time.perf_counter() - start

    tick, untick = statistics.median(on), statistics.median(off)
    print(f"communities: {len(data.communities)}, sessions: {len(data.sessions)}")
    print(f"tick codes only (median of {args.repeats}):   {tick:.3f} s")
    print(f"untick codes only (median of {args.repeats}): {untick:.3f} s")
    print(f"reference: story analysis with codes_only recomputed: {recompute:.3f} s "
          f"(ratio to a tick: {recompute / tick:.1f}x)")
    print(f"reference: dashboard after a settings change: {settings_change:.3f} s "
          f"(ratio to a tick: {settings_change / tick:.1f}x)")


if __name__ == "__main__":
    main()
