"""Follow-up emails: due, then one reminder a week later, never twice, never after answering."""

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments import selectors, services
from assessments.models import FollowUpEmail
from assessments.selectors import follow_up_window
from assessments.tasks import follow_up_email_send
from courses.waves import DEFAULT_FOLLOW_UP, Wave
from tests import factories
from tests.assessments.conftest import follow_up_answers, opened, submit_follow_up, with_baseline
from tests.email_checks import assert_ours

pytestmark = pytest.mark.django_db

NONE = dict.fromkeys(selectors.STATUS_ORDER, 0)

# A first request: with the workshops' numbers and the request's site, which are cached
# with the course content afterwards (courses.selectors, courses.middleware).
FOLLOW_UPS_PAGE_QUERIES = 14


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
            "http://testserver" + reverse("assessments:questionnaire", args=[waiting.pk, "month_3"])
            in email.body
        )
        assert FollowUpEmail.objects.get().kind == FollowUpEmail.Kind.DUE

    def test_the_email_links_to_the_sites_public_address(self, waiting, settings):
        settings.PUBLIC_BASE_URL = "https://footsteps.example.nhs.uk"
        run_command()
        path = reverse("assessments:questionnaire", args=[waiting.pk, "month_3"])
        assert f"https://footsteps.example.nhs.uk{path}" in mail.outbox[0].body

    def test_the_email_is_html_with_a_plain_text_alternative(self, waiting):
        run_command()
        [email] = mail.outbox
        html = assert_ours(email, name=waiting.user.get_full_name())
        assert ">Open the questionnaire</a>" in html and "is now open" in html

    def test_reminder_a_week_later_if_still_missing_then_nothing_more(self, waiting):
        opens = follow_up_window(waiting.course_run, DEFAULT_FOLLOW_UP).opens_at
        services.follow_up_emails_enqueue(now=opens + timedelta(hours=1))
        services.follow_up_emails_enqueue(now=opens + timedelta(days=6))
        assert len(mail.outbox) == 1
        for days in (7, 8, 9):
            services.follow_up_emails_enqueue(now=opens + timedelta(days=days, hours=1))
        assert len(mail.outbox) == 2
        assert mail.outbox[1].subject.startswith("Ten Footsteps: Reminder:")
        assert sorted(FollowUpEmail.objects.values_list("kind", flat=True)) == ["due", "reminder"]

    def test_nobody_who_answered_gets_an_email(self, waiting):
        services.response_submit(enrolment=waiting, wave="month_3", data=follow_up_answers())
        run_command()
        assert mail.outbox == []

    def test_answering_after_the_invitation_stops_the_reminder(self, waiting):
        opens = follow_up_window(waiting.course_run, DEFAULT_FOLLOW_UP).opens_at
        services.follow_up_emails_enqueue(now=opens)
        services.response_submit(enrolment=waiting, wave="month_3", data=follow_up_answers())
        services.follow_up_emails_enqueue(now=opens + timedelta(days=8))
        assert len(mail.outbox) == 1

    def test_a_queued_email_is_not_sent_if_the_trainee_answered_meanwhile(self, waiting):
        email = FollowUpEmail.objects.create(
            enrolment=waiting, wave="month_3", kind=FollowUpEmail.Kind.DUE
        )
        services.response_submit(enrolment=waiting, wave="month_3", data=follow_up_answers())
        assert follow_up_email_send.call(email.pk) is False
        assert mail.outbox == []

    def test_no_email_before_due_after_closing_or_without_a_baseline(
        self, waiting, enrolment, other_trainee
    ):
        window = follow_up_window(waiting.course_run, DEFAULT_FOLLOW_UP)
        assert services.follow_up_emails_enqueue(now=window.opens_at - timedelta(minutes=1)) == []
        assert services.follow_up_emails_enqueue(now=window.closes_at) == []
        no_baseline = factories.enrol(other_trainee, waiting.course_run)
        services.consent_record(enrolment=no_baseline, consented=True)
        with_baseline(enrolment)  # an open run: not due yet
        run_command()
        assert [m.to for m in mail.outbox] == [[waiting.user.email]]

    def test_a_concurrent_run_that_queued_first_is_respected(self, waiting):
        FollowUpEmail.objects.create(enrolment=waiting, wave="month_3", kind=FollowUpEmail.Kind.DUE)
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
        opens = follow_up_window(past_run, DEFAULT_FOLLOW_UP).opens_at
        services.follow_up_emails_enqueue(now=opens)
        FollowUpEmail.objects.create(
            enrolment=enrolments[reminded], wave="month_3", kind=FollowUpEmail.Kind.REMINDER
        )
        services.response_submit(
            enrolment=enrolments[done], wave="month_3", data=follow_up_answers()
        )
        client.force_login(trainer)
        with django_assert_max_num_queries(FOLLOW_UPS_PAGE_QUERIES):
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
        with django_assert_max_num_queries(FOLLOW_UPS_PAGE_QUERIES):
            client.get(reverse("assessments:trainer_follow_ups", args=[past_run.pk]))

    @pytest.mark.parametrize("role", ["trainee", "evaluator"])
    def test_only_trainers_see_it(self, client, past_run, role, request):
        client.force_login(request.getfixturevalue(role))
        page = client.get(reverse("assessments:trainer_follow_ups", args=[past_run.pk]))
        assert page.status_code == 403


