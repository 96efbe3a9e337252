"""The demo's synthetic questionnaire cohorts, made through the same services as real use.

Two cohorts of made-up trainees: forty on the past run (a 3-month follow-up) and sixty on
the longitudinal run (3-, 6- and 12-month follow-ups). Consent (most say yes), attendance
(some miss a workshop, so they did not complete the mandatory part), a baseline before the
first workshop and follow-ups with higher confidence; a few statements are left blank. On
the longitudinal run fewer answer each later wave, some skip one and come back, and part of
the 3-month gain fades by 12 months. Every random choice comes from one seeded generator
per cohort, drawn in full before anything is written, so the cohorts are the same on every
machine and a second run adds nothing.

The demo trainee also gets answers: the past run's baseline, so a visitor can fill in its
3-month follow-up (open now) and download the certificate; and the 6-month run's baseline
and 3-month follow-up, so a visitor can fill in its 6-month follow-up (open now).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import TRAINEE
from assessments.models import ITEM_CODES, Response
from assessments.selectors import follow_up_window, participant_for_enrolment
from assessments.services import consent_record, response_submit
from courses.models import CourseRunPage, Enrolment, FootstepModulePage
from courses.services import attendance_mark, module_completion_set
from courses.waves import BASELINE, Wave
from demo.loaders import (
    LONGITUDINAL_RUN,
    PAST_RUN,
    SIX_MONTH_RUN,
    TRAINEE_ACCOUNT,
    TRAINER_ACCOUNT,
    RunPlan,
    enrol,
    run_for,
    user_for,
)

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


def _names(count: int, shift: int) -> tuple[tuple[str, str], ...]:
    """``count`` different names; cohorts pair first and last names with different shifts,
    so no two synthetic trainees share an email address."""
    size = len(FIRST_NAMES)
    return tuple(
        (FIRST_NAMES[i % size], LAST_NAMES[(i + shift + i // size) % size]) for i in range(count)
    )


@dataclass(frozen=True)
class LaterWave:
    """A follow-up after the first: who answers it, and how much of the first gain is left."""

    p_answer: dict[bool, float]  # by whether they answered the follow-up before it
    gain_kept: tuple[float, float]  # mean and SD of the share of the first follow-up's gain


@dataclass(frozen=True)
class Cohort:
    """One run's synthetic trainees and the odds their answers are drawn with."""

    run: RunPlan
    seed: int
    names: tuple[tuple[str, str], ...]
    p_first_follow_up: dict[bool, float]  # by whether they completed the mandatory part
    later: dict[int, LaterWave]  # by months, for each follow-up after the first
    # Per statement. A footstep's score needs all its statements, so a cohort analysed over
    # four waves needs fewer blanks to leave people with a score at every wave.
    p_blank: float

    @property
    def follow_ups(self) -> list[Wave]:
        return [Wave(months) for months in self.run.follow_up_months]


# Drawn exactly as before runs had several waves, so an older demo database gains nothing.
PAST_COHORT = Cohort(
    PAST_RUN,
    seed=20230117,
    names=_names(40, 0),
    p_first_follow_up={True: 0.85, False: 0.4},
    later={},
    p_blank=0.04,
)
# About 75% answer at 3 months, 60% at 6 and 45% at 12 (the answers a study like this gets).
LONGITUDINAL_COHORT = Cohort(
    LONGITUDINAL_RUN,
    seed=20240739,
    names=_names(60, 11),
    p_first_follow_up={True: 0.8, False: 0.45},
    later={
        6: LaterWave(p_answer={True: 0.75, False: 0.15}, gain_kept=(0.85, 0.15)),
        12: LaterWave(p_answer={True: 0.68, False: 0.12}, gain_kept=(0.6, 0.2)),
    },
    p_blank=0.006,
)
COHORTS = [PAST_COHORT, LONGITUDINAL_COHORT]


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
    follow_ups: dict[str, dict]  # wave name -> answers, for the waves they answer
    answered_fraction: dict[str, float]  # wave name -> how far into its window they answer

    @property
    def email(self) -> str:
        return f"{self.first_name}.{self.last_name}".lower().replace("'", "") + f"@{EMAIL_DOMAIN}"


