"""Personal data held by the qualitative app (see accounts.personal_data).

Transcripts, units and their codings come from a person's answers: they are research
records and follow the consent rule of ``assessments.services.research_records_anonymise``
(deleted with a record without consent, kept under the pseudonymous code otherwise). An
evaluator's part (their coder label, the passages they marked, the units they assigned or
uploaded) stays in the analysis without the link to them (``on_delete=SET_NULL``).
"""

from accounts.personal_data import register
from assessments.personal_data import RESEARCH_RULE, erase

EVALUATOR_RULE = "The analysis keeps it without your name: the link to your account is removed."
PARTICIPANT = "participant__enrolment__user"


def _transcripts(user) -> list[dict]:
    """A participant gets their transcripts; the evaluator who uploaded one only the fact."""
    from qualitative.models import Transcript

    own = Transcript.objects.filter(participant__enrolment__user=user).values(
        "participant__code", "wave", "interviewed_on", "interviewer", "text", "uploaded_at"
    )
    uploaded = Transcript.objects.filter(uploaded_by=user).values(
        "participant__code", "wave", "uploaded_at"
    )
    return list(own) + [{**row, "uploaded_by_you": True} for row in uploaded]


register(
    "qualitative.Transcript",
    title="Interview transcripts",
    user_fields=[PARTICIPANT, "uploaded_by"],
    export=_transcripts,
    deletion=f"Your own interview: {RESEARCH_RULE} One you uploaded: {EVALUATOR_RULE}",
    erase=erase,
)
register(
    "qualitative.Unit",
    title="Answers in the qualitative analysis",
    user_fields=[PARTICIPANT],
    fields=["participant__code", "wave", "field"],
    deletion=RESEARCH_RULE,
    erase=erase,
)
register(
    "qualitative.Redaction",
    title="Passages redacted in the qualitative analysis",
    user_fields=[f"unit__{PARTICIPANT}", "marked_by"],
    fields=["unit__participant__code", "unit__wave", "unit__field", "marked_at"],
    deletion=f"{RESEARCH_RULE} One you marked: {EVALUATOR_RULE}",
    erase=erase,
)
register(
    "qualitative.Coder",
    title="Your coder label in the qualitative analysis",
    user_fields=["user"],
    fields=["label"],
    deletion=EVALUATOR_RULE,
)
register(
    "qualitative.Reading",
    title="Readings in the qualitative analysis",
    user_fields=[f"unit__{PARTICIPANT}", "coder__user"],
    fields=[
        "coder__label",
        "unit__participant__code",
        "unit__wave",
        "unit__field",
        "nothing_to_code",
        "finished_at",
    ],
    deletion=f"{RESEARCH_RULE} Your own readings as a coder: {EVALUATOR_RULE}",
    erase=erase,
)
register(
    "qualitative.Coding",
    title="Codings in the qualitative analysis",
    user_fields=[f"reading__unit__{PARTICIPANT}", "reading__coder__user"],
    fields=[
        "reading__coder__label",
        "reading__unit__participant__code",
        "reading__unit__wave",
        "reading__unit__field",
        "code__theme__name",
        "code__name",
        "start",
        "end",
        "created_at",
    ],
    deletion=f"{RESEARCH_RULE} Your own codings as a coder: {EVALUATOR_RULE}",
    erase=erase,
)
register(
    "qualitative.Assignment",
    title="Double-coding assignments",
    user_fields=[f"unit__{PARTICIPANT}", "coder__user", "assigned_by"],
    fields=["coder__label", "unit__participant__code", "unit__wave", "unit__field", "assigned_at"],
    deletion=f"{RESEARCH_RULE} {EVALUATOR_RULE}",
    erase=erase,
)
