"""The trainee dashboard's questionnaires panel and the questionnaire's rating options."""

from dataclasses import dataclass

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from assessments.models import Participant, Response
from assessments.selectors import Window, wave_window
from assessments.services import certificate_missing
from courses.waves import BASELINE, Wave

register = template.Library()


def _participants_of(request, user) -> dict[int, Participant]:
    """The user's records by enrolment, loaded once per request for all their panels."""
    cached = getattr(request, "_assessments_participants", None)
    if cached is None:
        cached = {
            p.enrolment_id: p
            for p in Participant.objects.filter(enrolment__user=user).prefetch_related("responses")
        }
        request._assessments_participants = cached
    return cached


@dataclass(frozen=True)
class WaveTask:
    """One questionnaire of a run's schedule, as the trainee's dashboard shows it."""

    wave: Wave
    window: Window
    state: str
    response: Response | None


@register.inclusion_tag("assessments/includes/dashboard_panel.html", takes_context=True)
def questionnaires_panel(context, item) -> dict:
    """``item``: a ``courses.selectors.EnrolmentProgress``. Its sessions give the windows and
    its run comes with the schedule prefetched, so all the panels of a dashboard cost two
    queries together."""
    enrolment = item.enrolment
    workshops = [row.session for row in item.sessions if row.session.is_mandatory]
    participant = _participants_of(context["request"], enrolment.user_id).get(enrolment.pk)
    responses = {} if participant is None else {r.wave: r for r in participant.responses.all()}
    tasks = []
    for wave in item.run.schedule:
        window = wave_window(item.run, wave, workshops)
        tasks.append(WaveTask(wave, window, window.state(), responses.get(wave.name)))
    return {
        "enrolment": enrolment,
        "participant": participant,
        "tasks": tasks,
        "has_baseline": BASELINE.name in responses,
        "certificate_reasons": certificate_missing(
            item.run, mandatory_completed=item.mandatory_completed, answered=responses
        ),
    }


# The scale's ends; on the narrowest phones only "least" / "most" show (site.css).
HINTS = {"1": "least", "5": "most"}


def _attributes(attrs: dict) -> str:
    """HTML attributes as Django's attrs.html writes them (True: bare, False/None: left out)."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False and value is not None
    )


@register.simple_tag
def likert_options(field) -> str:
    """The labelled radio inputs of one confidence statement (1–5 and "leave blank").

    Written in Python rather than with Django's widget templates: a questionnaire has 84 of
    them, and rendering a template for each was most of the page's cost.
    """
    options = []
    for radio in field:
        value = "" if radio.data["value"] is None else str(radio.data["value"])
        attrs = {"type": radio.data["type"], "name": radio.data["name"], "value": value}
        attrs.update(radio.data["attrs"])
        label = {"for": radio.id_for_label, "class": None if value else "likert__blank"}
        hint = HINTS.get(value)
        options.append(
            f"<label{_attributes(label)}><input{_attributes(attrs)}> "
            f"{escape(radio.choice_label)}"
            + (
                f' <span class="likert__hint">{hint}'
                '<span class="likert__hint-rest"> confident</span></span>'
                if hint
                else ""
            )
            + "</label>"
        )
    return mark_safe("\n".join(options))  # noqa: S308 (every value above is escaped)
