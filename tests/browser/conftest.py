"""Browser tests: Debian's Chromium driven by Playwright against a live server.

Each test saves screenshots of its key pages at 390 and 1280 px under
test-artifacts/screenshots/, and axe-core's report on every page it visited under
test-artifacts/axe/ (helpers.Axe: a violation on our pages fails the test; Wagtail's editor
is reported only); both folders are printed at the end of the run.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.browser.helpers import (
    ARTIFACTS,
    AXE_SCRIPT,
    DESKTOP,
    PHONE,
    ROOT,
    Axe,
    Console,
    check_accessibility,
)

SCREENSHOTS = ARTIFACTS / "screenshots"
NHSUK_CSS = ROOT / "static" / "vendor" / "nhsuk" / "nhsuk.min.css"
# Every screenshot is taken at both widths: the phone and the desktop.
SCREENSHOT_VIEWPORTS = (PHONE, DESKTOP)
# What axe found across the run, for the summary: (test, violations, Wagtail's findings).
_axe_totals: list[tuple[str, int, int]] = []
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
_previous_async_unsafe = pytest.StashKey[str | None]()
_call_report = pytest.StashKey[pytest.TestReport]()


def pytest_runtest_setup(item):
    # Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
    # and pytest-django make between browser steps are ordinary synchronous calls, so
    # Django's async guard is lifted, for the browser tests only: set for the whole run, it
    # leaked into other tests' subprocesses (`check --deploy` reports it as async.E001).
    item.stash[_previous_async_unsafe] = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        previous = item.stash.get(_previous_async_unsafe, None)
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # The page fixture saves what the browser showed when a test failed (FAILED.png).
    report = yield
    if report.when == "call":
        item.stash[_call_report] = report
    return report


@pytest.fixture(scope="session", autouse=True)
def _one_connection_per_database(request, django_db_setup):
    """Keep the test database's connections once Playwright's event loop is running.

    Playwright's sync API keeps an event loop running in the test thread, and Django then
    keeps its connections per async context rather than per thread. The tests, the live
    server and pytest-django's set-up and teardown would get new connection objects without
    the ``_test_serialized_contents`` of the test database, so ``serialized_rollback``
    silently restored nothing after the first test whenever the database was created before
    the browser started (in a full run). The same connections are put in that context.
    """
    from django.db import connections

    thread_connections = {alias: connections[alias] for alias in connections}
    request.getfixturevalue("playwright")
    for alias, connection in thread_connections.items():
        connections[alias] = connection


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make browser` (apt-get install chromium).")
    for needed in (AXE_SCRIPT, NHSUK_CSS):
        if not needed.exists():
            pytest.fail(f"{needed} is missing: run `make install` (npm ci, make nhsuk).")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": ["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    """``page.goto("/my/")`` goes to the live server (pytest-django's, static files served)."""
    return live_server.url


@pytest.fixture(autouse=True)
def _public_address_is_the_live_server(settings, live_server):
    """Emails link to PUBLIC_BASE_URL; here the site people reach is the live server."""
    settings.PUBLIC_BASE_URL = live_server.url


@pytest.fixture
def browser_context_args(browser_context_args):
    # Desktop unless a test asks for another viewport with the browser_context_args marker.
    return {**browser_context_args, "viewport": DESKTOP, "accept_downloads": True}


@pytest.fixture
def screenshots(request) -> Path:
    """This test's screenshot folder, emptied of an earlier run's pictures."""
    folder = SCREENSHOTS / re.sub(r"[^\w]+", "_", request.node.name).strip("_")
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def page(page, request, screenshots):
    # Fail in seconds, not Playwright's default 30, when something is not on the page.
    page.set_default_timeout(10_000)
    axe = Axe(page)
    yield page
    report = request.node.stash.get(_call_report, None)
    if report is not None and report.failed:
        page.screenshot(path=str(screenshots / "FAILED.png"), full_page=True)
        return
    try:
        axe.assert_clean()
    finally:
        axe.write_report(screenshots.name)
        _axe_totals.append((request.node.name, len(axe.violations), len(axe.reported)))


@pytest.fixture
def shoot(screenshots):
    """``shoot(page, "name")`` saves full-page screenshots at 390 and 1280 px
    (``name-390.png``, ``name-1280.png``) for people to look at, after axe checked the
    page at each width; the page goes back to its own width afterwards."""

    def take(page, name: str) -> Path:
        original = page.viewport_size
        for viewport in SCREENSHOT_VIEWPORTS:
            if viewport["width"] != page.viewport_size["width"]:
                page.set_viewport_size(viewport)
            # Once per document at its own width (a step may have checked it already).
            check_accessibility(page, force=viewport["width"] != original["width"])
            path = screenshots / f"{name}-{viewport['width']}.png"
            page.screenshot(path=str(path), full_page=True)
        page.set_viewport_size(original)
        return screenshots / f"{name}-{original['width']}.png"

    return take


@pytest.fixture
def console(page):
    return Console(page)


def pytest_terminal_summary(terminalreporter):
    if SCREENSHOTS.exists():
        terminalreporter.write_line(f"Browser screenshots: {SCREENSHOTS}")
    for test, violations, reported in _axe_totals:
        terminalreporter.write_line(
            f"axe (WCAG 2.2 A/AA) {test}: {violations} violations on our pages, "
            f"{reported} on Wagtail's editor (reported, not failed): {ARTIFACTS / 'axe'}"
        )
