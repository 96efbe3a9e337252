"""Wagtail admin: evaluators import a CSV of responses (upload -> check -> confirm -> write).

Uploading stores the file with an ``ImportJob`` and queues its check; the job's page shows
the check's progress, then the preview (what the file holds, or its errors), the
confirmation, the import's progress and its result. The worker reads the rows, never a
request, so a page answers at once whatever the file's size.
"""

import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from accounts.roles import can_import
from assessments.forms import ImportForm
from assessments.importing import COLUMNS
from assessments.models import ImportJob
from assessments.tasks import import_job_check, import_job_run
from courses.models import CourseRunPage

# Seconds between reloads of a job's page while it runs (a meta refresh: no script needed).
REFRESH_SECONDS = 2


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

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        job = ImportJob(
            user=self.request.user,
            course_run_slug=form.cleaned_data["course_run"],
            filename=upload.name[:200],
            progress="Waiting for the task worker",
        )
        # A name nobody can guess: the file holds research data. Saved in chunks from the
        # upload's temporary file, so the request never holds the whole file.
        job.file.save(f"{secrets.token_urlsafe(16)}.csv", upload, save=False)
        job.save()
        import_job_check.enqueue(job.pk)
        return redirect("assessments_import:job", pk=job.pk)


class ImportJobView(ImportPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """A job's check, preview and confirmation, then its progress and result: for the
    person who started it, or staff who may import (the audit log records every import)."""

    page_title = "Import responses"
    header_icon = "upload"
    template_name = "assessments/admin/import_job.html"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_job(self) -> ImportJob:
        job = ImportJob.objects.filter(pk=self.kwargs["pk"]).first()
        user = self.request.user
        if job is None or not (job.user_id == user.pk or user.is_staff):
            raise Http404("No such import.")
        return job

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            job=self.get_job(), refresh_seconds=REFRESH_SECONDS, **kwargs
        )

    def post(self, request, *args, **kwargs):
        """Confirm a checked file: only its uploader, and only once."""
        job = self.get_job()
        queued = ImportJob.objects.filter(
            pk=job.pk, user=request.user, status=ImportJob.Status.CHECKED
        ).update(status=ImportJob.Status.QUEUED, progress="Waiting for the task worker")
        if queued:
            import_job_run.enqueue(job.pk)
        elif job.status != ImportJob.Status.QUEUED:
            messages.error(request, "This file cannot be imported any more: upload it again.")
        return redirect("assessments_import:job", pk=job.pk)
