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
