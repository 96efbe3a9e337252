"""Writes for organisations: who of the staff is limited to which of them (audited)."""

from collections.abc import Iterable

from django.db import transaction

from accounts.models import AuditEvent
from accounts.services import audit_record
from organisations.models import Organisation, StaffAccess


@transaction.atomic
def staff_access_set(*, user, organisations: Iterable[Organisation], actor=None) -> StaffAccess:
    """Limit ``user`` to ``organisations`` (and everything under them); an empty list leaves
    them seeing no run at all.
    ``staff_access_remove`` lifts the limit."""
    access, _ = StaffAccess.objects.get_or_create(user=user)
    access.full_clean()
    organisations = sorted(set(organisations), key=lambda org: org.path)
    access.organisations.set(organisations)
    names = ", ".join(org.name for org in organisations) or "no organisation"
    audit_record(
        actor=actor,
        action=AuditEvent.Action.ROLE,
        summary=f"User #{user.pk} limited to {names}",
        detail={"user_id": user.pk, "organisations": [org.pk for org in organisations]},
        subject_id=user.pk,
        anonymised_summary=f"A deleted account limited to {names}",
    )
    return access


@transaction.atomic
def staff_access_remove(*, access: StaffAccess, actor=None) -> None:
    """Lift the limit: ``access.user`` sees every organisation again."""
    user_id = access.user_id
    access.delete()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.ROLE,
        summary=f"User #{user_id} no longer limited to organisations",
        detail={"user_id": user_id},
        subject_id=user_id,
        anonymised_summary="A deleted account no longer limited to organisations",
    )
