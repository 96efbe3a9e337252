import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from analytics import charts
from courses.models import Attendance
from home.models import AuditEvent
from tests import factories
from tests.analytics.test_selectors import DATA, import_file

DASHBOARD = reverse("analytics:dashboard")
NAME, SURNAME, EMAIL = "Zebediah", "Quillfeather", "zebediah.quillfeather@example.org"
DATA_EXPORTS = [
    ("statistics", "json"),
    ("statistics", "csv"),
    ("statistics", "xlsx"),
    ("responses", "csv"),
    ("responses", "xlsx"),
    ("responses", "sav"),
    ("responses-wide", "csv"),
    ("responses-wide", "xlsx"),
    ("responses-wide", "sav"),
    ("spider-chart", "html"),
]


def export_url(what, file_format, query=""):
    return reverse("analytics:export", args=[what, file_format]) + query


def add_pairs(run, count, *, trainee_fields=None):
    """``count`` platform participants who attended both workshops and answered both waves."""
    workshops = factories.workshops(run)
    for i in range(count):
        user = factories.TraineeFactory(**(trainee_fields or {}))
        enrolment = factories.enrol(user, run)
        for workshop in workshops:
            Attendance.objects.create(enrolment=enrolment, session=workshop)
        participant = factories.make_participant(run, enrolment=enrolment)
        factories.make_response(
            participant,
            "baseline",
            [2 + i % 3] * 14,
            profession="pharmacist",
            years_experience=3,
            uses_resources=False,
            prior_training='=HYPERLINK("http://evil.example")',
        )
        factories.make_response(
            participant,
            "month_3",
            [3 + i % 2] * 14,
            resource_use="used",
            programme_feedback="+44 very good",
        )


