"""The trainee dashboard's steps on each enrolment: the next thing to do, then the task list."""

from django import template

from assessments.models import Participant
from assessments.selectors import participants_by_enrolment, trainee_steps

register = template.Library()


def _participants_of(request, user) -> dict[int, Participant]:
    """The user's records by enrolment, loaded once per request for all their panels."""
    cached = getattr(request, "_assessments_participants", None)
    if cached is None:
        cached = participants_by_enrolment(user)
        request._assessments_participants = cached
    return cached


@register.inclusion_tag("assessments/includes/steps.html", takes_context=True)
def steps_panel(context, item) -> dict:
    """``item``: a ``courses.selectors.EnrolmentProgress``. Its sessions give the windows and
    its run comes with the schedule prefetched, so all the panels of a dashboard cost two
    queries together."""
    enrolment = item.enrolment
    participant = _participants_of(context["request"], enrolment.user_id).get(enrolment.pk)
    steps = trainee_steps(item, participant)
    return {
        "enrolment": enrolment,
        "participant": participant,
        "steps": steps.steps,
        "next": steps.next,
        "has_response": any(step.response for step in steps.steps),
    }
