"""Production's cache: Redis, degrading to the database when Redis is down or hung.

Everything in the cache can be recomputed (sessions and permission sets live in the
database; content and figures are derived), so a failed Redis call is a miss or a no-op
instead of a 500. Three things make that safe and quick:

* **Short timeouts and a breaker.** After a failure this process leaves Redis alone for
  ``RETRY_SECONDS`` and then tries again, so a hung Redis costs one timeout, not one per call.
* **An epoch.** Every key carries ``CacheEpoch.value`` from the database. It is bumped when
  a process first sees Redis fail and again when it sees Redis answer after a failure, so
  nothing cached before or during an outage is read after it: a permission revoked while
  Redis was away (whose invalidation could not reach Redis) stays revoked when Redis comes
  back with its old entries. Each process reads the epoch at most once every
  ``EPOCH_READ_SECONDS`` (and at once after it bumps it): a query per request cost a fifth
  of the throughput at the load test's stress pace. So a process that saw nothing of an
  outage may use the old epoch for up to that long after another bumped it, which matters
  only for an outage shorter than that: while Redis is away, its reads fail anyway.
* **Rate limits keep counting.** allauth's rate-limit counters, their locks and the record of
  used authenticator codes (keys starting ``allauth``) go to this process's memory while
  Redis is away: limits then count per worker rather than not at all.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.db.models import F
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
EPOCH_READ_SECONDS = 1.0
FAILURES = (RedisConnectionError, RedisTimeoutError, OSError)
LOCAL_PREFIX = "allauth"
# (epoch, when it was read) for this process; None until read or after a bump.
_epoch: tuple[int, float] | None = None


def current_epoch() -> int:
    global _epoch
    from home.models import CacheEpoch

    known = _epoch
    if known is not None and time.monotonic() - known[1] < EPOCH_READ_SECONDS:
        return known[0]
    epoch = CacheEpoch.objects.filter(pk=1).values_list("value", flat=True).first() or 0
    _epoch = (epoch, time.monotonic())
    return epoch


def forget_epoch() -> None:
    """Read the epoch from the database at the next use."""
    global _epoch
    _epoch = None


def bump_epoch() -> None:
    """Make every entry cached so far unreadable, for every process."""
    from home.models import CacheEpoch

    if not CacheEpoch.objects.filter(pk=1).update(value=F("value") + 1):
        CacheEpoch.objects.get_or_create(pk=1, defaults={"value": 1})
    forget_epoch()


class _Health:
    """Whether this process currently trusts Redis (shared by its threads)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down = False
        self.retry_at = 0.0

    def skip(self) -> bool:
        return self.down and time.monotonic() < self.retry_at

    def failed(self, error: Exception) -> None:
        with self.lock:
            first = not self.down
            self.down = True
            self.retry_at = time.monotonic() + RETRY_SECONDS
        if first:
            logger.warning("Redis is unavailable (%s); using the database until it is back", error)
            bump_epoch()

    def answered(self) -> bool:
        """Redis answered; True if it was down until now (the answer is then not trusted)."""
        if not self.down:
            return False
        with self.lock:
            recovered, self.down = self.down, False
        if recovered:
            logger.warning("Redis is back; entries from before are discarded")
            bump_epoch()
        return recovered


_health: dict[str, _Health] = {}
_health_lock = threading.Lock()


def _health_of(location: str) -> _Health:
    with _health_lock:
        return _health.setdefault(location, _Health())


class ResilientRedisCache(RedisCache):
    # Django makes a backend instance per thread: the health and the local memory are kept
    # per process (by location), so every thread of a worker shares them.
    def __init__(self, server, params):
        super().__init__(server, params)
        location = str(server)
        self.health = _health_of(location)
        self.local = LocMemCache(f"resilient:{location}", {"OPTIONS": {"MAX_ENTRIES": 10_000}})

    def make_key(self, key, version=None):
        return f"e{current_epoch()}:{super().make_key(key, version)}"

    def _call(self, name: str, missing, *args):
        """``RedisCache.<name>(*args)``; when Redis fails, ``missing``, or for allauth's keys
        the same call on this process's memory."""
        key = args[0] if args else None
        local = isinstance(key, str) and key.startswith(LOCAL_PREFIX)
        if self.health.skip():
            return getattr(self.local, name)(*args) if local else missing
        try:
            result = getattr(super(), name)(*args)
        except FAILURES as error:
            self.health.failed(error)
            return getattr(self.local, name)(*args) if local else missing
        if self.health.answered():
            return missing
        return result

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        value = self._call("incr", None, key, delta, version)
        if value is None:  # as for a key that is not there
            raise ValueError(f"Key '{key}' not found")
        return value

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        self.local.clear()
        return self._call("clear", False)
