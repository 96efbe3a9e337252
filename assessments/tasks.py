"""Background tasks: follow-up emails are sent by the task worker, not in a request."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from assessments.models import FollowUpEmail, Response
from assessments.selectors import certificate_wave, follow_up_window
from courses.waves import Wave
from home.adapters import public_url


@task()
def follow_up_email_send(follow_up_email_id: int) -> bool:
    """Send one follow-up invitation or reminder; skipped if the trainee answered that wave
    meanwhile (between queueing and now)."""
    email = (
        FollowUpEmail.objects.select_related("enrolment__user", "enrolment__course_run")
        .filter(pk=follow_up_email_id)
        .first()
    )
    if email is None:
        return False
    enrolment = email.enrolment
    if Response.objects.filter(participant__enrolment=enrolment, wave=email.wave).exists():
        return False
    run = enrolment.course_run
    wave = Wave.parse(email.wave)
    context = {
        "email": email,
        "wave": wave,
        "name": enrolment.user.get_full_name() or enrolment.user.email,
        "run": run,
        "window": follow_up_window(run, wave),
        "url": public_url(reverse("assessments:questionnaire", args=[enrolment.pk, wave.name])),
        "leads_to_certificate": wave == certificate_wave(run),
    }
    subject = (
        f"Your Ten Footsteps {wave.noun} questionnaire is open"
        if email.kind == FollowUpEmail.Kind.DUE
        else f"Reminder: your Ten Footsteps {wave.noun} questionnaire"
    )
    send_mail(
        subject,
        render_to_string("assessments/email/follow_up.txt", context),
        None,
        [enrolment.user.email],
    )
    return True
