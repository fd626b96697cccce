"""Dashboard timings (run on demand: `python benchmarks/bench_dashboard.py`; not collected by pytest).

1. First render on the bundled sample: from the browser's request to the Voilà page until the
   charts are visible (target < 8 s).
2. A filter change with 2,000 simulated communities: the model update alone, and the browser
   round trip (select a district until the programme table shows it) (target < 1 s).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from test_dashboard_browser import (CHROMIUM, CHROMIUM_ARGS, VIEWPORT, _free_port,  # noqa: E402
                                    voila_command, voila_env)


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


def browser_timings(browser, url: str, *, filter_change: bool) -> dict:
    page = browser.new_page(viewport=VIEWPORT)
    out = {}
    start = time.perf_counter()
    page.goto(url, timeout=900_000)
    page.wait_for_selector(".cp-programme-table table", timeout=900_000)
    out["programme table visible (s)"] = time.perf_counter() - start
    page.locator(".lm-TabBar-tab", has_text="Community").first.click()
    page.wait_for_function("""() => { const i = document.querySelector('img.cp-chart-presence_voice');
                                      return i && i.complete && i.naturalWidth > 100; }""", timeout=900_000)
    out["first render: charts visible (s)"] = time.perf_counter() - start
    if filter_change:
        page.locator(".lm-TabBar-tab", has_text="Programme").first.click()
        select = page.locator(".cp-district select")
        page.locator(".lm-TabBar-tab", has_text="Community").first.click()
        old_src = page.locator("img.cp-chart-presence_voice").first.get_attribute("src")
        page.locator(".lm-TabBar-tab", has_text="Programme").first.click()
        options = select.locator("option").all_inner_texts()
        district = options[2].replace("\xa0", " ")  # the drop-down shows non-breaking spaces
        start = time.perf_counter()
        select.select_option(options[2])
        page.wait_for_function("(d) => { const rows = [...document.querySelectorAll('.cp-programme-table tbody tr')];"
                               " return rows.length > 0 && rows.every(r => r.innerText.includes(d)); }",
                               arg=district, timeout=60_000)
        out[f"filter change district={district}: table updated, browser round trip (s)"] = time.perf_counter() - start
        page.locator(".lm-TabBar-tab", has_text="Community").first.click()
        page.wait_for_function("""(old) => { const i = document.querySelector('img.cp-chart-presence_voice');
                                             return i && i.src !== old && i.complete && i.naturalWidth > 100; }""",
                               arg=old_src, timeout=60_000)
        out["filter change: new community's charts visible, browser round trip (s)"] = time.perf_counter() - start
    page.close()
    return out


class _Results(dict):
    """Prints every figure as soon as it is measured."""

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        print(f"{key:<75}  {value:8.3f}", flush=True)


def main() -> None:
    import cpanalysis
    from cpanalysis.dashboard import DashboardModel
    from playwright.sync_api import sync_playwright

    results = _Results()
    work = Path(tempfile.mkdtemp(prefix="cpanalysis-bench-"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        proc, url = start_voila(cpanalysis.sample_path(), work / "downloads")
        try:
            browser_timings(browser, url, filter_change=False)  # warm the disk cache once
            for key, value in browser_timings(browser, url, filter_change=False).items():
                results[f"sample (12 communities): {key}"] = value
        finally:
            proc.terminate()
            proc.wait(10)

        start = time.perf_counter()
        data = cpanalysis.simulate(2000, seed=1)
        results["simulate(2000) (s)"] = time.perf_counter() - start
        folder = data.save(work / "c2000")
        model = DashboardModel()
        start = time.perf_counter()
        model.set_data(data, label="2000")
        results["2000 communities: model load, all tables once (s)"] = time.perf_counter() - start
        for district in model.districts[1:4]:
            start = time.perf_counter()
            model.district = district
            results[f"2000 communities: model update, district={district} (s)"] = time.perf_counter() - start
        start = time.perf_counter()
        model.cycle = model.cycles[1]
        results["2000 communities: model update, cycle=1 (s)"] = time.perf_counter() - start
        start = time.perf_counter()
        model.session_format = "community_meeting"
        results["2000 communities: model update, format (first time: computes) (s)"] = time.perf_counter() - start
        model.session_format = "All"
        start = time.perf_counter()
        model.session_format = "community_meeting"
        results["2000 communities: model update, format (cached) (s)"] = time.perf_counter() - start

        proc, url = start_voila(folder, work / "downloads")
        try:
            for key, value in browser_timings(browser, url, filter_change=True).items():
                results[f"2000 communities: {key}"] = value
        finally:
            proc.terminate()
            proc.wait(10)
        browser.close()
    print("done")


if __name__ == "__main__":
    main()
