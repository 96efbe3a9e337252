import io
import json
import re

import pytest
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from accounts.models import AuditEvent
from analytics import apa, charts
from courses.models import Attendance
from tests import factories
from tests.analytics.prepared import prepared_download
from tests.analytics.reference import import_file
from tests.examples import EXAMPLES_DIR

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
    import_file(EXAMPLES_DIR / "waves.csv", course_run)
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
    assert html.count('<summary id="results-') == 3  # a results table per comparison
    trajectory = response.context["trajectory"]
    assert len(trajectory["data"]) == 11
    assert [trace["name"] for trace in response.context["chart"]["data"]][-1] == "12 months after"


def test_selection_by_checkbox_and_unknown_run(client, evaluator, course_run):
    other = factories.make_course_run()
    add_pairs(course_run, 2)
    add_pairs(other, 3)
    client.force_login(evaluator)
    response = client.get(DASHBOARD, {"course_run": [other.slug]})
    assert response.context["report"]["flow"]["matched_pairs"] == 3
    assert f'href="{export_url("statistics", "json", f"?course_run={other.slug}")}"' in (
        response.content.decode()
    )
    response = client.get(DASHBOARD, {"course_run": [course_run.slug, other.slug]})
    assert response.context["report"]["flow"]["matched_pairs"] == 5
    response = client.get(DASHBOARD, {"course_run": ["no-such-run"]})
    assert response.status_code == 400
    assert "There is no course run “no-such-run”" in response.content.decode()
    response = client.get(export_url("statistics", "json", "?course_run=no-such-run"))
    assert response.status_code == 400


def test_old_cohort_links_still_select_course_runs(client, evaluator, course_run):
    """``?cohort=`` was the parameter's name before ``?course_run=``; old links still work."""
    other = factories.make_course_run()
    add_pairs(course_run, 2)
    add_pairs(other, 3)
    client.force_login(evaluator)
    response = client.get(DASHBOARD, {"cohort": [other.slug]})
    assert response.context["report"]["flow"]["matched_pairs"] == 3
    assert response.context["form"]["course_run"].value() == [other.slug]
    response = client.get(DASHBOARD, {"cohort": [course_run.slug], "course_run": [other.slug]})
    assert response.context["report"]["flow"]["matched_pairs"] == 5
    response = client.get(DASHBOARD, {"cohort": ["no-such-run"]})
    assert response.status_code == 400
    assert "There is no course run “no-such-run”" in response.content.decode()
    response = client.get(export_url("statistics", "json", f"?cohort={other.slug}"))
    assert response.status_code == 200
    assert json.loads(response.content)["flow"]["matched_pairs"] == 3
    assert client.get(export_url("statistics", "json", "?cohort=nope")).status_code == 400


def test_unknown_download_is_404(client, evaluator):
    client.force_login(evaluator)
    assert client.get(export_url("statistics", "sav")).status_code == 404
    assert client.get(export_url("everything", "csv")).status_code == 404


@pytest.mark.parametrize("size", [3, 30])
def test_dashboard_query_budget(client, evaluator, course_run, django_assert_max_num_queries, size):
    add_pairs(course_run, size)
    client.force_login(evaluator)
    # Two of them: the research records' version the snapshot is cached under; one numbers
    # the workshops (courses.selectors) and one finds the request's site (courses.middleware),
    # both cached until a page changes: a first request pays them.
    with django_assert_max_num_queries(20):
        assert client.get(DASHBOARD).status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_export_query_budget(client, evaluator, course_run, django_assert_max_num_queries, size):
    add_pairs(course_run, size)
    client.force_login(evaluator)
    # The audit write itself costs a dozen queries (Wagtail's reference index); the free
    # text's redaction two (users' names and emails, marked passages: qualitative.redaction);
    # the evaluator's organisations one (organisations.selectors); numbering the workshops and
    # finding the site one each (cached until a page changes).
    with django_assert_max_num_queries(30):
        assert client.get(export_url("responses", "csv")).status_code == 200


