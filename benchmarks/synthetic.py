"""Synthetic research data for the benchmarks: a course run and n participants.

Shared by ``bench_statistics.py`` and the load test's ``load/seed.py``; needs Django set up.
"""

import numpy as np
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from assessments.models import ITEM_CODES, Instrument, Participant, Response
from courses.models import Attendance, CourseIndexPage, CourseRunPage, Enrolment, WorkshopPage

ITEM_FOOTSTEPS = [1, 2, 3, 3, 4, 5, 6, 6, 6, 7, 8, 8, 9, 10]
PLATFORM_SHARE = 0.25  # the rest are imported records
BATCH = 5000


def clear_data() -> None:
    Response.objects.all().delete()
    Participant.objects.all().delete()
    Attendance.objects.all().delete()
    Enrolment.objects.all().delete()
    get_user_model().objects.filter(username__startswith="bench-").delete()


def course_run() -> tuple[CourseRunPage, list[WorkshopPage]]:
    run = CourseRunPage.objects.filter(slug="bench-run").first()
    if run is None:
        index = CourseIndexPage.objects.first()
        if index is None:
            from wagtail.models import Page

            index = Page.objects.get(depth=2).add_child(
                instance=CourseIndexPage(title="Courses", slug="courses")
            )
        run = index.add_child(
            instance=CourseRunPage(title="Benchmark run", slug="bench-run", network="Bench")
        )
        start = timezone.now()
        for number in (1, 2):
            run.add_child(
                instance=WorkshopPage(
                    title=f"Workshop {number}", starts_at=start + timezone.timedelta(days=number)
                )
            )
    return run, list(WorkshopPage.objects.child_of(run))


def generate(n: int, rng: np.random.Generator) -> None:
    """n participants: 80% answer both waves, 15% baseline only, 5% follow-up only."""
    clear_data()
    run, workshops = course_run()
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
    professions = np.array(Response.Profession.values)
    responses = []
    for wave, answers, shift in (
        (Response.Wave.BASELINE, pattern != 2, 0.0),
        (Response.Wave.FOLLOW_UP, pattern != 1, 1.0),
    ):
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
                if wave == Response.Wave.BASELINE
                else {"resource_use": "used", "optional_sessions_attended": int(rng.integers(0, 4))}
            )
            responses.append(
                Response(
                    participant=participants[i],
                    wave=wave,
                    instrument=instrument,
                    submitted_at=now,
                    updated_at=now,
                    **items,
                    **extra,
                )
            )
    Response.objects.bulk_create(responses, batch_size=BATCH)
