"""Wagtail admin view: enrolment and attendance counts per course run, for trainers."""

from django.core.exceptions import PermissionDenied
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from accounts.roles import is_trainer
from courses.hooks import run_links
from courses.selectors import course_runs_visible_to, run_summaries


class CourseRunsAdminView(WagtailAdminTemplateMixin, TemplateView):
    page_title = "Course runs"
    header_icon = "group"
    template_name = "courses/admin/course_runs.html"

    def dispatch(self, request, *args, **kwargs):
        if not is_trainer(request.user):
            raise PermissionDenied("Only trainers can see course run attendance.")
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        user = self.request.user
        runs = [
            (summary, run_links(summary.run, user))
            for summary in run_summaries(course_runs_visible_to(user))
        ]
        return {**super().get_context_data(**kwargs), "runs": runs}
