"""Writes for the import of responses collected outside the platform: check, then commit.

A file is checked in Python (the rules of ``validators`` through ``importing``) and its codes
against the database in a few queries, then written in batches inside one transaction, so
100,000 participants take seconds and a bad row anywhere writes nothing.
The rows are not ``full_clean()``-ed one by one: that would cost foreign-key queries per
row, and every field has already been checked; database constraints still guard the rest.
They are written with ``bulk_insert`` (COPY on PostgreSQL, ``executemany`` on SQLite), not
``bulk_create``, whose per-value SQL compilation was most of the import's time (see there).
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.services import audit_record
from assessments.bulk_insert import bulk_insert
from assessments.importing import (
    LOOKUP_CHUNK,
    OPTIONAL_COLUMNS,
    ImportPlan,
    Progress,
    RowError,
    decode,
    existing_participants_check,
    responses_file_check,
)
from assessments.models import COURSE_RUN_SLUG_MAX, ITEM_CODES, Participant, Response
from assessments.selectors import current_instrument
from courses.models import CourseIndexPage, CourseRunPage, FollowUpWave
from courses.services import schedule_follow_ups_add
from home.models import HomePage

# Responses per bulk_insert call, and so per "Wrote … responses" progress line.
IMPORT_BATCH = 10_000
RESPONSE_FIELDS = [
    "participant_id",
    "wave",
    "instrument_id",
    "submitted_at",
    "updated_at",
    "profession",
    "profession_other",
    "years_experience",
    *ITEM_CODES,
    *OPTIONAL_COLUMNS,
]
PARTICIPANT_FIELDS = [
    "code",
    "course_run_id",
    "source",
    "consented_at",
    "mandatory_completed",
    "created_at",
]
CONCURRENT_IMPORT = (
    "Another import wrote some of these participant codes at the same time, so nothing was "
    "imported; check the file again."
)


def responses_import_check(
    *,
    content: bytes,
    course_run_slug: str,
    progress: Progress | None = None,
    error_limit: int | None = None,
    keep_rows: bool = False,
    check_database: bool = True,
) -> ImportPlan:
    """Check an import file without writing anything (the preview)."""
    try:
        validate_slug(course_run_slug)
    except ValidationError:
        plan = ImportPlan(course_run_slug=course_run_slug[:COURSE_RUN_SLUG_MAX])
        plan.add_error(
            RowError(
                None, "--course-run", "Use lowercase letters, digits and hyphens, e.g. york-2021."
            )
        )
        return plan
    if len(course_run_slug) > COURSE_RUN_SLUG_MAX:
        plan = ImportPlan(course_run_slug=course_run_slug[:COURSE_RUN_SLUG_MAX])
        plan.add_error(
            RowError(
                None,
                "--course-run",
                f"Use at most {COURSE_RUN_SLUG_MAX} characters, e.g. york-2021.",
            )
        )
        return plan
    run_id = CourseRunPage.objects.filter(slug=course_run_slug).values_list("pk", flat=True).first()
    try:
        text = decode(content)
    except UnicodeDecodeError:
        plan = ImportPlan(course_run_slug=course_run_slug, course_run_exists=run_id is not None)
        plan.add_error(RowError(None, "", "The file is not UTF-8 text; save it as CSV UTF-8."))
        return plan
    return responses_file_check(
        text,
        course_run_slug=course_run_slug,
        course_run_id=run_id,
        progress=progress,
        error_limit=error_limit,
        keep_rows=keep_rows,
        check_database=check_database,
    )


def responses_import(
    *,
    content: bytes,
    course_run_slug: str,
    actor=None,
    filename: str = "",
    progress: Progress | None = None,
    error_limit: int | None = None,
    audit_detail: dict | None = None,
) -> ImportPlan:
    """Import a CSV of responses collected elsewhere into a course run, all or nothing.

    Checks the whole file first; if any line is wrong, nothing is written and the returned
    plan lists the errors (the first ``error_limit`` of them, if given). Otherwise creates
    the course run if ``course_run_slug`` is new (under the course index), the participants
    (research records without an account, consented where the data was collected) and their
    responses. The file is read outside the transaction; its codes are checked against the
    database again inside it, just before the writes.
    """
    plan = responses_import_check(
        content=content,
        course_run_slug=course_run_slug,
        progress=progress,
        error_limit=error_limit,
        keep_rows=True,
        # The codes are checked against the database inside the transaction (_write); a
        # second pass out here would cost 40 queries of 5,000 codes at 100,000 participants.
        check_database=False,
    )
    if not plan.ok:
        if plan.first_lines:
            # Still list what the database says about the codes, as the preview does (not
            # when the file or the course run's name was refused before any row was read).
            run_id = CourseRunPage.objects.filter(slug=plan.course_run_slug).values_list(
                "pk", flat=True
            )
            existing_participants_check(plan, run_id.first())
        return plan
    try:
        with transaction.atomic():
            _write(
                plan,
                actor=actor,
                filename=filename,
                progress=progress,
                audit_detail=audit_detail or {},
            )
    except IntegrityError:
        # A unique code or wave written meanwhile by a concurrent import: all rolled back.
        plan.add_error(RowError(None, "", CONCURRENT_IMPORT))
    return plan


def _write(
    plan: ImportPlan, *, actor, filename: str, progress: Progress | None, audit_detail: dict
) -> None:
    run = CourseRunPage.objects.filter(slug=plan.course_run_slug).first()
    plan.course_run_exists = run is not None
    existing_participants_check(plan, run.pk if run else None)
    if not plan.ok:
        # The database changed since the file was read; the errors say how.
        return
    follow_up_months = [wave.months for wave in plan.waves if not wave.is_baseline]
    if run is None:
        run = _imported_run(plan.course_run_slug, follow_up_months)
    else:
        schedule_follow_ups_add(run=run, months=follow_up_months, user=actor)
    now = timezone.now()
    participant_ids = _participants_write(plan, run=run, now=now)
    instrument_id = current_instrument().pk
    total = len(plan.rows)
    for start in range(0, total, IMPORT_BATCH):
        bulk_insert(
            Response,
            RESPONSE_FIELDS,
            (
                (
                    participant_ids[row.code],
                    row.wave,
                    instrument_id,
                    now,
                    now,
                    row.profession,
                    row.profession_other,
                    row.years_experience,
                    *row.ratings.values(),
                    *(row.free_text.get(name, "") for name in OPTIONAL_COLUMNS),
                )
                for row in plan.rows[start : start + IMPORT_BATCH]
            ),
        )
        if progress:
            progress(f"Wrote {min(start + IMPORT_BATCH, total)} of {total} responses")
    audit_record(
        actor=actor,
        action=AuditEvent.Action.IMPORT,
        summary=f"Imported {total} responses into {plan.course_run_slug}",
        detail={
            "course_run": plan.course_run_slug,
            "file": filename[:200],
            "course_run_created": not plan.course_run_exists,
            "participants_created": plan.new_participants,
            **{f"{wave}_responses": n for wave, n in plan.counts.items()},
            **audit_detail,
        },
    )


def _participants_write(plan: ImportPlan, *, run: CourseRunPage, now) -> dict[str, int]:
    """Create the new participants; a later file states the latest status of earlier ones.

    The file's codes already in the database are this run's imported participants (checked
    inside the transaction just before), so the run's participants are all there is to read.
    """
    completed = plan.mandatory_completed
    ids: dict[str, int] = {}
    changed: dict[bool, list[int]] = {True: [], False: []}
    in_run = Participant.objects.filter(course_run_id=run.pk)
    for code, pk, done in in_run.values_list("code", "pk", "mandatory_completed"):
        if code in completed:
            ids[code] = pk
            if done != completed[code]:
                changed[completed[code]].append(pk)
    for done, pks in changed.items():
        for start in range(0, len(pks), LOOKUP_CHUNK):
            Participant.objects.filter(pk__in=pks[start : start + LOOKUP_CHUNK]).update(
                mandatory_completed=done
            )
    new = [code for code in completed if code not in ids]
    bulk_insert(
        Participant,
        PARTICIPANT_FIELDS,
        ((code, run.pk, Participant.Source.IMPORT, now, completed[code], now) for code in new),
    )
    if new:
        ids.update(in_run.filter(source=Participant.Source.IMPORT).values_list("code", "pk"))
    return ids


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
