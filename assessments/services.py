"""Writes for the questionnaires: consent, responses, certificates, reminders, deletion, import."""

from collections.abc import Collection
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format

from assessments.importing import (
    PROGRESS_EVERY,
    ImportPlan,
    Progress,
    RowError,
    decode,
    responses_file_check,
)
from assessments.models import (
    ITEM_CODES,
    Certificate,
    FollowUpEmail,
    Participant,
    Response,
    new_code,
)
from assessments.selectors import (
    REMINDER_AFTER,
    certificate_wave,
    current_instrument,
    follow_up_window,
    wave_window,
)
from assessments.signals import research_data_changed_on_commit
from assessments.tasks import follow_up_email_send
from assessments.validators import MESSAGES, InvalidAnswer, parse_rating, parse_years_experience
from courses.models import CourseIndexPage, CourseRunPage, Enrolment, FollowUpWave
from courses.selectors import enrolments_with_progress, is_mandatory_complete
from courses.services import schedule_follow_ups_add
from courses.waves import BASELINE, UnknownWaveError, Wave
from home.models import AuditEvent, HomePage
from home.services import audit_record

BASELINE_FIELDS = {"profession", "profession_other", "years_experience", "prior_training"}
BASELINE_FIELDS |= {"uses_resources"}
FOLLOW_UP_FIELDS = {"resource_use", "programme_feedback", "clinical_use"}
TEXT_MAX_LENGTH = 5000
CERTIFICATE_CODE_LENGTH = 12
IMPORT_BATCH = 1000
COHORT_SLUG_MAX = 100

# PostgreSQL cannot store NUL in text; the forms refuse it, and so must other callers.
NUL_MESSAGE = "{} contains a NUL character (\\x00); remove it."
RATING_MESSAGE = MESSAGES["form"]["rating"]


def participant_for_enrolment(enrolment: Enrolment) -> Participant | None:
    """The trainee's record on this run, or None before they have answered the consent question."""
    return Participant.objects.filter(enrolment=enrolment).first()


def _unused_participant_code() -> str:
    while True:
        code = new_code()
        if not Participant.objects.filter(code=code).exists():
            return code


@transaction.atomic
def consent_record(
    *, enrolment: Enrolment, consented: bool, now: datetime | None = None
) -> Participant:
    """Record the trainee's research-consent choice, creating their record on first answer.

    Every trainee who answers gets a record, so their chart and certificate work either way;
    only records with ``consented_at`` set are research records (see
    ``selectors.research_participants``). Saying no later withdraws consent.
    """
    now = now or timezone.now()
    participant = Participant.objects.select_for_update().filter(enrolment=enrolment).first()
    if participant is None:
        participant = Participant(
            enrolment=enrolment,
            course_run_id=enrolment.course_run_id,
            source=Participant.Source.PLATFORM,
            code=_unused_participant_code(),
        )
    if consented:
        participant.consented_at = participant.consented_at or now
    else:
        participant.consented_at = None
    # Uniqueness (one record per enrolment) is the database's job: a concurrent first answer
    # surfaces as the IntegrityError handled below, not as a validation error.
    participant.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError:
        # A concurrent first answer created the record; apply this answer to it.
        participant = Participant.objects.select_for_update().get(enrolment=enrolment)
        participant.consented_at = (participant.consented_at or now) if consented else None
        participant.save(update_fields=["consented_at"])
    research_data_changed_on_commit()
    return participant


def _clean_rating(value) -> int | None:
    try:
        return parse_rating(value)
    except InvalidAnswer as error:
        raise ValidationError(error.message("form")) from None


def clean_years_experience(value) -> Decimal:
    """Years supporting people with persistent pain: decimals allowed, 0 to 60, required."""
    try:
        years = parse_years_experience(value)
    except InvalidAnswer as error:
        raise ValidationError(error.message("form")) from None
    if years is None:
        raise ValidationError(MESSAGES["form"]["years_missing"])
    return years


def _clean_text(value, label: str) -> str:
    text = (value or "").strip()
    if "\x00" in text:
        raise ValidationError(NUL_MESSAGE.format(label))
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationError(f"{label} can be at most {TEXT_MAX_LENGTH} characters.")
    return text


