"""Synthetic research data for the benchmarks: a course run and n participants.

Shared by ``bench_statistics.py`` and the load test's ``load/seed.py``; needs Django set up.
"""

import numpy as np
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from assessments.models import ITEM_CODES, Instrument, Participant, Response
from courses.models import (
    Attendance,
    CourseIndexPage,
    CourseRunPage,
    Enrolment,
    FollowUpWave,
    WorkshopPage,
)
from courses.waves import BASELINE, Wave

ITEM_FOOTSTEPS = [1, 2, 3, 3, 4, 5, 6, 6, 6, 7, 8, 8, 9, 10]
PLATFORM_SHARE = 0.25  # the rest are imported records
BATCH = 5000
TWO_WAVES = (3,)
FOUR_WAVES = (3, 6, 12)
# Each follow-up after the first, by months: who answers it, by whether they answered the one
# before (so some skip a wave and come back), and the share of the 3-month gain left.
LATER_WAVES = {6: ({True: 0.8, False: 0.15}, 0.8), 12: ({True: 0.75, False: 0.1}, 0.6)}


def clear_data() -> None:
    Response.objects.all().delete()
    Participant.objects.all().delete()
    Attendance.objects.all().delete()
    Enrolment.objects.all().delete()
    get_user_model().objects.filter(username__startswith="bench-").delete()


def course_run(follow_up_months: tuple[int, ...]) -> tuple[CourseRunPage, list[WorkshopPage]]:
    """The benchmark's run for a schedule; each schedule has its own run, so a report on one
    never sees the other's waves."""
    slug = (
        "bench-run"
        if follow_up_months == TWO_WAVES
        else f"bench-run-{len(follow_up_months) + 1}-waves"
    )
    run = CourseRunPage.objects.filter(slug=slug).first()
    if run is None:
        index = CourseIndexPage.objects.first()
        if index is None:
            from wagtail.models import Page

            index = Page.objects.get(depth=2).add_child(
                instance=CourseIndexPage(title="Courses", slug="courses")
            )
        run = CourseRunPage(title=f"Benchmark run ({slug})", slug=slug, network="Bench")
        run.follow_up_waves = [FollowUpWave(months=months) for months in follow_up_months]
        index.add_child(instance=run)
        start = timezone.now()
        for number in (1, 2):
            run.add_child(
                instance=WorkshopPage(
                    title=f"Workshop {number}", starts_at=start + timezone.timedelta(days=number)
                )
            )
    return run, list(WorkshopPage.objects.child_of(run))


def generate(
    n: int, rng: np.random.Generator, follow_up_months: tuple[int, ...] = TWO_WAVES
) -> None:
    """n participants: 95% answer the baseline and 85% the 3-month follow-up (80% both).

    With ``FOUR_WAVES``, about 70% also answer at 6 months and 55% at 12, some of them after
    skipping the wave before; confidence rises at 3 months and partly falls back later.
    """
    clear_data()
    run, workshops = course_run(follow_up_months)
    instrument = Instrument.objects.get(is_current=True)
    now = timezone.now()
    on_platform = rng.random(n) < PLATFORM_SHARE
    completed = rng.random(n) < 0.9

    unusable = make_password(None)
    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(
                username=f"bench-{i}", email=f"bench-{i}@example.org", password=unusable
            )
            for i in np.flatnonzero(on_platform)
        ],
        batch_size=BATCH,
    )
    enrolments = Enrolment.objects.bulk_create(
        [Enrolment(user=user, course_run=run, enrolled_at=now) for user in users],
        batch_size=BATCH,
    )
    attended = completed[on_platform]
    Attendance.objects.bulk_create(
        [
            Attendance(enrolment=enrolment, session=workshop, marked_at=now)
            for enrolment, done in zip(enrolments, attended, strict=True)
            if done
            for workshop in workshops
        ],
        batch_size=BATCH,
    )
    enrolment_of = iter(enrolments)
    participants = Participant.objects.bulk_create(
        [
            Participant(
                code=f"B{i:07d}",
                course_run=run,
                enrolment=next(enrolment_of) if on_platform[i] else None,
                source=Participant.Source.PLATFORM if on_platform[i] else Participant.Source.IMPORT,
                consented_at=now,
                mandatory_completed=None if on_platform[i] else bool(completed[i]),
                created_at=now,
            )
            for i in range(n)
        ],
        batch_size=BATCH,
    )

    pattern = rng.choice(3, size=n, p=[0.8, 0.15, 0.05])
    level = rng.normal(3, 0.7, n)
    gain = rng.normal(0.45, 0.5, n)
    waves = [(BASELINE, pattern != 2, 0.0), (Wave(follow_up_months[0]), pattern != 1, 1.0)]
    for months in follow_up_months[1:]:
        p_answer, kept = LATER_WAVES[months]
        answered_before = waves[-1][1]
        p = np.where(answered_before, p_answer[True], p_answer[False])
        waves.append((Wave(months), rng.random(n) < p, kept))
    professions = np.array(Response.Profession.values)
    for wave, answers, shift in waves:
        rows = np.flatnonzero(answers)
        ratings = np.clip(
            np.rint(
                level[rows, None] + shift * gain[rows, None] + rng.normal(0, 0.6, (rows.size, 14))
            ),
            1,
            5,
        )
        ratings[rng.random(ratings.shape) < 0.02] = np.nan
        profession = rng.choice(professions[:-1], size=rows.size)
        years = np.round(rng.exponential(6, rows.size), 2).clip(0, 60)
        responses = []
        for k, i in enumerate(rows):
            items = {
                code: None if np.isnan(value) else int(value)
                for code, value in zip(ITEM_CODES, ratings[k], strict=True)
            }
            extra = (
                {
                    "profession": profession[k],
                    "years_experience": float(years[k]),
                    "uses_resources": bool(rng.random() < 0.3),
                }
                if wave.is_baseline
                else {"resource_use": "used", "optional_sessions_attended": int(rng.integers(0, 4))}
            )
            responses.append(
                Response(
                    participant=participants[i],
                    wave=wave.name,
                    instrument=instrument,
                    submitted_at=now,
                    updated_at=now,
                    **items,
                    **extra,
                )
            )
        # One wave at a time, so memory holds one wave's rows, not four.
        Response.objects.bulk_create(responses, batch_size=BATCH)
