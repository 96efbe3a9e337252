"""Cache entries that all go stale together when the data they come from changes.

A ``VersionedCache`` stores its entries under Django's cache ``version`` argument, set to a
version string kept in the shared cache; ``invalidate`` (a signal receiver) replaces the
version, so older entries are never read again and expire. It replaces the version at
once, so the changing request itself reads fresh data, and again when the transaction
commits, so a request that read the new version before the commit cannot leave pre-commit
data cached under it. Within a request each version is read from the cache once
(``VersionedCacheMiddleware`` scopes that memory).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")
_MISSING = object()
# Versions already read in the current request; None outside a request (always read).
_request_versions: ContextVar[dict[str, str] | None] = ContextVar(
    "versioned_cache_request_versions", default=None
)


class VersionedCache:
    def __init__(self, namespace: str, *, keep_seconds: int = 60 * 60):
        self.namespace = namespace
        self.version_key = f"{namespace}:version"
        self.keep_seconds = keep_seconds

    def _remember(self, version: str) -> str:
        seen = _request_versions.get()
        if seen is not None:
            seen[self.namespace] = version
        return version

    def version(self) -> str:
        seen = _request_versions.get()
        if seen is not None and self.namespace in seen:
            return seen[self.namespace]
        version = cache.get(self.version_key)
        if version is None:
            version = uuid.uuid4().hex
            if not cache.add(self.version_key, version, timeout=None):
                version = cache.get(self.version_key) or version
        return self._remember(version)

    def get_or_compute(self, name: str, compute: Callable[[], T]) -> T:
        """``compute()``, cached under ``name`` until the next ``invalidate``."""
        key, version = f"{self.namespace}:{name}", self.version()
        value = cache.get(key, _MISSING, version=version)
        if value is _MISSING:
            value = compute()
            cache.set(key, value, timeout=self.keep_seconds, version=version)
        return value

    def _replace_version(self) -> None:
        version = uuid.uuid4().hex
        cache.set(self.version_key, version, timeout=None)
        self._remember(version)

    def invalidate(self, **kwargs) -> None:
        """Make every entry stale, now and when the current transaction commits."""
        self._replace_version()
        transaction.on_commit(self._replace_version)


class VersionedCacheMiddleware:
    """Give each request its own memory of the versions it has read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_versions.set({})
        try:
            return self.get_response(request)
        finally:
            _request_versions.reset(token)
