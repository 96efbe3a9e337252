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

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from analytics.models import DownloadJob
from assessments import services
from assessments.models import ITEM_CODES, Certificate, ImportJob
from courses.models import Attendance, CourseRunPage, Enrolment, SessionPage
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
ROLES = ("anonymous", "owner", "other_trainee", "trainer", "evaluator", "superuser")
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
    workshop: SessionPage
    enrolment: Enrolment  # the owner's: consented, baseline, follow-up, certificate
    other_enrolment: Enrolment  # the other trainee's, on the same run: consented only
    certificate: Certificate
    import_job: ImportJob  # started by the evaluator
    download_job: DownloadJob  # asked for by the evaluator, still queued
    unit: Unit  # the owner's 3-month programme feedback, as a unit to code
    code: Code  # in the codebook
    users: dict = field(repr=False)


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

    def expected(self, method: str) -> tuple:
        return self.get if method == "get" or self.post is None else self.post


EVERYONE_200 = (200,) * 6
SIGNED_IN_200 = (LOGIN, 200, 200, 200, 200, 200)
SIGNED_IN_405 = (LOGIN, 405, 405, 405, 405, 405)
OWNER_ONLY = (LOGIN, 200, 404, 404, 404, 404)
TRAINERS = (LOGIN, 403, 403, 200, 403, 200)
EVALUATORS = (LOGIN, 403, 403, 403, 200, 200)
FORWARD_TO_LOGIN = (LOGIN, 403, 403, 403, 403, 403)  # the admins' login pages

ACCESS: dict[str, Entry] = {
    # config/urls.py: the admins' login and password pages forward to allauth.
    "admin/login/": Entry(get=FORWARD_TO_LOGIN, post=(405,) * 6),
    "django-admin/login/": Entry(get=FORWARD_TO_LOGIN, post=(405,) * 6),
    "admin/password_reset/": Entry(get=(REDIRECT,) * 6),
    "django-admin/password_change/": Entry(get=(REDIRECT,) * 6),
    "_util/login/": Entry(get=(LOGIN,) * 6),
    # accounts: the account, personal data download and deletion.
    "account/": Entry(get=SIGNED_IN_200, post=SIGNED_IN_405),
    "account/data/": Entry(get=SIGNED_IN_200, post=SIGNED_IN_405),
    "account/delete/": Entry(get=SIGNED_IN_200, post=(LOGIN, 400, 400, 400, 400, 400)),
    # courses
    "my/": Entry(get=SIGNED_IN_200),
    "my/enrolments/<id:enrolment_id>/calendar.ics": Entry(
        get=OWNER_ONLY, kwargs=_own, missing={"enrolment_id": MISSING_ID}
    ),
    "modules/": Entry(get=(REDIRECT,) * 6),
    "runs/<id:run_id>/enrol/": Entry(
        get=(LOGIN,) + (REDIRECT,) * 5, kwargs=lambda s: {"run_id": s.run.pk}
    ),
    "sessions/<id:session_id>/calendar.ics": Entry(
        get=EVERYONE_200, kwargs=lambda s: {"session_id": s.workshop.pk}
    ),
    "trainer/runs/": Entry(get=TRAINERS),
    "trainer/sessions/<id:session_id>/register/": Entry(
        get=TRAINERS,
        # An empty register is valid: everybody marked absent, then back to the register.
        post=(LOGIN, 403, 403, REDIRECT, 403, REDIRECT),
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
    # The two-wave design's addresses only redirect to the questionnaire, which checks.
    "my/enrolments/<id:enrolment_id>/baseline/": Entry(get=(REDIRECT,) * 6, kwargs=_own),
    "my/enrolments/<id:enrolment_id>/follow-up/": Entry(get=(REDIRECT,) * 6, kwargs=_own),
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
        get=TRAINERS, kwargs=lambda s: {"run_id": s.run.pk}
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
        get=(LOGIN, 403, 403, 403, 200, 404), kwargs=lambda s: {"job_id": s.download_job.pk}
    ),
    "evaluation/prepared/<uuid:job_id>/file/": Entry(
        get=(LOGIN, 403, 403, 403, REDIRECT, 404),
        kwargs=lambda s: {"job_id": s.download_job.pk},
    ),
    # qualitative: evaluators only; an empty POST is refused with its message (400).
    "evaluation/qualitative/": Entry(get=EVALUATORS),
    "evaluation/qualitative/codebook/": Entry(
        get=EVALUATORS, post=(LOGIN, 403, 403, 403, 400, 400)
    ),
    "evaluation/qualitative/codebook/codes/<int:code_id>/": Entry(
        get=EVALUATORS,
        post=(LOGIN, 403, 403, 403, 400, 400),
        kwargs=lambda s: {"code_id": s.code.pk},
    ),
    "evaluation/qualitative/units/<int:unit_id>/": Entry(
        get=EVALUATORS,
        post=(LOGIN, 403, 403, 403, 400, 400),
        kwargs=lambda s: {"unit_id": s.unit.pk},
    ),
    "evaluation/qualitative/double-coding/": Entry(
        get=EVALUATORS, post=(LOGIN, 403, 403, 403, 400, 400)
    ),
    "evaluation/qualitative/agreement/": Entry(get=EVALUATORS),
    "evaluation/qualitative/interviews/new/": Entry(
        get=EVALUATORS, post=(LOGIN, 403, 403, 403, 400, 400)
    ),
    "evaluation/qualitative/themes/": Entry(get=EVALUATORS),
    # The project's own Wagtail admin views. Trainees are not admin users: Wagtail sends them
    # to the admin login, which answers 403 to anyone signed in. An admin user of the wrong
    # role is sent back to the admin dashboard with "no permission".
    "admin/course-runs/": Entry(
        get=(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200, ADMIN_DENIED, 200),
        post=(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 405, ADMIN_DENIED, 405),
    ),
    "admin/import-responses/": Entry(
        get=(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_DENIED, 200, 200),
    ),
    # An import's progress page: for the evaluator who started it, and for staff.
    "admin/import-responses/jobs/<int:pk>/": Entry(
        get=(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_DENIED, 200, 200),
        post=(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_DENIED, 405, 405),
        kwargs=lambda s: {"pk": s.import_job.pk},
    ),
}

