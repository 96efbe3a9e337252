"""The instrument, pseudonymous research records, questionnaire responses and certificates."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from assessments.validators import (
    RATING_MAX,
    RATING_MIN,
    YEARS_EXPERIENCE_MAX,
    InvalidAnswer,
    parse_rating,
)
from courses import waves
from courses.models import CourseRunPage, Enrolment, Footstep

# A new run's page takes the slug and "<slug> (imported)" as its title (255 at most).
COURSE_RUN_SLUG_MAX = 100

# Codes avoid characters people confuse when reading them aloud or copying them: 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
ITEM_CODES = [f"s{i}" for i in range(1, 15)]


def new_code(length: int = 6) -> str:
    """A random code, not derived from anything about the person."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


class Instrument(models.Model):
    """A versioned questionnaire; wording may change between versions, item codes do not."""

    version = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=200)
    is_current = models.BooleanField(default=False)
    introduced_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="one_current_instrument",
            )
        ]

    def __str__(self):
        return f"{self.name} (v{self.version})"


class Statement(models.Model):
    """One confidence statement; its ``code`` names the rating column on Response."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="statements")
    code = models.CharField(max_length=4, choices=[(c, c) for c in ITEM_CODES])
    position = models.PositiveSmallIntegerField()
    footstep = models.ForeignKey(Footstep, on_delete=models.PROTECT, related_name="statements")
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["instrument", "position"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="one_statement_per_code"),
            models.UniqueConstraint(
                fields=["instrument", "position"], name="one_statement_per_position"
            ),
        ]

    def __str__(self):
        return f"{self.code}: {self.text}"


class Participant(models.Model):
    """The pseudonymous research record of one person on one course run.

    Responses hang off it; evaluators only ever see ``code``. A platform participant links
    to their enrolment until their account is deleted; an imported one never has a link.
    """

    class Source(models.TextChoices):
        PLATFORM = "platform", "Platform"
        IMPORT = "import", "Imported file"

    code = models.CharField(max_length=12, unique=True, default=new_code)
    course_run = models.ForeignKey(
        CourseRunPage, on_delete=models.PROTECT, related_name="participants"
    )
    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.SET_NULL, null=True, blank=True, related_name="participant"
    )
    source = models.CharField(max_length=10, choices=Source, default=Source.PLATFORM)
    consented_at = models.DateTimeField(
        null=True, blank=True, help_text="When they agreed to research use; blank = no consent."
    )
    # Set for imported records (from the file) and frozen when a consenting user is deleted;
    # otherwise the mandatory part is computed from attendance.
    mandatory_completed = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "research participant"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source="import") | models.Q(enrolment__isnull=True),
                name="imported_participant_has_no_enrolment",
            )
        ]

    def __str__(self):
        return self.code

    @property
    def has_consented(self) -> bool:
        return self.consented_at is not None


class Response(models.Model):
    """One questionnaire wave of one participant; the 14 ratings are columns s1…s14."""

    class Profession(models.TextChoices):
        SOCIAL_PRESCRIBER = "social_prescriber", "Social prescriber / link worker"
        WELLBEING_COACH = "wellbeing_coach", "Wellbeing coach"
        GENERAL_PRACTITIONER = "general_practitioner", "General practitioner"
        PHARMACIST = "pharmacist", "Pharmacist"
        PARAMEDIC = "paramedic", "Paramedic"
        OTHER = "other", "Other"

    class ResourceUse(models.TextChoices):
        USED = "used", "I have used them with patients"
        WOULD_USE = "would_use", "Not yet, but I would"
        WOULD_NOT = "would_not", "No, and I would not"

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="responses")
    wave = models.CharField(max_length=10, validators=[waves.validate_name])
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="responses")
    submitted_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    # Baseline background questions (blank on follow-up).
    profession = models.CharField(max_length=30, choices=Profession, blank=True)
    profession_other = models.CharField(max_length=200, blank=True)
    years_experience = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(YEARS_EXPERIENCE_MAX)],
    )
    prior_training = models.TextField(blank=True)
    uses_resources = models.BooleanField(
        null=True,
        blank=True,
        help_text="Uses self-management resources specific to persistent pain.",
    )

    # Follow-up questions (blank on baseline).
    resource_use = models.CharField(max_length=10, choices=ResourceUse, blank=True)
    programme_feedback = models.TextField(blank=True)
    clinical_use = models.TextField(blank=True)
    optional_sessions_attended = models.PositiveSmallIntegerField(null=True, blank=True)

    s1 = models.PositiveSmallIntegerField(null=True, blank=True)
    s2 = models.PositiveSmallIntegerField(null=True, blank=True)
    s3 = models.PositiveSmallIntegerField(null=True, blank=True)
    s4 = models.PositiveSmallIntegerField(null=True, blank=True)
    s5 = models.PositiveSmallIntegerField(null=True, blank=True)
    s6 = models.PositiveSmallIntegerField(null=True, blank=True)
    s7 = models.PositiveSmallIntegerField(null=True, blank=True)
    s8 = models.PositiveSmallIntegerField(null=True, blank=True)
    s9 = models.PositiveSmallIntegerField(null=True, blank=True)
    s10 = models.PositiveSmallIntegerField(null=True, blank=True)
    s11 = models.PositiveSmallIntegerField(null=True, blank=True)
    s12 = models.PositiveSmallIntegerField(null=True, blank=True)
    s13 = models.PositiveSmallIntegerField(null=True, blank=True)
    s14 = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["participant", "wave"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "wave"], name="one_response_per_wave"),
            models.CheckConstraint(condition=models.Q(wave__in=waves.NAMES), name="known_wave"),
            models.CheckConstraint(
                condition=models.Q(years_experience__isnull=True)
                | models.Q(years_experience__gte=0, years_experience__lte=YEARS_EXPERIENCE_MAX),
                name="years_experience_in_range",
            ),
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{c}__isnull": True})
                    | models.Q(**{f"{c}__gte": RATING_MIN, f"{c}__lte": RATING_MAX}),
                    name=f"rating_{c}_1_to_5",
                )
                for c in ITEM_CODES
            ],
        ]
        permissions = [("import_responses", "Can import questionnaire responses from a file")]

    def __str__(self):
        return f"{self.participant.code} {self.wave_value.title}"

    def clean(self):
        if self.profession == self.Profession.OTHER and not self.profession_other.strip():
            raise ValidationError({"profession_other": "Tell us your profession."})
        for code in ITEM_CODES:
            try:
                parse_rating(getattr(self, code))
            except InvalidAnswer as error:
                raise ValidationError({code: error.message("form")}) from None

    def ratings(self) -> list[int | None]:
        return [getattr(self, c) for c in ITEM_CODES]

    @property
    def wave_value(self) -> waves.Wave:
        return waves.Wave.parse(self.wave)


class Certificate(models.Model):
    """A certificate of completion; its code can be checked on a public page."""

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.SET_NULL, null=True, related_name="certificate"
    )
    verification_code = models.CharField(max_length=16, unique=True)
    holder_name = models.CharField(max_length=300)
    course_run_title = models.CharField(max_length=300)
    issued_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.verification_code} ({self.holder_name})"


class FollowUpEmail(models.Model):
    """A follow-up invitation or reminder sent; one of each kind per enrolment and wave."""

    class Kind(models.TextChoices):
        DUE = "due", "Follow-up due"
        REMINDER = "reminder", "Reminder"

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="follow_up_emails"
    )
    wave = models.CharField(max_length=10, validators=[waves.validate_name])
    kind = models.CharField(max_length=10, choices=Kind)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "wave", "kind"], name="one_follow_up_email_per_wave_and_kind"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.wave}) to {self.enrolment}"


class CertificateReadyEmail(models.Model):
    """The email saying a trainee's certificate can be downloaded: once per enrolment."""

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, related_name="certificate_ready_email"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Certificate ready email to {self.enrolment}"


