"""The optional read replica (``DATABASE_REPLICA_URL``): who reads from it, and when not.

Only the evaluator's analytics and exports (the ``analytics`` URLs: the dashboard and the
downloads) read from the ``replica`` alias, only on GET or HEAD, and only the study's data
(responses, participants, enrolments, runs): they read whole tables and never need the last
second's answers, while sessions, permissions and cache epochs stay on the primary. Everything
else, every write and every migration uses ``default``.

A replica lags the primary, so a person who has just written reads from the primary ("read
your own writes"): once a request writes, the rest of it reads from the primary, and the
response to a POST (or other unsafe method) that wrote sets a cookie that sends that browser's
next requests to the primary for ``PRIMARY_AFTER_WRITE`` seconds, more than streaming
replication lags in practice. A download's audit entry, written by a GET, is not read back.
"""

from contextvars import ContextVar
from dataclasses import dataclass

from django.db import connections

REPLICA = "replica"
PRIMARY = "default"
PRIMARY_AFTER_WRITE = 30  # seconds
COOKIE = "read_primary"
READ_ONLY_METHODS = {"GET", "HEAD"}
REPLICA_VIEWS = {"analytics"}  # URL namespaces whose GETs may read from the replica
REPLICA_DATA = {"assessments", "courses", "wagtailcore"}  # app labels of the study's data


@dataclass
class _Request:
    replica_allowed: bool = False  # the view is one that may read from the replica
    wrote: bool = False


_request: ContextVar[_Request | None] = ContextVar("replica_request", default=None)


class ReplicaRouter:
    """Reads go to the replica only inside a request ``ReplicaMiddleware`` has allowed."""

    def db_for_read(self, model, **hints):
        state = _request.get()
        if (
            state is None
            or not state.replica_allowed
            or state.wrote
            or model._meta.app_label not in REPLICA_DATA
            or connections[PRIMARY].in_atomic_block  # a transaction reads what it wrote
        ):
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        state = _request.get()
        if state is not None:
            state.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, copied: rows from either alias may be related

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class ReplicaMiddleware:
    """Decides per request whether its reads may use the replica; marks browsers that wrote.

    First in the chain, so every write of the request (sessions included) counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        state = _Request()
        token = _request.set(state)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        if state.wrote and request.method not in READ_ONLY_METHODS:
            response.set_cookie(
                COOKIE,
                "1",
                max_age=PRIMARY_AFTER_WRITE,
                secure=request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        state = _request.get()
        state.replica_allowed = (
            request.resolver_match.app_name in REPLICA_VIEWS
            and request.method in READ_ONLY_METHODS
            and COOKIE not in request.COOKIES
        )
