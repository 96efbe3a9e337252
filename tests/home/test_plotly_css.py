"""plotly.js's stylesheet as a static file, shared by every chart page under the strict CSP."""

import json
from pathlib import Path

from django.contrib.staticfiles import finders
from django.urls import reverse
from plotly.offline import get_plotlyjs_version

from home.plotly_css import PLOTLY_JS, STATIC_CSS, plotly_css
from tests import factories
from tests.assessments.conftest import with_baseline

STYLESHEET = (
    '<link rel="stylesheet" id="plotly.js-style-global" class="no-inline-styles" '
    'href="/static/vendor/plotly-csp.css">'
)


def test_the_pages_plotly_js_is_the_one_the_python_figures_are_built_for():
    """package-lock.json pins the npm plotly.js that the Python plotly package ships."""
    lock = json.loads((Path(__file__).resolve().parents[2] / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/plotly.js"]["version"] == get_plotlyjs_version()
    assert finders.find("vendor/plotly/plotly.min.js") == str(PLOTLY_JS), "run `make plotly`"


def test_static_plotly_css_matches_the_bundle():
    css = plotly_css()
    assert ".js-plotly-plot .plotly .main-svg { position:absolute" in css
    assert ".plotly-notifier { font-family" in css
    assert STATIC_CSS.read_text() == css, "regenerate: python -m home.plotly_css"
    assert finders.find("vendor/plotly-csp.css") == str(STATIC_CSS)


def test_both_chart_pages_link_it(client, trainee, evaluator):
    enrolment = factories.enrol(trainee, factories.make_course_run())
    with_baseline(enrolment)
    client.force_login(trainee)
    assert STYLESHEET in client.get(reverse("assessments:chart", args=[enrolment.pk])).text
    client.force_login(evaluator)
    assert STYLESHEET in client.get(reverse("analytics:dashboard")).text
