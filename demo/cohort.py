"""The demo's synthetic questionnaire cohort, made through the same services as real use.

Forty made-up trainees on the past run: consent (most say yes), attendance (some miss a
workshop, so they did not complete the mandatory part), a baseline before the first
workshop and, for most, a 3-month follow-up with higher confidence; a few statements are
left blank. Every random choice comes from one seeded generator, drawn in full before
anything is written, so the cohort is the same on every machine and a second run adds
nothing. The demo trainee also gets a baseline on the past run, so a visitor can fill in
its follow-up (open now) and download the certificate.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from assessments.models import ITEM_CODES, Response
from assessments.selectors import follow_up_window
from assessments.services import consent_record, participant_for_enrolment, response_submit
from courses.models import CourseRunPage, Enrolment
from courses.selectors import run_sessions
from courses.services import attendance_mark, enrolment_create
from demo.loaders import TRAINEE_ACCOUNT, TRAINER_ACCOUNT, past_run, user_for
from home.roles import TRAINEE

SEED = 20230117
EMAIL_DOMAIN = "cohort.demo.tenfootsteps.org"
FIRST_NAMES = [
    "Amara", "Ben", "Chloe", "Dev", "Ellie", "Farah", "George", "Hannah", "Imran", "Jess",
    "Kieran", "Leah", "Marcus", "Niamh", "Owen", "Priya", "Rory", "Sana", "Tom", "Uma",
    "Vikram", "Willow", "Yusuf", "Zara", "Aidan", "Bethan", "Callum", "Dina", "Ewan", "Fiona",
    "Gareth", "Holly", "Isaac", "Jade", "Kofi", "Lucy", "Mo", "Nadia", "Oscar", "Poppy",
]  # fmt: skip
LAST_NAMES = [
    "Adeyemi", "Baker", "Clarke", "Das", "Evans", "Fraser", "Green", "Hughes", "Iqbal",
    "Jones", "Khan", "Lewis", "Murphy", "Nolan", "Owusu", "Patel", "Quinn", "Roberts", "Singh",
    "Taylor", "Usman", "Vaughan", "Walsh", "Young", "Ahmed", "Brown", "Cooper", "Doyle",
    "Ellis", "Foster", "Gill", "Hart", "Ince", "Jackson", "Kelly", "Lloyd", "Mills", "Nash",
    "O'Brien", "Price",
]  # fmt: skip
PROFESSIONS = [
    (Response.Profession.SOCIAL_PRESCRIBER, 58),
    (Response.Profession.WELLBEING_COACH, 30),
    (Response.Profession.GENERAL_PRACTITIONER, 5),
    (Response.Profession.PHARMACIST, 3),
    (Response.Profession.PARAMEDIC, 2),
    (Response.Profession.OTHER, 2),
]
FEEDBACK = [
    "Clear and practical; the lived-experience trainer made it real.",
    "Useful resources. The second workshop felt rushed.",
    "I liked pacing and setbacks most; more on sleep would help.",
    "Good balance of theory and practice.",
    "",
]
CLINICAL_USE = [
    "I share the pacing and setback plan sheets in most first appointments.",
    "I use the footsteps to structure conversations about goals.",
    "I point people to the relaxation resources and the pain toolkit.",
    "",
]
P_CONSENT = 0.9
P_BOTH_WORKSHOPS = 0.85
P_FOLLOW_UP = {True: 0.85, False: 0.4}  # by whether they completed the mandatory part
P_BLANK = 0.04


@dataclass(frozen=True)
class TraineePlan:
    """Everything random about one synthetic trainee, drawn before anything is saved."""

    first_name: str
    last_name: str
    consents: bool
    workshops_attended: int
    optional_attended: int
    baseline_days_before: float
    baseline: dict
    follow_up: dict | None
    follow_up_fraction: float

    @property
    def email(self) -> str:
        return f"{self.first_name}.{self.last_name}".lower().replace("'", "") + f"@{EMAIL_DOMAIN}"


def _rating(rng: random.Random, level: float) -> int | None:
    if rng.random() < P_BLANK:
        return None
    return min(5, max(1, round(rng.gauss(level, 0.55))))


def _plan(rng: random.Random, first_name: str, last_name: str) -> TraineePlan:
    level = rng.gauss(2.7, 0.5)
    gain = rng.gauss(1.0, 0.4)
    both = rng.random() < P_BOTH_WORKSHOPS
    profession = rng.choices([p for p, _ in PROFESSIONS], [w for _, w in PROFESSIONS])[0]
    years = rng.choice([rng.uniform(0.02, 1), rng.uniform(1, 5), rng.uniform(5, 25)])
    baseline = {code: _rating(rng, level) for code in ITEM_CODES}
    baseline.update(
        profession=profession,
        profession_other="Occupational therapist" if profession == "other" else "",
        years_experience=f"{years:.2f}",
        prior_training=rng.choice(["", "", "Pain management e-learning", "Health coaching"]),
        uses_resources=rng.random() < 0.3,
    )
    follow_up = None
    if rng.random() < P_FOLLOW_UP[both]:
        follow_up = {code: _rating(rng, level + gain) for code in ITEM_CODES}
        follow_up.update(
            resource_use=rng.choices(["used", "would_use", "would_not"], [70, 25, 5])[0],
            programme_feedback=rng.choice(FEEDBACK),
            clinical_use=rng.choice(CLINICAL_USE),
        )
    return TraineePlan(
        first_name=first_name,
        last_name=last_name,
        consents=rng.random() < P_CONSENT,
        workshops_attended=2 if both else 1,
        optional_attended=rng.choice([0, 0, 1, 1, 2, 3]),
        baseline_days_before=rng.uniform(1, 12),
        baseline=baseline,
        follow_up=follow_up,
        follow_up_fraction=rng.random(),
    )


def cohort_plans() -> list[TraineePlan]:
    rng = random.Random(SEED)
    return [_plan(rng, first, last) for first, last in zip(FIRST_NAMES, LAST_NAMES, strict=True)]


def _user(plan: TraineePlan):
    User = get_user_model()
    user = User.objects.filter(email__iexact=plan.email).first()
    if user is None:
        user = User(
            username=plan.email,
            email=plan.email,
            first_name=plan.first_name,
            last_name=plan.last_name,
        )
        user.set_unusable_password()
        user.full_clean()
        user.save()
        EmailAddress.objects.create(user=user, email=plan.email, verified=True, primary=True)
        user.groups.add(Group.objects.get(name=TRAINEE))
    return user


def _enrolment(user, run: CourseRunPage) -> Enrolment:
    existing = Enrolment.objects.filter(user=user, course_run=run).first()
    if existing is not None:
        return existing
    if not run.enrolment_open:
        # An older demo database closed the run before this step existed; open it for the
        # loader only (close_past_runs, the next step of load_demo, closes it again).
        run.enrolment_open = True
        run.save(update_fields=["enrolment_open"])
    return enrolment_create(user=user, course_run=run)


def _answer(enrolment: Enrolment, wave: str, data: dict, when: datetime) -> bool:
    participant = participant_for_enrolment(enrolment)
    if participant.responses.filter(wave=wave).exists():
        return False
    response_submit(enrolment=enrolment, wave=wave, data=data, now=when)
    return True


def _trainee(plan: TraineePlan, run: CourseRunPage, sessions: list, trainer) -> int:
    """Create what is missing for one trainee; returns how many responses were added."""
    enrolment = _enrolment(_user(plan), run)
    workshops = [s for s in sessions if s.is_mandatory]
    optional = [s for s in sessions if not s.is_mandatory and s.has_started]
    for session in workshops[: plan.workshops_attended] + optional[: plan.optional_attended]:
        attendance_mark(session=session, enrolment=enrolment, attended=True, marked_by=trainer)
    answered_at = workshops[0].starts_at - timedelta(days=plan.baseline_days_before)
    if participant_for_enrolment(enrolment) is None:
        consent_record(enrolment=enrolment, consented=plan.consents, now=answered_at)
    added = _answer(enrolment, Response.Wave.BASELINE, plan.baseline, answered_at)
    if plan.follow_up is not None:
        # Inside the window even when the demo database is older than the window.
        window = follow_up_window(run)
        latest = min(timezone.now(), window.closes_at - timedelta(minutes=1))
        when = window.opens_at + (latest - window.opens_at) * plan.follow_up_fraction
        added += _answer(enrolment, Response.Wave.FOLLOW_UP, plan.follow_up, when)
    return added


def _demo_trainee_baseline(run: CourseRunPage, sessions: list) -> bool:
    """The demo trainee answered the past run's baseline, so its follow-up is theirs to do."""
    enrolment = Enrolment.objects.get(user=user_for(TRAINEE_ACCOUNT), course_run=run)
    answered_at = sessions[0].starts_at - timedelta(days=5)
    if participant_for_enrolment(enrolment) is None:
        consent_record(enrolment=enrolment, consented=True, now=answered_at)
    data = {code: 3 for code in ITEM_CODES} | {"s4": 2, "s5": 2, "s14": 1, "s11": 4}
    data.update(
        profession=Response.Profession.SOCIAL_PRESCRIBER,
        profession_other="",
        years_experience="1.5",
        prior_training="",
        uses_resources=False,
    )
    return _answer(enrolment, Response.Wave.BASELINE, data, answered_at)


def load_cohort() -> str:
    """Load the synthetic cohort on the past run (idempotent); returns a one-line summary."""
    run = past_run()
    sessions = run_sessions(run)
    trainer = user_for(TRAINER_ACCOUNT)
    plans = cohort_plans()
    added = sum(_trainee(plan, run, sessions, trainer) for plan in plans)
    added += _demo_trainee_baseline(run, sessions)
    return f"{len(plans)} trainees on {run.title}, {added} responses added"
