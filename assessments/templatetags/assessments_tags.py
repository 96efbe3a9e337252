"""The questionnaires panel that the trainee dashboard shows for each enrolment."""

from django import template

from assessments.models import Participant, Response
from assessments.selectors import baseline_window, follow_up_window

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


@register.inclusion_tag("assessments/includes/dashboard_panel.html", takes_context=True)
def questionnaires_panel(context, item) -> dict:
    """``item``: a ``courses.selectors.EnrolmentProgress``; its sessions give the windows, so
    all the panels of a dashboard cost two queries together."""
    enrolment = item.enrolment
    workshops = [row.session for row in item.sessions if row.session.is_mandatory]
    participant = _participants_of(context["request"], enrolment.user_id).get(enrolment.pk)
    responses = {} if participant is None else {r.wave: r for r in participant.responses.all()}
    baseline = baseline_window(item.run, workshops)
    follow_up = follow_up_window(item.run, workshops)
    return {
        "enrolment": enrolment,
        "participant": participant,
        "baseline": responses.get(Response.Wave.BASELINE),
        "follow_up": responses.get(Response.Wave.FOLLOW_UP),
        "baseline_window": baseline,
        "baseline_state": baseline.state(),
        "follow_up_window": follow_up,
        "follow_up_state": follow_up.state(),
        "mandatory_completed": item.mandatory_completed,
    }
