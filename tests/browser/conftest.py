"""Headless Chromium for the back-office tests, through Playwright's sync API.

Debian's chromium is used (never `playwright install`). Without it the tests are
skipped, unless REQUIRE_BROWSER=1, when its absence is a failure.

Playwright's sync API keeps an asyncio event loop running in this thread while it is
started, so anything else calling ``asyncio.run`` (Rasa's tracker store, for one) fails
meanwhile. The browser is therefore module-scoped, stopped when the module's tests are
done, and set-up that needs asyncio runs before it or in another thread
(``outside_the_browsers_loop``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the ``browser`` fixture skips (or fails) every test that needs it
    expect = None

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Playwright's own wait for an element or a navigation, in milliseconds
TIMEOUT_MS = 20_000
# axe-core, vendored; injected as an inline script, so its pages need the CSP bypassed
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

T = TypeVar("T")

if expect is not None:  # assertions wait as long as Playwright's actions do
    expect.set_options(timeout=TIMEOUT_MS)


def _unavailable(reason: str) -> None:
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(f"{reason}: set REQUIRE_BROWSER=1 to make this a failure")


def outside_the_browsers_loop(function: Callable[..., T], *args: object) -> T:
    """Call ``function`` in a worker thread, which has no running event loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args).result()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian chromium, for one test module."""
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed in this environment")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A fresh page in a fresh context (no cookies), downloads accepted."""
    context = browser.new_context(accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def sign_in(page, base_url: str, email: str, password: str) -> None:
    """Sign in through the form, as a person would, and land in the inbox."""
    page.goto(f"{base_url}/staff/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/staff/leads$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Leads")


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.2 AA violations on the page as it is now (axe injected first)."""
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}}
    return page.evaluate(
        """async (options) => {
          const results = await axe.run(document, options);
          return results.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary})),
          }));
        }""",
        options,
    )


def described(violations: list[dict]) -> str:
    """Violations as lines a person can act on, for an assertion's message."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"]:
            lines.append(f"    {node['target']}: {(node['summary'] or '').splitlines()[-1:]}")
    return "\n".join(lines)
