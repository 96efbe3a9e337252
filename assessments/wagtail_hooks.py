"""Admin wiring: the evaluators' import, and follow-up links on course runs for trainers."""

from django.urls import path, reverse
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets import ListingButton

from accounts.roles import can_import, is_trainer
from assessments.admin_views import ImportJobView, ImportResponsesView
from assessments.selectors import response_figures
from courses.hooks import RUN_FIGURES_HOOK, RUN_LINKS_HOOK, RunLink
from courses.models import CourseRunPage


class ImportViewSet(ViewSet):
    """/admin/import-responses/: upload, preview and confirm; each confirmed job's page."""

    name = "assessments_import"
    url_prefix = "import-responses"
    icon = "upload"
    menu_label = "Import responses"
    menu_order = 310
    add_to_admin_menu = True

    @cached_property
    def menu_item_class(self):
        """Shown to those who may import only; the views check again."""

        class ImportMenuItem(MenuItem):
            def is_shown(self, request):
                return can_import(request.user)

        return ImportMenuItem

    def get_urlpatterns(self):
        return [
            path("", ImportResponsesView.as_view(), name="index"),
            path("jobs/<int:pk>/", ImportJobView.as_view(), name="job"),
        ]


@hooks.register("register_admin_viewset")
def import_viewset():
    return ImportViewSet()


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


@hooks.register(RUN_FIGURES_HOOK)
def response_figures_of_runs(runs):
    """On the trainers' overview: baseline and follow-up questionnaires answered per run."""
    return response_figures(runs)
