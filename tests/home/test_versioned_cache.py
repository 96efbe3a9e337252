"""Entries go stale together on invalidate; a request reads each version once."""

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from home.versioned_cache import VersionedCache, VersionedCacheMiddleware

# invalidate() asks the database whether a transaction is open.
pytestmark = pytest.mark.django_db


def counting():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return compute, calls


def test_an_entry_is_computed_once_until_invalidated():
    versioned = VersionedCache("test-a")
    compute, calls = counting()
    assert versioned.get_or_compute("x", compute) == 1
    assert versioned.get_or_compute("x", compute) == 1
    versioned.invalidate()
    assert versioned.get_or_compute("x", compute) == 2
    assert len(calls) == 2


def test_falsy_values_are_cached_too():
    versioned = VersionedCache("test-b")
    calls = []
    versioned.get_or_compute("empty", lambda: calls.append(1) or [])
    versioned.get_or_compute("empty", lambda: calls.append(1) or [])
    assert calls == [1]


def test_namespaces_are_independent():
    first, second = VersionedCache("test-c"), VersionedCache("test-d")
    first.get_or_compute("x", lambda: "first")
    second.invalidate()
    assert first.get_or_compute("x", lambda: "recomputed") == "first"


def test_the_version_is_replaced_again_when_the_transaction_commits(
    db, django_capture_on_commit_callbacks
):
    versioned = VersionedCache("test-e")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        versioned.invalidate()
        during = versioned.version()
    # A request that read `during` before the commit may have cached pre-commit data.
    versioned.get_or_compute("x", lambda: "pre-commit")
    for callback in callbacks:
        callback()
    assert versioned.version() != during
    assert versioned.get_or_compute("x", lambda: "committed") == "committed"


def test_a_request_reads_each_version_once_and_sees_its_own_changes():
    versioned = VersionedCache("test-f")
    seen = []

    def view(request):
        before = versioned.version()
        cache.set(versioned.version_key, "changed-by-another-process")
        seen.append(versioned.version() == before)  # still this request's version
        versioned.invalidate()
        seen.append(versioned.version() not in (before, "changed-by-another-process"))
        return HttpResponse()

    VersionedCacheMiddleware(view)(RequestFactory().get("/"))
    assert seen == [True, True]
    cache.set(versioned.version_key, "newer")
    assert versioned.version() == "newer"  # outside a request nothing is remembered