# Third-party URL groups, by a representative path each (GET only). Page permissions are
# granted per site by load_demo, so here trainers have none on the page tree.
NOT_ADMIN = (ADMIN_LOGIN,) * 3
GROUP: dict[str, tuple] = {
    "/admin/": (*NOT_ADMIN, 200, 200, 200),
    "/admin/pages/": (*NOT_ADMIN, ADMIN_DENIED, ADMIN_DENIED, 200),
    "/admin/users/": (*NOT_ADMIN, ADMIN_DENIED, ADMIN_DENIED, 200),
    "/admin/audit_log/": (*NOT_ADMIN, ADMIN_DENIED, ADMIN_DENIED, 200),
    "/admin/snippets/courses/footstep/": (*NOT_ADMIN, 200, ADMIN_DENIED, 200),
    # Only staff reach the Django admin (superusers here); its login is ours (403 if signed in).
    "/django-admin/": (*(ADMIN_LOGIN,) * 5, 200),
    "/django-admin/auth/user/": (*(ADMIN_LOGIN,) * 5, 200),
    "/accounts/login/": (200, *(REDIRECT,) * 5),
    "/accounts/signup/": (200, *(REDIRECT,) * 5),
    "/accounts/password/reset/": EVERYONE_200,
    "/accounts/2fa/": SIGNED_IN_200,
    "/accounts/email/": SIGNED_IN_200,
    "/": EVERYONE_200,
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
    run = factories.make_course_run(first_workshop_in_days=-120)
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
    qualitative_services.units_sync()
    return Scenario(
        run=run,
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
        },
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
