"""Demo content, one idempotent loader per step; ``load_demo`` calls them in order.

Each loader creates what is missing and leaves what exists alone, so running the command
twice changes nothing (and never overwrites what someone edited in the admin). Enrolment and
attendance go through courses.services like any other caller. Another app can add its own
step (e.g. a questionnaire cohort) in its own module and list it in the command.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify
from wagtail.documents import get_document_model
from wagtail.models import Collection, GroupPagePermission, Page, Site

from accounts.roles import EVALUATOR, TRAINEE, TRAINER
from courses.models import (
    CourseIndexPage,
    CourseRunPage,
    Enrolment,
    FollowUpWave,
    Footstep,
    FootstepLibraryPage,
    FootstepModulePage,
    QASessionPage,
    WaitingListEntry,
    WorkshopPage,
)
from courses.selectors import run_places
from courses.services import attendance_mark, enrolment_create, waiting_list_join
from demo import content
from demo.documents import setback_plan_pdf
from demo.mfa import demo_authenticator
from home.models import HomePage, ProgrammeSettings

SITE_HOSTNAME, SITE_PORT = "127.0.0.1", 8000


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    first_name: str
    last_name: str
    group: str | None
    superuser: bool = False
    # Privileged roles must use two-factor authentication; these get the demo authenticator.
    authenticator: bool = False
    # Staff limited to these organisations (demo.organisations.ORGANISATIONS' names).
    organisations: tuple[str, ...] | None = None


# The README lists these passwords; they are for the demo only.
TRAINEE_ACCOUNT = Account(
    "trainee@demo.tenfootsteps.org", "footsteps-trainee", "Alex", "Morgan", TRAINEE
)
TRAINER_ACCOUNT = Account(
    "trainer@demo.tenfootsteps.org",
    "footsteps-trainer",
    "Priya",
    "Shah",
    TRAINER,
    authenticator=True,
)
EVALUATOR_ACCOUNT = Account(
    "evaluator@demo.tenfootsteps.org",
    "footsteps-evaluator",
    "Evan",
    "Lowe",
    EVALUATOR,
    authenticator=True,
)
# A second evaluator, to double-code free-text answers blind (demo/qualitative.py).
SECOND_EVALUATOR_ACCOUNT = Account(
    "evaluator2@demo.tenfootsteps.org",
    "footsteps-evaluator2",
    "Nadia",
    "Okafor",
    EVALUATOR,
    authenticator=True,
)
ADMIN_ACCOUNT = Account(
    "admin@demo.tenfootsteps.org",
    "footsteps-admin",
    "Site",
    "Administrator",
    None,
    superuser=True,
    authenticator=True,
)
# Staff limited to one organisation each (REDCap's data access groups): they see only its runs.
NORTH_EAST_TRAINER_ACCOUNT = Account(
    "trainer.northeast@demo.tenfootsteps.org",
    "footsteps-trainer-ne",
    "Tom",
    "Reid",
    TRAINER,
    authenticator=True,
    organisations=("North East and North Cumbria ICB",),
)
SOUTH_YORKSHIRE_EVALUATOR_ACCOUNT = Account(
    "evaluator.southyorkshire@demo.tenfootsteps.org",
    "footsteps-evaluator-sy",
    "Sara",
    "Khan",
    EVALUATOR,
    authenticator=True,
    organisations=("South Yorkshire ICB",),
)
ACCOUNTS = [
    TRAINEE_ACCOUNT,
    TRAINER_ACCOUNT,
    EVALUATOR_ACCOUNT,
    SECOND_EVALUATOR_ACCOUNT,
    ADMIN_ACCOUNT,
    NORTH_EAST_TRAINER_ACCOUNT,
    SOUTH_YORKSHIRE_EVALUATOR_ACCOUNT,
]


@dataclass(frozen=True)
class RunPlan:
    slug: str
    title: str
    network: str
    first_workshop_in_days: int
    organisation: str = ""  # a name in demo.organisations.ORGANISATIONS
    follow_up_months: tuple[int, ...] = (3,)
    # Optional Q&A sessions the demo trainee attended, on the runs they took.
    demo_trainee_optional: int | None = None
    places: int | None = None
    minimum_enrolments: int | None = None


# Dates count from the day the demo is loaded, so each run is in the same state whenever
# that is. The open run starts in about two weeks; the past run's workshops were about
# three months ago, so its 3-month follow-up is due now.
OPEN_RUN = RunPlan(
    "bristol-cohort",
    "Bristol cohort",
    "Bristol, North Somerset and South Gloucestershire",
    organisation="Bristol, North Somerset and South Gloucestershire ICB",
    first_workshop_in_days=14,
    # Nobody else enrolled two weeks before it starts: trainers see it flagged.
    minimum_enrolments=8,
)
# A full run with a waiting list, three weeks out: the demo trainee can join the list.
FULL_RUN = RunPlan(
    "exeter-cohort",
    "Exeter cohort",
    "Devon integrated care board",
    organisation="Devon ICB",
    first_workshop_in_days=21,
    places=6,
    minimum_enrolments=4,
)
FULL_RUN_ENROLLED = 6
FULL_RUN_WAITING = 3
PAST_RUN = RunPlan(
    "tyneside-cohort",
    "Tyneside cohort",
    "Newcastle and Gateshead social prescribing network",
    organisation="North East and North Cumbria ICB",
    first_workshop_in_days=-109,
    demo_trainee_optional=1,
)
# A longitudinal run: the last workshop was 12 months and about six weeks ago, so its 3-, 6-
# and 12-month follow-ups have all opened and closed and its cohort's answers are complete.
LONGITUDINAL_RUN = RunPlan(
    "sheffield-cohort",
    "Sheffield cohort",
    "Sheffield and Rotherham social prescribing network",
    organisation="South Yorkshire ICB",
    first_workshop_in_days=-424,
    follow_up_months=(3, 6, 12),
)
# The last workshop was six months and about ten days ago: the 6-month follow-up opened a
# week or two ago (open for the default 28 days), for the demo trainee to answer.
SIX_MONTH_RUN = RunPlan(
    "leeds-cohort",
    "Leeds cohort",
    "Leeds primary care networks",
    organisation="Leeds training hub",
    first_workshop_in_days=-207,
    follow_up_months=(3, 6, 12),
    demo_trainee_optional=2,
)
RUNS = [OPEN_RUN, PAST_RUN, LONGITUDINAL_RUN, SIX_MONTH_RUN, FULL_RUN]
WORKSHOP_GAP_DAYS = 14
QA_DAYS_AFTER_SECOND_WORKSHOP = (14, 35, 56)
WORKSHOP_FOOTSTEPS = [range(1, 6), range(6, 11)]


def user_for(account: Account):
    return get_user_model().objects.get(email__iexact=account.email)


# Accounts ---------------------------------------------------------------------------------


def load_accounts() -> str:
    """The demo accounts of the README, each with a verified email and its role.

    The trainer, evaluator and admin also get the demo authenticator app (demo.mfa).
    """
    created = sum(_account(account) for account in ACCOUNTS)
    return f"{created} created, {len(ACCOUNTS) - created} already there"


def _account(account: Account) -> bool:
    User = get_user_model()
    user = User.objects.filter(email__iexact=account.email).first()
    created = user is None
    if created:
        user = User(
            username=account.email,
            email=account.email,
            first_name=account.first_name,
            last_name=account.last_name,
            is_staff=account.superuser,
            is_superuser=account.superuser,
        )
        user.set_password(account.password)
        user.full_clean()
        user.save()
    elif not user.check_password(account.password):
        user.set_password(account.password)
        user.save(update_fields=["password"])
    address = EmailAddress.objects.filter(user=user, email__iexact=account.email).first()
    if address is None:
        EmailAddress.objects.create(user=user, email=account.email, verified=True, primary=True)
    elif not (address.verified and address.primary):
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])
    if account.group:
        user.groups.add(Group.objects.get(name=account.group))
    if account.authenticator:
        demo_authenticator(user)
    return created


# Site and pages ---------------------------------------------------------------------------


def _publish(parent: Page, page: Page) -> Page:
    """Add ``page`` under ``parent`` as a draft, then publish it, so it has a revision."""
    page.live = False
    parent.add_child(instance=page)
    page.save_revision(user=user_for(ADMIN_ACCOUNT), log_action=True).publish(
        user=user_for(ADMIN_ACCOUNT)
    )
    return page


def _child(parent: Page, model: type[Page], slug: str, **fields) -> Page:
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    return _publish(parent, model(slug=slug, **fields))


def load_site() -> str:
    """Serve the default site at 127.0.0.1:8000 and give the home page its welcome text."""
    home = HomePage.objects.get()
    site = Site.objects.get(is_default_site=True)
    if (site.hostname, site.port, site.root_page_id) != (SITE_HOSTNAME, SITE_PORT, home.pk):
        site.hostname, site.port, site.root_page = SITE_HOSTNAME, SITE_PORT, home
        site.full_clean()
        site.save()
    if home.intro != content.HOME_INTRO:
        home.intro = content.HOME_INTRO
        home.save_revision(user=user_for(ADMIN_ACCOUNT), log_action=True).publish(
            user=user_for(ADMIN_ACCOUNT)
        )
    # The policy pages (home 0008) name the organisation and its address from these.
    programme = ProgrammeSettings.for_site(site)
    if not programme.contact_email:
        programme.organisation_name = content.ORGANISATION_NAME
        programme.contact_email = content.CONTACT_EMAIL
        programme.full_clean()
        programme.save()
    return f"site at http://{SITE_HOSTNAME}:{SITE_PORT}/"


def setback_plan_document():
    """The demo's uploaded document resource: a PDF worksheet in the root collection."""
    Document = get_document_model()
    document = Document.objects.filter(title=content.SETBACK_PLAN_TITLE).first()
    if document is None:
        pdf = setback_plan_pdf()
        document = Document(
            title=content.SETBACK_PLAN_TITLE,
            collection=Collection.get_first_root_node(),
            uploaded_by_user=user_for(TRAINER_ACCOUNT),
            file=ContentFile(pdf, name="my-setback-plan.pdf"),
            file_size=len(pdf),
            file_hash=hashlib.sha1(pdf, usedforsecurity=False).hexdigest(),
        )
        document.full_clean()
        document.save()
    return document


