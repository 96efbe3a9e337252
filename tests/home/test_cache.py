"""Production's cache degrades to the database when Redis is down, and forgets the outage."""

import pytest
from django.core.cache.backends.redis import RedisCache

from home.cache import ResilientRedisCache, bump_epoch, current_epoch, forget_epoch
from home.models import CacheEpoch
from tests.deploy.stack import free_port

pytestmark = pytest.mark.django_db

TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


@pytest.fixture(autouse=True)
def _epoch_from_this_tests_database():
    forget_epoch()  # each test's transaction has its own epoch row
    yield
    forget_epoch()


def redis_cache(location: str) -> ResilientRedisCache:
    return ResilientRedisCache(location, {"OPTIONS": TIMEOUTS})


@pytest.fixture
def dead():
    """A cache whose Redis does not answer (nothing listens on the port)."""
    return redis_cache(f"redis://127.0.0.1:{free_port()}/0")


@pytest.fixture
def live():
    """A cache on the machine's Redis (database 13, emptied before and after)."""
    cache = redis_cache("redis://127.0.0.1:6379/13")
    RedisCache.clear(cache)
    yield cache
    RedisCache.clear(cache)


def test_a_dead_redis_is_a_miss_not_an_error(dead):
    assert dead.get("permissions", "default") == "default"
    assert dead.set("permissions", {"a"}) is None
    assert dead.add("permissions", {"a"}) is False
    assert dead.delete("permissions") is False
    assert dead.get_many(["a", "b"]) == {}
    assert dead.get_or_set("content", lambda: "computed") == "computed"
    with pytest.raises(ValueError):
        dead.incr("counter")


def test_the_first_failure_bumps_the_epoch_once_and_later_calls_skip_redis(dead, monkeypatch):
    before = current_epoch()
    dead.get("x")
    assert current_epoch() == before + 1
    assert dead.health.skip()
    monkeypatch.setattr(RedisCache, "get", lambda *a, **k: pytest.fail("Redis was called"))
    for _ in range(50):
        dead.get("x")
    assert current_epoch() == before + 1


def test_rate_limits_keep_counting_in_the_process_while_redis_is_down(dead):
    key = "allauth:rl:account:login_failed:20/60.0/ip:203.0.113.9"
    dead.set(key, [1.0, 2.0], 60)
    assert dead.get(key) == [1.0, 2.0]
    assert dead.add(f"{key}:lock", True) is True
    assert dead.add(f"{key}:lock", True) is False  # the lock still excludes
    assert dead.get("not-allauth") is None


def test_entries_from_before_an_epoch_bump_are_never_read(live):
    live.set("permissions:5", {"view_evaluation"})
    assert live.get("permissions:5") == {"view_evaluation"}
    bump_epoch()
    assert live.get("permissions:5") is None


def test_redis_answering_after_a_failure_bumps_the_epoch_and_is_not_trusted(live):
    live.set("permissions:5", {"view_evaluation"})
    live.health.failed(ConnectionError("gone"))
    live.health.retry_at = 0  # the breaker's pause is over
    before = current_epoch()

    assert live.get("permissions:5") is None  # the first answer after the outage
    assert current_epoch() == before + 1
    assert not live.health.down
    live.set("permissions:5", {"fresh"})
    assert live.get("permissions:5") == {"fresh"}


def test_the_epoch_row_comes_back_if_it_was_removed():
    CacheEpoch.objects.all().delete()
    bump_epoch()
    assert current_epoch() == 1


def test_each_process_reads_the_epoch_at_most_once_a_second(django_assert_num_queries):
    current_epoch()
    with django_assert_num_queries(0):
        for _ in range(100):
            current_epoch()
