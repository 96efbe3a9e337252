"""The trainee's steps on a run (assessments.selectors.trainee_steps): the task list of the
dashboard, from the windows, attendance and certificate rules."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.selectors import StepStatus, participants_by_enrolment, trainee_steps
from courses.models import Attendance
from courses.selectors import trainee_dashboard
from tests import factories
from tests.assessments.conftest import attend_workshops, submit_follow_up, with_baseline
from tests.examples import EXAMPLES_DIR

pytestmark = pytest.mark.django_db


def steps_of(enrolment, *, now=None):
    item = next(p for p in trainee_dashboard(enrolment.user, now=now) if p.enrolment == enrolment)
    participant = participants_by_enrolment(enrolment.user).get(enrolment.pk)
    return trainee_steps(item, participant, now=now)


def by_name(steps):
    return {step.name: step for step in steps.steps}


def test_the_steps_in_order_from_enrolment_to_certificate(enrolment):
    steps = steps_of(enrolment)
    assert [step.name for step in steps.steps] == [
        "enrol",
        "baseline",
        "workshop_1",
        "workshop_2",
        "month_3",
        "certificate",
    ]
    assert [step.status for step in steps.steps] == [
        StepStatus.DONE,
        StepStatus.TO_DO,
        StepStatus.NOT_YET,
        StepStatus.NOT_YET,
        StepStatus.NOT_YET,
        StepStatus.NOT_YET,
    ]


def test_the_baseline_comes_first_with_its_deadline_and_consent_before_it(enrolment):
    first_workshop = factories.workshops(enrolment.course_run)[0].starts_at
    steps = steps_of(enrolment)
    deadline = timezone.localtime(first_workshop)
    assert steps.next.name == "baseline"
    assert steps.next.action.startswith("Fill in the baseline questionnaire before ")
    assert f"{deadline.day} {deadline:%B}" in steps.next.action
    assert steps.next.action.endswith(f"{deadline:%H:%M}")
    assert steps.next.url == reverse("assessments:consent", args=[enrolment.pk])


def test_after_the_baseline_the_next_thing_is_the_first_workshop(enrolment):
    with_baseline(enrolment)
    steps = steps_of(enrolment)
    names = by_name(steps)
    assert names["baseline"].status is StepStatus.DONE
    assert names["baseline"].url == reverse(
        "assessments:questionnaire", args=[enrolment.pk, "baseline"]
    )  # still open: review
    assert steps.next.name == "workshop_1"
    assert steps.next.action.startswith("Join Workshop 1 on ")
    assert names["month_3"].status is StepStatus.NOT_YET
    assert names["month_3"].hint.startswith("Opens on ")


def test_follow_ups_wait_for_the_baseline(waves_enrolment):
    names = by_name(steps_of(waves_enrolment))
    for wave in ("month_3", "month_6", "month_12"):
        assert names[wave].status is StepStatus.NOT_YET
        assert names[wave].hint == "Follows the baseline questionnaire."


def test_past_workshops_are_attended_or_not(past_enrolment):
    first, second = factories.workshops(past_enrolment.course_run)
    Attendance.objects.create(enrolment=past_enrolment, session=first)
    names = by_name(steps_of(past_enrolment))
    assert (names["workshop_1"].status, names["workshop_1"].status_text) == (
        StepStatus.DONE,
        "Attended",
    )
    assert (names["workshop_2"].status, names["workshop_2"].status_text) == (
        StepStatus.MISSED,
        "Not attended",
    )


def test_closed_open_and_future_waves(waves_enrolment):
    with_baseline(waves_enrolment)
    steps = steps_of(waves_enrolment)
    names = by_name(steps)
    assert (names["month_3"].status, names["month_3"].status_text) == (
        StepStatus.MISSED,
        "Closed",
    )
    assert names["month_6"].status is StepStatus.TO_DO
    assert names["month_6"].url == reverse(
        "assessments:questionnaire", args=[waves_enrolment.pk, "month_6"]
    )
    assert names["month_12"].status is StepStatus.NOT_YET
    assert steps.next.name == "month_6"
    assert steps.next.action.startswith("Fill in the 6-month follow-up questionnaire until ")
    assert names["certificate"].hint == (
        "Still to do: Attend both mandatory workshops. Submit the 3-month follow-up questionnaire."
    )


def test_the_certificate_once_the_first_follow_up_is_in(past_enrolment):
    with_baseline(past_enrolment)
    attend_workshops(past_enrolment)
    submit_follow_up(past_enrolment, 3)
    steps = steps_of(past_enrolment)
    certificate = by_name(steps)["certificate"]
    assert certificate.status is StepStatus.DONE
    assert certificate.url == reverse("assessments:certificate", args=[past_enrolment.pk])
    assert steps.next is None  # nothing left to do or to come


def test_a_workshop_under_way_is_to_do_now(enrolment):
    first = factories.workshops(enrolment.course_run)[0]
    during = first.starts_at + timedelta(minutes=30)
    with_baseline(enrolment)
    workshop = by_name(steps_of(enrolment, now=during))["workshop_1"]
    assert (workshop.status, workshop.status_text) == (StepStatus.TO_DO, "Now")


def test_the_research_records_version_follows_every_change_of_the_records_as_a_whole(
    course_run, trainee
):
    from assessments.import_services import responses_import
    from assessments.selectors import research_records_version
    from assessments.services import consent_record, research_records_anonymise

    seen = [research_records_version()]

    def changed() -> bool:
        seen.append(research_records_version())
        return seen[-1] != seen[-2]

    enrolment = factories.enrol(trainee, course_run)
    participant = consent_record(enrolment=enrolment, consented=True)
    assert changed()  # a new record, consenting
    factories.make_response(participant, "baseline", [3] * 14)
    assert not changed()  # one answer: the dashboard's minute covers it
    consent_record(enrolment=enrolment, consented=False)
    assert changed()
    consent_record(enrolment=enrolment, consented=True)
    assert changed()  # consent given again, as late as the last one
    header, *lines = (EXAMPLES_DIR / "responses.csv").read_text().splitlines()
    for wave in ("baseline", "follow_up"):
        rows = [line for line in lines if line.split(",")[1] == wave]
        assert rows
        plan = responses_import(content="\n".join([header, *rows]).encode(), course_run_slug="york")
        assert plan.ok, plan.errors
        # Imported records, then imported answers of records already there.
        assert changed()
    research_records_anonymise(user=trainee)
    assert changed()  # unlinked from the account
    assert not changed()  # and read twice, the same
