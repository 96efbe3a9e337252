from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HomeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "home"

    def ready(self):
        from django.urls import register_converter

        from home import audit, checks, personal_data  # noqa: F401 (checks registers itself)
        from home.converters import IdConverter
        from home.roles import sync_role_groups

        # Before any URLconf is loaded: the apps' routes use <id:...> for database ids.
        register_converter(IdConverter, "id")

        # Permissions only exist after every app has migrated, so the role groups are kept
        # in step with them here rather than in a data migration.
        post_migrate.connect(sync_role_groups, sender=self)
        audit.connect()
        # Each app declares its personal data in its own personal_data.py.
        personal_data.autodiscover()
