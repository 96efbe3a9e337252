"""Admin wiring: the footsteps as a snippet, the "Course runs" counts view, register buttons."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from courses.admin_views import CourseRunsAdminView
from courses.models import Footstep, SessionPage
from home.roles import is_trainer


class FootstepViewSet(SnippetViewSet):
    """The ten footsteps. Trainers may look (view permission); only superusers edit, because
    the titles label the instrument's statements and the evaluation's charts."""

    model = Footstep
    icon = "list-ol"
    menu_label = "Footsteps"
    add_to_admin_menu = True
    menu_order = 210
    list_display = ["number", "title", "description"]
    inspect_view_enabled = True
    ordering = ["number"]


register_snippet(FootstepViewSet)


class TrainerMenuItem(MenuItem):
    def is_shown(self, request):
        return is_trainer(request.user)


@hooks.register("register_admin_urls")
def course_runs_admin_urls():
    return [path("course-runs/", CourseRunsAdminView.as_view(), name="courses_course_runs")]


@hooks.register("register_admin_menu_item")
def course_runs_menu_item():
    return TrainerMenuItem(
        "Course runs", reverse("courses_course_runs"), icon_name="group", order=220
    )


@hooks.register("register_page_listing_buttons")
def register_button(page, user, next_url=None):
    if isinstance(page, SessionPage) and is_trainer(user):
        yield ListingButton(
            "Register",
            reverse("courses:register", args=[page.pk]),
            attrs={"aria-label": f"Attendance register for '{page.title}'"},
            priority=60,
        )