def _module_body(number: int, document) -> str:
    """The module's StreamField body as raw JSON (blocks by name, resources as items)."""
    stream = []
    for kind, value in content.MODULES[number]["body"]:
        if kind == "resources":
            items = [{"type": "link", "value": link} for link in value]
            if number == content.SETBACK_PLAN_FOOTSTEP:
                items.insert(
                    0,
                    {
                        "type": "document",
                        "value": {
                            "document": document.pk,
                            "title": "",
                            "description": content.SETBACK_PLAN_DESCRIPTION,
                        },
                    },
                )
            value = {"heading": "Resources to share with patients", "items": items}
        stream.append({"type": kind, "value": value})
    return json.dumps(stream)


def load_library() -> str:
    """The footstep library with one published module per footstep."""
    library = _child(
        HomePage.objects.get(),
        FootstepLibraryPage,
        "footsteps",
        title="The ten footsteps",
        intro=content.LIBRARY_INTRO,
    )
    document = setback_plan_document()
    created = 0
    for footstep in Footstep.objects.order_by("number"):
        if FootstepModulePage.objects.filter(footstep=footstep).exists():
            continue
        _publish(
            library,
            FootstepModulePage(
                title=footstep.title,
                slug=slugify(footstep.title),
                footstep=footstep,
                summary=content.MODULES[footstep.number]["summary"],
                body=_module_body(footstep.number, document),
            ),
        )
        created += 1
    return f"{created} modules created"