class TestWaves:
    """A run with 3-, 6- and 12-month follow-ups: each has its own emails."""

    @pytest.fixture
    def waiting(self, waves_enrolment):
        with_baseline(waves_enrolment)
        return waves_enrolment

    def emails(self) -> list[tuple[str, str]]:
        return sorted(FollowUpEmail.objects.values_list("wave", "kind"))

    def test_due_email_when_each_wave_opens_then_a_reminder_a_week_later(self, waiting):
        run = waiting.course_run
        for months in (3, 6, 12):
            opens = opened(run, months)
            assert services.follow_up_emails_enqueue(now=opens - timedelta(hours=2)) == []
            due = services.follow_up_emails_enqueue(now=opens)
            assert [(e.wave, e.kind) for e in due] == [(f"month_{months}", "due")]
            assert services.follow_up_emails_enqueue(now=opens + timedelta(days=6)) == []
            reminder = services.follow_up_emails_enqueue(now=opens + timedelta(days=7))
            assert [(e.wave, e.kind) for e in reminder] == [(f"month_{months}", "reminder")]
            assert services.follow_up_emails_enqueue(now=opens + timedelta(days=14)) == []
        assert len(mail.outbox) == 6
        first, reminder = mail.outbox[2:4]
        assert first.subject == "Ten Footsteps: Your 6-month follow-up questionnaire is open"
        assert "It is 6 months since the last workshop" in first.body
        assert "your 6-month follow-up questionnaire is now open" in first.body
        assert "download your certificate" not in first.body  # only the 3-month one gives it
        assert "download your certificate" in mail.outbox[0].body
        assert reminder.subject == "Ten Footsteps: Reminder: your 6-month follow-up questionnaire"
        path = reverse("assessments:questionnaire", args=[waiting.pk, "month_6"])
        assert f"http://testserver{path}" in first.body and path in reminder.body

    def test_nobody_who_answered_a_wave_is_emailed_about_it(self, waiting, other_trainee):
        other = factories.enrol(other_trainee, waiting.course_run)
        with_baseline(other)
        submit_follow_up(waiting, 6)
        run_command()
        assert [m.to for m in mail.outbox] == [[other_trainee.email]]
        services.follow_up_emails_enqueue(now=timezone.now() + timedelta(days=8))
        assert FollowUpEmail.objects.filter(enrolment=waiting).count() == 0
        assert FollowUpEmail.objects.filter(enrolment=other, kind="reminder").count() == 1

    def test_emails_for_month_3_and_month_6_are_independent(self, waiting):
        run = waiting.course_run
        services.follow_up_emails_enqueue(now=opened(run, 3))
        services.follow_up_emails_enqueue(now=opened(run, 3) + timedelta(days=7))
        submit_follow_up(waiting, 3, now=opened(run, 3) + timedelta(days=8))
        assert self.emails() == [("month_3", "due"), ("month_3", "reminder")]
        services.follow_up_emails_enqueue(now=opened(run, 6))
        assert self.emails() == [
            ("month_3", "due"),
            ("month_3", "reminder"),
            ("month_6", "due"),
        ]

    def test_running_twice_or_concurrently_queues_each_email_once(self, waiting):
        run_command()
        run_command()
        assert self.emails() == [("month_6", "due")]
        assert len(mail.outbox) == 1
        # Another run of the command queued the reminder first: this one respects it.
        FollowUpEmail.objects.create(enrolment=waiting, wave="month_6", kind="reminder")
        services.follow_up_emails_enqueue(now=opened(waiting.course_run, 6) + timedelta(days=8))
        assert self.emails() == [("month_6", "due"), ("month_6", "reminder")]
        assert len(mail.outbox) == 1

    def test_the_task_checks_that_wave_again_at_send_time(self, waiting):
        email = FollowUpEmail.objects.create(enrolment=waiting, wave="month_6", kind="due")
        submit_follow_up(waiting, 3, now=opened(waiting.course_run, 3))
        assert follow_up_email_send.call(email.pk) is True  # month_3 says nothing of month_6
        submit_follow_up(waiting, 6)
        assert follow_up_email_send.call(email.pk) is False
        assert len(mail.outbox) == 1

    def test_the_command_reports_each_wave(self, waiting, other_trainee):
        with_baseline(factories.enrol(other_trainee, waiting.course_run))
        out = io.StringIO()
        call_command("send_follow_up_reminders", stdout=out)
        assert out.getvalue().splitlines() == [
            "6-month follow-up: 2 invitations and 0 reminders.",
            "Queued 2 follow-up invitations and 0 reminders.",
        ]


