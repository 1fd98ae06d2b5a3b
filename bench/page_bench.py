"""Weekly page benchmark: the real app in Debian's chromium, timed from navigation to the app idle.

Serves ``streamlit run app.py`` on one of the benchmark stores (``bench/kpi_bench.py`` generates
them: data/bench-<N>.duckdb), then prints: each new view (a week not yet cached), a filter change
on the page (grouping owner → department), and the server's RSS after every view.
Targets (issue 15, at 10M): a new view ≤ 1.5 s, a filter change ≤ 1 s, server RSS ≤ 2 GB after 20 views.

    .venv/bin/python bench/page_bench.py [--tickets N] [--views 20] [--port 8650]
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

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
RUNNING = "[data-testid='stApp'][data-test-script-state='running']"


def serve(db_path: str, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=os.environ | {"SERVICE_OPS_DB": db_path}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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


def settle(page, began: float) -> float:
    """Seconds from ``began`` until the run a navigation or click started is over."""
    try:
        page.wait_for_selector(RUNNING, timeout=3000)
    except Exception:  # noqa: BLE001 - a quick run can be over before the first look
        pass
    page.wait_for_selector(IDLE, timeout=120_000)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--views", type=int, default=20)
    parser.add_argument("--port", type=int, default=8650)
    args = parser.parse_args()
    db_path = ROOT / "data" / f"bench-{args.tickets}.duckdb"
    if not db_path.exists():
        raise SystemExit(f"no {db_path.relative_to(ROOT)}: run bench/kpi_bench.py first (--ten-million for 10M)")

    server = serve(str(db_path), args.port)
    try:
        print(f"{args.tickets:,} tickets; server RSS at start {rss_mb(server):,.0f} MB")
        weeks = iso_week("2024-W41").trailing(args.views)[::-1]
        views, changes = [], []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            for number, week in enumerate(weeks, 1):
                began = time.perf_counter()
                page.goto(f"http://localhost:{args.port}/weekly?lang=en&week={week.label}")
                views.append(settle(page, began))
                if number <= 3:  # the grouping switch: owner → department and back
                    for name in ("Department", "Owner"):
                        began = time.perf_counter()
                        page.get_by_test_id("stSidebar").get_by_text(name, exact=True).click()
                        changes.append(settle(page, began))
                print(f"  view {number:2d} ({week.label}): {views[-1]:.2f} s, server RSS {rss_mb(server):,.0f} MB")
            browser.close()
        print(f"new view: median {statistics.median(views):.2f} s, max {max(views):.2f} s (target ≤ 1.5 s)")
        print(f"filter change (grouping owner ↔ department): median {statistics.median(changes):.2f} s, "
              f"max {max(changes):.2f} s (target ≤ 1 s)")
        print(f"server RSS after {len(views)} views: {rss_mb(server):,.0f} MB (target ≤ 2,048 MB)")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
