"""Wagtail admin: evaluators import a CSV of responses (upload -> preview -> confirm -> job).

The preview checks the whole file and writes nothing; a clean file is stored with an
``ImportJob``. Confirming queues the job for the task worker (never the request), and the
job's page shows its progress, then the result.
"""

import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from accounts.roles import can_import
from assessments.forms import ImportForm
from assessments.import_services import responses_import_check
from assessments.importing import COLUMNS
from assessments.models import ImportJob
from assessments.tasks import IMPORT_ERRORS_SHOWN, import_job_run
from courses.selectors import course_runs_visible_to
from organisations.selectors import is_restricted

SESSION_KEY = "assessments_import"
JOB_TEMPLATE = "assessments/admin/import_job.html"
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
            "run_slugs": course_runs_visible_to(self.request.user)
            .order_by("slug")
            .values_list("slug", flat=True),
        }

    def post(self, request, *args, **kwargs):
        if "confirm" in request.POST:
            return self.confirm()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        content = upload.read()
        course_run = form.cleaned_data["course_run"]
        user = self.request.user
        # Staff limited to organisations import into their own runs only; a new run would
        # belong to no organisation. One message whether or not the run exists elsewhere.
        if (
            is_restricted(user)
            and not course_runs_visible_to(user).filter(slug=course_run).exists()
        ):
            form.add_error(
                "course_run", f"{course_run} is not one of your organisations' course runs."
            )
            return self.form_invalid(form)
        plan = responses_import_check(
            content=content, course_run_slug=course_run, error_limit=IMPORT_ERRORS_SHOWN
        )
        self.request.session.pop(SESSION_KEY, None)
        if plan.ok:
            job = ImportJob(
                user=self.request.user, course_run_slug=course_run, filename=upload.name[:200]
            )
            # A name nobody can guess: the file holds research data.
            job.file.save(f"{secrets.token_urlsafe(16)}.csv", ContentFile(content), save=False)
            job.save()
            self.request.session[SESSION_KEY] = job.pk
        return self.render_to_response(
            self.get_context_data(form=form, plan=plan, filename=upload.name)
        )

    def confirm(self):
        pending = self.request.session.pop(SESSION_KEY, None)
        queued = ImportJob.objects.filter(
            pk=pending, user=self.request.user, status=ImportJob.Status.CHECKED
        ).update(status=ImportJob.Status.QUEUED, progress="Waiting for the task worker")
        if not queued:
            messages.error(self.request, "Nothing to import: upload the file again.")
            return redirect("assessments_import:index")
        import_job_run.enqueue(pending)
        job = ImportJob.objects.get(pk=pending)
        if not job.failed:
            return redirect("assessments_import:job", pk=job.pk)
        # As before jobs: errors found on confirming (the database changed since the
        # preview) answer the confirmation itself.
        context = self.get_context_data(job=job, refresh_seconds=REFRESH_SECONDS)
        return TemplateResponse(self.request, JOB_TEMPLATE, context)


class ImportJobView(ImportPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """A job's progress, then its result: for the person who started it, or staff who may
    import (the audit log records every import with its job)."""

    page_title = "Import responses"
    header_icon = "upload"
    template_name = JOB_TEMPLATE

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        job = ImportJob.objects.filter(pk=kwargs["pk"]).first()
        user = self.request.user
        if job is None or not (job.user_id == user.pk or user.is_staff):
            raise Http404("No such import.")
        return super().get_context_data(job=job, refresh_seconds=REFRESH_SECONDS, **kwargs)
