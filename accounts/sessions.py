"""The session engine: Django's ``cached_db`` sessions, in a table that records whose each is.

Every signed-in request reads its session from the cache, with the database as the record
(a cache restart signs nobody out). ``UserSession`` adds the signed-in user's id, so
``sessions_end`` can end all of a person's sessions, in the cache and the database, when
their account is deleted.
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore


class SessionStore(CachedDBStore):
    # Named before the move to accounts; a new prefix would orphan live sessions' cache entries.
    cache_key_prefix = "home.sessions"

    @classmethod
    def get_model_class(cls):
        from accounts.models import UserSession

        return UserSession

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        session.user_id = int(user_id) if str(user_id).isdecimal() else None
        return session


def sessions_end(user) -> int:
    """Sign ``user`` out everywhere: delete each of their sessions; how many there were."""
    keys = list(
        SessionStore.get_model_class()
        .objects.filter(user_id=user.pk)
        .values_list("session_key", flat=True)
    )
    for key in keys:
        SessionStore(session_key=key).delete()
    return len(keys)
