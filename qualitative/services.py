"""Writes of the qualitative strand; every change to the codebook and redactions is audited."""

from __future__ import annotations

import random
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.services import audit_record
from analytics.selectors import CourseRunRef
from assessments.models import Response
from assessments.selectors import research_participants
from courses.waves import BASELINE_NAME
from qualitative.models import (
    FREE_TEXT_FIELDS,
    Assignment,
    Code,
    Coder,
    Coding,
    Field,
    Reading,
    Redaction,
    Theme,
    Transcript,
    Unit,
)


def _audit(actor, summary: str, **detail) -> None:
    audit_record(actor=actor, action=AuditEvent.Action.QUALITATIVE, summary=summary, detail=detail)


@transaction.atomic
def units_sync(*, course_runs: Sequence[CourseRunRef] | None = None) -> int:
    """Create a unit for every follow-up free-text answer of a consenting participant that
    has none yet; how many were created. Safe to run any number of times."""
    responses = Response.objects.filter(participant__in=research_participants()).exclude(
        wave=BASELINE_NAME
    )
    if course_runs is not None:
        responses = responses.filter(participant__course_run_id__in=[r.id for r in course_runs])
    existing = set(Unit.objects.filter(response__in=responses).values_list("response_id", "field"))
    new = []
    rows = responses.values_list("pk", "participant_id", "wave", *FREE_TEXT_FIELDS)
    for pk, participant_id, wave, *texts in rows:
        for name, text in zip(FREE_TEXT_FIELDS, texts, strict=True):
            if text.strip() and (pk, name) not in existing:
                new.append(
                    Unit(participant_id=participant_id, wave=wave, field=name, response_id=pk)
                )
    Unit.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def coder_for_user(*, user) -> Coder:
    """The user's coder label, made on first use: "Coder N", never their name."""
    coder = Coder.objects.filter(user=user).first()
    if coder is not None:
        return coder
    n = Coder.objects.count() + 1
    while Coder.objects.filter(label=f"Coder {n}").exists():
        n += 1
    coder = Coder(label=f"Coder {n}", user=user)
    coder.full_clean()
    coder.save()
    return coder


# The codebook


@transaction.atomic
def theme_save(*, actor, name: str, description: str = "", theme: Theme | None = None) -> Theme:
    """Create a theme, or rename / describe one."""
    before = theme.name if theme else None
    theme = theme or Theme()
    theme.name, theme.description = name.strip(), description.strip()
    theme.full_clean()
    theme.save()
    if before is None:
        _audit(actor, f"Theme created: {theme.name}", theme=theme.name)
    else:
        _audit(actor, f"Theme changed: {theme.name}", theme=theme.name, was=before)
    return theme


@transaction.atomic
def code_save(
    *,
    actor,
    theme: Theme,
    name: str,
    description: str = "",
    example: str = "",
    code: Code | None = None,
) -> Code:
    """Create a code, or change its name, description, example or theme (its codings stay)."""
    before = code.label if code and code.pk else None
    code = code or Code()
    code.theme, code.name = theme, name.strip()
    code.description, code.example = description.strip(), example.strip()
    code.full_clean()
    code.save()
    if before is None:
        _audit(actor, f"Code created: {code.label}", code=code.label)
    else:
        _audit(actor, f"Code changed: {code.label}", code=code.label, was=before)
    return code


@transaction.atomic
def code_move(*, actor, code: Code, theme: Theme) -> Code:
    """Move a code to another theme; its codings go with it."""
    before = code.label
    code.theme = theme
    code.full_clean()
    code.save(update_fields=["theme"])
    _audit(actor, f"Code moved: {before} to {code.label}", code=code.label, was=before)
    return code


@transaction.atomic
def code_merge(*, actor, source: Code, target: Code) -> int:
    """Merge ``source`` into ``target``: its codings become ``target``'s; how many moved.

    A coder who had both codes on the same passage keeps one coding of it.
    """
    if source.pk == target.pk:
        raise ValidationError("A code cannot be merged into itself.")
    moved = 0
    kept = set(Coding.objects.filter(code=target).values_list("reading_id", "start", "end"))
    for coding in Coding.objects.filter(code=source):
        key = (coding.reading_id, coding.start, coding.end)
        if key in kept:
            coding.delete()
        else:
            kept.add(key)
            coding.code = target
            coding.save(update_fields=["code"])
            moved += 1
    label = source.label
    source.delete()
    _audit(
        actor,
        f"Code merged: {label} into {target.label}",
        code=target.label,
        merged=label,
        codings_moved=moved,
    )
    return moved


@transaction.atomic
def code_get_or_create(*, actor, label: str) -> Code:
    """The code written ``Theme/Code``, creating its theme and itself when new."""
    theme_name, _, name = label.partition("/")
    theme = Theme.objects.filter(name=theme_name.strip()).first()
    if theme is None:
        theme = theme_save(actor=actor, name=theme_name)
    code = Code.objects.filter(theme=theme, name=name.strip()).first()
    return code or code_save(actor=actor, theme=theme, name=name)


