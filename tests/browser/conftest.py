"""Browser tests: start the real app with `streamlit run` and drive it in Debian's chromium.

Playwright from PyPI cannot download its own browsers here, so it launches /usr/bin/chromium.
Where chromium is missing every test in this folder is skipped with a message saying so.
A test module seeds the store by overriding the ``server_db`` fixture.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# How long any wait for the app may take. Waits end as soon as the element is there, so this
# costs nothing when the machine is idle; a first page run on a busy 2-core CI machine has taken
# over 30 s (Playwright's default), so a generous bound keeps those runs from failing spuriously.
UI_WAIT_MS = 90_000


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            if CHROMIUM is None:
                item.add_marker(pytest.mark.skip(reason="chromium not installed: browser tests skipped (apt-get install chromium)"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server_db(tmp_path_factory) -> Path:
    """The database file the server opens; override in a module to seed it (close it after)."""
    return tmp_path_factory.mktemp("browser-db") / "store.duckdb"


@pytest.fixture(scope="module")
def app_url(server_db):
    port = _free_port()
    env = {**os.environ, "SERVICE_OPS_DB": str(server_db)}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode() == "ok":
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"streamlit did not start: {process.stdout.read().decode()[-2000:]}")
        time.sleep(0.3)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=UI_WAIT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, app_url):
    """A fresh English-language tab; use ``open_page(page, app_url, path)`` to navigate."""
    context = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(UI_WAIT_MS)
    yield tab
    context.close()


def open_page(tab, app_url: str, path: str = "", query: str = "") -> None:
    """Go to a page and wait until the app is connected and its first run has finished."""
    tab.goto(f"{app_url}/{path}{'?' + query if query else ''}")
    app = tab.locator("[data-testid='stApp']")
    expect(app).to_have_attribute("data-test-connection-state", "CONNECTED")
    wait_idle(tab)


def wait_idle(tab) -> None:
    """Wait until no script run is in progress. stApp's data-test-script-state goes initial →
    running → notRunning in Streamlit 1.67 (its status widget never shows here). Right after a
    click the rerun may not have started yet, so a test then waits for what the run shows, with
    a retrying ``expect``."""
    expect(tab.locator("[data-testid='stApp']")).to_have_attribute("data-test-script-state", "notRunning")
