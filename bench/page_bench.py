"""Weekly page benchmark: the real app in Debian's chromium, timed from a user's action to the app idle.

Serves ``streamlit run app.py`` on one of the benchmark stores (``bench/kpi_bench.py`` generates
them: data/bench-<N>.duckdb), then prints, as a user meets them:
- the first open: a full page load in a new browser session (Streamlit's scripts, its websocket,
  the navigation and the page's first run on a server that has not run it yet);
- each new view: in that same session, another week (not yet cached) picked in the page's own
  week control, from the pick to the app idle, with the server's RSS after it;
- a filter change on the page (grouping owner → department and back);
- for comparison with earlier figures, full page loads of weeks not yet cached, each in a new
  browser session on the warm server.
Targets (issue 15, at 10M): a new view ≤ 1.5 s, a filter change ≤ 1 s, server RSS ≤ 2 GB after 20 views.

    .venv/bin/python bench/page_bench.py [--tickets N | --db PATH] [--views 20] [--port 8650]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kpi.service.periods import iso_week  # noqa: E402

APP = "[data-testid='stApp']"
FULL_LOADS = 3
# Records the app's script-state changes from now on, so a run that ends before Python looks is
# not missed (one observer per page).
WATCH_RUNS = f"""() => {{
    window.benchRuns = [];
    if (window.benchWatching) return;
    window.benchWatching = true;
    new MutationObserver(() => window.benchRuns.push(document.querySelector("{APP}").dataset.testScriptState))
        .observe(document.querySelector("{APP}"), {{attributes: true, attributeFilter: ["data-test-script-state"]}});
}}"""
RAN = f"""() => window.benchRuns.includes("running")
    && document.querySelector("{APP}").dataset.testScriptState === "notRunning\""""


def serve(db_path: Path, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=os.environ | {"SERVICE_OPS_DB": str(db_path)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(120):
        try:
            if urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=1).read() == b"ok":
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError("the app did not start")


def rss_mb(server: subprocess.Popen) -> float:
    process = psutil.Process(server.pid)
    return sum(p.memory_info().rss for p in (process, *process.children(recursive=True))) / 2**20


def open_weekly(page, url: str, week: str) -> float:
    """Seconds from opening the weekly page of ``week`` (a full page load) to the app idle."""
    began = time.perf_counter()
    page.goto(f"{url}/weekly?lang=en&week={week}")
    page.get_by_text(f"Period: {week}", exact=True).wait_for(timeout=120_000)
    page.wait_for_selector(f"{APP}[data-test-script-state='notRunning']", timeout=120_000)
    return time.perf_counter() - began


def full_load(browser, url: str, week: str) -> float:
    """``open_weekly`` in a new browser session."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    seconds = open_weekly(page, url, week)
    page.close()
    return seconds


def timed(page, action, shows: str | None = None) -> float:
    """Seconds from ``action`` (a click or a key press) until the run it started is over (and the
    page shows ``shows``)."""
    page.evaluate(WATCH_RUNS)
    began = time.perf_counter()
    action()
    page.wait_for_function(RAN, timeout=120_000, polling="raf")
    if shows:
        page.get_by_text(shows, exact=True).wait_for(timeout=120_000)
    return time.perf_counter() - began


def pick_week(page, week: str) -> float:
    """Another week in the sidebar's week control, as a user picks it: open the list, type, Enter."""
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has_text="ISO week").click()
    page.keyboard.type(week)
    page.get_by_role("option", name=week, exact=True).wait_for(timeout=30_000)
    return timed(page, lambda: page.keyboard.press("Enter"), f"Period: {week}")


def group_by(page, name: str) -> float:
    """The grouping switch in the sidebar."""
    return timed(page, lambda: page.get_by_test_id("stSidebar").get_by_text(name, exact=True).click())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="the store to serve (default data/bench-<tickets>.duckdb)")
    parser.add_argument("--views", type=int, default=20)
    parser.add_argument("--port", type=int, default=8650)
    args = parser.parse_args()
    db_path = args.db or ROOT / "data" / f"bench-{args.tickets}.duckdb"
    if not db_path.exists():
        raise SystemExit(f"no {db_path}: run bench/kpi_bench.py first (--ten-million for 10M)")

    server = serve(db_path, args.port)
    url = f"http://localhost:{args.port}"
    try:
        print(f"{db_path.name}; server RSS at start {rss_mb(server):,.0f} MB")
        first, *picked = iso_week("2024-W41").trailing(1 + args.views + FULL_LOADS)[::-1]
        picked, reloaded = picked[:args.views], picked[args.views:]
        views, changes = [], []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            print(f"first open ({first.label}; a full page load in a new browser session, the server's first run of "
                  f"the page): {open_weekly(page, url, first.label):.2f} s, server RSS {rss_mb(server):,.0f} MB")
            for number, week in enumerate(picked, 1):
                views.append(pick_week(page, week.label))
                print(f"  view {number:2d} ({week.label}, picked in the week control): {views[-1]:.2f} s, "
                      f"server RSS {rss_mb(server):,.0f} MB")
                if number <= 3:  # the grouping switch: owner → department and back
                    changes.extend(group_by(page, name) for name in ("Department", "Owner"))
                    print(f"    grouping owner → department {changes[-2]:.2f} s, back to owner {changes[-1]:.2f} s")
            page.close()
            loads = [full_load(browser, url, week.label) for week in reloaded]
            browser.close()
        print(f"new view (another week picked on the page, not yet cached): median {statistics.median(views):.2f} s, "
              f"max {max(views):.2f} s (target ≤ 1.5 s)")
        print(f"filter change (grouping owner ↔ department): median {statistics.median(changes):.2f} s, "
              f"max {max(changes):.2f} s (target ≤ 1 s)")
        print(f"full page load of a week not yet cached, new browser session, warm server: "
              f"{', '.join(f'{s:.2f}' for s in loads)} s")
        print(f"server RSS after {len(views) + len(loads) + 1} views: {rss_mb(server):,.0f} MB (target ≤ 2,048 MB)")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
