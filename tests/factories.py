"""Factories shared by every test module: users in each role and the course page tree."""

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import Page

from accounts.roles import EVALUATOR, TRAINEE, TRAINER
from assessments.models import Instrument, Participant, Response
from courses.models import (
    CourseIndexPage,
    CourseRunPage,
    Enrolment,
    FollowUpWave,
    FootstepLibraryPage,
    FootstepModulePage,
    QASessionPage,
    WorkshopPage,
)
from demo import mfa
from organisations.models import Organisation
from organisations.services import staff_access_set

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        _join_group(self, create, extracted)

    # Privileged users need an authenticator app to reach their pages (accounts.middleware):
    # superusers get one unless totp=False; trainer and evaluator factories default to True.
    totp = factory.PostGeneration(
        lambda user, create, extracted, **kwargs: _maybe_activate_totp(
            user, create, user.is_superuser if extracted is None else extracted
        )
    )


def _maybe_activate_totp(user, create: bool, wanted: bool) -> None:
    if create and wanted:
        activate_totp(user)


def activate_totp(user) -> str:
    """Give ``user`` an authenticator app and recovery codes, as allauth's set-up would."""
    secret = mfa.totp_new_secret()
    mfa.totp_activate(user, secret)
    mfa.recovery_codes_activate(user)
    return secret


def totp_code(user) -> str:
    """The code ``user``'s authenticator app shows now (for the real two-factor login)."""
    return mfa.totp_code(mfa.totp_secret(user))


def _with_totp(default: bool):
    return factory.PostGeneration(
        lambda user, create, extracted, **kwargs: _maybe_activate_totp(
            user, create, default if extracted is None else extracted
        )
    )


def _join_group(user, create: bool, group_name: str | None) -> None:
    if create and group_name:
        user.groups.add(Group.objects.get(name=group_name))


def _role_default(name: str):
    """A ``role`` post-generation hook defaulting to ``name`` (a plain attribute would
    replace the hook and be passed to the model as a field)."""
    return factory.PostGeneration(
        lambda user, create, extracted, **kwargs: _join_group(user, create, extracted or name)
    )


class TraineeFactory(UserFactory):
    role = _role_default(TRAINEE)


class TrainerFactory(UserFactory):
    role = _role_default(TRAINER)
    totp = _with_totp(True)


class EvaluatorFactory(UserFactory):
    role = _role_default(EVALUATOR)
    totp = _with_totp(True)


def home_page() -> Page:
    return Page.objects.get(depth=2).specific


def course_index() -> CourseIndexPage:
    index = CourseIndexPage.objects.first()
    if index is None:
        index = home_page().add_child(instance=CourseIndexPage(title="Courses", slug="courses"))
    return index


_run_counter = iter(range(1, 10**6))


def make_course_run(
    *,
    enrolment_open: bool = True,
    first_workshop_in_days: int = 14,
    with_sessions: bool = True,
    follow_up_months: tuple[int, ...] = (),
    **fields,
) -> CourseRunPage:
    """A published course run; with two workshops a fortnight apart and one Q&A by default.

    ``follow_up_months``: its follow-up waves (none given: the default 3-month one).
    """
    n = next(_run_counter)
    defaults = {"title": f"Course run {n}", "slug": f"course-run-{n}", "network": "Bristol PCN"}
    run = CourseRunPage(enrolment_open=enrolment_open, **{**defaults, **fields})
    run.follow_up_waves = [FollowUpWave(months=months) for months in follow_up_months]
    run = course_index().add_child(instance=run)
    if with_sessions:
        first = timezone.now() + timedelta(days=first_workshop_in_days)
        add_workshop(run, first, "Workshop 1")
        add_workshop(run, first + timedelta(days=14), "Workshop 2")
        add_qa_session(run, first + timedelta(days=42), "Q&A session 1")
    return run


def add_workshop(run: CourseRunPage, starts_at, title: str) -> WorkshopPage:
    return run.add_child(
        instance=WorkshopPage(
            title=title, starts_at=starts_at, joining_url="https://meet.example.org/ws"
        )
    )


def add_qa_session(run: CourseRunPage, starts_at, title: str) -> QASessionPage:
    return run.add_child(instance=QASessionPage(title=title, starts_at=starts_at))


def workshops(run: CourseRunPage) -> list[WorkshopPage]:
    return list(WorkshopPage.objects.child_of(run).order_by("starts_at"))


def enrol(user, run: CourseRunPage) -> Enrolment:
    return Enrolment.objects.create(user=user, course_run=run)


def footstep_library() -> FootstepLibraryPage:
    library = FootstepLibraryPage.objects.first()
    if library is None:
        library = home_page().add_child(
            instance=FootstepLibraryPage(title="The ten footsteps", slug="footsteps")
        )
    return library


def make_module(footstep, **fields) -> FootstepModulePage:
    defaults = {
        "title": footstep.title,
        "slug": f"footstep-{footstep.number}",
        "summary": footstep.description,
    }
    return footstep_library().add_child(
        instance=FootstepModulePage(footstep=footstep, **{**defaults, **fields})
    )


def make_participant(run: CourseRunPage, *, consented: bool = True, **fields) -> Participant:
    """A research record on ``run``; imported (no enrolment) unless ``enrolment`` is given."""
    if "enrolment" in fields:
        fields.setdefault("source", Participant.Source.PLATFORM)
    else:
        fields.setdefault("source", Participant.Source.IMPORT)
        fields.setdefault("mandatory_completed", True)
    return Participant.objects.create(
        course_run=run, consented_at=timezone.now() if consented else None, **fields
    )


def make_response(participant: Participant, wave: str, ratings=(3,) * 14, **fields) -> Response:
    """One questionnaire wave; ``ratings`` are s1..s14 (None = unanswered)."""
    items = {f"s{i}": value for i, value in enumerate(ratings, start=1)}
    return Response.objects.create(
        participant=participant,
        wave=wave,
        instrument=Instrument.objects.get(is_current=True),
        **items,
        **fields,
    )


def organisation(name: str, kind: str = Organisation.Kind.ICB, parent=None) -> Organisation:
    """An organisation at the top of the tree, or under ``parent``."""
    node = Organisation(name=name, kind=kind)
    return parent.add_child(instance=node) if parent else Organisation.add_root(instance=node)


def limit_to(user, *organisations: Organisation):
    """Limit a member of staff to these organisations (and what is under them)."""
    staff_access_set(user=user, organisations=organisations)
    user.__dict__.pop("_organisation_paths", None)
    return user
