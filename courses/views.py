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
from courses import selectors, services
from courses.calendar import ics_calendar, run_calendar, session_event
from courses.forms import MoveForm, RegisterForm
from courses.hooks import run_links
from courses.models import (
    CourseRunPage,
    Enrolment,
    FootstepLibraryPage,
    FootstepModulePage,
    SessionChange,
    SessionPage,
    WaitingListEntry,
)
from courses.services import attendance_record, enrolment_create


@login_required
def dashboard(request):
    progress = selectors.trainee_dashboard(request.user)
    waiting = selectors.trainee_waiting_lists(request.user)
    return render(
        request,
        "courses/dashboard.html",
        {
            "progress": progress,
            "waiting_lists": waiting,
            "withdrawn": selectors.withdrawn_enrolments(request.user),
            "open_runs": selectors.open_runs(
                excluding=[p.run.pk for p in progress] + [row.run.pk for row in waiting]
            ),
            "modules": FootstepModulePage.published(),
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
        level = messages.INFO if error.code in ("already_enrolled", "full") else messages.ERROR
        messages.add_message(request, level, " ".join(error.messages))
        return redirect(run.get_url(request))
    messages.success(request, f"You are enrolled on {run.title}. Your sessions are below.")
    return redirect("courses:dashboard")


@login_required
@require_http_methods(["GET", "POST"])
def waiting_list_join(request, run_id: int):
    run = get_object_or_404(CourseRunPage.objects.live(), pk=run_id)
    if request.method == "GET":
        return redirect(run.get_url(request))
    try:
        entry = services.waiting_list_join(user=request.user, course_run=run)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
        return redirect(run.get_url(request))
    position = selectors.waiting_list_position(entry)
    messages.success(
        request,
        f"You are on the waiting list for {run.title}, number {position}. We will email you "
        "if a place frees; you then have "
        f"{services.offer_hours()} hours to accept it.",
    )
    return redirect("courses:dashboard")


@login_required
@require_http_methods(["GET", "POST"])
def place_offer(request, entry_id: int):
    """A trainee's waiting-list entry: their position, or an offered place to accept or
    decline (the link in the offer email), or leaving the list."""
    entry = get_object_or_404(
        WaitingListEntry.objects.select_related("course_run"), pk=entry_id, user=request.user
    )
    run = entry.course_run
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                services.waiting_list_accept(entry=entry)
                messages.success(
                    request, f"You are enrolled on {run.title}. Your sessions are below."
                )
                return redirect("courses:dashboard")
            if action in ("decline", "leave"):
                services.waiting_list_leave(entry=entry)
                messages.success(
                    request,
                    f"You declined the place on {run.title}; it goes to the next person."
                    if entry.is_offered
                    else f"You have left the waiting list for {run.title}.",
                )
                return redirect("courses:dashboard")
            messages.error(request, "Choose whether to accept or decline the place.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        entry.refresh_from_db()
    status = 200 if request.method == "GET" else 400
    return render(
        request,
        "courses/place_offer.html",
        {
            "entry": entry,
            "run": run,
            "position": selectors.waiting_list_position(entry),
            "expired": entry.is_offered and entry.offer_expires_at <= timezone.now(),
            "offer_hours": services.offer_hours(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, enrolment_id: int):
    """Confirm, then withdraw from a run (before its first mandatory workshop)."""
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("course_run"), pk=enrolment_id, user=request.user
    )
    run = enrolment.course_run
    error = None
    if request.method == "POST":
        try:
            services.enrolment_withdraw(enrolment=enrolment)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(
                request,
                f"You have withdrawn from {run.title}. Your place has gone to the waiting "
                "list. Your questionnaire answers are kept as before.",
            )
            return redirect("courses:dashboard")
    deadline = services.withdrawal_deadline(run)
    return render(
        request,
        "courses/withdraw.html",
        {
            "enrolment": enrolment,
            "run": run,
            "deadline": deadline,
            "too_late": deadline is not None and deadline <= timezone.now(),
            "error": error,
        },
        status=400 if error else 200,
    )


def _calendar_response(body: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    return response


def session_calendar(request, session_id: int):
    """One published session as .ics; public, but the joining link only for those who may join."""
    session = get_object_or_404(SessionPage.objects.live(), pk=session_id).specific
    run = session.get_parent().specific
    change = SessionChange.objects.filter(session=session).first()
    event = session_event(session, run, change=change, with_link=session.can_join(request.user))
    body = ics_calendar([event], name=run.title, now=timezone.now())
    return _calendar_response(body, slugify(f"{run.title} {session.title}"))


@login_required
def enrolment_calendar(request, enrolment_id: int):
    """Every published session of the trainee's own run, with joining links."""
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("course_run"), pk=enrolment_id, user=request.user
    )
    run = enrolment.course_run
    return _calendar_response(run_calendar(run, now=timezone.now()), slugify(run.title))


def modules(request):
    library = FootstepLibraryPage.objects.live().first()
    if library is None:
        raise Http404("The footstep library has not been published yet.")
    return redirect(library.get_url(request))


@trainer_required
def trainer_runs(request):
    runs = [(s, run_links(s.run, request.user)) for s in selectors.run_summaries()]
    return render(request, "courses/trainer_runs.html", {"runs": runs})


@trainer_required
def run_places(request, run_id: int):
    """A run's places for its trainers: who is enrolled (each can be moved), who withdrew,
    the waiting list in order, and its sessions (each can be cancelled)."""
    run = get_object_or_404(CourseRunPage, pk=run_id)
    enrolments = run.enrolments.select_related("user").order_by("status", "enrolled_at")
    sessions = run.sessions(live_only=False)
    changes = selectors.session_changes(sessions)
    return render(
        request,
        "courses/run_places.html",
        {
            "run": run,
            "places": selectors.run_places(run),
            "enrolments": enrolments,
            "waiting_list": run.waiting_list.filter(status__in=WaitingListEntry.OPEN)
            .select_related("user")
            .order_by("joined_at", "id"),
            "sessions": [(session, changes.get(session.pk)) for session in sessions],
            "below_minimum": selectors.is_below_minimum(
                run,
                enrolled=selectors.run_places(run).enrolled,
                now=timezone.now(),
            ),
        },
    )


@trainer_required
@require_http_methods(["GET", "POST"])
def enrolment_move(request, enrolment_id: int):
    enrolment = get_object_or_404(
        Enrolment.objects.active().select_related("course_run", "user"), pk=enrolment_id
    )
    form = MoveForm(request.POST if request.method == "POST" else None, enrolment=enrolment)
    if request.method == "POST" and form.is_valid():
        from_run = enrolment.course_run
        try:
            services.enrolment_move(
                enrolment=enrolment, to_run=form.cleaned_data["to_run"], moved_by=request.user
            )
        except ValidationError as error:
            form.add_error("to_run", error)
        else:
            messages.success(
                request,
                f"{enrolment.user.get_full_name() or enrolment.user.email} moved to "
                f"{form.cleaned_data['to_run'].title}. Their attendance so far still counts.",
            )
            return redirect("courses:run_places", run_id=from_run.pk)
    return render(
        request,
        "courses/enrolment_move.html",
        {"enrolment": enrolment, "form": form},
        status=400 if form.errors else 200,
    )


@trainer_required
@require_http_methods(["GET", "POST"])
def session_cancel(request, session_id: int):
    session = get_object_or_404(SessionPage, pk=session_id).specific
    run = session.get_parent().specific
    error = None
    if request.method == "POST":
        try:
            services.session_cancel(session=session, cancelled_by=request.user)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(
                request,
                f"{session.title} is cancelled. Everyone enrolled is being emailed a "
                "calendar cancellation.",
            )
            return redirect("courses:run_places", run_id=run.pk)
    return render(
        request,
        "courses/session_cancel.html",
        {
            "session": session,
            "run": run,
            "enrolled": Enrolment.objects.active().filter(course_run=run).count(),
            "cancelled": selectors.session_cancelled(session),
            "error": error,
        },
        status=400 if error else 200,
    )


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