@pytest.mark.parametrize(
    "url", [DASHBOARD, export_url("statistics", "json"), export_url("responses", "csv")]
)
def test_role_matrix(client, trainee, trainer, evaluator, url):
    response = client.get(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    for user in (trainee, trainer):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(evaluator)
    assert client.get(url).status_code == 200


def test_dashboard_shows_flow_table_chart_sample_and_downloads(client, evaluator, course_run):
    add_pairs(course_run, 4)
    client.force_login(evaluator)
    response = client.get(DASHBOARD)
    html = response.content.decode()
    assert "Participant flow" in html and "Matched pairs" in html
    assert "Building knowledge about pain" in html
    assert 'data-plotly-figure="spider-chart-data"' in html
    assert "Pharmacist" in html
    for what, file_format in DATA_EXPORTS:
        assert reverse("analytics:export", args=[what, file_format]) in html
    assert response.context["report"]["flow"]["analysed"] == 4
    chart = response.context["chart"]
    assert [trace["name"] for trace in chart["data"]] == ["Before the training", "3 months after"]
    assert 'data-plotly-figure="trajectory-chart-data"' in html
    assert "Who answered the follow-ups" in html
    # One follow-up: no longitudinal model yet, and the page says what it would show.
    assert response.context["report"]["longitudinal"] is None
    assert "With two or more follow-up waves answered" in html


def test_dashboard_shows_every_wave_the_trajectory_and_the_longitudinal_model(
    client, evaluator, course_run
):
    import_file(DATA / "waves.csv", course_run)
    client.force_login(evaluator)
    response = client.get(DASHBOARD)
    html = response.content.decode()
    report = response.context["report"]
    assert [c["wave"] for c in report["comparisons"]] == ["month_3", "month_6", "month_12"]
    for label in ("3 months after", "6 months after", "12 months after"):
        assert f"Before the training against {label.lower()}" in html
    assert (
        "Change over every wave" in html and "does not throw away people who missed a wave" in html
    )
    assert html.count('class="flow__column"') == 3
    assert html.count("<details") == 3
    trajectory = response.context["trajectory"]
    assert len(trajectory["data"]) == 11
    assert [trace["name"] for trace in response.context["chart"]["data"]][-1] == "12 months after"


def test_selection_by_checkbox_and_unknown_run(client, evaluator, course_run):
    other = factories.make_course_run()
    add_pairs(course_run, 2)
    add_pairs(other, 3)
    client.force_login(evaluator)
    response = client.get(DASHBOARD, {"cohort": [other.slug]})
    assert response.context["report"]["flow"]["matched_pairs"] == 3
    assert f'href="{export_url("statistics", "json", f"?cohort={other.slug}")}"' in (
        response.content.decode()
    )
    response = client.get(DASHBOARD, {"cohort": [course_run.slug, other.slug]})
    assert response.context["report"]["flow"]["matched_pairs"] == 5
    response = client.get(DASHBOARD, {"cohort": ["no-such-run"]})
    assert response.status_code == 400
    assert "There is no course run “no-such-run”" in response.content.decode()
    response = client.get(export_url("statistics", "json", "?cohort=no-such-run"))
    assert response.status_code == 400


def test_unknown_download_is_404(client, evaluator):
    client.force_login(evaluator)
    assert client.get(export_url("statistics", "sav")).status_code == 404
    assert client.get(export_url("everything", "csv")).status_code == 404


@pytest.mark.parametrize("size", [3, 30])
def test_dashboard_query_budget(client, evaluator, course_run, django_assert_max_num_queries, size):
    add_pairs(course_run, size)
    client.force_login(evaluator)
    with django_assert_max_num_queries(16):
        assert client.get(DASHBOARD).status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_export_query_budget(client, evaluator, course_run, django_assert_max_num_queries, size):
    add_pairs(course_run, size)
    client.force_login(evaluator)
    # The audit write itself costs a dozen queries (Wagtail's reference index).
    with django_assert_max_num_queries(26):
        assert client.get(export_url("responses", "csv")).status_code == 200


@pytest.mark.parametrize(("what", "file_format"), DATA_EXPORTS)
def test_exports_are_audited_and_carry_no_identity(
    client, evaluator, course_run, what, file_format
):
    add_pairs(course_run, 3, trainee_fields={"first_name": NAME, "last_name": SURNAME})
    client.force_login(evaluator)
    response = client.get(export_url(what, file_format, f"?cohort={course_run.slug}"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    content = response.content
    if file_format == "xlsx":
        workbook = load_workbook(io.BytesIO(content))
        content = json.dumps(
            [[c for row in ws.iter_rows(values_only=True) for c in row] for ws in workbook],
            default=str,
        ).encode()
    for secret in (NAME, SURNAME, "@example.org", "user_id", "email"):
        assert secret.encode() not in content
    event = AuditEvent.objects.get(action="export")
    assert event.actor == evaluator and event.action == "export"
    assert event.detail == {
        "format": file_format,
        "what": what,
        "course_runs": [course_run.slug],
        "all_course_runs": False,
    }


def test_dashboard_shows_no_identity(client, evaluator, course_run):
    factories.TraineeFactory(first_name=NAME, last_name=SURNAME, email=EMAIL)
    add_pairs(course_run, 2, trainee_fields={"first_name": NAME, "last_name": SURNAME})
    client.force_login(evaluator)
    html = client.get(DASHBOARD).content.decode()
    for secret in (NAME, SURNAME, "@example.org"):
        assert secret not in html


def test_small_numbers_on_dashboard(client, evaluator, course_run, settings):
    settings.ANALYTICS_SMALL_NUMBER_THRESHOLD = 10
    add_pairs(course_run, 3)
    client.force_login(evaluator)
    html = client.get(DASHBOARD).content.decode()
    assert "n = &lt;10" in html
    assert 'Counts below 10 are shown as "&lt;10"' in html or "Counts below 10" in html
    report = json.loads(client.get(export_url("statistics", "json")).content)
    assert report["flow"]["analysed"] == "<10"


def test_image_download_reports_missing_browser(client, evaluator, course_run, monkeypatch):
    def unavailable(*args, **kwargs):
        raise charts.ChartRenderingError("Chromium is not installed")

    monkeypatch.setattr(charts, "figure_image", unavailable)
    client.force_login(evaluator)
    response = client.get(export_url("spider-chart", "png"))
    assert response.status_code == 503
    assert "Chromium is not installed" in response.content.decode()
    assert not AuditEvent.objects.filter(action="export").exists()
