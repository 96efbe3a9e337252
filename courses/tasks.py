"""Background tasks: the enrolment confirmation, session reminders, offers of a place from a
waiting list and changes to sessions, sent by the worker."""

from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django_tasks import task

from accounts.emails import email_send, public_url
from courses.calendar import CANCEL, PUBLISH, ics_calendar, run_calendar, session_event
from courses.models import Enrolment, SessionChange, SessionReminder, WaitingListEntry
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
    if not reminder.enrolment.is_active or SessionChange.objects.filter(
        session=session, cancelled_at__isnull=False
    ):
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


@task()
def place_offered_email_send(entry_id: int) -> bool:
    """Tell the trainee a place is theirs to take until the deadline; skipped if the offer
    was answered (or ended) before the worker got to it."""
    entry = (
        WaitingListEntry.objects.select_related("user", "course_run")
        .filter(pk=entry_id, status=WaitingListEntry.Status.OFFERED)
        .first()
    )
    if entry is None:
        return False
    expires_at = timezone.localtime(entry.offer_expires_at)
    email_send(
        template="courses/email/place_offered",
        to=entry.user.email,
        subject=f"A place is free on {entry.course_run.title}: reply by {expires_at:%-d %B, %H:%M}",
        context={
            "name": _name(entry.user),
            "run": entry.course_run,
            "expires_at": expires_at,
            "offer_url": public_url(reverse("courses:place_offer", args=[entry.pk])),
        },
    )
    return True


@task()
def session_change_email_send(change_id: int, enrolment_id: int, sequence: int) -> bool:
    """Tell one enrolled trainee a session moved or was cancelled, with the calendar entry
    that updates theirs. Skipped if a newer change superseded this one (its own email
    carries the latest calendar) or the trainee is no longer on the run."""
    change = SessionChange.objects.select_related("session").filter(pk=change_id).first()
    enrolment = (
        Enrolment.objects.active().select_related("user", "course_run").filter(pk=enrolment_id)
    ).first()
    if change is None or enrolment is None or change.sequence != sequence:
        return False
    session = change.session.specific
    run = enrolment.course_run
    event = session_event(session, run, change=change, with_link=True)
    method = CANCEL if change.is_cancelled else PUBLISH
    email_send(
        template=f"courses/email/session_{'cancelled' if change.is_cancelled else 'rescheduled'}",
        to=enrolment.user.email,
        subject=f"{'Cancelled' if change.is_cancelled else 'New time'}: {session.title} "
        f"({run.title})",
        context={
            "name": _name(enrolment.user),
            "session": session,
            "run": run,
            "starts_at": timezone.localtime(change.starts_at),
            "dashboard_url": public_url(reverse("courses:dashboard")),
        },
        attachments=[
            (
                "session.ics",
                ics_calendar([event], name=run.title, now=timezone.now(), method=method),
                f"text/calendar; method={method}; charset=utf-8",
            )
        ],
    )
    return True
