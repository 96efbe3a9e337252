"""Course runs whose questionnaire windows are open, and answers that pass every rule."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import ITEM_CODES
from assessments.selectors import follow_up_window
from courses.models import Attendance
from courses.waves import Wave
from tests import factories

# Workshops 120 and 106 days ago: the baseline closed, and the 3-month follow-up (due about
# 15 days ago, open for the default 28 days) is open now.
PAST_FIRST_WORKSHOP_DAYS = -120
# Workshops 200 and 186 days ago: the 3-month follow-up closed about two months ago, the
# 6-month one opened a few days ago and the 12-month one is half a year away.
LONG_AGO_FIRST_WORKSHOP_DAYS = -200


def baseline_answers(**overrides) -> dict:
    answers = {code: 3 for code in ITEM_CODES}
    answers.update(
        profession="social_prescriber",
        profession_other="",
        years_experience="2.5",
        prior_training="",
        uses_resources=False,
    )
    answers.update(overrides)
    return answers


def follow_up_answers(**overrides) -> dict:
    answers = {code: 4 for code in ITEM_CODES}
    answers.update(resource_use="used", programme_feedback="", clinical_use="")
    answers.update(overrides)
    return answers


def before_first_workshop(run):
    """A moment when the run's baseline was still open."""
    return factories.workshops(run)[0].starts_at - timedelta(days=1)


def attend_workshops(enrolment) -> None:
    for workshop in factories.workshops(enrolment.course_run):
        Attendance.objects.create(enrolment=enrolment, session=workshop)


def with_baseline(enrolment, *, consented=True, **answers):
    """Consent and a baseline submitted while the baseline was open."""
    services.consent_record(enrolment=enrolment, consented=consented)
    return services.response_submit(
        enrolment=enrolment,
        wave="baseline",
        data=baseline_answers(**answers),
        now=before_first_workshop(enrolment.course_run),
    )


def opened(run, months: int) -> datetime:
    """An hour after the run's ``months`` follow-up opened."""
    return follow_up_window(run, Wave(months)).opens_at + timedelta(hours=1)


def submit_follow_up(enrolment, months: int = 3, *, now=None, **answers):
    """The ``months`` follow-up, answered at ``now`` (default: the real time)."""
    return services.response_submit(
        enrolment=enrolment, wave=Wave(months), data=follow_up_answers(**answers), now=now
    )


@pytest.fixture
def open_run(db):
    """Baseline open: the first workshop is a fortnight away."""
    return factories.make_course_run()


@pytest.fixture
def past_run(db):
    """Follow-up open now; the baseline closed long ago."""
    return factories.make_course_run(first_workshop_in_days=PAST_FIRST_WORKSHOP_DAYS)


@pytest.fixture
def waves_run(db):
    """3-, 6- and 12-month follow-ups; the 6-month one is open now."""
    return factories.make_course_run(
        first_workshop_in_days=LONG_AGO_FIRST_WORKSHOP_DAYS, follow_up_months=(3, 6, 12)
    )


@pytest.fixture
def enrolment(trainee, open_run):
    return factories.enrol(trainee, open_run)


@pytest.fixture
def past_enrolment(trainee, past_run):
    return factories.enrol(trainee, past_run)


@pytest.fixture
def waves_enrolment(trainee, waves_run):
    return factories.enrol(trainee, waves_run)


@pytest.fixture
def now():
    return timezone.now()
