"""Every URL the project defines x every role x GET/POST answers exactly as ACCESS says.

ACCESS is keyed by the route as written in the URLconfs. A project route without an entry,
or an entry without a route, fails ``test_every_project_url_has_an_access_entry`` /
``test_every_access_entry_names_a_url``, so a new URL cannot ship without a decision about
who may open it. A trainee's own objects answer 404 to everybody else, exactly like objects
that do not exist. Third-party URL groups (Wagtail admin, Django admin, allauth, Wagtail
pages) are checked by representative paths in GROUP.

The scenario is built once for the module inside a transaction that is rolled back at the
end; each test runs in a savepoint of it (pytest-django's ``db``), so POSTs change nothing
for the next test.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from analytics.models import DownloadJob
from assessments import services
from assessments.models import ITEM_CODES, Certificate, ImportJob
from courses.models import (
    Attendance,
    CourseRunPage,
    Enrolment,
    Footstep,
    FootstepModulePage,
    SessionPage,
    WaitingListEntry,
)
from qualitative import services as qualitative_services
from qualitative.models import Code, Theme, Unit
from tests import factories

PROJECT_MODULES = (
    "home.",
    "accounts.",
    "courses.",
    "assessments.",
    "analytics.",
    "qualitative.",
    "demo.",
    "config.",
)
# The restricted trainer and evaluator are limited to an organisation that is not the
# scenario run's: that run, its registers, follow-ups and statistics are not theirs.
ROLES = (
    "anonymous",
    "owner",
    "other_trainee",
    "trainer",
    "evaluator",
    "superuser",
    "restricted_trainer",
    "restricted_evaluator",
)
METHODS = ("get", "post")
MISSING_ID = 987654321

# Outcome classes for 302 responses; other outcomes are the status code itself.
LOGIN = "login"  # to allauth's sign-in page (the one login path)
ADMIN_LOGIN = "admin-login"  # to the admin's login URL, which forwards to allauth or says 403
ADMIN_DENIED = "admin-denied"  # Wagtail's refusal: back to the admin dashboard, with a message
MFA = "mfa"  # to setting up an authenticator app
REDIRECT = "redirect"  # anywhere else on the site


@dataclass(frozen=True)
class Scenario:
    run: CourseRunPage  # follow-up open now; two workshops (attended by the owner) and a Q&A
    own_run: CourseRunPage  # of the restricted trainer's and evaluator's organisation
    workshop: SessionPage
    enrolment: Enrolment  # the owner's: consented, baseline, follow-up, certificate
    other_enrolment: Enrolment  # the other trainee's, on the same run: consented only
    certificate: Certificate
    import_job: ImportJob  # started by the evaluator
    download_job: DownloadJob  # asked for by the evaluator, still queued
    module: FootstepModulePage
    unit: Unit  # the owner's 3-month programme feedback, as a unit to code
    code: Code  # in the codebook
    users: dict = field(repr=False)
    waiting_entry: WaitingListEntry | None = None  # the owner's, on a full run


def _none(s: Scenario) -> dict:
    return {}


def _own(s: Scenario) -> dict:
    return {"enrolment_id": s.enrolment.pk}


@dataclass(frozen=True)
class Entry:
    """Expected outcome per role (in ROLES order) for GET and POST (empty data)."""

    get: tuple
    post: tuple | None = None  # None: the same as GET
    kwargs: Callable[[Scenario], dict] = _none
    # For a trainee's own objects: kwargs naming an object that does not exist.
    missing: dict | None = None
    # For a course run's objects: the same, compared with what the restricted trainer gets.
    scoped: dict | None = None

    def expected(self, method: str) -> tuple:
        return self.get if method == "get" or self.post is None else self.post


EVERYONE_200 = (200,) * 8
SIGNED_IN_200 = (LOGIN, *(200,) * 7)
SIGNED_IN_405 = (LOGIN, *(405,) * 7)
OWNER_ONLY = (LOGIN, 200, *(404,) * 6)
TRAINERS = (LOGIN, 403, 403, 200, 403, 200, 200, 403)
# Pages about the scenario run: another organisation's for the restricted trainer.
RUN_TRAINERS = (LOGIN, 403, 403, 200, 403, 200, 404, 403)
EVALUATORS = (LOGIN, 403, 403, 403, 200, 200, 403, 200)
FORWARD_TO_LOGIN = (LOGIN, *(403,) * 7)  # the admins' login pages
NOT_ADMIN = (ADMIN_LOGIN,) * 3  # trainees and visitors, sent to the admin's login

ACCESS: dict[str, Entry] = {
    # config/urls.py: the admins' login and password pages forward to allauth.
    "admin/login/": Entry(get=FORWARD_TO_LOGIN, post=(405,) * 8),
    "django-admin/login/": Entry(get=FORWARD_TO_LOGIN, post=(405,) * 8),
    "admin/password_reset/": Entry(get=(REDIRECT,) * 8),
    "django-admin/password_change/": Entry(get=(REDIRECT,) * 8),
    "_util/login/": Entry(get=(LOGIN,) * 8),
    # accounts: the account, personal data download and deletion.
    "account/": Entry(get=SIGNED_IN_200, post=SIGNED_IN_405),
    "account/data/": Entry(get=SIGNED_IN_200, post=SIGNED_IN_405),
    "account/emails/": Entry(get=SIGNED_IN_405, post=(LOGIN, *(REDIRECT,) * 7)),
    "account/delete/": Entry(get=SIGNED_IN_200, post=(LOGIN, *(400,) * 7)),
    # courses
    "my/": Entry(get=SIGNED_IN_200),
    "my/enrolments/<id:enrolment_id>/calendar.ics": Entry(
        get=OWNER_ONLY, kwargs=_own, missing={"enrolment_id": MISSING_ID}
    ),
    "modules/": Entry(get=(REDIRECT,) * 8),
    # POST only; empty data is refused with a message on the module page.
    "modules/<id:module_id>/done/": Entry(
        get=SIGNED_IN_405,
        post=(LOGIN,) + (REDIRECT,) * 7,
        kwargs=lambda s: {"module_id": s.module.pk},
    ),
    "runs/<id:run_id>/enrol/": Entry(
        get=(LOGIN,) + (REDIRECT,) * 7, kwargs=lambda s: {"run_id": s.run.pk}
    ),
    # Joining a waiting list: refused with a message on the run's page, or joined.
    "runs/<id:run_id>/waiting-list/": Entry(
        get=(LOGIN,) + (REDIRECT,) * 7, kwargs=lambda s: {"run_id": s.run.pk}
    ),
    # The owner's first workshop is long past: withdrawing is refused on the page (400).
    "my/enrolments/<id:enrolment_id>/withdraw/": Entry(
        get=OWNER_ONLY,
        post=(LOGIN, 400, *(404,) * 6),
        kwargs=_own,
        missing={"enrolment_id": MISSING_ID},
    ),
    # An empty POST chooses neither accept nor decline: the page again, with a message.
    "my/waiting-list/<id:entry_id>/": Entry(
        get=OWNER_ONLY,
        post=(LOGIN, 400, *(404,) * 6),
        kwargs=lambda s: {"entry_id": s.waiting_entry.pk},
        missing={"entry_id": MISSING_ID},
    ),
    "sessions/<id:session_id>/calendar.ics": Entry(
        get=EVERYONE_200, kwargs=lambda s: {"session_id": s.workshop.pk}
    ),
    "trainer/runs/": Entry(get=TRAINERS),
    "trainer/runs/<id:run_id>/places/": Entry(
        get=RUN_TRAINERS, kwargs=lambda s: {"run_id": s.run.pk}, scoped={"run_id": MISSING_ID}
    ),
    # An empty POST names no run: the form again with its error.
    "trainer/enrolments/<id:enrolment_id>/move/": Entry(
        get=RUN_TRAINERS,
        post=(LOGIN, 403, 403, 400, 403, 400, 404, 403),
        kwargs=lambda s: {"enrolment_id": s.other_enrolment.pk},
        scoped={"enrolment_id": MISSING_ID},
    ),
    "trainer/sessions/<id:session_id>/cancel/": Entry(
        get=RUN_TRAINERS,
        post=(LOGIN, 403, 403, REDIRECT, 403, REDIRECT, 404, 403),
        kwargs=lambda s: {"session_id": s.workshop.pk},
        scoped={"session_id": MISSING_ID},
    ),
    "trainer/sessions/<id:session_id>/register/": Entry(
        get=RUN_TRAINERS,
        # An empty register is valid: everybody marked absent, then back to the register.
        post=(LOGIN, 403, 403, REDIRECT, 403, REDIRECT, 404, 403),
        kwargs=lambda s: {"session_id": s.workshop.pk},
        scoped={"session_id": MISSING_ID},
    ),
    # Importing a register: an empty POST has no file (upload) or no preview (confirm).
    "trainer/sessions/<id:session_id>/register/import/": Entry(
        get=RUN_TRAINERS,
        post=(LOGIN, 403, 403, 400, 403, 400, 404, 403),
        kwargs=lambda s: {"session_id": s.workshop.pk},
        scoped={"session_id": MISSING_ID},
    ),
    "trainer/sessions/<id:session_id>/register/import/confirm/": Entry(
        get=(LOGIN, 403, 403, 405, 403, 405, 405, 403),
        post=(LOGIN, 403, 403, 400, 403, 400, 404, 403),
        kwargs=lambda s: {"session_id": s.workshop.pk},
    ),
    # assessments: an empty POST re-shows the form with its errors (200).
    "my/enrolments/<id:enrolment_id>/consent/": Entry(
        get=OWNER_ONLY, kwargs=_own, missing={"enrolment_id": MISSING_ID}
    ),
    "my/enrolments/<id:enrolment_id>/questionnaires/<wave:wave>/": Entry(
        get=OWNER_ONLY,
        kwargs=lambda s: {"enrolment_id": s.enrolment.pk, "wave": "month_3"},
        missing={"enrolment_id": MISSING_ID},
    ),
    # The autosave: POST only; the owner's 3-month follow-up is sent, so no draft (409).
    "my/enrolments/<id:enrolment_id>/questionnaires/<wave:wave>/draft/": Entry(
        get=(LOGIN, 405, *(404,) * 6),
        post=(LOGIN, 409, *(404,) * 6),
        kwargs=lambda s: {"enrolment_id": s.enrolment.pk, "wave": "month_3"},
        missing={"enrolment_id": MISSING_ID},
    ),
    # The two-wave design's addresses only redirect to the questionnaire, which checks.
    "my/enrolments/<id:enrolment_id>/baseline/": Entry(get=(REDIRECT,) * 8, kwargs=_own),
    "my/enrolments/<id:enrolment_id>/follow-up/": Entry(get=(REDIRECT,) * 8, kwargs=_own),
    "my/enrolments/<id:enrolment_id>/confidence/": Entry(
        get=OWNER_ONLY, kwargs=_own, missing={"enrolment_id": MISSING_ID}
    ),
    "my/enrolments/<id:enrolment_id>/certificate.pdf": Entry(
        get=OWNER_ONLY, kwargs=_own, missing={"enrolment_id": MISSING_ID}
    ),
    "certificates/verify/": Entry(get=EVERYONE_200),
    "certificates/<str:code>/": Entry(
        get=EVERYONE_200, kwargs=lambda s: {"code": s.certificate.verification_code}
    ),
    "trainer/runs/<id:run_id>/follow-up/": Entry(
        get=RUN_TRAINERS, kwargs=lambda s: {"run_id": s.run.pk}, scoped={"run_id": MISSING_ID}
    ),
    # analytics
    "evaluation/": Entry(get=EVALUATORS),
    "evaluation/download/<slug:what>.<slug:file_format>": Entry(
        get=EVALUATORS, kwargs=lambda s: {"what": "statistics", "file_format": "json"}
    ),
    # A prepared download is its evaluator's alone: any other evaluator (here the superuser)
    # is told there is no such download, as for one that does not exist. Still queued, its
    # file's address sends the evaluator back to the progress page.
    "evaluation/prepared/<uuid:job_id>/": Entry(
        get=(LOGIN, 403, 403, 403, 200, 404, 403, 404),
        kwargs=lambda s: {"job_id": s.download_job.pk},
    ),
    "evaluation/prepared/<uuid:job_id>/file/": Entry(
        get=(LOGIN, 403, 403, 403, REDIRECT, 404, 403, 404),
        kwargs=lambda s: {"job_id": s.download_job.pk},
    ),
    # qualitative: evaluators only; an empty POST is refused with its message (400).
    "evaluation/qualitative/": Entry(get=EVALUATORS),
    "evaluation/qualitative/codebook/": Entry(
        get=EVALUATORS, post=(LOGIN, 403, 403, 403, 400, 400, 403, 400)
    ),
    "evaluation/qualitative/codebook/codes/<int:code_id>/": Entry(
        get=EVALUATORS,
        post=(LOGIN, 403, 403, 403, 400, 400, 403, 400),
        kwargs=lambda s: {"code_id": s.code.pk},
    ),
    # Another organisation's answer is not found by a restricted evaluator.
    "evaluation/qualitative/units/<int:unit_id>/": Entry(
        get=(LOGIN, 403, 403, 403, 200, 200, 403, 404),
        post=(LOGIN, 403, 403, 403, 400, 400, 403, 404),
        kwargs=lambda s: {"unit_id": s.unit.pk},
    ),
    "evaluation/qualitative/double-coding/": Entry(
        get=EVALUATORS, post=(LOGIN, 403, 403, 403, 400, 400, 403, 400)
    ),
    "evaluation/qualitative/agreement/": Entry(get=EVALUATORS),
    "evaluation/qualitative/interviews/new/": Entry(
        get=EVALUATORS, post=(LOGIN, 403, 403, 403, 400, 400, 403, 400)
    ),
    "evaluation/qualitative/themes/": Entry(get=EVALUATORS),
    # The project's own Wagtail admin views. Trainees are not admin users: Wagtail sends them
    # to the admin login, which answers 403 to anyone signed in. An admin user of the wrong
    # role is sent back to the admin dashboard with "no permission".
    "admin/course-runs/": Entry(
        get=(*NOT_ADMIN, 200, ADMIN_DENIED, 200, 200, ADMIN_DENIED),
        post=(*NOT_ADMIN, 405, ADMIN_DENIED, 405, 405, ADMIN_DENIED),
    ),
    "admin/import-responses/": Entry(
        get=(*NOT_ADMIN, ADMIN_DENIED, 200, 200, ADMIN_DENIED, 200),
    ),
    # An import's page (check, preview, confirmation, progress): for the evaluator who
    # started it, and for staff; confirming (POST) answers with the page again.
    "admin/import-responses/jobs/<int:pk>/": Entry(
        get=(*NOT_ADMIN, ADMIN_DENIED, 200, 200, ADMIN_DENIED, 404),
        post=(*NOT_ADMIN, ADMIN_DENIED, REDIRECT, REDIRECT, ADMIN_DENIED, 404),
        kwargs=lambda s: {"pk": s.import_job.pk},
    ),
}

# Third-party URL groups, by a representative path each (GET only). Page permissions are
# granted per site by load_demo, so here trainers have none on the page tree.
SUPERUSER_ONLY = (*NOT_ADMIN, ADMIN_DENIED, ADMIN_DENIED, 200, ADMIN_DENIED, ADMIN_DENIED)
DJANGO_ADMIN = (*(ADMIN_LOGIN,) * 5, 200, ADMIN_LOGIN, ADMIN_LOGIN)
GROUP: dict[str, tuple] = {
    "/admin/": (*NOT_ADMIN, *(200,) * 5),
    "/admin/pages/": SUPERUSER_ONLY,
    "/admin/users/": SUPERUSER_ONLY,
    "/admin/audit_log/": SUPERUSER_ONLY,
    "/admin/snippets/courses/footstep/": (*NOT_ADMIN, 200, ADMIN_DENIED, 200, 200, ADMIN_DENIED),
    # Only superusers edit the organisation tree and who is limited to which organisations.
    "/admin/snippets/organisations/organisation/": SUPERUSER_ONLY,
    "/admin/snippets/organisations/staffaccess/": SUPERUSER_ONLY,
    # Only staff reach the Django admin (superusers here); its login is ours (403 if signed in).
    "/django-admin/": DJANGO_ADMIN,
    "/django-admin/auth/user/": DJANGO_ADMIN,
    "/accounts/login/": (200, *(REDIRECT,) * 7),
    "/accounts/signup/": (200, *(REDIRECT,) * 7),
    "/accounts/password/reset/": EVERYONE_200,
    "/accounts/2fa/": SIGNED_IN_200,
    "/accounts/email/": SIGNED_IN_200,
    "/": EVERYONE_200,
    # The policy pages (home 0008), public; their settings are the superusers' to change.
    "/privacy/": EVERYONE_200,
    "/accessibility/": EVERYONE_200,
    "/terms/": EVERYONE_200,
    "/admin/settings/home/programmesettings/": (
        *NOT_ADMIN,
        ADMIN_DENIED,
        ADMIN_DENIED,
        REDIRECT,
        ADMIN_DENIED,
        ADMIN_DENIED,
    ),
}


# URL discovery ----------------------------------------------------------------------------


def _walk(patterns, prefix: str = "", urlconf: str | None = None):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            # admin.site.urls is a list, not a module: its patterns are not the project's.
            module = getattr(pattern.urlconf_module, "__name__", None)
            yield from _walk(pattern.url_patterns, route, module)
        else:
            yield route, pattern, urlconf


def project_routes() -> dict[str, object]:
    """Route -> pattern, for the patterns the project defines: its own views, or any view
    wired in one of its URLconfs (e.g. a RedirectView in config/urls.py)."""
    found = {}
    root = settings.ROOT_URLCONF
    for route, pattern, urlconf in _walk(get_resolver().url_patterns, urlconf=root):
        module = pattern.callback.__module__ or ""
        if module.startswith(PROJECT_MODULES) or (urlconf or "").startswith(PROJECT_MODULES):
            found.setdefault(route, pattern)
    return found


def build_url(route: str, kwargs: dict) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m[1]]), route)


def outcome(response) -> int | str:
    if response.status_code != 302:
        return response.status_code
    path = urlsplit(response["Location"]).path
    if path == reverse("account_login"):
        return LOGIN
    if path in ("/admin/login/", "/django-admin/login/"):
        return ADMIN_LOGIN
    if path == "/admin/":
        return ADMIN_DENIED
    if path == reverse("mfa_activate_totp"):
        return MFA
    return REDIRECT


# The shared scenario ----------------------------------------------------------------------


def _build_scenario() -> Scenario:
    factories.footstep_library()
    module = factories.make_module(Footstep.objects.get(number=1))
    region = factories.organisation("North East and Yorkshire", kind="region")
    theirs = factories.organisation("ICB A", parent=region)
    ours = factories.organisation("ICB B", parent=region)
    run = factories.make_course_run(first_workshop_in_days=-120, organisation=theirs)
    own_run = factories.make_course_run(first_workshop_in_days=-120, organisation=ours)
    workshops = factories.workshops(run)
    owner = factories.TraineeFactory()
    other = factories.TraineeFactory()
    enrolment = factories.enrol(owner, run)
    other_enrolment = factories.enrol(other, run)
    services.consent_record(enrolment=enrolment, consented=True)
    services.consent_record(enrolment=other_enrolment, consented=True)
    ratings = dict.fromkeys(ITEM_CODES, 3)
    services.response_submit(
        enrolment=enrolment,
        wave="baseline",
        data={
            **ratings,
            "profession": "social_prescriber",
            "profession_other": "",
            "years_experience": "2",
            "prior_training": "",
            "uses_resources": False,
        },
        now=workshops[0].starts_at - timedelta(days=1),
    )
    for workshop in workshops:
        Attendance.objects.create(enrolment=enrolment, session=workshop)
    services.response_submit(
        enrolment=enrolment,
        wave="month_3",
        data={
            **ratings,
            "resource_use": "used",
            "programme_feedback": "It helped.",
            "clinical_use": "",
        },
    )
    evaluator = factories.EvaluatorFactory()
    full_run = factories.make_course_run(places=1)
    factories.enrol(other, full_run)
    qualitative_services.units_sync()
    return Scenario(
        run=run,
        own_run=own_run,
        workshop=workshops[0],
        enrolment=enrolment,
        other_enrolment=other_enrolment,
        certificate=services.certificate_issue(enrolment=enrolment),
        import_job=ImportJob.objects.create(
            user=evaluator, course_run_slug="york", filename="a.csv"
        ),
        download_job=DownloadJob.objects.create(
            requested_by=evaluator, requested_at=timezone.now(), what="responses", file_format="csv"
        ),
        module=module,
        unit=Unit.objects.get(),
        code=Code.objects.create(theme=Theme.objects.create(name="Theme"), name="Code"),
        users={
            "anonymous": None,
            "owner": owner,
            "other_trainee": other,
            "trainer": factories.TrainerFactory(),
            "evaluator": evaluator,
            "superuser": factories.UserFactory(is_superuser=True, is_staff=True),
            "trainer_without_mfa": factories.TrainerFactory(totp=False),
            "restricted_trainer": factories.limit_to(factories.TrainerFactory(), ours),
            "restricted_evaluator": factories.limit_to(factories.EvaluatorFactory(), ours),
        },
        waiting_entry=WaitingListEntry.objects.create(user=owner, course_run=full_run),
    )


@pytest.fixture(scope="module")
def scenario(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_scenario()
        transaction.set_rollback(True)


@pytest.fixture
def as_role(client, db, scenario):
    def sign_in(role: str):
        user = scenario.users[role]
        if user is not None:
            client.force_login(user)
        return client

    return sign_in


# The walk ---------------------------------------------------------------------------------


def test_every_project_url_has_an_access_entry():
    missing = sorted(set(project_routes()) - set(ACCESS))
    assert not missing, f"Add these URLs to ACCESS in {__name__}: {missing}"


def test_every_access_entry_names_a_url():
    stale = sorted(set(ACCESS) - set(project_routes()))
    assert not stale, f"These ACCESS entries match no URL any more: {stale}"


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", list(ACCESS))
def test_access(as_role, scenario, route, role, method):
    entry = ACCESS[route]
    url = build_url(route, entry.kwargs(scenario))
    response = getattr(as_role(role), method)(url)
    expected = entry.expected(method)[ROLES.index(role)]
    assert outcome(response) == expected, (
        f"{method.upper()} {url} as {role}: got {response.status_code} "
        f"{response.get('Location', '')}, expected {expected}"
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", list(GROUP))
def test_third_party_url_groups(as_role, role, path):
    response = as_role(role).get(path)
    expected = GROUP[path][ROLES.index(role)]
    assert outcome(response) == expected, (
        f"GET {path} as {role}: got {response.status_code} {response.get('Location', '')}, "
        f"expected {expected}"
    )


def _comparable(response) -> tuple:
    """What a 404 shows, minus what changes per request (CSRF token, CSP nonce)."""
    body = response.content.decode()
    body = re.sub(r'(nonce|value)="[^"]*"', r'\1=""', body)
    return (
        response.status_code,
        [t.name for t in response.templates],
        response.get("Content-Type"),
        body,
    )


OWNED = [route for route, entry in ACCESS.items() if entry.missing is not None]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("route", OWNED)
def test_another_trainees_object_answers_like_a_missing_one(as_role, scenario, route, method):
    entry = ACCESS[route]
    client = as_role("other_trainee")
    theirs = getattr(client, method)(build_url(route, entry.kwargs(scenario)))
    missing = getattr(client, method)(build_url(route, {**entry.kwargs(scenario), **entry.missing}))
    assert theirs.status_code == 404
    assert _comparable(theirs) == _comparable(missing)


SCOPED = [route for route, entry in ACCESS.items() if entry.scoped is not None]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("route", SCOPED)
def test_another_organisations_object_answers_like_a_missing_one(as_role, scenario, route, method):
    entry = ACCESS[route]
    client = as_role("restricted_trainer")
    theirs = getattr(client, method)(build_url(route, entry.kwargs(scenario)))
    missing = getattr(client, method)(build_url(route, {**entry.kwargs(scenario), **entry.scoped}))
    assert theirs.status_code == 404
    assert _comparable(theirs) == _comparable(missing)


@pytest.mark.parametrize(
    "path",
    ["/evaluation/", "/evaluation/download/statistics.json", "/evaluation/download/responses.csv"],
)
def test_another_organisations_statistics_answer_like_a_missing_run(as_role, scenario, path):
    """A selection naming another organisation's run is refused as one naming no run."""
    client = as_role("restricted_evaluator")
    theirs = client.get(f"{path}?course_run={scenario.run.slug}")
    missing = client.get(f"{path}?course_run=no-such-run")
    assert theirs.status_code == missing.status_code == 400
    status, templates, content_type, body = _comparable(missing)
    named = (status, templates, content_type, body.replace("no-such-run", scenario.run.slug))
    assert _comparable(theirs) == named


