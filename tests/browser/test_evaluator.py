"""An evaluator signs in with an authenticator app, reads the dashboard of a course run
and downloads the row-level export, which carries participant codes and nothing personal."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from analytics.sample import participant_flow
from analytics.selectors import evaluation_data
from assessments.import_services import responses_import
from courses.models import Attendance
from tests import factories
from tests.browser.helpers import PHONE, assert_fits, sign_in
from tests.examples import EXAMPLES_DIR

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Baseline and 3-, 6- and 12-month waves with drop-out (tests/analytics/data/README).
EXAMPLE = EXAMPLES_DIR / "waves.csv"
WAVE_LABELS = ["Before the training", "3 months after", "6 months after", "12 months after"]


@pytest.fixture
def imported_run():
    """The example file imported into a past run, plus one trainee who took part online."""
    run = factories.make_course_run(title="Bristol 2023 cohort", first_workshop_in_days=-120)
    plan = responses_import(content=EXAMPLE.read_bytes(), course_run_slug=run.slug)
    assert plan.ok, plan.errors
    trainee = factories.TraineeFactory(
        first_name="Priya", last_name="Shah", email="priya.shah@example.org"
    )
    enrolment = factories.enrol(trainee, run)
    for workshop in factories.workshops(run):
        Attendance.objects.create(enrolment=enrolment, session=workshop)
    participant = factories.make_participant(run, enrolment=enrolment)
    factories.make_response(participant, "baseline", ratings=(2,) * 14, profession="pharmacist")
    factories.make_response(participant, "month_3", ratings=(4,) * 14, resource_use="used")
    return run, trainee, participant


def test_an_evaluator_reads_the_dashboard_and_downloads_pseudonymised_rows(
    page, shoot, screenshots, console, imported_run
):
    run, trainee, participant = imported_run
    data = evaluation_data()
    flow = participant_flow(data, data.primary_wave)
    evaluator = factories.EvaluatorFactory()

    page.goto("/accounts/login/")
    assert_fits(page)
    shoot(page, "00-sign-in")
    sign_in(page, evaluator.email, totp_user=evaluator)
    # An evaluator lands on the evaluation, not on a trainee's dashboard.
    expect(page.get_by_role("heading", name="Evaluation of the training")).to_be_visible()
    assert page.url.endswith("/evaluation/")
    page.get_by_label(run.title).check()
    page.get_by_role("button", name="Show results").click()
    expect(page.get_by_text(f"Showing {run.title}, as calculated at")).to_be_visible()

    # The flow diagram, with the same numbers as the analysis.
    diagram = page.get_by_role("list", name="Participant flow, from enrolment to analysis")
    expect(diagram).to_contain_text(
        f"Matched pairs (same code at both waves) n = {flow['matched_pairs']}"
    )
    expect(diagram).to_contain_text(f"Analysed (overall score) n = {flow['analysed']}")

    expect(diagram.get_by_role("listitem", name="12 months after")).to_be_visible()
    expect(page.get_by_role("table", name="Baseline overall score by whether")).to_be_visible()

    # The results table of the primary comparison: ten footsteps and the overall score; the
    # later waves' tables open on request.
    results = page.get_by_role("table", name="Paired comparison")
    expect(results).to_have_count(1)
    expect(results.locator("tbody tr")).to_have_count(11)
    expect(results.get_by_role("row", name="Overall")).to_contain_text(str(flow["analysed"]))
    page.get_by_text("Before the training against 12 months after").click()
    expect(page.get_by_role("table", name="Paired comparison")).to_have_count(2)

    # Change over every wave: the mixed model and Friedman's test.
    longitudinal = page.get_by_role("table", name="Mixed-model change from baseline")
    expect(longitudinal.locator("tbody tr")).to_have_count(11)
    expect(longitudinal.get_by_role("columnheader", name="12 months after")).to_be_visible()

    # The spider chart is drawn, its axis labels marked for significance.
    chart = page.locator("#spider-chart")
    expect(chart.locator(".main-svg").first).to_be_attached()
    axis_labels = chart.locator(".angularaxistick text")
    expect(axis_labels).to_have_count(10)
    expect(axis_labels.filter(has_text="*").first).to_be_attached()
    expect(chart.locator(".legendtext")).to_have_text(WAVE_LABELS)
    trajectory = page.locator("#trajectory-chart")
    expect(trajectory.locator(".main-svg").first).to_be_attached()
    expect(trajectory.get_by_text("Months after the training").first).to_be_visible()
    shoot(page, "01-dashboard")

    # The answers to each statement: a diverging bar chart per wave (the baseline's open),
    # its legend in scale order, a bar per statement, the table behind it on request.
    items = page.locator("#items-chart-baseline")
    expect(items.locator(".main-svg").first).to_be_attached()
    expect(items.locator(".legendtext")).to_have_text(
        ["1 least confident", "2", "3", "4", "5 most confident", "Left blank"]
    )
    expect(items.locator(".yaxislayer-above .ytick text")).to_have_count(14)
    items.scroll_into_view_if_needed()
    items.screenshot(path=str(screenshots / "03-item-distributions.png"))

    # The row-level CSV: participant codes, never a name or an email address.
    downloads = page.get_by_role("region", name="Downloads")
    with page.expect_download() as download_info:
        downloads.get_by_role(
            "link",
            name="CSV of the pseudonymised responses (one row per participant code and wave)",
        ).click()
    content = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    codes = {row["participant_code"] for row in rows}
    assert participant.code in codes and "AJ7HXDS" in codes
    assert {row["wave"] for row in rows} == {"baseline", "month_3", "month_6", "month_12"}
    for personal in (trainee.first_name, trainee.last_name, trainee.email, evaluator.email, "@"):
        assert personal not in content

    # The dashboard on a phone: the wide table scrolls inside its own box, not the page.
    page.set_viewport_size(PHONE)
    page.reload()
    expect(chart.locator(".main-svg").first).to_be_attached()
    assert_fits(page)
    shoot(page, "02-dashboard-phone")
    # On the phone the statements are labelled by their codes (the table names them).
    ticks = items.locator(".yaxislayer-above .ytick text")
    expect(ticks).to_have_count(14)
    assert sorted(ticks.all_text_contents()) == sorted(f"s{n}" for n in range(1, 15))
    items.scroll_into_view_if_needed()
    items.screenshot(path=str(screenshots / "04-item-distributions-phone.png"))
    console.assert_clean()
