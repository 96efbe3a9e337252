"""Steps and checks the browser tests share."""

import time

from allauth.mfa import app_settings as mfa_settings
from django.core import mail

from tests import factories

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

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
        the console errors above catch violations on every page regardless)."""
        found = self.page.evaluate("window.__cspViolations || []")
        self.csp.extend(f"{self.page.url}: {v}" for v in found)
        self.page.evaluate("window.__cspViolations = []")

    def assert_clean(self) -> None:
        self.collect()
        problems = [*self.errors, *self.csp]
        assert problems == [], "The browser reported:\n" + "\n".join(problems)


def assert_fits(page) -> None:
    """Nothing on the page is wider than the viewport (no sideways scrolling on a phone).

    The layout viewport (``clientWidth``), not ``innerWidth``: a mobile browser zooms out to
    show content that sticks out, which widens ``innerWidth`` with it.
    """
    widths = page.evaluate(
        "[document.scrollingElement.scrollWidth, document.documentElement.clientWidth,"
        " location.pathname]"
    )
    assert widths[0] <= widths[1], f"{widths[2]} is {widths[0]}px wide in a {widths[1]}px view"


def sign_in(page, email: str, password: str = factories.PASSWORD, *, totp_user=None) -> None:
    """Sign in through allauth's form, typing the authenticator code when asked for one."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if totp_user is not None:
        page.wait_for_url("**/accounts/2fa/authenticate/**")
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
