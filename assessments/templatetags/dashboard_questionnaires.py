"""The trainee dashboard's questionnaires panel: one per enrolment, each wave with its state."""

from dataclasses import dataclass

from django import template

from assessments.models import Participant, Response
from assessments.selectors import (
    Window,
    WindowState,
    certificate_missing,
    participants_by_enrolment,
    wave_window,
)
from courses.waves import BASELINE, Wave

register = template.Library()


def _participants_of(request, user) -> dict[int, Participant]:
    """The user's records by enrolment, loaded once per request for all their panels."""
    cached = getattr(request, "_assessments_participants", None)
    if cached is None:
        cached = participants_by_enrolment(user)
        request._assessments_participants = cached
    return cached


@dataclass(frozen=True)
class WaveTask:
    """One questionnaire of a run's schedule, as the trainee's dashboard shows it."""

    wave: Wave
    window: Window
    state: WindowState
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
