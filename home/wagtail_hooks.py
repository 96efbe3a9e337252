"""Admin wiring for the site: no deletion in the admin that would destroy research data or
attendance (the audit log and account deletion are wired in ``accounts.wagtail_hooks``)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from wagtail import hooks
from wagtail.models import Page

from home.deletion import protected_records, refusal


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