# The course -------------------------------------------------------------------------------


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    """A UK wall-clock time ``day`` days from today."""
    date = timezone.localdate() + timedelta(days=day)
    return datetime.combine(date, time(hour, minute), tzinfo=timezone.get_current_timezone())


def _course_run(index: CourseIndexPage, plan: RunPlan) -> CourseRunPage:
    existing = CourseRunPage.objects.child_of(index).filter(slug=plan.slug).first()
    if existing is not None:
        return existing
    first = plan.first_workshop_in_days
    second = first + WORKSHOP_GAP_DAYS
    qa_days = [second + d for d in QA_DAYS_AFTER_SECOND_WORKSHOP]
    # Created open: its trainees enrol through the service; close_past_runs() closes it.
    run = CourseRunPage(
        title=plan.title,
        network=plan.network,
        intro=content.RUN_INTRO,
        enrolment_open=True,
        starts_on=_at(first, 9).date(),
        ends_on=_at(qa_days[-1], 9).date(),
        places=plan.places,
        minimum_enrolments=plan.minimum_enrolments,
    )
    run.follow_up_waves = [FollowUpWave(months=months) for months in plan.follow_up_months]
    _publish(index, run)
    for n, (day, footsteps) in enumerate(zip((first, second), WORKSHOP_FOOTSTEPS, strict=True), 1):
        workshop = WorkshopPage(
            title=f"Workshop {n}",
            slug=f"workshop-{n}",
            starts_at=_at(day, 9, 30),
            joining_url=f"https://meet.example.org/ten-footsteps-{plan.slug}-workshop-{n}",
            agenda=content.WORKSHOP_AGENDAS[n - 1],
        )
        workshop.footsteps = list(Footstep.objects.filter(number__in=footsteps))
        _publish(run, workshop)
    for n, day in enumerate(qa_days, 1):
        _publish(
            run,
            QASessionPage(
                title=f"Q&A session {n}",
                slug=f"qa-session-{n}",
                starts_at=_at(day, 13),
                joining_url=f"https://meet.example.org/ten-footsteps-{plan.slug}-qa-{n}",
                agenda=content.QA_AGENDA,
            ),
        )
    return run


def course_index() -> CourseIndexPage:
    return _child(
        HomePage.objects.get(),
        CourseIndexPage,
        "courses",
        title="Course runs",
        intro=content.COURSE_INDEX_INTRO,
    )


