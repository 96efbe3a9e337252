"""The evaluators' qualitative workspace: pseudonymised, redacted text only, evaluators only.

Blind double coding: a coder sees another coder's codes on a unit only once both have
finished it (``visible_readings``); nothing else on these pages shows them.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render

from accounts.roles import evaluator_required
from analytics.selectors import course_run_choices
from organisations.selectors import is_restricted
from qualitative import passages, selectors, services
from qualitative.forms import (
    AssignmentForm,
    CodeForm,
    CodingForm,
    MergeForm,
    ThemeForm,
    TranscriptForm,
)
from qualitative.models import Assignment, Code, Coder, Coding, Reading, Theme, Unit
from qualitative.redaction import platform_redactor, unit_text


def _coder(request):
    return services.coder_for_user(user=request.user)


def _runs(request):
    """The course run chosen by ``?course_run=`` and the choices: the runs the evaluator may
    analyse (None: every run, for those limited to no organisation)."""
    choices = course_run_choices(request.user)
    slug = request.GET.get("course_run", "")
    chosen = [run for run in choices if run.slug == slug]
    if not chosen and is_restricted(request.user):
        chosen = choices
    return (chosen or None), choices, slug if chosen and len(chosen) == 1 else ""


def _visible_units(request):
    """Units of the runs the evaluator may analyse; another organisation's is not found."""
    if not is_restricted(request.user):
        return selectors.units_of()
    return selectors.units_of(course_run_choices(request.user))


@evaluator_required
def workspace(request):
    coder = _coder(request)
    runs, choices, slug = _runs(request)
    services.units_sync(course_runs=runs)
    units = (
        selectors.units_of(runs)
        .select_related("participant")
        .annotate(
            coders=Count("readings", distinct=True),
            assigned=Count("assignments", filter=Q(assignments__coder=coder), distinct=True),
        )
    )
    mine = {r.unit_id: r for r in Reading.objects.filter(coder=coder, unit__in=units)}
    rows = []
    for unit in units:
        reading = mine.get(unit.pk)
        if reading is None:
            status = "Not read"
        elif reading.finished_at is None:
            status = "In progress"
        else:
            status = "Read, nothing to code" if reading.nothing_to_code else "Coded"
        rows.append({"unit": unit, "status": status, "assigned": bool(unit.assigned)})
    rows.sort(key=lambda r: (not r["assigned"], r["status"] != "Not read"))
    return render(
        request,
        "qualitative/workspace.html",
        {"coder": coder, "rows": rows, "runs": choices, "slug": slug},
    )


@evaluator_required
def codebook(request):
    theme_form, code_form = ThemeForm(prefix="theme"), CodeForm(prefix="code")
    merge_form = MergeForm(prefix="merge")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "theme":
                theme_form = ThemeForm(request.POST, prefix="theme")
                if theme_form.is_valid():
                    theme = services.theme_save(actor=request.user, **theme_form.cleaned_data)
                    messages.success(request, f"Theme “{theme.name}” added.")
                    return redirect("qualitative:codebook")
            elif action == "code":
                code_form = CodeForm(request.POST, prefix="code")
                if code_form.is_valid():
                    code = services.code_save(actor=request.user, **code_form.cleaned_data)
                    messages.success(request, f"Code “{code.label}” added.")
                    return redirect("qualitative:codebook")
            elif action == "merge":
                merge_form = MergeForm(request.POST, prefix="merge")
                if merge_form.is_valid():
                    target = merge_form.cleaned_data["target"]
                    moved = services.code_merge(actor=request.user, **merge_form.cleaned_data)
                    messages.success(
                        request, f"Merged into “{target.label}”: {moved} codings moved."
                    )
                    return redirect("qualitative:codebook")
            else:
                messages.error(request, "Choose what to change.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    themes = Theme.objects.prefetch_related(
        Prefetch("codes", queryset=Code.objects.annotate(n=Count("codings")))
    )
    return render(
        request,
        "qualitative/codebook.html",
        {
            "themes": themes,
            "theme_form": theme_form,
            "code_form": code_form,
            "merge_form": merge_form,
        },
        status=400 if request.method == "POST" else 200,
    )