def _clean_answers(wave: Wave, data: dict) -> dict:
    """Validate every answer, collecting one clear message per field."""
    allowed = set(ITEM_CODES) | (BASELINE_FIELDS if wave.is_baseline else FOLLOW_UP_FIELDS)
    unexpected = set(data) - allowed
    if unexpected:
        raise TypeError(f"Unexpected answers for the {wave} wave: {sorted(unexpected)}")

    cleaned: dict = {}
    errors: dict[str, list[str]] = {}

    def check(field, clean, *args):
        try:
            cleaned[field] = clean(data.get(field), *args)
        except ValidationError as error:
            errors[field] = error.messages

    for code in ITEM_CODES:
        check(code, _clean_rating)

    if wave.is_baseline:
        profession = data.get("profession") or ""
        if profession not in Response.Profession.values:
            errors["profession"] = ["Choose your profession from the list."]
        cleaned["profession"] = profession
        other = (data.get("profession_other") or "").strip()
        if profession == Response.Profession.OTHER and not other:
            errors["profession_other"] = ["Tell us your profession."]
        elif "\x00" in other:
            errors["profession_other"] = [NUL_MESSAGE.format("Your profession")]
        cleaned["profession_other"] = other[:200] if profession == Response.Profession.OTHER else ""
        check("years_experience", clean_years_experience)
        check("prior_training", _clean_text, "Prior training")
        uses = data.get("uses_resources")
        if not isinstance(uses, bool):
            errors["uses_resources"] = [
                "Tell us whether you currently use self-management resources for persistent pain."
            ]
        cleaned["uses_resources"] = uses
    else:
        resource_use = data.get("resource_use") or ""
        if resource_use not in Response.ResourceUse.values:
            errors["resource_use"] = [
                "Tell us whether you have used, or would use, the footstep resources with patients."
            ]
        cleaned["resource_use"] = resource_use
        check("programme_feedback", _clean_text, "Your comments on the programme")
        check("clinical_use", _clean_text, "How you use the training")

    if errors:
        raise ValidationError(errors)
    return cleaned


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def _check_window(*, enrolment: Enrolment, wave: Wave, existing: Response | None, now) -> None:
    label = wave.noun
    window = wave_window(enrolment.course_run, wave)
    state = window.state(now)
    if state == "open":
        return
    if existing is not None:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    f"You already submitted the {label} questionnaire and it has now closed, "
                    "so your answers can no longer be changed."
                ]
            }
        )
    if state == "closed":
        message = f"The {label} questionnaire closed on {_when(window.closes_at)}."
    elif window.opens_at is not None:
        message = f"The {label} questionnaire opens on {_when(window.opens_at)}."
    else:
        message = (
            f"The {label} questionnaire is not open yet: the course run has no mandatory "
            "workshops scheduled."
        )
    raise ValidationError({NON_FIELD_ERRORS: [message]})


def _second_submission_error(wave: Wave) -> ValidationError:
    return ValidationError(
        {
            NON_FIELD_ERRORS: [
                f"You have already submitted the {wave.noun} questionnaire; your first answers are "
                "kept. Open it again to review or correct them."
            ]
        }
    )


def _optional_sessions_attended(enrolment: Enrolment) -> int | None:
    row = enrolments_with_progress(Enrolment.objects.filter(pk=enrolment.pk)).first()
    return getattr(row, "optional_attended", None)


