"""Background tasks: the enrolment confirmation and session reminders, sent by the worker."""

from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django_tasks import task

from accounts.emails import email_send, public_url
from courses.calendar import run_calendar
from courses.models import Enrolment, SessionReminder
from courses.selectors import first_mandatory_workshop_start


def _name(user) -> str:
    return user.get_full_name().strip()


@task()
def enrolment_confirmation_send(enrolment_id: int) -> bool:
    """Confirm a new enrolment: the run's schedule, with one .ics holding all its sessions."""
    enrolment = (
        Enrolment.objects.select_related("user", "course_run").filter(pk=enrolment_id).first()
    )
    if enrolment is None:
        return False
    run = enrolment.course_run
    email_send(
        template="courses/email/enrolment_confirmed",
        to=enrolment.user.email,
        subject=f"You are enrolled on {run.title}",
        context={
            "name": _name(enrolment.user),
            "run": run,
            "sessions": run.sessions(),
            "first_workshop_at": first_mandatory_workshop_start(run),
            "dashboard_url": public_url(reverse("courses:dashboard")),
        },
        attachments=[
            (
                f"{slugify(run.title)}.ics",
                run_calendar(run, now=timezone.now()),
                "text/calendar",
            )
        ],
    )
    return True


@task()
def session_reminder_send(session_reminder_id: int) -> bool:
    """Remind one trainee of one session, with its joining link; skipped if they turned the
    reminders off, or the session was unpublished or has started, since it was queued."""
    reminder = (
        SessionReminder.objects.select_related(
            "enrolment__user", "enrolment__course_run", "enrolment__user__email_preference"
        )
        .filter(pk=session_reminder_id)
        .first()
    )
    if reminder is None:
        return False
    session = reminder.session.specific
    user = reminder.enrolment.user
    preference = getattr(user, "email_preference", None)
    if not session.live or session.has_started or (preference and not preference.session_reminders):
        return False
    starts = timezone.localtime(session.starts_at)
    days = (starts.date() - timezone.localdate()).days
    day = {0: "today", 1: "tomorrow"}.get(days, f"on {starts:%A} {starts.day} {starts:%B}")
    email_send(
        template="courses/email/session_reminder",
        to=user.email,
        subject=f"Reminder: {session.title} is {day} at {starts:%H:%M}",
        context={
            "name": _name(user),
            "run": reminder.enrolment.course_run,
            "session": session,
            "day": day,
            "session_url": public_url(session.get_url()),
        },
    )
    return True
