from django.apps import AppConfig


class HomeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "home"

    def ready(self):
        from django.urls import register_converter

        from home import checks  # noqa: F401 (registers itself)
        from home.converters import IdConverter

        # Before any URLconf is loaded: the apps' routes use <id:...> for database ids.
        register_converter(IdConverter, "id")
        _invalidate_permission_sets_on_role_changes()


def _invalidate_permission_sets_on_role_changes():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from home.backends import permission_sets

    User = get_user_model()
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(permission_sets.invalidate, sender=through, weak=False)
    for model in (Group, Permission):
        post_save.connect(permission_sets.invalidate, sender=model, weak=False)
        post_delete.connect(permission_sets.invalidate, sender=model, weak=False)
    # A deleted user's id may be reused (SQLite), and must not inherit their permissions.
    post_delete.connect(permission_sets.invalidate, sender=User, weak=False)
