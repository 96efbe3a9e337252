"""Static files in tests come from the source, as in development; production needs STATIC_ROOT."""

import warnings

import pytest
from django.test import Client
from whitenoise.middleware import WhiteNoiseMiddleware


@pytest.fixture
def no_static_root(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "never-collected"


def test_served_from_the_source_without_collectstatic_and_without_a_warning(no_static_root):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        response = Client().get("/static/vendor/plotly-csp.css")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"/* Generated from plotly.js")


def test_production_still_warns_when_static_files_were_not_collected(no_static_root, settings):
    settings.WHITENOISE_AUTOREFRESH = settings.WHITENOISE_USE_FINDERS = False
    with pytest.warns(UserWarning, match="No directory at"):
        WhiteNoiseMiddleware(lambda request: None)