class ImportJob(models.Model):
    """One admin import of a file: checked, then written, by the task worker.

    Upload -> CHECKING (the worker reads every row) -> CHECKED (the preview waits for the
    evaluator's confirmation) or FAILED (the errors) -> QUEUED -> RUNNING -> DONE or FAILED.
    No request reads the file's rows, so none takes long, whatever its size. The uploaded
    file waits in storage for the tasks (``remove_expired_imports`` deletes it after a day);
    the job keeps the progress, the preview and the result for its page.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", "Checking the file"
        CHECKED = "checked", "Checked, waiting for confirmation"
        QUEUED = "queued", "Waiting for the task worker"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Not imported"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    course_run_slug = models.CharField(max_length=COURSE_RUN_SLUG_MAX)
    filename = models.CharField(max_length=200)
    file = models.FileField(upload_to="imports/", blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.CHECKING)
    progress = models.CharField(max_length=200, blank=True)
    # What a clean file holds, for the confirmation: {"course_run_exists": bool,
    # "waves": [[wave name, responses], ...], "new_participants": n}.
    preview = models.JSONField(default=dict, blank=True)
    result = models.CharField(max_length=500, blank=True)
    # The first errors as {"line", "column", "message"}, and how many there were in all.
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return (
            f"Import of {self.filename} into {self.course_run_slug} ({self.get_status_display()})"
        )

    @property
    def succeeded(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def failed(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def finished(self) -> bool:
        return self.succeeded or self.failed

    @property
    def in_progress(self) -> bool:
        """The worker has it (or will): its page reloads itself until this is false."""
        return self.status in (self.Status.CHECKING, self.Status.QUEUED, self.Status.RUNNING)

    @property
    def preview_waves(self) -> list[tuple[waves.Wave, int]]:
        return [(waves.Wave.parse(name), n) for name, n in self.preview.get("waves", [])]

    @property
    def more_errors(self) -> int:
        return self.error_count - len(self.errors)


class QuestionnaireDraft(models.Model):
    """What a trainee has typed into a wave's questionnaire and not sent yet.

    Kept so nothing is lost between visits (a phone's session does not last); tied to the
    enrolment, so it goes with the account. Not research data: it is never read by the
    analysis, and it is deleted when the wave is sent. ``answers`` holds the form's raw values
    (field name -> text), checked again when they are sent.
    """

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="questionnaire_drafts"
    )
    wave = models.CharField(max_length=10, validators=[waves.validate_name])
    answers = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "wave"], name="one_draft_per_wave"),
            models.CheckConstraint(
                condition=models.Q(wave__in=waves.NAMES), name="draft_known_wave"
            ),
        ]

    def __str__(self):
        return f"Draft {self.wave} of {self.enrolment}"
