"""Trainee and trainer views of the course. Thin: reads from selectors and the pages' own
methods, writes via services."""

from dataclasses import dataclass

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
from courses.attendance_import import (
    DEFAULT_SHARE_PERCENT,
    MAX_BYTES,
    ReportError,
    match_report,
    meets_share,
    parse_report,
    share_of,
)
from courses.calendar import ics_calendar, run_calendar, session_event
from courses.forms import (
    AttendanceReportForm,
    ImportConfirmForm,
    MoveForm,
    RegisterForm,
    ids_text,
    preview_token,
)
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
from courses.services import (
    NOT_STARTED,
    RegisterChanges,
    attendance_record,
    enrolment_create,
    module_completion_set,
)


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
    """The trainer's home: what needs doing this week, then each run's figures."""
    overview = selectors.trainer_overview(selectors.course_runs_visible_to(request.user))
    runs = [(s, run_links(s.run, request.user)) for s in overview.runs]
    return render(
        request,
        "courses/trainer_runs.html",
        {
            "runs": runs,
            "overview": overview,
            "registers_days": selectors.REGISTERS_DUE_DAYS,
            "links_days": selectors.LINKS_NEEDED_DAYS,
        },
    )


def _session_for_register(request, session_id: int) -> tuple[SessionPage, CourseRunPage]:
    """The session and its run, for a trainer who may see the run (404 otherwise, as for a
    missing session)."""
    session = get_object_or_404(SessionPage, pk=session_id).specific
    if not selectors.course_run_visible_to(request.user, path=session.run_path):
        raise Http404("No SessionPage matches the given query.")
    return session, session.get_parent().specific


