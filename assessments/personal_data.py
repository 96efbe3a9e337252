"""Personal data held by the assessments app (see accounts.personal_data).

What happens at deletion depends on research consent, so every model here hands over to
``assessments.services.research_records_anonymise``, the one place that applies the consent rule.
"""

from accounts.personal_data import register

RESEARCH_RULE = (
    "If you consented to research use, kept for the evaluation under a pseudonymous code "
    "with no link to you; otherwise deleted."
)


def erase(user) -> None:
    from assessments.services import research_records_anonymise

    research_records_anonymise(user=user)


register(
    "assessments.Participant",
    title="Research records (pseudonymous code, consent)",
    user_fields=["enrolment__user"],
    fields=["code", "course_run__title", "source", "consented_at", "created_at"],
    deletion=RESEARCH_RULE,
    erase=erase,
)
register(
    "assessments.Response",
    title="Questionnaire answers",
    user_fields=["participant__enrolment__user"],
    fields=[
        "participant__code",
        "wave",
        "instrument__version",
        "submitted_at",
        "updated_at",
        "profession",
        "profession_other",
        "years_experience",
        "prior_training",
        "uses_resources",
        "resource_use",
        "programme_feedback",
        "clinical_use",
        "optional_sessions_attended",
        *[f"s{i}" for i in range(1, 15)],
    ],
    deletion=RESEARCH_RULE,
    erase=erase,
)
register(
    "assessments.Certificate",
    user_fields=["enrolment__user"],
    fields=["verification_code", "holder_name", "course_run_title", "issued_at"],
    deletion="Deleted with your account (it carries your name).",
    erase=erase,
)
register(
    "assessments.FollowUpEmail",
    title="Follow-up reminders sent",
    user_fields=["enrolment__user"],
    fields=["wave", "kind", "sent_at"],
    deletion="Deleted with your account.",
    erase=erase,
)
register(
    "assessments.CertificateReadyEmail",
    title="Certificate emails sent",
    user_fields=["enrolment__user"],
    fields=["sent_at"],
    deletion="Deleted with your account.",
    erase=erase,
)
register(
    "assessments.ImportJob",
    title="Imports of research responses you started",
    user_fields=["user"],
    fields=["filename", "course_run_slug", "status", "created_at", "finished_at"],
    deletion=(
        "Kept without your name, as a record of what was imported; the uploaded file itself "
        "is removed a day after the import."
    ),
)
register(
    "assessments.QuestionnaireDraft",
    title="Questionnaire answers saved but not sent",
    user_fields=["enrolment__user"],
    fields=["enrolment__course_run__title", "wave", "answers", "updated_at"],
    deletion="Deleted with your account (and as soon as you send the questionnaire).",
)
