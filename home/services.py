from django.db import transaction

from home.models import AuditEvent


@transaction.atomic
def audit_record(*, actor, action: str, summary: str, detail: dict | None = None) -> AuditEvent:
    """Append one event to the audit log."""
    event = AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        summary=summary[:300],
        detail=detail or {},
    )
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def account_delete(*, user, actor=None) -> AuditEvent:
    """Delete a user's account and everything registered as their personal data.

    Each registered eraser runs first (the research records follow the consent rule in
    ``assessments.services.user_delete``); what remains goes with the user row through each
    foreign key's ``on_delete``. ``actor`` is whoever asked (the user themselves by default).
    """
    from home import personal_data

    actor = actor or user
    user_id = user.pk
    held = {entry.label: count for entry, count in personal_data.holdings(user)}
    by_whom = "its owner" if actor.pk == user.pk else "an administrator"
    event = audit_record(
        actor=actor,
        action=AuditEvent.Action.DELETION,
        summary=f"Account #{user_id} deleted by {by_whom}",
        detail={"user_id": user_id, "records": held},
    )
    for erase in personal_data.erasers():
        erase(user)
    user.delete()
    return event
