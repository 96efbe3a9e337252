"""Trainee and trainer views of the course. Thin: reads from selectors and the pages' own
methods, writes via services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from accounts.roles import trainer_required
from courses import selectors
from courses.calendar import CalendarEvent, ics_calendar
from courses.forms import RegisterForm
from courses.hooks import run_links
from courses.models import (
    CourseRunPage,
    Enrolment,
    FootstepLibraryPage,
    FootstepModulePage,
    SessionPage,
)
from courses.services import attendance_record, enrolment_create, module_completion_set


@login_required
def dashboard(request):
    progress = selectors.trainee_dashboard(request.user)
    return render(
        request,
        "courses/dashboard.html",
        {
            "progress": progress,
            "open_runs": selectors.open_runs(excluding=[p.run.pk for p in progress]),
            "modules": selectors.module_progress(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request, run_id: int):
    run = get_object_or_404(CourseRunPage.objects.live(), pk=run_id)
    if request.method == "GET":
        # Signing in from the run page's "Sign in to enrol" link lands here; show the page.
        return redirect(run.get_url(request))
    try:
        enrolment_create(user=request.user, course_run=run)
    except ValidationError as error:
        level = messages.INFO if error.code == "already_enrolled" else messages.ERROR
        messages.add_message(request, level, " ".join(error.messages))
        return redirect(run.get_url(request))
    messages.success(request, f"You are enrolled on {run.title}. Your sessions are below.")
    return redirect("courses:dashboard")


def _event(request, session: SessionPage, run: CourseRunPage, *, with_link: bool):
    page_url = request.build_absolute_uri(session.get_url(request))
    host = request.get_host().split(":")[0]
    joining = session.joining_url if with_link else ""
    description = f"{session.kind} of {run.title}. Details: {page_url}"
    if joining:
        description += f"\nJoin online: {joining}"
    return CalendarEvent(
        uid=f"session-{session.pk}@{host}",
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=f"{session.title} ({run.title})",
        description=description,
        url=joining or page_url,
        location=f"Online: {joining}" if joining else "Online",
    )


def _calendar_response(body: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    return response


def session_calendar(request, session_id: int):
    """One published session as .ics; public, but the joining link only for those who may join."""
    session = get_object_or_404(SessionPage.objects.live(), pk=session_id).specific
    run = session.get_parent().specific
    event = _event(request, session, run, with_link=session.can_join(request.user))
    body = ics_calendar([event], name=run.title, now=timezone.now())
    return _calendar_response(body, slugify(f"{run.title} {session.title}"))


@login_required
def enrolment_calendar(request, enrolment_id: int):
    """Every published session of the trainee's own run, with joining links."""
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("course_run"), pk=enrolment_id, user=request.user
    )
    run = enrolment.course_run
    events = [_event(request, session, run, with_link=True) for session in run.sessions()]
    body = ics_calendar(events, name=run.title, now=timezone.now())
    return _calendar_response(body, slugify(run.title))


def modules(request):
    library = FootstepLibraryPage.objects.live().first()
    if library is None:
        raise Http404("The footstep library has not been published yet.")
    return redirect(library.get_url(request))


@login_required
@require_http_methods(["POST"])
def module_done(request, module_id: int):
    """Mark a footstep module as done (``done=1``) or not done again (``done=0``)."""
    module = get_object_or_404(FootstepModulePage.objects.live(), pk=module_id)
    done = request.POST.get("done")
    if done not in ("0", "1"):
        messages.error(request, "Choose whether the module is done or not.")
        return redirect(module.get_url(request))
    try:
        module_completion_set(user=request.user, module=module, done=done == "1")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if done == "1":
            messages.success(request, f"“{module.title}” is marked as done.")
        else:
            messages.success(request, f"“{module.title}” is marked as not done.")
    return redirect(module.get_url(request))


@trainer_required
def trainer_runs(request):
    runs = [(s, run_links(s.run, request.user)) for s in selectors.run_summaries()]
    return render(request, "courses/trainer_runs.html", {"runs": runs})


@trainer_required
@require_http_methods(["GET", "POST"])
def register(request, session_id: int):
    session = get_object_or_404(SessionPage, pk=session_id).specific
    run = session.get_parent().specific
    rows = selectors.run_register(session)
    form = RegisterForm(request.POST if request.method == "POST" else None, rows=rows)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                changes = attendance_record(
                    session=session,
                    enrolment_ids_attended=set(form.cleaned_data["attended"]),
                    marked_by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    f"Register saved: {changes.marked_present} marked present, "
                    f"{changes.marked_absent} marked absent.",
                )
                return redirect("courses:register", session_id=session.pk)
        status = 400
    checked = {str(pk) for pk in (form["attended"].value() or [])}
    return render(
        request,
        "courses/register.html",
        {
            "session": session,
            "run": run,
            "rows": [(row, str(row.enrolment.pk) in checked) for row in rows],
            "form": form,
        },
        status=status,
    )
