"""Admin wiring: the evaluators' import, and follow-up links on course runs for trainers."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import ListingButton

from assessments.admin_views import ImportResponsesView
from courses.models import CourseRunPage
from courses.selectors import RUN_LINKS_HOOK, RunLink
from home.roles import can_import, is_trainer


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_import(request.user)


@hooks.register("register_admin_urls")
def import_admin_urls():
    return [path("import-responses/", ImportResponsesView.as_view(), name="assessments_import")]


@hooks.register("register_admin_menu_item")
def import_menu_item():
    return ImportMenuItem(
        "Import responses", reverse("assessments_import"), icon_name="upload", order=310
    )


@hooks.register("register_page_listing_buttons")
def follow_up_button(page, user, next_url=None):
    if isinstance(page, CourseRunPage) and is_trainer(user):
        yield ListingButton(
            "Follow-ups",
            reverse("assessments:trainer_follow_ups", args=[page.pk]),
            attrs={"aria-label": f"Follow-up questionnaires for '{page.title}'"},
            priority=70,
        )


@hooks.register(RUN_LINKS_HOOK)
def follow_ups_link(run, user):
    """On the trainers' course-runs pages (site and admin), next to each run's counts."""
    if is_trainer(user):
        yield RunLink("Follow-ups", reverse("assessments:trainer_follow_ups", args=[run.pk]))
