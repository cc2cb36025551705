"""End-to-end fixtures: the real app on a werkzeug server, driven by headless Chromium.

The app is ``create_app`` with a temporary SQLite database built by the real migrations,
served on 127.0.0.1 at a free port by a werkzeug server in a thread. Chromium is Debian's
(``/usr/bin/chromium``, installed by ``scripts/ensure-system-packages.sh``), driven by
Playwright for Python with ``executable_path`` - Playwright's own browser download is never
used. A missing browser FAILS these tests; it never skips them.

Screenshots of every stage go to ``out/e2e-screenshots/`` (git-ignored) for a person to look
at. ``VALUEFRAME_E2E_CHROMIUM`` names another Chromium binary.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from werkzeug.serving import make_server

from tests.conftest import make_app

CHROMIUM = os.environ.get("VALUEFRAME_E2E_CHROMIUM", "/usr/bin/chromium")
# What this machine's Chromium needs headless: no sandbox as root, no GPU, and no
# background traffic to Google's hosts (the network is closed).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "out" / "e2e-screenshots"
VIEWPORT = {"width": 1366, "height": 768}  # a laptop screen
expect.set_options(timeout=10_000)


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture(scope="session")
def live(tmp_path_factory):
    """The app on a real socket: ``live.url``, ``live.app``."""
    app, finalize = make_app("sqlite", tmp_path_factory)
    server = LiveServer(app).start()
    yield server
    server.stop()
    finalize()


@pytest.fixture(scope="session")
def api_key(live) -> str:
    """A key of workspace "e2e", made by the app's own helper."""
    from api.auth import create_key

    with live.app.app_context():
        full, _ = create_key("e2e", "browser tests")
    return full


@pytest.fixture(scope="session")
def browser():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        found = shutil.which("chromium")
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM} (on PATH: {found}); run "
            "`bash scripts/ensure-system-packages.sh` (Debian package chromium)",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS


@pytest.fixture
def new_page(browser, live):
    """new_page(locale="en-US") -> a Page in a fresh context (own sessionStorage).

    JavaScript errors on any page fail the test at teardown.
    """
    contexts, errors = [], []

    def make(locale: str = "en-US") -> Page:
        context = browser.new_context(
            viewport=VIEWPORT, locale=locale, accept_downloads=True, base_url=live.url
        )
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "console",
            lambda message: errors.append(message.text) if message.type == "error" else None,
        )
        return page

    # The browser logs every non-2xx fetch; a stale save (412) and a draft that is not valid
    # yet (422) are answers the page handles, not errors. A test may allow more.
    make.allowed = ["status of 412", "status of 422"]
    yield make
    for context in contexts:
        context.close()
    unexpected = [e for e in errors if not any(x in e for x in make.allowed)]
    assert not unexpected, f"errors in the browser console: {unexpected}"


def sign_in(page: Page, key: str) -> None:
    page.goto("/app/")
    page.locator("#api-key").fill(key)
    page.locator("#signin-submit").click()
    expect(page.locator("table.cases, .empty").first).to_be_visible()