def response_submit(
    *,
    enrolment: Enrolment,
    wave: Wave | str,
    data: dict,
    now: datetime | None = None,
    revise: bool = False,
) -> Response:
    """Store the trainee's answers to one wave: create it, or correct it while the wave is open.

    ``revise`` says the trainee is correcting answers they can see (the review form); without
    it, an existing response is a second submission (a double-click, a second tab) and is
    refused, so exactly one response is stored. Raises ``ValidationError`` with a message per
    field; on any error nothing is saved.
    """
    try:
        wave = wave if isinstance(wave, Wave) else Wave.parse(wave)
    except UnknownWaveError:
        wave = None
    if wave not in enrolment.course_run.schedule:
        raise ValidationError({NON_FIELD_ERRORS: ["This course run has no such questionnaire."]})
    now = now or timezone.now()
    with transaction.atomic():
        # Locking the participant row serialises concurrent submissions by the same trainee.
        participant = Participant.objects.select_for_update().filter(enrolment=enrolment).first()
        if participant is None:
            raise ValidationError(
                {NON_FIELD_ERRORS: ["Answer the consent question before the questionnaire."]}
            )
        existing = Response.objects.filter(participant=participant, wave=wave.name).first()
        if existing is not None and not revise:
            raise _second_submission_error(wave)
        _check_window(enrolment=enrolment, wave=wave, existing=existing, now=now)
        if (
            not wave.is_baseline
            and not Response.objects.filter(participant=participant, wave=BASELINE.name).exists()
        ):
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        "There is no baseline questionnaire from you on this course run, so a "
                        "follow-up cannot be paired with it and is not recorded."
                    ]
                }
            )
        answers = _clean_answers(wave, data)

        response = existing or Response(
            participant=participant,
            wave=wave.name,
            instrument=current_instrument(),
            submitted_at=now,
        )
        for field, value in answers.items():
            setattr(response, field, value)
        response.updated_at = now
        if not wave.is_baseline:
            response.optional_sessions_attended = _optional_sessions_attended(enrolment)
        response.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                response.save()
        except IntegrityError:
            if Response.objects.filter(participant=participant, wave=wave.name).exists():
                raise _second_submission_error(wave) from None
            raise
    return response


def _unused_certificate_code() -> str:
    while True:
        code = new_code(CERTIFICATE_CODE_LENGTH)
        if not Certificate.objects.filter(verification_code=code).exists():
            return code


def certificate_missing(
    run: CourseRunPage, *, mandatory_completed: bool, answered: Collection[str]
) -> list[str]:
    """The certificate rule, in the words trainees read: what is still to do on ``run`` for
    someone who answered the waves named in ``answered``; an empty list means nothing."""
    reasons = []
    if not mandatory_completed:
        reasons.append("Attend both mandatory workshops.")
    wave = certificate_wave(run)
    if wave.name not in answered:
        reasons.append(f"Submit the {wave.noun} questionnaire.")
    return reasons


def certificate_eligibility(enrolment: Enrolment) -> list[str]:
    """Why a certificate cannot be issued yet; an empty list means it can."""
    answered = Response.objects.filter(participant__enrolment=enrolment).values_list(
        "wave", flat=True
    )
    return certificate_missing(
        enrolment.course_run,
        mandatory_completed=is_mandatory_complete(enrolment),
        answered=set(answered),
    )


@transaction.atomic
def certificate_issue(*, enrolment: Enrolment) -> Certificate:
    """Issue (once) the certificate of completion; the same one is returned on later calls."""
    enrolment = (
        Enrolment.objects.select_for_update()
        .select_related("user", "course_run")
        .get(pk=enrolment.pk)
    )
    existing = Certificate.objects.filter(enrolment=enrolment).first()
    if existing is not None:
        return existing
    reasons = certificate_eligibility(enrolment)
    if reasons:
        raise ValidationError(reasons)
    holder_name = enrolment.user.get_full_name().strip()
    if not holder_name:
        raise ValidationError("Add your name to your account: it is printed on the certificate.")
    certificate = Certificate(
        enrolment=enrolment,
        verification_code=_unused_certificate_code(),
        holder_name=holder_name,
        course_run_title=enrolment.course_run.title,
    )
    certificate.full_clean()
    certificate.save()
    return certificate