def _save_register(request, form, session, rows, *, minutes=None) -> RegisterChanges | None:
    """Save a valid register form; on refusal the form carries the error (and, when another
    trainer saved meanwhile, who differs), and nothing is saved."""
    wanted = set(form.cleaned_data["attended"])
    try:
        return attendance_record(
            session=session,
            enrolment_ids_attended=wanted,
            marked_by=request.user,
            minutes=minutes,
            present_when_opened=form.cleaned_data["opened"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        if error.code == "changed":
            form.differs = [row for row in rows if row.attended != (row.enrolment.pk in wanted)]
            # The trainer has now seen the saved register: saving again applies their ticks.
            form.data = form.data.copy()
            form.data["opened"] = ids_text(row.enrolment.pk for row in rows if row.attended)
        return None


def _register_rows(form, rows) -> list:
    checked = {str(pk) for pk in (form["attended"].value() or [])}
    return [(row, str(row.enrolment.pk) in checked) for row in rows]


@trainer_required
def run_places(request, run_id: int):
    """A run's places for its trainers: who is enrolled (each can be moved), who withdrew,
    the waiting list in order, and its sessions (each can be cancelled)."""
    run = get_object_or_404(selectors.course_runs_visible_to(request.user), pk=run_id)
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
    visible = selectors.course_runs_visible_to(request.user)
    enrolment = get_object_or_404(
        Enrolment.objects.active()
        .filter(course_run__in=visible)
        .select_related("course_run", "user"),
        pk=enrolment_id,
    )
    form = MoveForm(
        request.POST if request.method == "POST" else None, enrolment=enrolment, runs=visible
    )
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
    session, run = _session_for_register(request, session_id)
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
    session, run = _session_for_register(request, session_id)
    rows = selectors.run_register(session)
    form = RegisterForm(request.POST if request.method == "POST" else None, rows=rows)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            changes = _save_register(request, form, session, rows)
            if changes is not None:
                messages.success(
                    request,
                    f"Register saved: {changes.marked_present} marked present, "
                    f"{changes.marked_absent} marked absent.",
                )
                return redirect("courses:register", session_id=session.pk)
        status = 400
    return render(
        request,
        "courses/register.html",
        {
            "session": session,
            "run": run,
            "rows": _register_rows(form, rows),
            "form": form,
        },
        status=status,
    )


@dataclass(frozen=True)
class PreviewRow:
    """One enrolled trainee on the preview of an imported register."""

    row: selectors.RegisterRow
    checked: bool
    minutes: int | None  # None: not in the report
    share_percent: int | None
    meets_share: bool


def _preview_context(session, rows, form, payload) -> dict:
    """Each enrolled trainee with what the report says, and the report's unmatched people."""
    share, minutes = payload["share"], payload["minutes"]
    length = {"session_minutes": session.duration_minutes}
    preview = []
    for row, checked in _register_rows(form, rows):
        stayed = minutes.get(row.enrolment.pk)
        preview.append(
            PreviewRow(
                row=row,
                checked=checked,
                minutes=stayed,
                share_percent=None if stayed is None else share_of(stayed, **length),
                meets_share=stayed is not None
                and meets_share(stayed, share_percent=share, **length),
            )
        )
    return {
        "session": session,
        "rows": preview,
        "form": form,
        "share": share,
        "unmatched": payload["unmatched"],
        "other_day": payload.get("other_day", False),
        "matched": len(minutes),
        "to_mark": sum(1 for p in preview if p.meets_share and not p.row.attended),
    }


@trainer_required
@require_http_methods(["GET", "POST"])
def register_import(request, session_id: int):
    """Upload a meeting's attendance report; the preview shows the register it proposes."""
    session, run = _session_for_register(request, session_id)
    if not session.has_started:
        messages.info(request, NOT_STARTED)
        return redirect("courses:register", session_id=session.pk)
    upload = AttendanceReportForm(
        request.POST or None,
        request.FILES or None,
        initial={"share_percent": DEFAULT_SHARE_PERCENT},
    )
    context = {"session": session, "run": run, "upload": upload}
    if request.method == "GET" or not upload.is_valid():
        return render(
            request,
            "courses/register_import.html",
            context,
            status=200 if request.method == "GET" else 400,
        )
    rows = selectors.run_register(session)
    try:
        report = parse_report(upload.cleaned_data["file"].read(MAX_BYTES + 1))
    except ReportError as error:
        upload.add_error("file", str(error))
        return render(request, "courses/register_import.html", context, status=400)
    share = upload.cleaned_data["share_percent"]
    matching = match_report(
        report,
        enrolment_ids_by_email={row.user.email: row.enrolment.pk for row in rows},
        session_minutes=session.duration_minutes,
        share_percent=share,
    )
    payload = {
        "share": share,
        "minutes": {pk: p.minutes for pk, p in matching.proposals.items()},
        "unmatched": [[p.name, p.email, p.minutes] for p in matching.unmatched],
        # A report of another day is most likely another meeting's: the preview says so.
        "other_day": not report.is_from(timezone.localdate(session.starts_at)),
    }
    # Present already, or stayed long enough: the trainer confirms or changes each tick.
    proposed = [
        row.enrolment.pk
        for row in rows
        if row.attended
        or ((found := matching.proposals.get(row.enrolment.pk)) is not None and found.meets_share)
    ]
    form = ImportConfirmForm(rows=rows, session_id=session.pk)
    form.initial.update(
        {"attended": proposed, "preview": preview_token(session_id=session.pk, payload=payload)}
    )
    return render(
        request,
        "courses/register_import_preview.html",
        {**context, **_preview_context(session, rows, form, payload)},
    )


@trainer_required
@require_http_methods(["POST"])
def register_import_confirm(request, session_id: int):
    """Save the previewed register with the report's minutes, all or nothing."""
    session, run = _session_for_register(request, session_id)
    rows = selectors.run_register(session)
    form = ImportConfirmForm(request.POST, rows=rows, session_id=session.pk)
    if form.is_valid():
        payload = form.cleaned_data["preview"]
        changes = _save_register(request, form, session, rows, minutes=payload["minutes"])
        if changes is not None:
            messages.success(
                request,
                f"Register saved from the attendance report: {changes.marked_present} marked "
                f"present, {changes.marked_absent} marked absent; minutes attended stored "
                "for those present who were in the report.",
            )
            return redirect("courses:register", session_id=session.pk)
        return render(
            request,
            "courses/register_import_preview.html",
            {"run": run, **_preview_context(session, rows, form, payload)},
            status=400,
        )
    # Without a readable preview there is nothing to show again: back to the upload.
    upload = AttendanceReportForm(initial={"share_percent": DEFAULT_SHARE_PERCENT})
    return render(
        request,
        "courses/register_import.html",
        {"session": session, "run": run, "upload": upload, "errors": form.errors},
        status=400,
    )
