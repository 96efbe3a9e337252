"""Trainee questionnaire pages, the personal chart, certificates and the trainer's follow-up list.

Views stay thin: reads come from ``selectors``, writes go through ``services``. A trainee's
pages are looked up by enrolment *and* user, so anyone else's answer 404.
"""

from contextlib import suppress

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.roles import trainer_required
from assessments import charts, selectors, services
from assessments.certificates import certificate_pdf
from assessments.forms import ConsentForm, form_for
from assessments.models import Certificate
from courses.models import Enrolment
from courses.selectors import (
    CPD_HOURS_RULE,
    completed_module_ids,
    course_runs_visible_to,
    cpd_hours,
)
from courses.waves import BASELINE, Wave
from home.models import ProgrammeSettings


def _own_enrolment(request, enrolment_id: int) -> Enrolment:
    return get_object_or_404(
        Enrolment.objects.select_related("course_run", "user").prefetch_related(
            "course_run__follow_up_waves"  # the run's schedule, read by most views here
        ),
        pk=enrolment_id,
        user=request.user,
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent(request, enrolment_id: int):
    enrolment = _own_enrolment(request, enrolment_id)
    participant = selectors.participant_for_enrolment(enrolment)
    initial = {}
    if participant is not None:
        initial["consent"] = "yes" if participant.has_consented else "no"
    form = ConsentForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        participant = services.consent_record(
            enrolment=enrolment, consented=form.cleaned_data["consent"] == "yes"
        )
        if participant.has_consented:
            messages.success(request, f"Thank you. Your participant code is {participant.code}.")
        else:
            messages.success(
                request, "Thank you. Your answers will be used only for your own chart."
            )
        return redirect("assessments:questionnaire", enrolment_id=enrolment.pk, wave=BASELINE)
    return render(
        request,
        "assessments/consent.html",
        {"enrolment": enrolment, "participant": participant, "form": form},
    )


def _wave_enrolment(request, enrolment_id: int, wave: Wave) -> Enrolment:
    """The trainee's own enrolment, on a run whose schedule asks ``wave``."""
    enrolment = _own_enrolment(request, enrolment_id)
    if wave not in enrolment.course_run.schedule:
        raise Http404("This course run has no such questionnaire.")
    return enrolment


def _draft_keep(enrolment: Enrolment, wave: Wave, form) -> None:
    """Keep what a send that did not go through carried, so the trainee finds it again."""
    # Refused when there is nothing to draft for (sent meanwhile, closed): the page says why.
    with suppress(ValidationError):
        services.questionnaire_draft_save(
            enrolment=enrolment, wave=wave, answers=form.draft_answers()
        )


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire(request, enrolment_id: int, wave: Wave):
    """Fill in a wave, or review and correct it while it is open; read-only once closed.

    Statements may be left blank (the study's rule), but a send with some left blank first
    lists them, and the trainee chooses to answer them or to send anyway. Until it is sent,
    what they type is kept as a draft.
    """
    enrolment = _wave_enrolment(request, enrolment_id, wave)
    participant = selectors.participant_for_enrolment(enrolment)
    if participant is None:
        return redirect("assessments:consent", enrolment_id=enrolment.pk)
    instrument = selectors.current_instrument()
    response = participant.responses.filter(wave=wave.name).select_related("instrument").first()
    if response is not None:
        instrument = response.instrument
    statements = selectors.statements_for(instrument)
    window = selectors.wave_window(enrolment.course_run, wave)
    form_class = form_for(wave)
    has_baseline = wave.is_baseline or participant.responses.filter(wave=BASELINE.name).exists()
    draft = None
    unanswered = []

    if request.method == "POST":
        form = form_class(request.POST, statements=statements)
        action = request.POST.get("action", form_class.SEND)
        if action == form_class.SAVE_DRAFT:
            return _draft_save_and_leave(request, enrolment, wave, form, window)
        if form.is_valid():
            unanswered = form.unanswered()
            # All blank goes on to the service, which refuses it with its own message.
            if action == form_class.SEND_ANYWAY or len(unanswered) in (0, len(statements)):
                unanswered = []
                try:
                    services.response_submit(
                        enrolment=enrolment,
                        wave=wave,
                        data=form.answers(),
                        revise=request.POST.get("revise") == "1",
                    )
                except ValidationError as error:
                    form.add_service_errors(error)
                else:
                    messages.success(request, "Your answers are saved.")
                    return redirect("assessments:chart", enrolment_id=enrolment.pk)
        if response is None:
            _draft_keep(enrolment, wave, form)
    else:
        initial = None
        if response is not None:
            initial = form_class.initial_from(response)
        else:
            draft = selectors.questionnaire_draft(enrolment, wave)
            initial = draft.answers if draft is not None else None
        form = form_class(initial=initial, statements=statements)

    return render(
        request,
        "assessments/questionnaire.html",
        {
            "wave": wave,
            "enrolment": enrolment,
            "participant": participant,
            "response": response,
            "form": form,
            "window": window,
            "window_state": window.state(),
            "has_baseline": has_baseline,
            "revise": response is not None,
            "draft": draft,
            "unanswered": unanswered,
        },
    )


def _draft_save_and_leave(request, enrolment: Enrolment, wave: Wave, form, window):
    """The "Save and come back later" button (it works without JavaScript)."""
    try:
        services.questionnaire_draft_save(
            enrolment=enrolment, wave=wave, answers=form.draft_answers()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("assessments:questionnaire", enrolment_id=enrolment.pk, wave=wave)
    until = f" before {_when(window.closes_at)}" if window.closes_at else ""
    messages.success(
        request,
        f"Your answers to the {wave.noun} questionnaire are saved. Come back to finish and "
        f"send them{until}.",
    )
    return redirect("courses:dashboard")


@login_required
def questionnaire_draft(request, enrolment_id: int, wave: Wave):
    """Autosave (static/js/questionnaire.js): keep the form's current values as the draft."""
    # Someone else's enrolment is a 404 whatever the method, like one that does not exist.
    enrolment = _wave_enrolment(request, enrolment_id, wave)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    statements = selectors.statements_for(selectors.current_instrument())
    form = form_for(wave)(request.POST, statements=statements)
    try:
        draft = services.questionnaire_draft_save(
            enrolment=enrolment, wave=wave, answers=form.draft_answers()
        )
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=409)
    return JsonResponse({"saved_at": date_format(timezone.localtime(draft.updated_at), "H:i")})


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i")


@login_required
def chart(request, enrolment_id: int):
    """The trainee's own confidence per footstep at each wave they answered."""
    enrolment = _own_enrolment(request, enrolment_id)
    participant = selectors.participant_for_enrolment(enrolment)
    responses = {}
    if participant is not None:
        responses = {
            r.wave: r
            for r in participant.responses.select_related("instrument").prefetch_related(
                "instrument__statements__footstep"
            )
        }
    if BASELINE.name not in responses:
        raise Http404("No baseline answers yet.")
    scores = charts.personal_scores(responses)
    waves = charts.waves_of(scores)
    figure = charts.personal_chart(scores)
    # Research records only: the threshold comes from the consenting participants' answers.
    reliable_change = (
        charts.personal_reliable_change(scores, selectors.reliable_change_se)
        if participant.has_consented
        else None
    )
    return render(
        request,
        "assessments/chart.html",
        {
            "enrolment": enrolment,
            "participant": participant,
            "scores": scores,
            "waves": waves,
            "waves_in_words": charts.waves_in_words(waves),
            "chart": figure,
            "suggestions": charts.lowest_footsteps(scores),
            "modules_done": completed_module_ids(request.user),
            "reliable_change": reliable_change,
            "next_follow_up": _next_follow_up(enrolment, responses),
            "certificate_reasons": selectors.certificate_eligibility(
                enrolment, answered=responses.keys()
            ),
        },
    )


def _next_follow_up(enrolment: Enrolment, responses: dict) -> dict | None:
    """The first follow-up wave of the run not answered yet and not closed, with its window."""
    for wave in enrolment.course_run.follow_ups:
        window = selectors.wave_window(enrolment.course_run, wave)
        if wave.name not in responses and not window.state().is_closed:
            return {"wave": wave, "window": window}
    return None


@login_required
def certificate(request, enrolment_id: int):
    """Download the certificate; issued on first download once the trainee is eligible."""
    enrolment = _own_enrolment(request, enrolment_id)
    try:
        issued = services.certificate_issue(enrolment=enrolment)
    except ValidationError as error:
        return render(
            request,
            "assessments/certificate_unavailable.html",
            {"enrolment": enrolment, "reasons": error.messages},
            status=403,
        )
    verify_url = request.build_absolute_uri(
        reverse("assessments:certificate_detail", args=[issued.verification_code])
    )
    pdf = certificate_pdf(
        issued,
        enrolment=enrolment,
        verify_url=verify_url,
        organisation_name=ProgrammeSettings.for_request(request).organisation_name,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="ten-footsteps-certificate-{issued.verification_code}.pdf"'
    )
    return response


@never_cache  # it shows the holder's name
def certificate_verify(request, code: str | None = None):
    """Public: anyone holding a certificate's code can check it is genuine."""
    code = (code or request.GET.get("code", "")).strip().upper().replace("-", "")
    found = None
    # Codes are letters and digits; anything else cannot match, and a NUL byte would make
    # PostgreSQL refuse the query (a 500).
    if code.isascii() and code.isalnum():
        found = (
            Certificate.objects.select_related("enrolment").filter(verification_code=code).first()
        )
    # The hours come from the register while the enrolment exists (it always does while
    # the holder has an account: deleting one deletes its certificates).
    hours = cpd_hours(found.enrolment) if found and found.enrolment_id else None
    return render(
        request,
        "assessments/certificate_verify.html",
        {"code": code, "certificate": found, "cpd_hours": hours, "cpd_rule": CPD_HOURS_RULE},
        status=404 if code and found is None else 200,
    )


@trainer_required
def trainer_follow_ups(request, run_id: int):
    """Per course run: who is due a follow-up, who was reminded, who has answered."""
    run = get_object_or_404(course_runs_visible_to(request.user), pk=run_id)
    return render(
        request,
        "assessments/trainer_follow_ups.html",
        {"run": run, **selectors.follow_up_overview(run)},
    )