def _rating(rng: random.Random, level: float, p_blank: float) -> int | None:
    if rng.random() < p_blank:
        return None
    return min(5, max(1, round(rng.gauss(level, 0.55))))


def _follow_up_answers(rng: random.Random, level: float, p_blank: float) -> dict:
    answers = {code: _rating(rng, level, p_blank) for code in ITEM_CODES}
    answers.update(
        resource_use=rng.choices(["used", "would_use", "would_not"], [70, 25, 5])[0],
        programme_feedback=rng.choice(FEEDBACK),
        clinical_use=rng.choice(CLINICAL_USE),
    )
    return answers


def _plan(rng: random.Random, cohort: Cohort, first_name: str, last_name: str) -> TraineePlan:
    level = rng.gauss(2.7, 0.5)
    gain = rng.gauss(1.0, 0.4)
    both = rng.random() < P_BOTH_WORKSHOPS
    profession = rng.choices([p for p, _ in PROFESSIONS], [w for _, w in PROFESSIONS])[0]
    years = rng.choice([rng.uniform(0.02, 1), rng.uniform(1, 5), rng.uniform(5, 25)])
    baseline = {code: _rating(rng, level, cohort.p_blank) for code in ITEM_CODES}
    baseline.update(
        profession=profession,
        profession_other="Occupational therapist" if profession == "other" else "",
        years_experience=f"{years:.2f}",
        prior_training=rng.choice(["", "", "Pain management e-learning", "Health coaching"]),
        uses_resources=rng.random() < 0.3,
    )
    follow_ups = {}
    answered = None  # the follow-up before this one
    for wave in cohort.follow_ups:
        later = cohort.later.get(wave.months)
        p = cohort.p_first_follow_up[both] if later is None else later.p_answer[answered]
        answered = rng.random() < p
        if answered:
            kept = 1.0 if later is None else rng.gauss(*later.gain_kept)
            follow_ups[wave.name] = _follow_up_answers(rng, level + gain * kept, cohort.p_blank)
    return TraineePlan(
        first_name=first_name,
        last_name=last_name,
        consents=rng.random() < P_CONSENT,
        workshops_attended=2 if both else 1,
        optional_attended=rng.choice([0, 0, 1, 1, 2, 3]),
        baseline_days_before=rng.uniform(1, 12),
        baseline=baseline,
        follow_ups=follow_ups,
        answered_fraction={wave.name: rng.random() for wave in cohort.follow_ups},
    )


def cohort_plans(cohort: Cohort) -> list[TraineePlan]:
    rng = random.Random(cohort.seed)
    return [_plan(rng, cohort, first, last) for first, last in cohort.names]


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


def _answer(enrolment: Enrolment, wave: Wave, data: dict, when: datetime) -> bool:
    participant = participant_for_enrolment(enrolment)
    if participant.responses.filter(wave=wave.name).exists():
        return False
    response_submit(enrolment=enrolment, wave=wave, data=data, now=when)
    return True


def _in_window(run: CourseRunPage, wave: Wave, fraction: float) -> datetime:
    """A moment ``fraction`` of the way through the wave's window, or of the part that has
    passed if it is still open (the runs' dates are set on the day the demo is loaded)."""
    window = follow_up_window(run, wave)
    latest = min(timezone.now(), window.closes_at - timedelta(minutes=1))
    return window.opens_at + (latest - window.opens_at) * fraction


def _modules_marked(plan: TraineePlan) -> int:
    """How many footstep modules, from the first, the trainee marked done: drawn from their
    own generator, so the cohort's answers stay what they were before modules were marked."""
    return random.Random(plan.email).choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 10])


