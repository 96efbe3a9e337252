"""The qualitative strand: units of free text and interviews, the codebook, each coder's codings.

A unit is one free-text answer of one follow-up response (``programme_feedback`` or
``clinical_use``) or one interview transcript; evaluators read it only through
``qualitative.redaction``. Everything here follows its research record: deleting a
participant deletes their units, codings and transcripts (``on_delete=CASCADE``), while the
codebook and coders are protected from deletion while codings use them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from assessments.models import Participant, Response
from courses import waves


class Field(models.TextChoices):
    """What a unit is: the two follow-up free-text questions, or an interview."""

    PROGRAMME_FEEDBACK = "programme_feedback", "Programme feedback"
    CLINICAL_USE = "clinical_use", "How they use it in practice"
    INTERVIEW = "interview", "Interview"


FREE_TEXT_FIELDS = (Field.PROGRAMME_FEEDBACK, Field.CLINICAL_USE)


class Theme(models.Model):
    name = models.CharField(max_length=150, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Code(models.Model):
    """A code of the codebook; it is written ``Theme/Code`` in files, so names have no "/"."""

    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="codes")
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    example = models.TextField(blank=True)

    class Meta:
        ordering = ["theme__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "name"], name="one_code_name_per_theme"),
            models.CheckConstraint(condition=~Q(name__contains="/"), name="code_name_no_slash"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return f"{self.theme.name}/{self.name}"


class Coder(models.Model):
    """Who coded: a label (``A``, ``Coder 2``), never a person's name; a platform coder has a user.

    Codings imported from elsewhere carry only the label of the file.
    """

    label = models.CharField(max_length=50, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="qualitative_coder",
    )

    class Meta:
        ordering = ["label"]

    def __str__(self):
        return self.label


class Transcript(models.Model):
    """An interview transcript of one participant at one wave, uploaded by an evaluator.

    ``text`` is the transcript as uploaded; evaluators see it only redacted.
    """

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="transcripts"
    )
    wave = models.CharField(max_length=10, validators=[waves.validate_name])
    interviewed_on = models.DateField()
    interviewer = models.CharField(max_length=100)
    text = models.TextField()
    filename = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["participant", "wave"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "wave"], name="one_transcript_per_participant_and_wave"
            )
        ]

    def __str__(self):
        return f"Interview {self.participant.code} {self.wave}"


class Unit(models.Model):
    """One thing to code: a free-text answer of a response, or a transcript."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    wave = models.CharField(max_length=10, validators=[waves.validate_name])
    field = models.CharField(max_length=20, choices=Field)
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    transcript = models.OneToOneField(
        Transcript, on_delete=models.CASCADE, null=True, blank=True, related_name="unit"
    )

    class Meta:
        ordering = ["participant__code", "wave", "field"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "wave", "field"], name="one_unit_per_answer"
            ),
            models.CheckConstraint(
                condition=(
                    Q(field="interview", transcript__isnull=False, response__isnull=True)
                    | (~Q(field="interview") & Q(transcript__isnull=True, response__isnull=False))
                ),
                name="unit_has_its_source",
            ),
        ]

    def __str__(self):
        return f"{self.participant.code} {self.wave} {self.field}"

    @property
    def wave_title(self) -> str:
        return waves.Wave.parse(self.wave).title

    @property
    def raw_text(self) -> str:
        """The unredacted text: never show it to an evaluator (see ``redaction``)."""
        if self.transcript_id:
            return self.transcript.text
        return getattr(self.response, self.field)


class Redaction(models.Model):
    """A passage an evaluator marked for redaction in a unit (beyond the automatic ones).

    ``passage`` is text as evaluators see it (already automatically redacted); every
    occurrence of it in the unit becomes ``[redacted]`` on every page and in every export.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="redactions")
    passage = models.TextField()
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["unit", "marked_at"]

    def __str__(self):
        return f"Redaction in {self.unit}"


class Reading(models.Model):
    """One coder's reading of one unit: their codings, or "read, nothing to code".

    A unit counts as coded by a coder when their reading exists; ``finished_at`` is when
    they said they were done, which is what lifts the blindness of double coding.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="readings")
    coder = models.ForeignKey(Coder, on_delete=models.PROTECT, related_name="readings")
    nothing_to_code = models.BooleanField(default=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["unit", "coder"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "coder"], name="one_reading_per_coder")
        ]

    def __str__(self):
        return f"{self.coder} on {self.unit}"


class Coding(models.Model):
    """A code applied by one coder to a passage of a unit (no offsets: the whole unit).

    Offsets count characters of the redacted text; ``quote`` keeps that passage, so a quote
    stays right if the redacted text later changes.
    """

    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="codings")
    code = models.ForeignKey(Code, on_delete=models.PROTECT, related_name="codings")
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    quote = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reading", "start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True, end__isnull=True)
                | Q(start__isnull=False, end__isnull=False, end__gt=models.F("start")),
                name="coding_passage_is_a_range",
            )
        ]

    def __str__(self):
        return f"{self.code} ({self.reading})"


class Assignment(models.Model):
    """A unit given to a second coder for double coding (they code it blind)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="assignments")
    coder = models.ForeignKey(Coder, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["unit", "coder"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "coder"], name="one_assignment_per_coder")
        ]

    def __str__(self):
        return f"{self.unit} for {self.coder}"
