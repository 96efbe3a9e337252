"""Steps and checks the browser tests share."""

import json
import time
import weakref
from pathlib import Path
from urllib.parse import urlsplit

from allauth.mfa import app_settings as mfa_settings
from django.core import mail

from tests import factories

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
# axe-core from npm at the version package-lock.json pins (make install runs npm ci).
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 level A and AA (axe has no wcag22a tag: 2.2's new level A criteria carry wcag2a
# or are not automatable).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Wagtail's editor is not ours to fix: its findings are reported, not failed on.
REPORTED_ONLY = ("/admin/",)

# Records each Content-Security-Policy violation with the file, line and column that caused
# it (Chromium's console message says what was blocked, not where it came from).
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile || document.location.pathname}:${e.lineNumber}:${e.columnNumber}`);
});
"""


class Console:
    """What the browser reported while a test ran: JS errors, console errors, CSP violations.

    Nothing is tolerated. plotly.js, the one script that injects styles, is kept within the
    strict CSP by templates/includes/plotly_styles.html (without it, its <style> element for
    its own rules was blocked); the styles it sets from script (the CSSOM)
    are not subject to ``style-src``. A missing file (even /favicon.ico) is a console error.
    """

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        self.csp: list[str] = []
        page.add_init_script(CSP_RECORDER)
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on("console", self._on_console)

    def _on_console(self, message):
        if message.type == "error":
            self.errors.append(f"{self.page.url}: {message.text}")

    def collect(self) -> None:
        """Read where the current page's CSP violations came from (call before leaving it;
        the console errors above catch violations on every page regardless), and run axe on
        it."""
        check_accessibility(self.page)
        found = self.page.evaluate("window.__cspViolations || []")
        self.csp.extend(f"{self.page.url}: {v}" for v in found)
        self.page.evaluate("window.__cspViolations = []")

    def assert_clean(self) -> None:
        self.collect()
        problems = [*self.errors, *self.csp]
        assert problems == [], "The browser reported:\n" + "\n".join(problems)


class Axe:
    """axe-core on every page a browser test visits, for WCAG 2.2 A and AA.

    Each document the page loads is marked to be checked; ``check_accessibility(page)``
    (called by ``assert_fits``, ``sign_in``, ``Console.collect``, the ``shoot`` fixture and
    the page fixture's teardown) runs axe on it once. axe is evaluated through the
    DevTools protocol, not a <script> tag, so the strict Content-Security-Policy stays as
    it is. A page (a path) left without ever being checked is a failure too
    (``unchecked``), so a new step cannot slip past: call ``check_accessibility(page)`` on it.
    """

    def __init__(self, page):
        self.page = page
        self.violations: list[dict] = []  # on our pages: the test fails
        self.reported: list[dict] = []  # on Wagtail's editor: written down only
        self.checked: list[str] = []
        self.checked_paths: set[str] = set()
        self.unchecked: list[str] = []
        self._loaded: str | None = None
        self._script = AXE_SCRIPT.read_text(encoding="utf-8")
        page.on("load", self._on_load)
        _AXES[page] = self

    def _on_load(self, page) -> None:
        if self._loaded is not None:
            self.unchecked.append(self._loaded)
        self._loaded = page.url

    def check(self, *, force: bool = False) -> None:
        """Run axe on the current document unless it was checked already (``force``: again,
        e.g. at another viewport width)."""
        if self._loaded is None and not force:
            return
        path = self.page.evaluate("location.pathname")
        if not self.page.evaluate("typeof window.axe === 'object'"):
            self.page.evaluate(self._script)
        results = self.page.evaluate(
            """tags => axe.run(document, {runOnly: {type: "tag", values: tags}})
                .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                  helpUrl: v.helpUrl, nodes: v.nodes.map(n => ({target: n.target,
                  summary: n.failureSummary}))})))""",
            WCAG_TAGS,
        )
        width = self.page.evaluate("document.documentElement.clientWidth")
        self.checked.append(f"{path} at {width}px")
        self.checked_paths.add(path)
        self._loaded = None
        found = [{"path": path, "width": width, **violation} for violation in results]
        if path.startswith(REPORTED_ONLY):
            self.reported.extend(found)
        else:
            self.violations.extend(found)

    def write_report(self, name: str) -> Path:
        folder = ARTIFACTS / "axe"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.json"
        report = {
            "tags": WCAG_TAGS,
            "checked": self.checked,
            "violations": self.violations,
            "reported_only": self.reported,
        }
        path.write_text(json.dumps(report, indent=2), encoding="utf-8")
        return path

    def assert_clean(self) -> None:
        self.check()  # the page the test ended on
        ours = sorted(
            {
                path
                for path in (urlsplit(url).path for url in self.unchecked)
                if path not in self.checked_paths and not path.startswith(REPORTED_ONLY)
            }
        )
        assert ours == [], "axe never ran on these pages (call check_accessibility):\n" + (
            "\n".join(ours)
        )
        assert self.violations == [], "axe found WCAG 2.2 A/AA violations:\n" + "\n".join(
            f"{v['path']} ({v['width']}px): {v['id']} [{v['impact']}] {v['help']}: "
            + "; ".join(str(n["target"]) for n in v["nodes"])
            for v in self.violations
        )


_AXES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def check_accessibility(page, *, force: bool = False) -> None:
    """Run axe on the page the test is on (see ``Axe``); once per document loaded."""
    axe = _AXES.get(page)
    if axe is not None:
        axe.check(force=force)


def assert_fits(page) -> None:
    """Nothing on the page is wider than the viewport (no sideways scrolling on a phone).

    The layout viewport (``clientWidth``), not ``innerWidth``: a mobile browser zooms out to
    show content that sticks out, which widens ``innerWidth`` with it.
    """
    check_accessibility(page)
    widths = page.evaluate(
        "[document.scrollingElement.scrollWidth, document.documentElement.clientWidth,"
        " location.pathname]"
    )
    assert widths[0] <= widths[1], f"{widths[2]} is {widths[0]}px wide in a {widths[1]}px view"


def sign_in(page, email: str, password: str = factories.PASSWORD, *, totp_user=None) -> None:
    """Sign in through allauth's form, typing the authenticator code when asked for one."""
    page.goto("/accounts/login/")
    check_accessibility(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if totp_user is not None:
        page.wait_for_url("**/accounts/2fa/authenticate/**")
        check_accessibility(page)
        # allauth accepts only the current period's code: never type one about to expire.
        left = mfa_settings.TOTP_PERIOD - time.time() % mfa_settings.TOTP_PERIOD
        if left < 3:
            time.sleep(left + 0.1)
        page.get_by_label("Code").fill(factories.totp_code(totp_user))
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)


def last_email_link(path_part: str) -> str:
    """The link containing ``path_part`` in the newest email (the live server shares the
    test process, so Django's locmem outbox holds what it sent)."""
    body = mail.outbox[-1].body
    return next(word for word in body.split() if path_part in word)