def _trainee(plan: TraineePlan, run: CourseRunPage, sessions: list, trainer) -> int:
    """Create what is missing for one trainee; returns how many responses were added."""
    enrolment = enrol(_user(plan), run)
    workshops = [s for s in sessions if s.is_mandatory]
    optional = [s for s in sessions if not s.is_mandatory and s.has_started]
    for session in workshops[: plan.workshops_attended] + optional[: plan.optional_attended]:
        attendance_mark(session=session, enrolment=enrolment, attended=True, marked_by=trainer)
    for module in FootstepModulePage.published()[: _modules_marked(plan)]:
        module_completion_set(user=enrolment.user, module=module, done=True)
    answered_at = workshops[0].starts_at - timedelta(days=plan.baseline_days_before)
    if participant_for_enrolment(enrolment) is None:
        consent_record(enrolment=enrolment, consented=plan.consents, now=answered_at)
    added = _answer(enrolment, BASELINE, plan.baseline, answered_at)
    for name, data in plan.follow_ups.items():
        wave = Wave.parse(name)
        when = _in_window(run, wave, plan.answered_fraction[name])
        added += _answer(enrolment, wave, data, when)
    return added


def load_cohort(cohort: Cohort) -> int:
    """Load one synthetic cohort (idempotent); returns how many responses were added."""
    run = run_for(cohort.run)
    sessions = run.sessions()
    trainer = user_for(TRAINER_ACCOUNT)
    return sum(_trainee(plan, run, sessions, trainer) for plan in cohort_plans(cohort))


DEMO_TRAINEE_BASELINE = {code: 3 for code in ITEM_CODES} | {
    "s4": 2,
    "s5": 2,
    "s14": 1,
    "s11": 4,
    "profession": Response.Profession.SOCIAL_PRESCRIBER,
    "profession_other": "",
    "years_experience": "1.5",
    "prior_training": "",
    "uses_resources": False,
}
# Higher on every footstep at 3 months; most of all on setbacks (footstep 10), the lowest.
DEMO_TRAINEE_3_MONTHS = {code: 4 for code in ITEM_CODES} | {
    "s4": 3,
    "s5": 3,
    "s14": 3,
    "s11": 5,
    "resource_use": "used",
    "programme_feedback": "The setback plan was the most useful part for me.",
    "clinical_use": "I go through pacing with most people in their first appointment.",
}
# The demo trainee's answers per run; the next follow-up of each is theirs to fill in.
DEMO_TRAINEE_ANSWERS = {
    PAST_RUN: {BASELINE: DEMO_TRAINEE_BASELINE},
    SIX_MONTH_RUN: {BASELINE: DEMO_TRAINEE_BASELINE, Wave(3): DEMO_TRAINEE_3_MONTHS},
}


def load_demo_trainee_answers() -> int:
    """The demo trainee's consent and answers on the runs they took; returns how many added."""
    trainee = user_for(TRAINEE_ACCOUNT)
    added = 0
    for plan, answers in DEMO_TRAINEE_ANSWERS.items():
        run = run_for(plan)
        enrolment = Enrolment.objects.get(user=trainee, course_run=run)
        baseline_at = run.sessions()[0].starts_at - timedelta(days=5)
        if participant_for_enrolment(enrolment) is None:
            consent_record(enrolment=enrolment, consented=True, now=baseline_at)
        for wave, data in answers.items():
            when = baseline_at if wave.is_baseline else _in_window(run, wave, 0.3)
            added += _answer(enrolment, wave, data, when)
    return added


def load_cohorts() -> str:
    """Load the synthetic cohorts and the demo trainee's answers; returns a one-line summary."""
    added = sum(load_cohort(cohort) for cohort in COHORTS)
    added += load_demo_trainee_answers()
    people = ", ".join(f"{len(c.names)} trainees on {c.run.title}" for c in COHORTS)
    return f"{people}, {added} responses added"
