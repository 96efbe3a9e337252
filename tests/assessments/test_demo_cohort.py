"""The demo's questionnaire cohort: made through the services, deterministic, idempotent,
and leaving the demo trainee a follow-up to fill in and a certificate to download."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.models import Participant, Response
from courses.models import Enrolment
from courses.selectors import enrolments_with_progress
from demo.cohort import cohort_plans
from demo.loaders import TRAINEE_ACCOUNT, past_run, user_for
from tests.assessments.conftest import follow_up_answers

pytestmark = pytest.mark.django_db


def load_demo():
    call_command("load_demo", public_credentials_ok=True, stdout=io.StringIO())


def test_cohort_is_loaded_once_and_the_same_every_time():
    assert cohort_plans() == cohort_plans()
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
    assert Response.objects.filter(wave="baseline").count() == 41
    follow_ups = Response.objects.filter(wave="follow_up").count()
    assert 20 <= follow_ups < 40
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


def test_demo_trainee_can_fill_the_follow_up_and_download_the_certificate(client):
    load_demo()
    trainee = user_for(TRAINEE_ACCOUNT)
    enrolment = Enrolment.objects.get(user=trainee, course_run=past_run())
    client.force_login(trainee)
    assert client.get(reverse("assessments:chart", args=[enrolment.pk])).status_code == 200
    data = {k: ("" if v is None else str(v)) for k, v in follow_up_answers().items()}
    page = client.post(reverse("assessments:follow_up", args=[enrolment.pk]), data)
    assert page.status_code == 302
    pdf = client.get(reverse("assessments:certificate", args=[enrolment.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
