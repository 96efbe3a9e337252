"""Submissions of the same wave, or runs of the reminder command, at the same moment store
exactly one response or email."""

import queue
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.models import ITEM_CODES, FollowUpEmail, Participant, QuestionnaireDraft, Response
from courses.models import SessionReminder
from courses.services import session_reminders_enqueue
from courses.waves import BASELINE
from tests import factories
from tests.assessments.conftest import LONG_AGO_FIRST_WORKSHOP_DAYS, baseline_answers, with_baseline

pytestmark = [
    pytest.mark.postgres,
    # serialized_rollback restores the seeded instrument, footsteps and pages for later tests.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="SQLite serialises writers (one write transaction at a time), so it cannot "
        "exercise concurrent submissions; this runs in the PostgreSQL CI pass.",
    ),
]

THREADS = 2


def race(target, n: int = THREADS) -> list:
    """Run ``target`` in ``n`` threads released together; return each outcome."""
    barrier = threading.Barrier(n)
    outcomes: list = []
    lock = threading.Lock()

    def run():
        barrier.wait()
        try:
            outcome = target()
        except ValidationError as error:
            outcome = error
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.fixture
def enrolment():
    return factories.enrol(factories.TraineeFactory(), factories.make_course_run())


def test_concurrent_first_answers_store_one_record_and_one_response(enrolment):
    # One test rather than several: each transactional test reloads the seeded database.
    outcomes = race(lambda: services.consent_record(enrolment=enrolment, consented=True))
    assert all(isinstance(o, Participant) for o in outcomes), outcomes
    assert Participant.objects.filter(enrolment=enrolment).count() == 1

    outcomes = race(
        lambda: services.response_submit(
            enrolment=enrolment, wave="baseline", data=baseline_answers()
        )
    )
    stored = [o for o in outcomes if isinstance(o, Response)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(stored) == 1, outcomes
    assert len(refused) == THREADS - 1
    assert "already submitted the baseline" in refused[0].messages[0]
    assert Response.objects.filter(participant__enrolment=enrolment).count() == 1

    # Two corrections at once (a double-click on the review form) still leave one response.
    outcomes = race(
        lambda: services.response_submit(
            enrolment=enrolment, wave="baseline", data=baseline_answers(s1=5), revise=True
        )
    )
    assert all(isinstance(o, Response) for o in outcomes), outcomes
    assert Response.objects.filter(participant__enrolment=enrolment).get().s1 == 5


def test_fifty_simultaneous_posts_of_the_baseline_form_store_one_response_and_no_500(enrolment):
    services.consent_record(enrolment=enrolment, consented=True)
    url = reverse(
        "assessments:questionnaire", kwargs={"enrolment_id": enrolment.pk, "wave": BASELINE}
    )
    form = {code: "4" for code in ITEM_CODES} | {
        "profession": "social_prescriber",
        "experience_amount": "2",
        "experience_unit": "years",
        "prior_training": "",
        "uses_resources": "no",
    }
    clients: queue.Queue = queue.Queue()
    for _ in range(50):  # signed in beforehand, so the race is the submissions alone
        client = Client(raise_request_exception=False)
        client.force_login(enrolment.user)
        clients.put(client)

    statuses = race(lambda: clients.get().post(url, form).status_code, n=50)

    assert len(statuses) == 50
    assert 500 not in statuses
    assert statuses.count(302) == 1, statuses  # the one stored, sent on to the chart
    assert set(statuses) <= {200, 302}  # the rest see the form with "already submitted"
    assert Response.objects.filter(participant__enrolment=enrolment).count() == 1


def test_two_runs_of_the_reminder_command_at_once_queue_each_email_once():
    run = factories.make_course_run(
        first_workshop_in_days=LONG_AGO_FIRST_WORKSHOP_DAYS, follow_up_months=(3, 6)
    )
    enrolment = factories.enrol(factories.TraineeFactory(), run)
    with_baseline(enrolment)

    outcomes = race(services.follow_up_emails_enqueue)

    assert sorted(len(queued) for queued in outcomes) == [0, 1], outcomes
    assert list(FollowUpEmail.objects.values_list("wave", "kind")) == [("month_6", "due")]
    assert len(mail.outbox) == 1


def test_two_runs_of_the_session_reminder_command_at_once_send_each_reminder_once():
    run = factories.make_course_run(first_workshop_in_days=1)
    enrolment = factories.enrol(factories.TraineeFactory(), run)

    outcomes = race(session_reminders_enqueue)

    assert sorted(len(queued) for queued in outcomes) == [0, 1], outcomes
    assert SessionReminder.objects.get().enrolment == enrolment
    assert len(mail.outbox) == 1


def test_drafts_saved_at_once_or_while_the_wave_is_sent_never_outlive_it(enrolment):
    services.consent_record(enrolment=enrolment, consented=True)

    def draft():
        return services.questionnaire_draft_save(
            enrolment=enrolment, wave=BASELINE, answers={"s1": "2"}
        )

    outcomes = race(draft)  # two tabs autosaving at the same moment
    assert all(isinstance(o, QuestionnaireDraft) for o in outcomes), outcomes
    assert QuestionnaireDraft.objects.filter(enrolment=enrolment).count() == 1

    # A late autosave racing the send: whichever goes first, no draft is left behind.
    jobs = iter(
        [
            lambda: services.response_submit(
                enrolment=enrolment, wave="baseline", data=baseline_answers()
            ),
            draft,
        ]
    )
    pick = threading.Lock()

    def next_job():
        with pick:
            job = next(jobs)
        return job()

    race(next_job)
    assert Response.objects.filter(participant__enrolment=enrolment).count() == 1
    assert not QuestionnaireDraft.objects.exists()
