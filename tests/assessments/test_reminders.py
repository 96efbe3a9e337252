"""Follow-up emails: due, then one reminder a week later, never twice, never after answering."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from assessments import services
from assessments.models import FollowUpEmail
from assessments.selectors import follow_up_window
from assessments.tasks import follow_up_email_send
from tests import factories
from tests.assessments.conftest import follow_up_answers, with_baseline

pytestmark = pytest.mark.django_db


def run_command():
    call_command("send_follow_up_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def waiting(past_enrolment):
    """A trainee with a baseline whose follow-up is open and missing."""
    with_baseline(past_enrolment)
    return past_enrolment


class TestSchedule:
    def test_due_email_once_however_often_the_command_runs(self, waiting):
        for _ in range(3):
            run_command()
        assert len(mail.outbox) == 1
        email = mail.outbox[0]
        assert email.to == [waiting.user.email]
        assert "follow-up questionnaire for" not in email.body  # the first email, not a reminder
        assert "is now open" in email.body
        assert (
            "http://testserver" + reverse("assessments:follow_up", args=[waiting.pk]) in email.body
        )
        assert FollowUpEmail.objects.get().kind == FollowUpEmail.Kind.DUE

    def test_the_email_links_to_the_sites_public_address(self, waiting, settings):
        settings.PUBLIC_BASE_URL = "https://footsteps.example.nhs.uk"
        run_command()
        path = reverse("assessments:follow_up", args=[waiting.pk])
        assert f"https://footsteps.example.nhs.uk{path}" in mail.outbox[0].body

    def test_reminder_a_week_later_if_still_missing_then_nothing_more(self, waiting):
        opens = follow_up_window(waiting.course_run).opens_at
        services.follow_up_emails_enqueue(now=opens + timedelta(hours=1))
        services.follow_up_emails_enqueue(now=opens + timedelta(days=6))
        assert len(mail.outbox) == 1
        for days in (7, 8, 9):
            services.follow_up_emails_enqueue(now=opens + timedelta(days=days, hours=1))
        assert len(mail.outbox) == 2
        assert mail.outbox[1].subject.startswith("Reminder:")
        assert sorted(FollowUpEmail.objects.values_list("kind", flat=True)) == ["due", "reminder"]

    def test_nobody_who_answered_gets_an_email(self, waiting):
        services.response_submit(enrolment=waiting, wave="follow_up", data=follow_up_answers())
        run_command()
        assert mail.outbox == []

    def test_answering_after_the_invitation_stops_the_reminder(self, waiting):
        opens = follow_up_window(waiting.course_run).opens_at
        services.follow_up_emails_enqueue(now=opens)
        services.response_submit(enrolment=waiting, wave="follow_up", data=follow_up_answers())
        services.follow_up_emails_enqueue(now=opens + timedelta(days=8))
        assert len(mail.outbox) == 1

    def test_a_queued_email_is_not_sent_if_the_trainee_answered_meanwhile(self, waiting):
        email = FollowUpEmail.objects.create(enrolment=waiting, kind=FollowUpEmail.Kind.DUE)
        services.response_submit(enrolment=waiting, wave="follow_up", data=follow_up_answers())
        assert follow_up_email_send.call(email.pk) is False
        assert mail.outbox == []

    def test_no_email_before_due_after_closing_or_without_a_baseline(
        self, waiting, enrolment, other_trainee
    ):
        window = follow_up_window(waiting.course_run)
        assert services.follow_up_emails_enqueue(now=window.opens_at - timedelta(minutes=1)) == []
        assert services.follow_up_emails_enqueue(now=window.closes_at) == []
        no_baseline = factories.enrol(other_trainee, waiting.course_run)
        services.consent_record(enrolment=no_baseline, consented=True)
        with_baseline(enrolment)  # an open run: not due yet
        run_command()
        assert [m.to for m in mail.outbox] == [[waiting.user.email]]

    def test_a_concurrent_run_that_queued_first_is_respected(self, waiting):
        FollowUpEmail.objects.create(enrolment=waiting, kind=FollowUpEmail.Kind.DUE)
        run_command()
        assert mail.outbox == []
        assert FollowUpEmail.objects.count() == 1


class TestTrainerView:
    def test_trainer_sees_who_is_due_reminded_and_done(
        self, client, trainer, past_run, django_assert_max_num_queries
    ):
        done, reminded, due, no_baseline = (factories.TraineeFactory() for _ in range(4))
        enrolments = {u: factories.enrol(u, past_run) for u in (done, reminded, due, no_baseline)}
        for user in (done, reminded, due):
            with_baseline(enrolments[user])
        opens = follow_up_window(past_run).opens_at
        services.follow_up_emails_enqueue(now=opens)
        FollowUpEmail.objects.create(
            enrolment=enrolments[reminded], kind=FollowUpEmail.Kind.REMINDER
        )
        services.response_submit(
            enrolment=enrolments[done], wave="follow_up", data=follow_up_answers()
        )
        client.force_login(trainer)
        with django_assert_max_num_queries(13):
            page = client.get(reverse("assessments:trainer_follow_ups", args=[past_run.pk]))
        html = page.content.decode()
        assert page.status_code == 200
        for user, label in [
            (done, "Done"),
            (reminded, "Reminded"),
            (due, "Due, invited"),
            (no_baseline, "No baseline"),
        ]:
            row = html[html.index(user.get_full_name()) :].split("</tr>")[0]
            assert label in row

    def test_query_count_does_not_grow_with_trainees(
        self, client, trainer, past_run, django_assert_max_num_queries
    ):
        for _ in range(15):
            with_baseline(factories.enrol(factories.TraineeFactory(), past_run))
        services.follow_up_emails_enqueue()
        client.force_login(trainer)
        with django_assert_max_num_queries(13):
            client.get(reverse("assessments:trainer_follow_ups", args=[past_run.pk]))

    @pytest.mark.parametrize("role", ["trainee", "evaluator"])
    def test_only_trainers_see_it(self, client, past_run, role, request):
        client.force_login(request.getfixturevalue(role))
        page = client.get(reverse("assessments:trainer_follow_ups", args=[past_run.pk]))
        assert page.status_code == 403