@pytest.mark.parametrize(("what", "file_format"), DATA_EXPORTS)
def test_exports_are_audited_and_carry_no_identity(
    client, evaluator, course_run, what, file_format
):
    add_pairs(course_run, 3, trainee_fields={"first_name": NAME, "last_name": SURNAME})
    client.force_login(evaluator)
    response = client.get(export_url(what, file_format, f"?course_run={course_run.slug}"))
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
    job, page, content = prepared_download(client, export_url("spider-chart", "png"))
    assert job.status == job.Status.FAILED and content == b""
    assert "Chromium is not installed" in page.content.decode()
    assert not AuditEvent.objects.filter(action="export").exists()


def add_reversed_item_pairs(run, count):
    """Imported participants whose s14 runs against the other 13 statements, at both waves."""
    for i in range(count):
        level = 1 + i % 5
        participant = factories.make_participant(run)
        factories.make_response(participant, "baseline", [level] * 13 + [6 - level])
        later = min(level + 1, 5)
        factories.make_response(participant, "month_3", [later] * 13 + [6 - later])


def test_dashboard_shows_the_answers_to_each_statement_with_their_table(
    client, evaluator, course_run
):
    import_file(EXAMPLES_DIR / "waves.csv", course_run)
    client.force_login(evaluator)
    response = client.get(DASHBOARD)
    html = response.content.decode()
    assert 'id="items-heading">Answers to each statement' in html
    snapshot = response.context["snapshot"]
    assert [entry["wave"] for entry in snapshot.item_charts] == [
        "baseline",
        "month_3",
        "month_6",
        "month_12",
    ]
    for entry in snapshot.item_charts:
        assert f'data-plotly-figure="items-chart-{entry["wave"]}-data"' in html
        assert f'<script id="items-chart-{entry["wave"]}-data" type="application/json">' in html
        assert entry["description"] in html
    # The baseline's chart is open, the later ones open on request; each has its table.
    assert '<details class="results__comparison items" open>' in html
    assert html.count('<details class="results__comparison items"') == 4
    assert html.count('<details class="items__table">') == 4
    baseline = response.context["report"]["item_distributions"][0]
    s1 = baseline["items"][0]
    table = html[html.index('id="items-table-baseline"') :]
    row = table[table.index('<th scope="row">s1. ') :].split("</tr>")[0]
    assert "understand pain and thus how self-management can be effective" in row
    cells = re.findall(r'<td class="num">(\S+) <span class="ci">([^<]+)</span></td>', row)
    assert cells == [
        (str(s1["counts"][key]), f"{100 * s1['shares'][key]:.1f}%")
        for key in ("1", "2", "3", "4", "5", "blank")
    ]
    assert '<script src="/static/analytics/copy.js"></script>' in html
    download = export_url("item-distributions", "png")
    assert download in html and export_url("item-distributions", "svg") in html


def test_dashboard_shows_masked_and_withheld_counts_in_the_item_table(
    client, evaluator, course_run, settings
):
    # s1 answered 1 to 5 once each: with the threshold at 1 the blank count (0) is masked,
    # and the 1s are withheld with it, as 5 minus the other four would give it away.
    settings.ANALYTICS_SMALL_NUMBER_THRESHOLD = 1
    for rating in range(1, 6):
        participant = factories.make_participant(course_run)
        factories.make_response(participant, "baseline", [rating] + [3] * 13)
    client.force_login(evaluator)
    html = client.get(DASHBOARD).content.decode()
    table = html[html.index('id="items-table-baseline"') :].split("</table>")[0]
    row = table[table.index('<th scope="row">s1. ') :].split("</tr>")[0]
    cells = re.findall(r'<td class="num">(\S+) <span class="ci">([^<]+)</span>', row)
    assert cells == [("withheld", "—"), *[("1", "20.0%")] * 4, ("&lt;1", "—")]
    assert "cannot be worked out from the number who answered" in html


