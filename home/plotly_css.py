"""plotly.js's own stylesheet as a static file, for pages under a strict Content-Security-Policy.

plotly.js normally injects its CSS rules into a ``<style>`` element, which ``style-src 'self'``
forbids. It skips the injection when the page already has an element with the id
``plotly.js-style-global`` and the class ``no-inline-styles``, so every chart page (the
trainee's chart, the evaluation dashboard) links ``vendor/plotly-csp.css`` with that id
through ``templates/includes/plotly_styles.html``. It lives with the site-wide code rather
than in one of the apps that draw charts, which must not depend on each other for it. The
rules are extracted from the plotly.js bundle the pages load (``make plotly`` builds it), so
regenerate the file after upgrading plotly.js in package.json (a test compares them):

    .venv/bin/python -m home.plotly_css > static/vendor/plotly-csp.css
"""

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static"
PLOTLY_JS = STATIC / "vendor" / "plotly" / "plotly.min.js"
STATIC_CSS = STATIC / "vendor" / "plotly-csp.css"
_VERSION = re.compile(r'\.version="(?P<version>[^"]+)"')
# One selector:declarations pair of plotly's rule table: strings in either quote style, and
# the minifier leaves keys that are plain identifiers (``Y``) unquoted.
_STRING = r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
_RULE = re.compile(rf"(?P<selector>{_STRING}|[A-Za-z_$][\w$]*):(?P<style>{_STRING})[,}}]")


def plotly_css(source: str | None = None) -> str:
    """The CSS plotly.js would inject, with its placeholders expanded as plotly does."""
    source = PLOTLY_JS.read_text(encoding="utf-8") if source is None else source
    anchor = source.index('"X .main-svg"')
    start = source.rfind("{", 0, anchor)
    end = source.index("};", anchor)
    version = _VERSION.search(source)["version"]
    lines = [f"/* Generated from plotly.js {version} by home/plotly_css.py. */"]
    position = start + 1
    while match := _RULE.match(source, position, end + 1):
        position = match.end()
        selector = match["selector"]
        selector = selector[1:-1] if selector[0] in "\"'" else selector
        selector = (
            selector.replace(",", " ,", 1 if selector.startswith(",") else 0)
            .replace("X", ".js-plotly-plot .plotly")
            .replace("Y", ".plotly-notifier")
        )
        lines.append(f"{selector} {{ {match['style'][1:-1]} }}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(plotly_css(), end="")