def load_course() -> str:
    """The course index with an open run (first workshop in ~2 weeks) and three past runs."""
    index = course_index()
    runs = [_course_run(index, plan) for plan in RUNS]
    return ", ".join(f"{run.title} ({len(run.sessions())} sessions)" for run in runs)


def run_for(plan: RunPlan) -> CourseRunPage:
    return CourseRunPage.objects.get(slug=plan.slug)


def past_run() -> CourseRunPage:
    return run_for(PAST_RUN)


def enrol(user, run: CourseRunPage) -> Enrolment:
    """``user``'s enrolment on ``run``, made through the service if missing."""
    existing = Enrolment.objects.filter(user=user, course_run=run).first()
    if existing is not None:
        return existing
    if not run.enrolment_open:
        # An older demo database closed the run before this step existed; open it for the
        # loader only (close_past_runs, the last step of load_demo, closes it again).
        run.enrolment_open = True
        run.save(update_fields=["enrolment_open"])
    return enrolment_create(user=user, course_run=run)


def load_enrolments() -> str:
    """The demo trainee took the past run and the 6-month run: both workshops and some Q&As.

    They are not enrolled on the open run, so a visitor can try enrolling.
    """
    trainee, trainer = user_for(TRAINEE_ACCOUNT), user_for(TRAINER_ACCOUNT)
    done = []
    for plan in RUNS:
        if plan.demo_trainee_optional is None:
            continue
        run = run_for(plan)
        if Enrolment.objects.filter(user=trainee, course_run=run).exists():
            continue
        enrolment = enrol(trainee, run)
        sessions = run.sessions()
        workshops = [s for s in sessions if s.is_mandatory]
        optional = [s for s in sessions if not s.is_mandatory][: plan.demo_trainee_optional]
        for session in [*workshops, *optional]:
            attendance_mark(session=session, enrolment=enrolment, attended=True, marked_by=trainer)
        done.append(f"{run.title} ({len(workshops) + len(optional)} sessions attended)")
    return f"{trainee.email} on " + ", ".join(done) if done else "already enrolled"


def _placeholder_trainee(n: int):
    """A demo trainee who cannot sign in (no password), to fill the full run."""
    email = f"exeter-trainee-{n}@demo.tenfootsteps.org"
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(username=email, email=email, first_name="Exeter", last_name=f"Trainee {n}")
        user.set_unusable_password()
        user.full_clean()
        user.save()
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        user.groups.add(Group.objects.get(name=TRAINEE))
    return user


def load_waiting_list() -> str:
    """Fill the full run's places and put three more trainees on its waiting list, through
    the services (in the order they joined)."""
    run = run_for(FULL_RUN)
    for n in range(1, FULL_RUN_ENROLLED + FULL_RUN_WAITING + 1):
        user = _placeholder_trainee(n)
        if n <= FULL_RUN_ENROLLED:
            enrol(user, run)
        elif not WaitingListEntry.objects.filter(user=user, course_run=run).exists():
            waiting_list_join(user=user, course_run=run)
    places = run_places(run)
    return f"{run.title}: {places.enrolled} of {run.places} places taken, {places.waiting} waiting"


def close_past_runs() -> str:
    """Close enrolment on runs whose first session has passed (after everyone enrolled)."""
    now = timezone.now()
    closed = 0
    for run in CourseRunPage.objects.filter(enrolment_open=True):
        sessions = run.sessions()
        if sessions and sessions[0].starts_at < now:
            run.enrolment_open = False
            run.save_revision(user=user_for(ADMIN_ACCOUNT), log_action=True).publish(
                user=user_for(ADMIN_ACCOUNT)
            )
            closed += 1
    return f"{closed} closed"


# Permissions ------------------------------------------------------------------------------

TRAINER_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]


def grant_trainer_permissions() -> str:
    """Let trainers author the course and the modules in the Wagtail admin.

    Wagtail scopes page permissions to a place in the tree, and these places are made by
    the loaders above, so they are granted here rather than with the role group
    (accounts.roles, which also gives trainers their documents and images on every collection):
    trainers get add/change/publish on the course index and the footstep library, and so on
    every run, session and module under them.
    """
    group = Group.objects.get(name=TRAINER)
    added = 0
    home = HomePage.objects.get()
    pages = [
        *CourseIndexPage.objects.child_of(home),
        *FootstepLibraryPage.objects.child_of(home),
    ]
    for page in pages:
        for codename in TRAINER_PAGE_PERMISSIONS:
            permission = Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            )
            _, created = GroupPagePermission.objects.get_or_create(
                group=group, page=page, permission=permission
            )
            added += created
    return f"{added} page permissions added"
