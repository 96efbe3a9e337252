"""Admin wiring for the home app: the read-only audit log, account deletion by an admin, and
no deletion in the admin that would destroy research data or attendance."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from home.deletion import protected_records, refusal
from home.models import AuditEvent
from home.services import account_delete


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


def _refuse_deletion(request, name: str, objects, back: str):
    found = protected_records(objects)
    if not found:
        return None
    messages.error(request, refusal(name, found))
    return redirect(back)


def _with_descendants(page):
    # Deleting a page deletes its subtree (a run's sessions with it).
    return [page.specific, *page.get_descendants().specific()]


@hooks.register("before_delete_page")
def refuse_deleting_pages_with_records(request, page):
    """A session with attendance, or a run with enrolments or research records, stays."""
    return _refuse_deletion(
        request,
        f"“{page.get_admin_display_title()}”",
        _with_descendants(page),
        reverse("wagtailadmin_explore", args=[page.get_parent().pk]),
    )


@hooks.register("before_delete_snippet")
def refuse_deleting_snippets_with_records(request, instances):
    """A footstep with statements or a module stays (the same rule for any snippet)."""
    names = ", ".join(f"“{instance}”" for instance in instances)
    model = type(instances[0])
    return _refuse_deletion(
        request, names, instances, reverse(model.snippet_viewset.get_url_name("list"))
    )


@hooks.register("before_bulk_action")
def refuse_bulk_deletions_with_records(request, action_type, objects, action_class_instance):
    if action_type != "delete" or not objects:
        return None
    everything = []
    for obj in objects:
        everything.extend(_with_descendants(obj) if isinstance(obj, Page) else [obj])
    names = ", ".join(f"“{obj}”" for obj in objects)
    return _refuse_deletion(request, names, everything, action_class_instance.next_url)
