"""Authentication backend: Django's ModelBackend with permission sets cached between requests.

Every page asks for the signed-in user's role (the navigation shows role links), which costs
ModelBackend two queries per request. Roles change rarely, so each user's permission set is
cached until any group membership or permission assignment changes (``home.apps``).
The user row itself, with ``is_active`` and ``is_superuser``, is still read every request.
"""

from django.contrib.auth.backends import ModelBackend

from home.versioned_cache import VersionedCache

permission_sets = VersionedCache("permissions")


class CachedPermissionsBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if (
            not user_obj.is_active
            or user_obj.is_anonymous
            or obj is not None
            or hasattr(user_obj, "_perm_cache")
        ):
            return super().get_all_permissions(user_obj, obj)
        user_obj._perm_cache = permission_sets.get_or_compute(
            f"{user_obj.pk}:{'superuser' if user_obj.is_superuser else 'user'}",
            lambda: super(CachedPermissionsBackend, self).get_all_permissions(user_obj),
        )
        return user_obj._perm_cache
