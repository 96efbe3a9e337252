"""Writes for the questionnaires: consent, responses, certificates, reminders, deletion."""

from datetime import datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format

from assessments.models import (
    ITEM_CODES,
    Certificate,
    CertificateReadyEmail,
    FollowUpEmail,
    Participant,
    QuestionnaireDraft,
    Response,
    new_code,
)
from assessments.selectors import (
    REMINDER_AFTER,
    WindowState,
    certificate_eligibility,
    certificate_wave,
    current_instrument,
    follow_up_window,
    optional_sessions_attended,
    wave_window,
)
from assessments.tasks import certificate_ready_email_send, follow_up_email_send
from assessments.validators import (
    MESSAGES,
    NUL_MESSAGE,
    TEXT_MAX_LENGTH,
    clean_rating,
    clean_text,
    clean_years_experience,
)
from courses.models import CourseRunPage, Enrolment
from courses.selectors import enrolments_with_progress
from courses.waves import BASELINE, UnknownWaveError, Wave

BASELINE_FIELDS = {"profession", "profession_other", "years_experience", "prior_training"}
BASELINE_FIELDS |= {"uses_resources"}
FOLLOW_UP_FIELDS = {"resource_use", "programme_feedback", "clinical_use"}
CERTIFICATE_CODE_LENGTH = 12


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
    return participant


def _clean_answers(wave: Wave, data: dict) -> dict:
    """Validate every answer the wave asks (the rules are in ``validators``), collecting one
    clear message per field."""
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
        check(code, clean_rating)
    if not errors and all(cleaned[code] is None for code in ITEM_CODES):
        errors[ITEM_CODES[0]] = [MESSAGES["form"]["all_blank"]]

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
        check("prior_training", clean_text, "Prior training")
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
        check("programme_feedback", clean_text, "Your comments on the programme")
        check("clinical_use", clean_text, "How you use the training")

    if errors:
        raise ValidationError(errors)
    return cleaned


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def _check_window(*, enrolment: Enrolment, wave: Wave, existing: Response | None, now) -> None:
    label = wave.noun
    window = wave_window(enrolment.course_run, wave)
    state = window.state(now)
    if state is WindowState.OPEN:
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
    if state is WindowState.CLOSED:
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
            response.optional_sessions_attended = optional_sessions_attended(enrolment)
        response.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                response.save()
        except IntegrityError:
            if Response.objects.filter(participant=participant, wave=wave.name).exists():
                raise _second_submission_error(wave) from None
            raise
        if existing is None and wave == certificate_wave(enrolment.course_run):
            certificate_ready_email_enqueue(enrolment=enrolment)
        # Sent: the draft has done its job (and must not outlive the answers it led to).
        QuestionnaireDraft.objects.filter(enrolment=enrolment, wave=wave.name).delete()
    return response


def _draft_value(value) -> str:
    # PostgreSQL's JSON cannot hold NUL; a draft is kept as typed otherwise, up to the
    # longest answer the questionnaire accepts.
    return str(value).replace("\x00", "")[:TEXT_MAX_LENGTH]


def questionnaire_draft_save(
    *, enrolment: Enrolment, wave: Wave, answers: dict[str, str], now: datetime | None = None
) -> QuestionnaireDraft:
    """Keep what the trainee has typed into a wave not sent yet, replacing the last draft.

    ``answers``: form field -> raw value (the form says which fields count). Raises
    ``ValidationError`` when there is nothing to draft for: no consent answer yet, the wave
    already sent (a late autosave after the send must not bring a draft back), or closed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # The lock that response_submit takes: a draft and the send it leads to never overlap.
        participant = Participant.objects.select_for_update().filter(enrolment=enrolment).first()
        if participant is None:
            raise ValidationError("Answer the consent question before the questionnaire.")
        if Response.objects.filter(participant=participant, wave=wave.name).exists():
            raise ValidationError(f"You have already sent the {wave.noun} questionnaire.")
        if not wave_window(enrolment.course_run, wave).state(now).is_open:
            raise ValidationError(f"The {wave.noun} questionnaire is not open.")
        draft = QuestionnaireDraft.objects.filter(enrolment=enrolment, wave=wave.name).first()
        draft = draft or QuestionnaireDraft(enrolment=enrolment, wave=wave.name)
        draft.answers = {
            str(field)[:50]: _draft_value(value) for field, value in answers.items() if value
        }
        draft.updated_at = now
        # Two tabs saving at once wait for each other on the participant's lock.
        draft.full_clean(validate_constraints=False)
        draft.save()
    return draft


def _unused_certificate_code() -> str:
    while True:
        code = new_code(CERTIFICATE_CODE_LENGTH)
        if not Certificate.objects.filter(verification_code=code).exists():
            return code


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


def certificate_ready_email_enqueue(*, enrolment: Enrolment) -> CertificateReadyEmail | None:
    """Queue the "certificate ready" email if the certificate has just become available.

    It becomes available when the trainee has attended both mandatory workshops and sent the
    run's first follow-up (``selectors.certificate_missing``). That moment is the follow-up's
    submission (``response_submit``), or, if the register is corrected afterwards, the
    attendance that completes the mandatory part (``courses.signals.attendance_added``). The
    row, one per enrolment, is the claim, so the email goes once, as for follow-up emails.
    """
    if certificate_eligibility(enrolment):
        return None
    try:
        with transaction.atomic():
            email = CertificateReadyEmail(enrolment=enrolment)
            email.full_clean(exclude=["enrolment"])
            email.save()
            certificate_ready_email_send.enqueue(email.pk)
    except IntegrityError:
        return None  # queued already
    return email


def certificate_ready_after_attendance(*, session, enrolment_ids, **kwargs) -> None:
    """Receiver of ``courses.signals.attendance_added``: only those who already sent the
    certificate's follow-up can have just become eligible (one query for the rest)."""
    if not enrolment_ids:
        return
    run = CourseRunPage.objects.get(path=session.run_path)
    for enrolment in Enrolment.objects.filter(
        pk__in=enrolment_ids,
        participant__responses__wave=certificate_wave(run).name,
        certificate_ready_email__isnull=True,
    ).select_related("course_run"):
        certificate_ready_email_enqueue(enrolment=enrolment)


@transaction.atomic
def research_records_anonymise(*, user) -> dict[str, int]:
    """Apply the research-consent rule to a user's records before their account is deleted.

    A consenting participant keeps their responses, unlinked from the enrolment (so nothing
    leads back to the person), with the mandatory-part status frozen from attendance. Records
    without consent are deleted with their responses, and so are certificates (they carry
    the name). The account itself, its enrolments and the audit entry are left to the
    account deletion (``accounts.personal_data``), which calls this first.
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
        Enrolment.objects.active()
        .filter(course_run=run, participant__responses__wave=BASELINE.name)
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
