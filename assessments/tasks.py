"""Background tasks: follow-up emails are sent by the task worker, not in a request."""

from django.urls import reverse
from django_tasks import task

from accounts.emails import email_send, public_url
from assessments.models import CertificateReadyEmail, FollowUpEmail, Response
from assessments.selectors import certificate_wave, follow_up_window
from courses.waves import Wave


@task()
def follow_up_email_send(follow_up_email_id: int) -> bool:
    """Send one follow-up invitation or reminder; skipped if the trainee answered that wave
    meanwhile (between queueing and now).

    Why no email goes twice, however many command runs and workers overlap: the claim is the
    ``FollowUpEmail`` row, unique on (enrolment, wave, kind), so a second run's insert waits
    for the first's transaction and then fails; this task is queued in that same transaction
    (django-tasks' database backend writes its row there), so no worker can see it before the
    claim commits, nor ever without it; and a worker takes a task with ``SELECT ... FOR UPDATE
    SKIP LOCKED`` and marks it running before it commits, so one queued task runs once.
    (``tests/deploy/test_two_servers.py`` runs two workers and two overlapping commands.)
    """
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
    email_send(
        template="assessments/email/follow_up",
        to=enrolment.user.email,
        subject=(
            f"Your {wave.noun} questionnaire is open"
            if email.kind == FollowUpEmail.Kind.DUE
            else f"Reminder: your {wave.noun} questionnaire"
        ),
        context={
            "email": email,
            "wave": wave,
            "name": enrolment.user.get_full_name().strip(),
            "run": run,
            "window": follow_up_window(run, wave),
            "url": public_url(reverse("assessments:questionnaire", args=[enrolment.pk, wave.name])),
            "leads_to_certificate": wave == certificate_wave(run),
        },
    )
    return True


@task()
def certificate_ready_email_send(certificate_ready_email_id: int) -> bool:
    """Tell a trainee their certificate can be downloaded (queued the moment it can)."""
    email = (
        CertificateReadyEmail.objects.select_related("enrolment__user", "enrolment__course_run")
        .filter(pk=certificate_ready_email_id)
        .first()
    )
    if email is None:
        return False
    enrolment = email.enrolment
    user = enrolment.user
    email_send(
        template="assessments/email/certificate_ready",
        to=user.email,
        subject="Your certificate is ready",
        context={
            "name": user.get_full_name().strip(),
            "run": enrolment.course_run,
            "wave": certificate_wave(enrolment.course_run),
            "certificate_url": public_url(reverse("assessments:certificate", args=[enrolment.pk])),
            "chart_url": public_url(reverse("assessments:chart", args=[enrolment.pk])),
        },
    )
    return True


IMPORT_ERRORS_SHOWN = 100
IMPORT_FAILED = (
    "The import stopped because of an unexpected error, so nothing was imported. Try again; "
    "if it happens again, tell the site's administrator."
)


@task()
def import_job_check(import_job_id: int) -> bool:
    """Check an uploaded admin import (``ImportJob``) as the preview, writing nothing.

    A clean file waits for the evaluator's confirmation with what it holds; a file with
    errors fails with the first ``IMPORT_ERRORS_SHOWN`` and its stored copy is deleted.
    """
    import logging

    from django.template.defaultfilters import pluralize
    from django.utils import timezone

    from assessments.import_services import responses_import_check
    from assessments.models import ImportJob

    job = ImportJob.objects.filter(pk=import_job_id, status=ImportJob.Status.CHECKING).first()
    if job is None:
        return False
    jobs = ImportJob.objects.filter(pk=job.pk)
    jobs.update(progress="Reading the file")
    try:
        with job.file.open("rb") as stored:
            content = stored.read()
        plan = responses_import_check(
            content=content,
            course_run_slug=job.course_run_slug,
            error_limit=IMPORT_ERRORS_SHOWN,
            progress=lambda message: jobs.update(progress=message[:200]),
        )
    except Exception:
        logging.getLogger(__name__).exception("Import check %s failed", job.pk)
        plan = None
    if plan is not None and plan.ok:
        jobs.update(
            status=ImportJob.Status.CHECKED,
            progress="",
            preview={
                "course_run_exists": plan.course_run_exists,
                "waves": [[wave.name, n] for wave, n in plan.wave_counts],
                "new_participants": plan.new_participants,
            },
        )
        return True
    # The file holds research data: nothing keeps it once it cannot be imported.
    job.file.delete(save=False)
    jobs.update(
        file="",
        status=ImportJob.Status.FAILED,
        progress="",
        result=(
            IMPORT_FAILED
            if plan is None
            else f"{plan.error_count} error{pluralize(plan.error_count)}: nothing was imported."
        ),
        errors=[] if plan is None else [vars(error) for error in plan.errors],
        error_count=0 if plan is None else plan.error_count,
        finished_at=timezone.now(),
    )
    return False


@task()
def import_job_run(import_job_id: int) -> bool:
    """Write a confirmed admin import (``ImportJob``), reporting progress on the job.

    All or nothing: the import's own transaction rolls back on any error, and an
    unexpected one ends the job with a clear message rather than an error page.
    """
    # Imported here so this block stays apart from the reminder task's imports above.
    import logging

    from django.template.defaultfilters import pluralize
    from django.utils import timezone

    from accounts.models import AuditEvent
    from accounts.services import audit_record
    from assessments.import_services import responses_import
    from assessments.models import ImportJob

    job = ImportJob.objects.filter(pk=import_job_id, status=ImportJob.Status.QUEUED).first()
    if job is None:
        return False
    jobs = ImportJob.objects.filter(pk=job.pk)
    jobs.update(status=ImportJob.Status.RUNNING, progress="Reading the file")
    try:
        with job.file.open("rb") as stored:
            content = stored.read()
        plan = responses_import(
            content=content,
            course_run_slug=job.course_run_slug,
            actor=job.user,
            filename=job.filename,
            progress=lambda message: jobs.update(progress=message[:200]),
            error_limit=IMPORT_ERRORS_SHOWN,
            audit_detail={"import_job": job.pk},
        )
    except Exception:
        logging.getLogger(__name__).exception("Import job %s failed", job.pk)
        jobs.update(
            status=ImportJob.Status.FAILED,
            result=IMPORT_FAILED,
            finished_at=timezone.now(),
        )
        audit_record(
            actor=job.user,
            action=AuditEvent.Action.IMPORT,
            summary=f"Import job #{job.pk} into {job.course_run_slug} failed; nothing was imported",
            detail={"import_job": job.pk, "course_run": job.course_run_slug, "file": job.filename},
        )
        return False
    jobs.update(
        status=ImportJob.Status.DONE if plan.ok else ImportJob.Status.FAILED,
        result=(
            f"Imported {plan.summary()} into {plan.course_run_slug}."
            if plan.ok
            else f"{plan.error_count} error{pluralize(plan.error_count)}: nothing was imported."
        ),
        errors=[vars(error) for error in plan.errors],
        error_count=plan.error_count,
        finished_at=timezone.now(),
    )
    return plan.ok
