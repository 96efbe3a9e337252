"""The read replica router: the evaluator's analytics read from ``replica``, a browser that has
just written reads from the primary, and nothing else leaves the primary.

``replica`` here points at the test database (TEST MIRROR, as base.py sets it up when
DATABASE_REPLICA_URL is given); the tests are transactional so its own connection sees what
the test wrote. Which connection ran which query tells where a read went.
"""

import pytest
from django.conf import settings
from django.db import connections, router
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from assessments.models import Response
from config import db_router
from tests import factories
from tests.analytics.test_views import add_pairs
from tests.factories import PASSWORD

# The alias base.py makes from DATABASE_REPLICA_URL, unless this run already has one: added at
# collection, before pytest-django sets up the test databases, so it mirrors the test database.
if "replica" not in connections.settings:
    connections.settings["replica"] = {
        **connections.settings["default"],
        "TEST": {**connections.settings["default"]["TEST"], "MIRROR": "default"},
    }
    settings.DATABASES["replica"] = connections.settings["replica"]

pytestmark = pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=["default", "replica"]
)
DASHBOARD = reverse("analytics:dashboard")
MIDDLEWARE = "config.db_router.ReplicaMiddleware"
with_replica = override_settings(
    DATABASE_ROUTERS=["config.db_router.ReplicaRouter"],
    MIDDLEWARE=[MIDDLEWARE, *(m for m in settings.MIDDLEWARE if m != MIDDLEWARE)],
)


class Queries:
    """The SQL each alias ran inside the block."""

    def __enter__(self):
        self._captures = {alias: CaptureQueriesContext(connections[alias]) for alias in connections}
        for capture in self._captures.values():
            capture.__enter__()
        return self

    def __exit__(self, *exc):
        for capture in self._captures.values():
            capture.__exit__(*exc)

    def on(self, alias: str) -> list[str]:
        return [query["sql"] for query in self._captures[alias].captured_queries]


def reads_of(sql: list[str], table: str) -> list[str]:
    return [q for q in sql if q.lstrip().upper().startswith("SELECT") and f'"{table}"' in q]


@with_replica
def test_the_evaluator_dashboard_reads_the_study_data_from_the_replica(client, course_run):
    add_pairs(course_run, 4)
    client.force_login(factories.EvaluatorFactory())

    with Queries() as queries:
        response = client.get(DASHBOARD)

    assert response.status_code == 200
    assert response.context["report"]["flow"]["analysed"] == 4
    assert reads_of(queries.on("replica"), "assessments_response")
    assert not reads_of(queries.on("default"), "assessments_response")
    # Sessions, accounts and permissions stay on the primary.
    assert not any('"auth_' in q or '"django_session"' in q for q in queries.on("replica"))
    assert db_router.COOKIE not in response.cookies


@with_replica
def test_a_row_level_export_reads_from_the_replica(client, course_run):
    add_pairs(course_run, 2)
    client.force_login(factories.EvaluatorFactory())

    with Queries() as queries:
        response = client.get(reverse("analytics:export", args=["responses", "csv"]))

    assert response.status_code == 200
    assert reads_of(queries.on("replica"), "assessments_response")
    assert not reads_of(queries.on("default"), "assessments_response")
    # Its audit entry is written to the primary, and a GET's write marks no browser.
    assert not any(q.lstrip().upper().startswith("INSERT") for q in queries.on("replica"))
    assert db_router.COOKIE not in response.cookies


@with_replica
def test_a_browser_that_has_just_written_reads_from_the_primary(client, course_run):
    add_pairs(course_run, 2)
    evaluator = factories.EvaluatorFactory()

    # Signing in is a POST that writes (last_login): the answer marks the browser.
    response = client.post(
        reverse("account_login"), {"login": evaluator.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    marker = response.cookies[db_router.COOKIE]
    assert marker["max-age"] == db_router.PRIMARY_AFTER_WRITE and marker["httponly"]
    client.force_login(evaluator)  # past the authenticator step, which is not what is tested

    with Queries() as queries:
        assert client.get(DASHBOARD).status_code == 200
    assert queries.on("replica") == []
    assert reads_of(queries.on("default"), "assessments_response")

    # Once the marker has expired (the browser drops it), the replica serves again.
    del client.cookies[db_router.COOKIE]
    with Queries() as queries:
        assert client.get(DASHBOARD).status_code == 200
    assert reads_of(queries.on("replica"), "assessments_response")


@with_replica
def test_within_a_request_reads_after_a_write_go_to_the_primary(course_run):
    participant = factories.make_participant(course_run)
    request = RequestFactory().get(DASHBOARD)
    request.resolver_match = resolve(DASHBOARD)
    seen = []

    def view(request):
        middleware.process_view(request, None, (), {})
        seen.append(Response.objects.all().db)
        factories.make_response(participant, "baseline")
        seen.append(Response.objects.all().db)
        return HttpResponse()

    middleware = db_router.ReplicaMiddleware(view)
    response = middleware(request)

    assert seen == ["replica", "default"]
    assert db_router.COOKIE not in response.cookies  # a GET: nothing the browser reads back


@with_replica
def test_everything_else_uses_the_primary(client, course_run, trainee):
    # Outside a request (commands, tasks) and on every other page.
    assert Response.objects.all().db == "default"
    factories.enrol(trainee, course_run)
    client.force_login(trainee)
    with Queries() as queries:
        assert client.get(reverse("courses:dashboard")).status_code == 200
    assert queries.on("replica") == []


def test_migrations_run_only_on_the_primary():
    replica_router = db_router.ReplicaRouter()
    assert replica_router.allow_migrate("default", "assessments")
    assert not replica_router.allow_migrate("replica", "assessments")
    assert replica_router.db_for_write(Response) == "default"
    assert router.db_for_write(Response) == "default"
