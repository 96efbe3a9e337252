from django.db import transaction
from django.utils import timezone

from accounts.models import AuditEvent, EmailPreference


@transaction.atomic
def audit_record(
    *,
    actor,
    action: str,
    summary: str,
    detail: dict | None = None,
    subject_id: int | None = None,
    anonymised_summary: str = "",
) -> AuditEvent:
    """Append one event to the audit log.

    An event about a person (``subject_id``) says in ``anonymised_summary`` what it becomes
    when their account is deleted (``audit_forget``): the fact, without who.
    """
    if subject_id is not None and not anonymised_summary:
        raise ValueError("An event about a person needs its anonymised summary.")
    event = AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        subject_id=subject_id,
        action=action,
        summary=summary[:300],
        anonymised_summary=anonymised_summary[:300],
        detail=detail or {},
    )
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def account_delete(*, user, actor=None) -> AuditEvent:
    """Delete a user's account and everything registered as their personal data.

    Each registered eraser runs first (the research records follow the consent rule in
    ``assessments.services.research_records_anonymise``); what remains goes with the user row
    through each foreign key's ``on_delete``. ``actor`` is whoever asked (the user themselves
    by default).
    """
    from accounts import personal_data

    actor = actor or user
    user_id = user.pk
    held = {entry.label: count for entry, count in personal_data.holdings(user)}
    by_whom = "its owner" if actor.pk == user.pk else "an administrator"
    # About the person, so audit_forget (an eraser) keeps only the fact of it.
    event = audit_record(
        actor=actor,
        action=AuditEvent.Action.DELETION,
        summary=f"Account #{user_id} deleted by {by_whom}",
        detail={"user_id": user_id, "records": held},
        subject_id=user_id,
        anonymised_summary=f"An account deleted by {by_whom}",
    )
    for erase in personal_data.erasers():
        erase(user)
    user.delete()
    return event


def audit_forget(user) -> int:
    """Keep the audit log's events about ``user`` without their identity; how many."""
    events = list(AuditEvent.objects.filter(subject=user))
    for event in events:
        event.summary = event.anonymised_summary
        event.anonymised_summary = ""
        event.detail = {
            key: value
            for key, value in event.detail.items()
            if key not in AuditEvent.IDENTIFYING_DETAIL
        }
        event.subject = None
    AuditEvent.objects.bulk_update(events, ["summary", "anonymised_summary", "detail", "subject"])
    return len(events)


@transaction.atomic
def email_preference_set(*, user, session_reminders: bool) -> EmailPreference:
    """Turn the day-before session reminders on or off for ``user``."""
    preference = EmailPreference.objects.select_for_update().filter(user=user).first()
    preference = preference or EmailPreference(user=user)
    preference.session_reminders = session_reminders
    preference.updated_at = timezone.now()
    preference.full_clean(validate_unique=False)
    preference.save()
    return preference