class TestTrainerViewOfWaves:
    def test_each_wave_has_its_window_counts_and_column(self, client, trainer, waves_run):
        run = waves_run
        both, invited, reminded, no_baseline = (
            factories.TraineeFactory(last_name=name) for name in ("Ash", "Birch", "Cedar", "Dale")
        )
        enrolments = {u: factories.enrol(u, run) for u in (both, invited, reminded, no_baseline)}
        for user in (both, invited, reminded):
            with_baseline(enrolments[user])
        submit_follow_up(enrolments[both], 3, now=opened(run, 3))
        submit_follow_up(enrolments[both], 6)
        services.follow_up_emails_enqueue()
        FollowUpEmail.objects.create(
            enrolment=enrolments[reminded], wave="month_6", kind="reminder"
        )

        overview = selectors.follow_up_overview(run)
        counts = {item["wave"].name: item["counts"] for item in overview["waves"]}
        assert counts == {
            "month_3": {**NONE, "done": 1, "missed": 2, "no_baseline": 1},
            "month_6": {**NONE, "done": 1, "due": 1, "reminded": 1, "no_baseline": 1},
            "month_12": {**NONE, "not_due": 3, "no_baseline": 1},
        }

        client.force_login(trainer)
        html = client.get(reverse("assessments:trainer_follow_ups", args=[run.pk])).content.decode()
        for months in (3, 6, 12):
            window = follow_up_window(run, Wave(months))
            section = html[html.index(f'<h2 id="wave-month_{months}">') :].split("</section>")[0]
            # The page gives UK dates (a window opening late in the evening UTC in summer
            # opens the next day in the UK).
            opens, closes = map(timezone.localtime, (window.opens_at, window.closes_at))
            assert f"Opens on {opens:%-d %B %Y}, {months} months after" in section
            assert f"closes on {closes:%-d %B %Y}" in section
        six = html[html.index('<h2 id="wave-month_6">') :].split("</section>")[0]
        assert "Due: <strong>1</strong>" in six and "Reminded: <strong>1</strong>" in six
        assert "Done: <strong>1</strong>" in six and "No baseline: <strong>1</strong>" in six
        table = html[html.index('<div class="table-scroll"') :].split("</div>")[0]
        assert "<caption" in table
        assert re.findall(r'<th scope="col">([^<]+)</th>', table) == [
            "Trainee",
            "Baseline",
            "3-month follow-up",
            "6-month follow-up",
            "12-month follow-up",
        ]
        rows = {
            user: table[table.index(user.get_full_name()) :].split("</tr>")[0]
            for user in (both, invited, reminded, no_baseline)
        }
        assert re.findall(r'<strong class="nhsuk-tag[^"]*">([^<]+)', rows[both]) == ["Done"] * 2 + [
            "Not due yet"
        ]
        assert re.findall(r'<strong class="nhsuk-tag[^"]*">([^<]+)', rows[invited]) == [
            "Missed (closed)",
            "Due, invited",
            "Not due yet",
        ]
        assert "Reminded" in rows[reminded] and "No baseline" in rows[no_baseline]

    def test_query_count_does_not_grow_with_waves_or_trainees(
        self, client, trainer, waves_run, django_assert_max_num_queries
    ):
        for _ in range(10):
            with_baseline(factories.enrol(factories.TraineeFactory(), waves_run))
        services.follow_up_emails_enqueue()
        client.force_login(trainer)
        with django_assert_max_num_queries(FOLLOW_UPS_PAGE_QUERIES):
            client.get(reverse("assessments:trainer_follow_ups", args=[waves_run.pk]))
