"""Background tasks: follow-up emails are sent by the task worker, not in a request."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from assessments.models import FollowUpEmail, Response
from assessments.selectors import follow_up_window
from home.adapters import public_url


@task()
def follow_up_email_send(follow_up_email_id: int) -> bool:
    """Send one follow-up invitation or reminder; skipped if the trainee answered meanwhile."""
    email = (
        FollowUpEmail.objects.select_related("enrolment__user", "enrolment__course_run")
        .filter(pk=follow_up_email_id)
        .first()
    )
    if email is None:
        return False
    enrolment = email.enrolment
    if Response.objects.filter(
        participant__enrolment=enrolment, wave=Response.Wave.FOLLOW_UP
    ).exists():
        return False
    context = {
        "email": email,
        "name": enrolment.user.get_full_name() or enrolment.user.email,
        "run": enrolment.course_run,
        "window": follow_up_window(enrolment.course_run),
        "url": public_url(reverse("assessments:follow_up", args=[enrolment.pk])),
    }
    subject = (
        "Your Ten Footsteps 3-month follow-up is open"
        if email.kind == FollowUpEmail.Kind.DUE
        else "Reminder: your Ten Footsteps 3-month follow-up"
    )
    send_mail(
        subject,
        render_to_string("assessments/email/follow_up.txt", context),
        None,
        [enrolment.user.email],
    )
    return True