def test_a_restricted_evaluators_statistics_pool_only_their_organisations_runs(as_role, scenario):
    response = as_role("restricted_evaluator").get("/evaluation/download/statistics.json")
    statistics = json.loads(response.content)
    assert statistics["course_runs"] == [scenario.own_run.slug]
    assert statistics["all_course_runs"] is False
    pooled = json.loads(as_role("evaluator").get("/evaluation/download/statistics.json").content)
    assert pooled["all_course_runs"] is True
    every_run = set(CourseRunPage.objects.values_list("slug", flat=True))
    assert {scenario.run.slug, scenario.own_run.slug} < every_run  # and the full run's
    assert set(pooled["course_runs"]) == every_run


def test_a_restricted_trainers_run_list_shows_only_their_runs(as_role, scenario):
    for path in ("/trainer/runs/", "/admin/course-runs/"):
        body = as_role("restricted_trainer").get(path).content.decode()
        assert scenario.own_run.title in body
        assert scenario.run.title not in body, path


def test_commands_for_a_restricted_evaluator_do_not_know_other_organisations_runs(scenario, db):
    user = scenario.users["restricted_evaluator"].username
    errors = []
    for slug in (scenario.run.slug, "no-such-run"):
        with pytest.raises(CommandError) as error:
            call_command("export_statistics", "--as-user", user, "--course-run", slug)
        errors.append(str(error.value).replace(slug, "SLUG"))
    assert errors[0] == errors[1]
    out = StringIO()
    call_command("export_statistics", "--as-user", user, stdout=out)
    assert json.loads(out.getvalue())["course_runs"] == [scenario.own_run.slug]


MFA_ROUTES = [
    route
    for route in ACCESS
    if ("/" + route).startswith(tuple(settings.MFA_REQUIRED_PATH_PREFIXES))
]


@pytest.mark.parametrize("route", MFA_ROUTES)
def test_privileged_users_without_mfa_are_sent_to_set_it_up(as_role, scenario, route):
    url = build_url(route, ACCESS[route].kwargs(scenario))
    client = as_role("trainer_without_mfa")
    for method in METHODS:
        response = getattr(client, method)(url)
        assert outcome(response) == MFA, f"{method.upper()} {url}: {response.status_code}"


def test_wagtails_front_end_login_cannot_sign_anyone_in(client, scenario, db):
    """Django's LoginView at /_util/login/ took a password alone (no MFA, no rate limit)."""
    trainer = scenario.users["trainer"]
    response = client.post(
        "/_util/login/?next=/admin/",
        {"username": trainer.username, "password": factories.PASSWORD},
    )
    assert response["Location"] == f"{reverse('account_login')}?next=/admin/"
    assert "_auth_user_id" not in client.session
