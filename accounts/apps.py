from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    """Accounts, roles, sign-up, two-factor authentication and sessions, the audit log, and
    each person's data: its download and the deletion of the account."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"

    def ready(self):
        from accounts import audit, personal_data
        from accounts.roles import sync_role_groups

        # Permissions only exist after every app has migrated, so the role groups are kept
        # in step with them here rather than in a data migration.
        post_migrate.connect(sync_role_groups, sender=self)
        audit.connect()
        # Each app declares its personal data in its own personal_data.py.
        personal_data.autodiscover()
