"""Admin wiring: the footsteps as a snippet, the "Course runs" counts view, register, cancel
and places buttons, and the page tree limited to the runs of a member of staff's
organisations."""

from django.urls import path, reverse
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from accounts.roles import is_trainer
from courses.admin_views import CourseRunsAdminView
from courses.models import CourseRunPage, Footstep, SessionPage
from courses.selectors import pages_without_hidden_runs


class FootstepViewSet(SnippetViewSet):
    """The ten footsteps. Trainers may look (view permission); only superusers edit, because
    the titles label the instrument's statements and the evaluation's charts."""

    model = Footstep
    icon = "list-ol"
    menu_label = "Footsteps"
    add_to_admin_menu = True
    menu_order = 210
    list_display = ["number", "title", "short_title", "description"]
    inspect_view_enabled = True
    ordering = ["number"]


register_snippet(FootstepViewSet)


class CourseRunsViewSet(ViewSet):
    """/admin/course-runs/: enrolment and attendance counts per run, for trainers."""

    name = "courses_course_runs"
    url_prefix = "course-runs"
    icon = "group"
    menu_label = "Course runs"
    menu_order = 220
    add_to_admin_menu = True

    @cached_property
    def menu_item_class(self):
        """Shown to trainers only; the views check again."""

        class CourseRunsMenuItem(MenuItem):
            def is_shown(self, request):
                return is_trainer(request.user)

        return CourseRunsMenuItem

    def get_urlpatterns(self):
        return [path("", CourseRunsAdminView.as_view(), name="index")]


@hooks.register("register_admin_viewset")
def course_runs_viewset():
    return CourseRunsViewSet()


@hooks.register("construct_page_chooser_queryset")
def hide_other_organisations_runs(pages, request):
    """The chooser, which does not ask the permission policy (courses.permission_policy)."""
    return pages_without_hidden_runs(pages, request.user)


@hooks.register("register_page_listing_buttons")
def register_button(page, user, next_url=None):
    if isinstance(page, SessionPage) and is_trainer(user):
        yield ListingButton(
            "Register",
            reverse("courses:register", args=[page.pk]),
            attrs={"aria-label": f"Attendance register for '{page.title}'"},
            priority=60,
        )

        yield ListingButton(
            "Cancel session",
            reverse("courses:session_cancel", args=[page.pk]),
            attrs={"aria-label": f"Cancel '{page.title}' and tell its trainees"},
            priority=70,
        )
    if isinstance(page, CourseRunPage) and is_trainer(user):
        yield ListingButton(
            "Places",
            reverse("courses:run_places", args=[page.pk]),
            attrs={"aria-label": f"Places, waiting list and trainees of '{page.title}'"},
            priority=60,
        )