@transaction.atomic
def user_delete(*, user) -> dict[str, int]:
    """Apply the research-consent rule to a user's records before their account is deleted.

    A consenting participant keeps their responses, unlinked from the enrolment (so nothing
    leads back to the person), with the mandatory-part status frozen from attendance. Records
    without consent are deleted with their responses, and so are certificates (they carry
    the name). The account itself, its enrolments and the audit entry are left to the
    account deletion (``home.personal_data``), which calls this first.
    """
    progress = {
        row.pk: bool(row.mandatory_completed)
        for row in enrolments_with_progress(Enrolment.objects.filter(user=user))
    }
    kept = deleted = 0
    for participant in Participant.objects.select_for_update().filter(enrolment__user=user):
        if participant.has_consented:
            participant.mandatory_completed = progress.get(participant.enrolment_id, False)
            participant.enrolment = None
            participant.full_clean()
            participant.save(update_fields=["mandatory_completed", "enrolment"])
            kept += 1
        else:
            participant.delete()
            deleted += 1
    Certificate.objects.filter(enrolment__user=user).delete()
    research_data_changed_on_commit()
    return {"kept": kept, "deleted": deleted}


def follow_up_emails_enqueue(*, now: datetime | None = None) -> list[FollowUpEmail]:
    """Queue the follow-up emails that are due now; safe to run any number of times.

    While a follow-up wave of a run is open, a trainee with a baseline who has not answered
    that wave gets its "due" email, and the reminder a week after it. The unique constraint
    on (enrolment, wave, kind) makes each email happen once even if two runs of the command
    overlap; the task is enqueued in the same transaction as its row, so with the database
    backend both or neither are stored.
    """
    now = now or timezone.now()
    queued = []
    for run in CourseRunPage.objects.prefetch_related("follow_up_waves"):
        for wave in run.follow_ups:
            if follow_up_window(run, wave).is_open(now):
                queued += _wave_emails_enqueue(run=run, wave=wave, now=now)
    return queued


def _wave_emails_enqueue(*, run: CourseRunPage, wave: Wave, now: datetime) -> list[FollowUpEmail]:
    queued = []
    waiting = (
        Enrolment.objects.filter(course_run=run, participant__responses__wave=BASELINE.name)
        .exclude(participant__responses__wave=wave.name)
        .prefetch_related(
            Prefetch(
                "follow_up_emails",
                queryset=FollowUpEmail.objects.filter(wave=wave.name),
                to_attr="wave_emails",
            )
        )
    )
    for enrolment in waiting:
        sent = {email.kind: email.sent_at for email in enrolment.wave_emails}
        if FollowUpEmail.Kind.DUE not in sent:
            kind = FollowUpEmail.Kind.DUE
        elif (
            FollowUpEmail.Kind.REMINDER not in sent
            and sent[FollowUpEmail.Kind.DUE] + REMINDER_AFTER <= now
        ):
            kind = FollowUpEmail.Kind.REMINDER
        else:
            continue
        try:
            with transaction.atomic():
                email = FollowUpEmail(enrolment=enrolment, wave=wave.name, kind=kind, sent_at=now)
                email.full_clean(validate_constraints=False)
                email.save()
                follow_up_email_send.enqueue(email.pk)
        except IntegrityError:
            continue  # another run of the command queued this email first
        queued.append(email)
    return queued


