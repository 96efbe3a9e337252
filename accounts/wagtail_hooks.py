"""Admin wiring for accounts: the read-only audit log, and account deletion by an admin."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from accounts.models import AuditEvent
from accounts.services import account_delete


class SuperuserReadOnlyPolicy(BasePermissionPolicy):
    """Only active superusers may see the audit log, and nobody may add, change or delete."""

    def user_has_permission(self, user, action):
        return action == "view" and user.is_active and user.is_superuser

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True, is_superuser=True)
        return users if "view" in actions else users.none()

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


register_permission_policy(AuditEvent, SuperuserReadOnlyPolicy(AuditEvent))


class AuditEventViewSet(ModelViewSet):
    """The append-only audit log: listed and inspected, never edited."""

    model = AuditEvent
    icon = "history"
    menu_label = "Audit log"
    menu_order = 900
    add_to_settings_menu = True
    list_display = ["at", "action", "summary", "actor"]
    list_filter = ["action"]
    search_fields = ["summary"]
    inspect_view_enabled = True
    inspect_view_fields = ["at", "action", "summary", "actor", "detail"]
    copy_view_enabled = False
    exclude_form_fields = ["at", "actor", "action", "summary", "detail"]

    def get_urlpatterns(self):
        # Only the listing and the inspect page exist; there is no URL to add, edit or delete.
        readable = {"index", "index_results", "inspect"}
        return [p for p in super().get_urlpatterns() if p.name in readable]


@hooks.register("register_admin_viewset")
def register_audit_log():
    return AuditEventViewSet("audit_log")


@hooks.register("before_delete_user")
def delete_user_through_consent_rule(request, user):
    """An admin deleting a user goes through the same service as self-deletion: research
    records follow the consent rule and the deletion is audit-logged."""
    if request.method != "POST":
        return None
    user_id = user.pk
    account_delete(user=user, actor=request.user)
    messages.success(request, f"User #{user_id} deleted.")
    return redirect("wagtailusers_users:index")
