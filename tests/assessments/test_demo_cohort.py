"""The demo's questionnaire cohorts: made through the services, deterministic, idempotent,
with realistic drop-out on the longitudinal run, and leaving the demo trainee a 3-month
follow-up (and certificate) and a 6-month follow-up to fill in."""

import io
from statistics import fmean

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.models import Participant, Response
from assessments.selectors import wave_window
from courses.models import Enrolment
from courses.selectors import enrolments_with_progress
from courses.waves import Wave
from demo.cohort import COHORTS, LONGITUDINAL_COHORT, cohort_plans
from demo.loaders import (
    LONGITUDINAL_RUN,
    SIX_MONTH_RUN,
    TRAINEE_ACCOUNT,
    past_run,
    run_for,
    user_for,
)
from tests.assessments.conftest import follow_up_answers

pytestmark = pytest.mark.django_db


def load_demo():
    call_command("load_demo", public_credentials_ok=True, stdout=io.StringIO())


def as_post(answers: dict) -> dict:
    return {k: ("" if v is None else str(v)) for k, v in answers.items()}


def test_cohorts_are_loaded_once_and_the_same_every_time():
    for cohort in COHORTS:
        assert cohort_plans(cohort) == cohort_plans(cohort)
    load_demo()
    counts = (Participant.objects.count(), Response.objects.count())
    ratings = list(Response.objects.order_by("participant__code", "wave").values_list("s1", "s14"))
    load_demo()
    assert (Participant.objects.count(), Response.objects.count()) == counts
    assert ratings == list(
        Response.objects.order_by("participant__code", "wave").values_list("s1", "s14")
    )

    run = past_run()
    assert Participant.objects.filter(course_run=run).count() == 41  # 40 + the demo trainee
    on_run = Response.objects.filter(participant__course_run=run)
    assert on_run.filter(wave="baseline").count() == 41
    assert 20 <= on_run.filter(wave="month_3").count() < 40
    assert set(on_run.values_list("wave", flat=True)) == {"baseline", "month_3"}
    blank = sum(r.ratings().count(None) for r in Response.objects.all())
    assert blank > 0
    not_completed = [
        e
        for e in enrolments_with_progress(Enrolment.objects.filter(course_run=run))
        if not e.mandatory_completed
    ]
    assert not_completed
    assert Participant.objects.filter(consented_at__isnull=True).exists()
    assert not run.specific.enrolment_open


def test_fewer_answer_each_later_wave_and_confidence_partly_falls_back():
    load_demo()
    run = run_for(LONGITUDINAL_RUN)
    responses = list(Response.objects.filter(participant__course_run=run))
    answered = {wave.name: set() for wave in run.schedule}
    for response in responses:
        answered[response.wave].add(response.participant_id)
    counts = [len(answered[wave.name]) for wave in run.schedule]
    people = len(LONGITUDINAL_COHORT.names)
    assert counts[0] == people
    assert counts[0] > counts[1] > counts[2] > counts[3] > 0
    assert 0.6 <= counts[1] / people <= 0.9 and 0.3 <= counts[3] / people <= 0.6
    # Some skip a wave and answer the next one.
    assert (answered["month_6"] - answered["month_3"]) or (
        answered["month_12"] - answered["month_6"]
    )
    assert any(None in r.ratings() for r in responses)

    def mean(wave: str) -> float:
        return fmean(v for r in responses if r.wave == wave for v in r.ratings() if v is not None)

    assert mean("baseline") < mean("month_12") < mean("month_3")
    for response in responses:
        window = wave_window(run, response.wave_value)
        assert window.state(response.submitted_at) == "open", response


def test_demo_trainee_can_fill_the_3_month_follow_up_and_download_the_certificate(client):
    load_demo()
    trainee = user_for(TRAINEE_ACCOUNT)
    enrolment = Enrolment.objects.get(user=trainee, course_run=past_run())
    client.force_login(trainee)
    url = reverse("assessments:questionnaire", args=[enrolment.pk, "month_3"])
    assert client.post(url, as_post(follow_up_answers())).status_code == 302
    pdf = client.get(reverse("assessments:certificate", args=[enrolment.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def six_month_enrolment() -> Enrolment:
    return Enrolment.objects.get(user=user_for(TRAINEE_ACCOUNT), course_run=run_for(SIX_MONTH_RUN))


def answer_6_month_follow_up(client, enrolment: Enrolment):
    client.force_login(enrolment.user)
    url = reverse("assessments:questionnaire", args=[enrolment.pk, "month_6"])
    assert client.get(url).status_code == 200
    answers = follow_up_answers(s5="5", s14="4")
    assert client.post(url, as_post(answers)).status_code == 302


def test_demo_trainee_can_answer_the_open_6_month_follow_up(client):
    load_demo()
    enrolment = six_month_enrolment()

    def waves():
        return sorted(
            Response.objects.filter(participant__enrolment=enrolment).values_list("wave", flat=True)
        )

    assert waves() == ["baseline", "month_3"]
    assert wave_window(enrolment.course_run, Wave(6)).state(timezone.now()) == "open"
    answer_6_month_follow_up(client, enrolment)
    assert waves() == ["baseline", "month_3", "month_6"]


def test_demo_trainee_sees_three_waves_on_their_chart_after_the_6_month_follow_up(client):
    load_demo()
    enrolment = six_month_enrolment()
    answer_6_month_follow_up(client, enrolment)
    page = client.get(reverse("assessments:chart", args=[enrolment.pk]))
    assert page.status_code == 200
    assert len(page.context["chart"]["data"]) == 3  # one shape per wave answered
