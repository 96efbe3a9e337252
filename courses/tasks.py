"""Background tasks: the course's emails are sent by the task worker, not in a request."""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from accounts.adapters import public_url
from courses.calendar import CANCEL, PUBLISH, ics_calendar, session_event
from courses.models import Enrolment, SessionChange, WaitingListEntry


def _name(user) -> str:
    return user.get_full_name() or user.email


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
    context = {
        "name": _name(entry.user),
        "run": entry.course_run,
        "expires_at": timezone.localtime(entry.offer_expires_at),
        "url": public_url(reverse("courses:place_offer", args=[entry.pk])),
    }
    EmailMessage(
        f"A place is free on {entry.course_run.title}: reply by "
        f"{context['expires_at']:%-d %B, %H:%M}",
        render_to_string("courses/email/place_offered.txt", context),
        to=[entry.user.email],
    ).send()
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
    context = {
        "name": _name(enrolment.user),
        "session": session,
        "run": run,
        "change": change,
        "starts_at": timezone.localtime(change.starts_at),
        "url": public_url(reverse("courses:dashboard")),
    }
    template = "cancelled" if change.is_cancelled else "rescheduled"
    subject = (
        f"Cancelled: {session.title} ({run.title})"
        if change.is_cancelled
        else f"New time: {session.title} ({run.title})"
    )
    message = EmailMessage(
        subject,
        render_to_string(f"courses/email/session_{template}.txt", context),
        to=[enrolment.user.email],
    )
    message.attach(
        "session.ics",
        ics_calendar([event], name=run.title, now=timezone.now(), method=method),
        f"text/calendar; method={method}; charset=utf-8",
    )
    message.send()
    return True