@evaluator_required
def code_edit(request, code_id: int):
    code = get_object_or_404(Code.objects.select_related("theme"), pk=code_id)
    form = CodeForm(request.POST or None, instance=code, prefix="code")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            theme_changed = "theme" in form.changed_data
            code.refresh_from_db()
            code = services.code_save(
                actor=request.user,
                code=code,
                theme=code.theme,
                name=data["name"],
                description=data["description"],
                example=data["example"],
            )
            if theme_changed:
                services.code_move(actor=request.user, code=code, theme=data["theme"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Code “{code.label}” saved; its codings are unchanged.")
            return redirect("qualitative:codebook")
    return render(
        request,
        "qualitative/code_edit.html",
        {"code": code, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def visible_readings(unit: Unit, coder) -> list[Reading]:
    """Other coders' readings this coder may see: both finished, so blindness is over."""
    mine = Reading.objects.filter(unit=unit, coder=coder, finished_at__isnull=False).exists()
    if not mine:
        return []
    return list(
        Reading.objects.filter(unit=unit, finished_at__isnull=False)
        .exclude(coder=coder)
        .select_related("coder")
        .prefetch_related("codings__code__theme")
    )


def _unit_post(request, unit: Unit, coder, text: str, sentences) -> CodingForm | None:
    """Apply one action of the coding page; a form with errors to show, or None."""
    action = request.POST.get("action")
    if action == "code":
        form = CodingForm(request.POST, sentences=sentences, text=text)
        if not form.is_valid():
            return form
        data = form.cleaned_data
        services.coding_add(
            unit=unit,
            coder=coder,
            code=data["code"],
            start=data["start"],
            end=data["end"],
            text=text,
        )
        messages.success(request, f"“{data['code'].label}” applied.")
    elif action == "remove":
        coding_id = request.POST.get("coding", "")
        coding = get_object_or_404(
            Coding,
            pk=int(coding_id) if coding_id.isdecimal() else 0,
            reading__unit=unit,
            reading__coder=coder,
        )
        services.coding_remove(coding=coding, coder=coder)
        messages.success(request, "Coding removed.")
    elif action == "nothing":
        services.reading_nothing_to_code(unit=unit, coder=coder)
        messages.success(request, "Marked as read, nothing to code.")
    elif action == "finish":
        services.reading_finish(unit=unit, coder=coder)
        messages.success(request, "Marked as done.")
    elif action == "reopen":
        services.reading_finish(unit=unit, coder=coder, finished=False)
        messages.success(request, "Open again for coding.")
    elif action == "redact":
        services.redaction_mark(
            actor=request.user, unit=unit, passage=request.POST.get("passage", ""), text=text
        )
        messages.success(request, "Passage redacted everywhere.")
    else:
        raise ValidationError("Choose what to do.")
    return None


@evaluator_required
def unit_page(request, unit_id: int):
    unit = get_object_or_404(
        _visible_units(request).select_related("participant", "response", "transcript"),
        pk=unit_id,
    )
    coder = _coder(request)
    redactor = platform_redactor()
    text = unit_text(unit, redactor)
    sentences = passages.sentences(text)
    form = None
    status = 200
    if request.method == "POST":
        try:
            form = _unit_post(request, unit, coder, text, sentences)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            status = 400
        if form is None and status == 200:
            return redirect("qualitative:unit", unit.pk)
        status = 400
    form = form or CodingForm(sentences=sentences, text=text)
    reading = Reading.objects.filter(unit=unit, coder=coder).first()
    mine = list(reading.codings.select_related("code__theme")) if reading else []
    spans = []
    for coding in mine:
        start, end = passages.passage_in(text, coding)
        spans.append((start, end, coding.code.label))
    others = []
    for other in visible_readings(unit, coder):
        others.append(
            {
                "coder": other.coder.label,
                "nothing": other.nothing_to_code,
                "codings": [
                    (c.code.label, passages.passage_in(text, c), c) for c in other.codings.all()
                ],
            }
        )
    codes = list(Code.objects.select_related("theme"))
    return render(
        request,
        "qualitative/unit.html",
        {
            "unit": unit,
            "coder": coder,
            "segments": passages.segments(text, spans),
            "form": form,
            "reading": reading,
            "mine": [(c, redactor(c.quote)) for c in mine],
            "others": others,
            "codes": codes,
            "shortcut_codes": codes[:9],
            "assigned": Assignment.objects.filter(unit=unit, coder=coder).exists(),
            "next_unit": _next_unit(unit, coder),
        },
        status=status,
    )


def _next_unit(unit: Unit, coder) -> Unit | None:
    """The next unit assigned to this coder and not finished, else the next not read."""
    done = Reading.objects.filter(coder=coder, finished_at__isnull=False).values("unit_id")
    todo = selectors.units_of().exclude(pk=unit.pk).exclude(pk__in=done)
    return todo.filter(assignments__coder=coder).first() or todo.first()


@evaluator_required
def double_coding(request):
    form = AssignmentForm(request.POST or None)
    runs, choices, slug = _runs(request)
    if request.method == "POST" and form.is_valid():
        units = list(selectors.units_of(runs).filter(readings__isnull=False).distinct())
        made = services.assignments_make(
            actor=request.user,
            coder=form.cleaned_data["coder"],
            units=units,
            share=form.cleaned_data["share"] / 100,
        )
        messages.success(
            request,
            f"{len(made)} units given to {form.cleaned_data['coder'].label}, who codes them blind.",
        )
        return redirect("qualitative:double-coding")
    assignments = []
    for second in Coder.objects.filter(assignments__isnull=False).distinct():
        given = Assignment.objects.filter(coder=second).values("unit_id")
        finished = Reading.objects.filter(
            coder=second, unit_id__in=given, finished_at__isnull=False
        ).count()
        assignments.append({"coder": second.label, "n": given.count(), "done": finished})
    return render(
        request,
        "qualitative/double_coding.html",
        {"form": form, "assignments": assignments, "runs": choices, "slug": slug},
        status=400 if request.method == "POST" else 200,
    )


@evaluator_required
def agreement(request):
    runs, choices, slug = _runs(request)
    # A second coder sees nothing of the units they are still double coding.
    coder = _coder(request)
    summary = selectors.qualitative_summary(runs, blind_for=coder)
    return render(
        request,
        "qualitative/agreement.html",
        {
            "summary": summary,
            "disagreements": selectors.disagreements(runs, blind_for=coder),
            "runs": choices,
            "slug": slug,
        },
    )


@evaluator_required
def interview_upload(request):
    form = TranscriptForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            transcript = services.transcript_add(
                actor=request.user,
                participant=form.participant,
                wave=data["wave"],
                interviewed_on=data["interviewed_on"],
                interviewer=data["interviewer"],
                text=form.text,
                filename=data["file"].name,
            )
        except ValidationError:
            form.add_error(
                "wave", f"{form.participant.code} already has an interview at this wave."
            )
        else:
            messages.success(request, "Transcript uploaded; it is redacted before anyone reads it.")
            return redirect("qualitative:unit", transcript.unit.pk)
    return render(
        request,
        "qualitative/interview_upload.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@evaluator_required
def themes(request):
    runs, choices, slug = _runs(request)
    return render(
        request,
        "qualitative/themes.html",
        {
            "overview": selectors.theme_overview(runs, blind_for=_coder(request)),
            "runs": choices,
            "slug": slug,
        },
    )