# Coding


def _reading(unit: Unit, coder: Coder) -> Reading:
    reading, _ = Reading.objects.get_or_create(unit=unit, coder=coder)
    return reading


@transaction.atomic
def coding_add(
    *, unit: Unit, coder: Coder, code: Code, start: int | None, end: int | None, text: str
) -> Coding:
    """Apply a code to a passage ``text[start:end]`` of the unit's redacted text (``text``);
    without offsets, to the whole unit."""
    if (start is None) != (end is None):
        raise ValidationError("Give both ends of the passage, or neither.")
    if start is not None and not 0 <= start < end <= len(text):
        raise ValidationError("The passage is not within the text.")
    reading = _reading(unit, coder)
    reading.nothing_to_code = False
    reading.save(update_fields=["nothing_to_code"])
    coding = Coding(
        reading=reading,
        code=code,
        start=start,
        end=end,
        quote=text[start:end] if start is not None else text,
    )
    coding.full_clean()
    coding.save()
    return coding


@transaction.atomic
def coding_remove(*, coding: Coding, coder: Coder) -> None:
    if coding.reading.coder_id != coder.pk:
        raise ValidationError("Only its coder can remove a coding.")
    coding.delete()


@transaction.atomic
def reading_nothing_to_code(*, unit: Unit, coder: Coder) -> Reading:
    """ "Read, nothing to code": the coder's codings of the unit go, the reading is finished."""
    reading = _reading(unit, coder)
    reading.codings.all().delete()
    reading.nothing_to_code = True
    reading.finished_at = timezone.now()
    reading.save(update_fields=["nothing_to_code", "finished_at"])
    return reading


@transaction.atomic
def reading_finish(*, unit: Unit, coder: Coder, finished: bool = True) -> Reading:
    """The coder is done with the unit (or takes it up again)."""
    reading = _reading(unit, coder)
    if finished and not reading.nothing_to_code and not reading.codings.exists():
        raise ValidationError("Apply a code, or mark the unit as read with nothing to code.")
    reading.finished_at = timezone.now() if finished else None
    reading.save(update_fields=["finished_at"])
    return reading


# Double coding


@transaction.atomic
def assignments_make(
    *, actor, coder: Coder, units: Sequence[Unit], share: float, seed: int | None = None
) -> list[Assignment]:
    """Give a share (0 to 1] of ``units`` that ``coder`` has not read to them, drawn at random."""
    if not 0 < share <= 1:
        raise ValidationError("The share is a fraction of the units, above 0 and at most 1.")
    read = set(Reading.objects.filter(coder=coder).values_list("unit_id", flat=True))
    assigned = set(Assignment.objects.filter(coder=coder).values_list("unit_id", flat=True))
    candidates = [u for u in units if u.pk not in read and u.pk not in assigned]
    chosen = random.Random(seed).sample(candidates, round(len(candidates) * share))  # noqa: S311
    made = Assignment.objects.bulk_create(
        [Assignment(unit=u, coder=coder, assigned_by=actor) for u in chosen]
    )
    _audit(actor, f"{len(made)} units given to {coder.label} for double coding", coder=coder.label)
    return made


# Transcripts and redactions


@transaction.atomic
def transcript_add(
    *, actor, participant, wave: str, interviewed_on, interviewer: str, text: str, filename: str
) -> Transcript:
    transcript = Transcript(
        participant=participant,
        wave=wave,
        interviewed_on=interviewed_on,
        interviewer=interviewer.strip(),
        text=text,
        filename=filename[:200],
        uploaded_by=actor,
    )
    transcript.full_clean()
    transcript.save()
    unit = Unit(participant=participant, wave=wave, field=Field.INTERVIEW, transcript=transcript)
    unit.full_clean()
    unit.save()
    _audit(
        actor,
        f"Interview transcript uploaded for {participant.code} ({wave})",
        participant=participant.code,
        wave=wave,
    )
    return transcript


@transaction.atomic
def redaction_mark(*, actor, unit: Unit, passage: str, text: str) -> Redaction:
    """Redact every occurrence of ``passage`` (as seen in ``text``, the unit's redacted text)."""
    if not passage.strip() or passage not in text:
        raise ValidationError("Select a passage of the text to redact.")
    redaction = Redaction(unit=unit, passage=passage, marked_by=actor)
    redaction.full_clean()
    redaction.save()
    # Quotes already taken from the passage lose it too.
    for coding in Coding.objects.filter(reading__unit=unit, quote__contains=passage):
        coding.quote = coding.quote.replace(passage, "[redacted]")
        coding.save(update_fields=["quote"])
    _audit(
        actor,
        f"Passage redacted in {unit.participant.code} {unit.wave} {unit.field}",
        unit=unit.pk,
        characters=len(passage),
    )
    return redaction
