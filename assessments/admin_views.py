"""Wagtail admin: evaluators import a CSV of responses (upload -> preview -> confirm).

The preview checks the whole file and writes nothing; the file's text waits in the session
until the evaluator confirms, when the import checks it again and commits all or nothing.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from assessments.forms import ImportForm
from assessments.importing import COLUMNS, decode
from assessments.services import responses_import, responses_import_check
from courses.models import CourseRunPage
from home.roles import can_import

SESSION_KEY = "assessments_import"


class ImportPermissionMixin:
    def dispatch(self, request, *args, **kwargs):
        if not can_import(request.user):
            raise PermissionDenied("Your role does not allow importing responses.")
        return super().dispatch(request, *args, **kwargs)


class ImportResponsesView(ImportPermissionMixin, WagtailAdminTemplateMixin, FormView):
    page_title = "Import responses"
    header_icon = "upload"
    template_name = "assessments/admin/import.html"
    form_class = ImportForm

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "columns": COLUMNS,
            "run_slugs": CourseRunPage.objects.order_by("slug").values_list("slug", flat=True),
        }

    def post(self, request, *args, **kwargs):
        if "confirm" in request.POST:
            return self.confirm()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        content = upload.read()
        cohort = form.cleaned_data["cohort"]
        plan = responses_import_check(content=content, cohort_slug=cohort)
        if plan.ok:
            self.request.session[SESSION_KEY] = {
                "text": decode(content),
                "cohort": cohort,
                "filename": upload.name,
            }
        else:
            self.request.session.pop(SESSION_KEY, None)
        return self.render_to_response(
            self.get_context_data(form=form, plan=plan, filename=upload.name)
        )

    def confirm(self):
        pending = self.request.session.pop(SESSION_KEY, None)
        if pending is None:
            messages.error(self.request, "Nothing to import: upload the file again.")
            return redirect("assessments_import")
        plan = responses_import(
            content=pending["text"].encode("utf-8"),
            cohort_slug=pending["cohort"],
            actor=self.request.user,
            filename=pending["filename"],
        )
        if not plan.ok:
            # The database changed since the preview (e.g. someone imported the same file).
            return self.render_to_response(
                self.get_context_data(plan=plan, filename=pending["filename"])
            )
        messages.success(self.request, f"Imported {plan.summary()} into {plan.cohort_slug}.")
        return redirect("assessments_import")