@transaction.atomic
def responses_import(
    *,
    content: bytes,
    cohort_slug: str,
    actor=None,
    filename: str = "",
    progress: Progress | None = None,
) -> ImportPlan:
    """Import a CSV of responses collected elsewhere into a course run, all or nothing.

    Checks the whole file first; if any line is wrong, nothing is written and the returned
    plan lists every error. Otherwise creates the course run if ``cohort_slug`` is new
    (under the course index), the participants (research records without an account,
    consented where the data was collected) and their responses.
    """
    plan = responses_import_check(content=content, cohort_slug=cohort_slug, progress=progress)
    if not plan.ok:
        return plan
    follow_up_months = [wave.months for wave in plan.waves if not wave.is_baseline]
    run = CourseRunPage.objects.filter(slug=cohort_slug).first()
    if run is None:
        run = _imported_run(cohort_slug, follow_up_months)
    else:
        schedule_follow_ups_add(run=run, months=follow_up_months, user=actor)
    now = timezone.now()
    instrument = current_instrument()
    participants = {
        p.code: p for p in Participant.objects.filter(code__in={row.code for row in plan.rows})
    }
    completed = plan.mandatory_completed
    new = []
    for row in plan.rows:
        participant = participants.get(row.code)
        if participant is None:
            participant = Participant(
                code=row.code,
                course_run=run,
                source=Participant.Source.IMPORT,
                consented_at=now,
                mandatory_completed=completed[row.code],
                created_at=now,
            )
            participant.full_clean(validate_unique=False, validate_constraints=False)
            participants[row.code] = participant
            new.append(participant)
    Participant.objects.bulk_create(new, batch_size=IMPORT_BATCH)
    new_codes = {participant.code for participant in new}
    # A later file states the latest status of participants imported before.
    for code, done in completed.items():
        participant = participants[code]
        if code not in new_codes and participant.mandatory_completed != done:
            participant.mandatory_completed = done
            participant.save(update_fields=["mandatory_completed"])

    responses = []
    for done, row in enumerate(plan.rows, start=1):
        response = Response(
            participant=participants[row.code],
            wave=row.wave,
            instrument=instrument,
            submitted_at=now,
            updated_at=now,
            profession=row.profession,
            profession_other=row.profession_other,
            years_experience=row.years_experience,
            **row.ratings,
        )
        response.full_clean(validate_unique=False, validate_constraints=False)
        responses.append(response)
        if progress and done % PROGRESS_EVERY == 0:
            progress(f"Prepared {done} of {len(plan.rows)} responses")
    Response.objects.bulk_create(responses, batch_size=IMPORT_BATCH)
    counts = plan.counts
    audit_record(
        actor=actor,
        action=AuditEvent.Action.IMPORT,
        summary=f"Imported {len(responses)} responses into {cohort_slug}",
        detail={
            "cohort": cohort_slug,
            "file": filename[:200],
            "course_run_created": not plan.cohort_exists,
            "participants_created": len(new),
            **{f"{wave}_responses": n for wave, n in counts.items()},
        },
    )
    research_data_changed_on_commit()
    return plan


def responses_import_check(
    *, content: bytes, cohort_slug: str, progress: Progress | None = None
) -> ImportPlan:
    """Check an import file without writing anything (the preview)."""
    try:
        validate_slug(cohort_slug)
    except ValidationError:
        plan = ImportPlan(cohort_slug=cohort_slug[:COHORT_SLUG_MAX])
        plan.errors.append(
            RowError(None, "--cohort", "Use lowercase letters, digits and hyphens, e.g. york-2021.")
        )
        return plan
    if len(cohort_slug) > COHORT_SLUG_MAX:
        # A new run's page would refuse it (slug and "<slug> (imported)" title, 255 at most).
        plan = ImportPlan(cohort_slug=cohort_slug[:COHORT_SLUG_MAX])
        plan.errors.append(
            RowError(None, "--cohort", f"Use at most {COHORT_SLUG_MAX} characters, e.g. york-2021.")
        )
        return plan
    run = CourseRunPage.objects.filter(slug=cohort_slug).first()
    try:
        text = decode(content)
    except UnicodeDecodeError:
        plan = ImportPlan(cohort_slug=cohort_slug, cohort_exists=run is not None)
        plan.errors.append(RowError(None, "", "The file is not UTF-8 text; save it as CSV UTF-8."))
        return plan
    plan = responses_file_check(
        text, cohort_slug=cohort_slug, course_run_id=run.pk if run else None, progress=progress
    )
    return plan


def _course_index() -> CourseIndexPage:
    """The course index a fresh site lacks until someone creates it (as ``load_demo`` does)."""
    index = CourseIndexPage(title="Course runs", slug="courses")
    HomePage.objects.get().add_child(instance=index)
    return index


def _imported_run(slug: str, follow_up_months: list[int]) -> CourseRunPage:
    index = CourseIndexPage.objects.first() or _course_index()
    run = CourseRunPage(
        title=f"{slug} (imported)",
        slug=slug,
        network="Imported responses",
        enrolment_open=False,
    )
    # The file's waves are the run's schedule (a file of baselines only gets the default).
    run.follow_up_waves = [FollowUpWave(months=months) for months in follow_up_months]
    index.add_child(instance=run)
    return run
