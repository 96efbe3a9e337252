"""Audit events raised by signals rather than by a service: role changes.

Roles change in several places (the Wagtail user editor, Django admin, the shell), so
signals catch them all: ``m2m_changed`` on ``User.groups`` for the Trainers and Evaluators
groups, and the user's own save for the superuser flag. The actor comes from
``AuditActorMiddleware``; outside a request it is unknown (None).
"""

from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.models import AuditEvent
from accounts.roles import EVALUATOR, TRAINER
from accounts.services import audit_record

acting_user: ContextVar = ContextVar("acting_user", default=None)

AUDITED_ROLES = (TRAINER, EVALUATOR)
SUPERUSERS = "superusers"
_CHANGES = {"post_add": "added to", "post_remove": "removed from"}


def _record(user_id: int, group: str, change: str) -> None:
    audit_record(
        actor=acting_user.get(),
        action=AuditEvent.Action.ROLE,
        summary=f"User #{user_id} {change} {group}",
        detail={"user_id": user_id, "group": group, "change": change},
        subject_id=user_id,
        anonymised_summary=f"A deleted account {change} {group}",
    )


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
            _record(user_id, group.name, _CHANGES[action])


def remember_superuser_flag(sender, instance, update_fields=None, **kwargs) -> None:
    """pre_save: note whether the user was a superuser before this save."""
    if update_fields is not None and "is_superuser" not in update_fields:
        return  # e.g. the last_login update at each sign-in
    instance._was_superuser = (
        sender.objects.filter(pk=instance.pk).values_list("is_superuser", flat=True).first()
        if instance.pk
        else False
    )


def record_superuser_change(sender, instance, **kwargs) -> None:
    """post_save: log a user becoming, or ceasing to be, a superuser."""
    was = instance.__dict__.pop("_was_superuser", None)
    if was is None or bool(was) == instance.is_superuser:
        return
    _record(instance.pk, SUPERUSERS, "added to" if instance.is_superuser else "removed from")


def connect() -> None:
    from django.db.models.signals import m2m_changed, post_save, pre_save

    User = get_user_model()
    m2m_changed.connect(
        record_role_change, sender=User.groups.through, dispatch_uid="accounts.audit.roles"
    )
    pre_save.connect(remember_superuser_flag, sender=User, dispatch_uid="accounts.audit.su_pre")
    post_save.connect(record_superuser_change, sender=User, dispatch_uid="accounts.audit.su_post")
