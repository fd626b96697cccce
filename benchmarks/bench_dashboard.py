"""Dashboard timings and memory (run on demand: `python benchmarks/bench_dashboard.py [--reloads 20]`).

1. Time to the overview: from the browser's request until the overview chart is drawn and nothing is
   busy; reference: the model alone (same data, same process kind) measured in the same run.
2. Time to a community switch: click a community in the overview until its page is drawn; reference:
   the model's own update for the same switch.
3. Memory over N reloads: the resident memory (RSS, from /proc) of every kernel Voilà started, after each
   reload, then after the idle-kernel culling configured in cpanalysis/resources/voila/config/voila.json
   has had time to run; reference: one kernel after its first load.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from test_dashboard_browser import (CHROMIUM, CHROMIUM_ARGS, VIEWPORT, _free_port,  # noqa: E402
                                    voila_command, voila_env)

IDLE = """() => document.querySelector('.cp-chart-overview svg') && document.querySelector('.cp-community svg')
                && document.querySelectorAll('[aria-busy="true"]').length === 0"""


def start_voila(data_path: Path, downloads: Path):
    port = _free_port()
    env = voila_env(downloads)
    env["CPANALYSIS_DATA"] = str(data_path)
    proc = subprocess.Popen(voila_command(port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    import socket

    for _ in range(600):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc, f"http://127.0.0.1:{port}/"
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("voila did not start")


def kernels_rss_mb(voila_pid: int) -> tuple[int, float]:
    """(number of kernel processes, their total RSS in MB): the children of the Voilà process."""
    children = Path(f"/proc/{voila_pid}/task/{voila_pid}/children").read_text().split()
    total = 0
    for pid in children:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return len(children), total / 1024


def model_times() -> dict:
    import cpanalysis
    from cpanalysis.dashboard import DashboardModel

    start = time.perf_counter()
    model = DashboardModel(cpanalysis.sample_path())
    out = {"model: load to overview and first community (s)": time.perf_counter() - start}
    switches = []
    for cid in ("C05", "C08", "C11"):
        start = time.perf_counter()
        model.community_id = cid
        switches.append(time.perf_counter() - start)
    out["model: community switch, median of 3 (s)"] = statistics.median(switches)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reloads", type=int, default=20)
    parser.add_argument("--cull-wait", type=float, default=90.0, help="seconds to wait for idle culling")
    args = parser.parse_args()
    import cpanalysis
    from playwright.sync_api import sync_playwright

    results = model_times()
    for key, value in results.items():
        print(f"{key:<70} {value:8.2f}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="cpanalysis-bench-"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        proc, url = start_voila(cpanalysis.sample_path(), work / "downloads")
        try:
            page = browser.new_page(viewport=VIEWPORT)
            overview = []
            memory = []
            for i in range(args.reloads):
                start = time.perf_counter()
                page.goto(url, timeout=300_000)
                page.wait_for_function(IDLE, timeout=300_000)
                overview.append(time.perf_counter() - start)
                if i == 0:
                    switches = []
                    for cid in ("C05", "C08", "C11"):
                        page.locator(".lm-TabBar-tab", has_text="Overview").first.click()
                        start = time.perf_counter()
                        page.locator(".cp-open-community", has_text=cid).first.click()
                        page.wait_for_function(f"() => document.querySelector('.cp-community h2').innerText"
                                               f".startsWith('{cid}') && !document.querySelector('[aria-busy=\"true\"]')",
                                               timeout=120_000)
                        switches.append(time.perf_counter() - start)
                    results["browser: community switch, median of 3 (s)"] = statistics.median(switches)
                n, mb = kernels_rss_mb(proc.pid)
                memory.append((n, mb))
                print(f"reload {i + 1:>2}: overview drawn in {overview[-1]:6.2f} s; {n} kernel(s), {mb:7.0f} MB",
                      flush=True)
            page.close()
            results["browser: time to the overview, first load (s)"] = overview[0]
            results["browser: time to the overview, median over reloads (s)"] = statistics.median(overview)
            results["one kernel after its first load (MB)"] = memory[0][1] / max(memory[0][0], 1)
            results["peak kernels during reloads"] = max(n for n, _ in memory)
            results["peak kernel memory during reloads (MB)"] = max(mb for _, mb in memory)
            time.sleep(args.cull_wait)
            n, mb = kernels_rss_mb(proc.pid)
            results[f"kernels {args.cull_wait:.0f} s after the last reload (page closed)"] = n
            results[f"kernel memory {args.cull_wait:.0f} s after the last reload (MB)"] = mb
        finally:
            proc.terminate()
            proc.wait(10)
        browser.close()
    results["ratio: browser switch / model switch"] = (results["browser: community switch, median of 3 (s)"]
                                                       / results["model: community switch, median of 3 (s)"])
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