def test_dashboard_flags_a_statement_whose_removal_raises_alpha(client, evaluator, course_run):
    add_reversed_item_pairs(course_run, 10)
    client.force_login(evaluator)
    response = client.get(DASHBOARD)
    html = response.content.decode()
    baseline = response.context["report"]["reliability"][0]
    s14 = baseline["items"][13]
    assert s14["alpha_if_dropped"] > baseline["cronbach_alpha"]
    table = html[html.index('id="reliability-items-baseline"') :].split("</table>")[0]
    rows = table.split("<tr>")[1:]
    assert len(rows) == 15  # the heading and the 14 statements
    flagged = [row for row in rows if "Raises α" in row]
    assert len(flagged) == 1 and "s14. prepare a setback plan" in flagged[0]
    assert all("Lowers α" in row for row in rows[1:14])
    # Reliable change beside it: the counts and their chart.
    assert 'data-plotly-figure="reliable-change-chart-data"' in html
    chart = response.context["snapshot"].reliable_change_chart
    assert [trace["name"] for trace in chart["data"]] == [
        "Reliably worse",
        "No reliable change",
        "Reliably improved",
    ]
    threshold = response.context["report"]["reliable_change_se"]["critical_difference"]
    assert f"A change of more than {threshold:.2f} points" in html


def test_dashboard_gives_each_row_its_apa_sentence_with_a_copy_button(
    client, evaluator, course_run
):
    import_file(EXAMPLES_DIR / "waves.csv", course_run)
    client.force_login(evaluator)
    response = client.get(DASHBOARD)
    html = response.content.decode()
    report = response.context["report"]
    comparison = report["comparisons"][0]
    sentence = apa.comparison_sentence(comparison["footsteps"][0])
    assert sentence.plain.startswith("t(") and "d_z = " in sentence.plain
    table = html[html.index('id="results-month_3"') :]
    row = table[table.index('<th scope="row">1. ') :].split("</tr>")[0]
    # In the row header's <details>: the sentence as text, and a button that copies it.
    assert '<details class="apa"><summary>APA</summary>' in row
    assert f'<span class="apa__text">{sentence.html}</span>' in row
    assert f'data-copy="{escape(sentence.plain)}" hidden>Copy' in row
    assert 'data-copy-status aria-live="polite"' in row
    # A footstep row is not the overall row (whose Holm p is not applicable).
    assert "results__overall-row" not in table[: table.index('<th scope="row">1. ')][-60:]
    assert "not applicable" not in row
    overall = apa.comparison_sentence(comparison["overall"])
    assert f'data-copy="{escape(overall.plain)}"' in html
    # The mixed model, Friedman, attrition and alpha have theirs too.
    longitudinal = report["longitudinal"]["overall"]
    effect = longitudinal["mixed_model"]["effects"][2]
    assert escape(apa.mixed_model_sentence(effect).plain) in html
    assert escape(apa.friedman_sentence(longitudinal["friedman"]).plain) in html
    assert escape(apa.attrition_sentence(report["attrition"][0]).plain) in html
    assert escape(apa.alpha_sentence(report["reliability"][0]).plain) in html


def test_dashboard_without_follow_up_has_no_apa_sentences(client, evaluator, course_run):
    participant = factories.make_participant(course_run)
    factories.make_response(participant, "baseline", [3] * 14)
    client.force_login(evaluator)
    html = client.get(DASHBOARD).content.decode()
    results = html[html.index('id="results-heading"') : html.index('id="longitudinal-heading"')]
    assert "apa__copy" not in results
    assert "Not computed" in results


@pytest.mark.parametrize(("file_format", "magic"), [("png", b"\x89PNG"), ("svg", b"<svg")])
def test_item_distribution_downloads_are_images(client, evaluator, course_run, file_format, magic):
    add_pairs(course_run, 4)
    client.force_login(evaluator)
    _, response, content = prepared_download(client, export_url("item-distributions", file_format))
    assert response["Content-Type"] == {"png": "image/png", "svg": "image/svg+xml"}[file_format]
    assert content.lstrip().startswith(magic)
    assert "ten-footsteps-item-distributions-all-runs-" in response["Content-Disposition"]
    assert AuditEvent.objects.get(action="export").detail["what"] == "item-distributions"
