"""Audit events raised by signals rather than by a service: role changes.

Group membership changes in several places (the Wagtail user editor, Django admin, the
shell), so the one ``m2m_changed`` signal on ``User.groups`` catches them all. The actor
comes from ``AuditActorMiddleware``; outside a request it is unknown (None).
"""

from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from home.models import AuditEvent
from home.roles import EVALUATOR, TRAINER
from home.services import audit_record

acting_user: ContextVar = ContextVar("acting_user", default=None)

AUDITED_ROLES = (TRAINER, EVALUATOR)
_CHANGES = {"post_add": "added to", "post_remove": "removed from"}


def record_role_change(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    """Log each user added to or removed from a Trainers or Evaluators group."""
    if action == "pre_clear":
        # clear() reports no pk_set afterwards, so capture who is about to lose which group.
        if reverse:
            instance._cleared_user_ids = set(instance.user_set.values_list("pk", flat=True))
        else:
            instance._cleared_group_ids = set(instance.groups.values_list("pk", flat=True))
        return
    if action == "post_clear":
        action = "post_remove"
        pk_set = instance.__dict__.pop(
            "_cleared_user_ids" if reverse else "_cleared_group_ids", set()
        )
    if action not in _CHANGES or not pk_set:
        return
    if reverse:  # group.user_set.add(...): instance is the group, pk_set the users
        groups = [instance]
        user_ids = sorted(pk_set)
    else:  # user.groups.add(...): instance is the user, pk_set the groups
        groups = list(Group.objects.filter(pk__in=pk_set))
        user_ids = [instance.pk]
    for group in groups:
        if group.name not in AUDITED_ROLES:
            continue
        for user_id in user_ids:
            audit_record(
                actor=acting_user.get(),
                action=AuditEvent.Action.ROLE,
                summary=f"User #{user_id} {_CHANGES[action]} {group.name}",
                detail={"user_id": user_id, "group": group.name, "change": _CHANGES[action]},
            )


def connect() -> None:
    from django.db.models.signals import m2m_changed

    m2m_changed.connect(
        record_role_change,
        sender=get_user_model().groups.through,
        dispatch_uid="home.audit.record_role_change",
    )
