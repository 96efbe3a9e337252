"""The register of every model that holds personal data, for download and for deletion.

Each app declares its models in its own ``personal_data.py`` (imported at start-up, like
``wagtail_hooks``): how to find a user's rows, what goes into their download and what
happens to the rows when the account is deleted. A test walks every model and fails when
one that points at a user (directly or through an enrolment or research record) is not
registered here, so new personal data cannot slip past the download or the deletion.

Models from Django, allauth and Wagtail are registered at the bottom of this module.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.utils.module_loading import autodiscover_modules
from django.utils.text import capfirst

from accounts.services import audit_forget
from accounts.sessions import sessions_end

Row = dict[str, object]


@dataclass(frozen=True)
class Entry:
    """How one model's personal data is found, exported and handled at deletion."""

    model: type[models.Model]
    user_fields: tuple[str, ...]
    deletion: str
    title: str
    fields: tuple[str, ...] | None = None
    export: Callable[[models.Model], list[Row]] | None = None
    erase: Callable[[models.Model], None] | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def queryset(self, user) -> models.QuerySet:
        """The rows of this model that belong to ``user`` (through any of ``user_fields``)."""
        condition = Q()
        for lookup in self.user_fields:
            condition |= Q(**{lookup: user.pk})
        return self.model._default_manager.filter(condition).distinct()

    def rows(self, user) -> list[Row]:
        if self.export is not None:
            return self.export(user)
        return list(self.queryset(user).order_by("pk").values(*(self.fields or ())))


_registry: dict[type[models.Model], Entry] = {}


def register(
    model: type[models.Model] | str,
    *,
    user_fields: Sequence[str],
    deletion: str,
    fields: Sequence[str] | None = None,
    export: Callable[[models.Model], list[Row]] | None = None,
    erase: Callable[[models.Model], None] | None = None,
    title: str = "",
) -> None:
    """Declare that ``model`` holds personal data.

    ``user_fields``: lookups from the model to the user's primary key, e.g.
    ``"enrolment__user"``; a row belongs to the user when any of them matches.
    ``fields`` (values() lookups) or ``export`` (a function of the user returning JSON-able
    dicts) say what goes into the download. ``deletion`` tells the user, in plain words,
    what happens to these rows when the account is deleted; ``erase`` (a function of the
    user) does it when the foreign key's ``on_delete`` alone does not. Each distinct
    ``erase`` runs once, in registration order, before the user row is deleted. ``title``
    names the records for people (default: the model's verbose name, plural).
    """
    if isinstance(model, str):
        model = apps.get_model(model)
    if (fields is None) == (export is None):
        raise ValueError(f"Give exactly one of fields or export for {model._meta.label}.")
    if model in _registry:
        raise ValueError(f"{model._meta.label} is already registered as personal data.")
    _registry[model] = Entry(
        model=model,
        user_fields=tuple(user_fields),
        deletion=deletion,
        title=title or capfirst(model._meta.verbose_name_plural),
        fields=tuple(fields) if fields is not None else None,
        export=export,
        erase=erase,
    )


def entries() -> list[Entry]:
    return list(_registry.values())


def get(model: type[models.Model]) -> Entry | None:
    return _registry.get(model)


def autodiscover() -> None:
    """Import every installed app's ``personal_data`` module (called from AccountsConfig.ready)."""
    autodiscover_modules("personal_data")


def export_user_data(user) -> dict[str, list[Row]]:
    """Everything the platform holds about ``user``, keyed by model label."""
    return {entry.label: entry.rows(user) for entry in _registry.values()}


def holdings(user) -> list[tuple[Entry, int]]:
    """The registered models holding rows for ``user``, with how many (for the delete page)."""
    counted = ((entry, entry.queryset(user).count()) for entry in _registry.values())
    return [(entry, count) for entry, count in counted if count]


def erasers() -> Iterable[Callable[[models.Model], None]]:
    seen = []
    for entry in _registry.values():
        if entry.erase is not None and entry.erase not in seen:
            seen.append(entry.erase)
    return seen


# --- Django, allauth, Wagtail and this app ----------------------------------------------

User = get_user_model()

DELETED = "Deleted with your account."
UNLINKED = "Kept (it records work done on the platform), with your name removed from it."


def _export_user(user) -> list[Row]:
    return [
        {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "username": user.get_username(),
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "is_active": user.is_active,
            "roles": sorted(user.groups.values_list("name", flat=True)),
            "is_superuser": user.is_superuser,
        }
    ]


register(
    User,
    user_fields=["pk"],
    export=_export_user,
    deletion=DELETED,
    title="Your account (name, email, roles)",
)
register(
    "account.EmailAddress",
    user_fields=["user"],
    fields=["email", "verified", "primary"],
    deletion=DELETED,
)
register(
    "mfa.Authenticator",
    title="Two-factor authentication (authenticator app, recovery codes)",
    user_fields=["user"],
    # The secret and the recovery codes stay out of the download: they are credentials.
    fields=["type", "created_at", "last_used_at"],
    deletion=DELETED,
)
register(
    "accounts.AuditEvent",
    title="Audit log entries about what you did or about you",
    user_fields=["actor", "subject"],
    fields=["at", "action", "summary"],
    deletion=(
        "Kept in the audit log as facts without your identity: your name, account number and "
        "enrolment numbers are removed."
    ),
    erase=audit_forget,
)
register(
    "accounts.UserSession",
    title="Signed-in sessions (browsers where you are signed in)",
    user_fields=["user_id"],
    # The session key is a credential and stays out of the download.
    fields=["expire_date"],
    deletion="Ended: you are signed out on every device.",
    erase=sessions_end,
)
register(
    "accounts.EmailPreference",
    title="Email preferences",
    user_fields=["user"],
    fields=["session_reminders", "updated_at"],
    deletion=DELETED,
)
register(
    "admin.LogEntry",
    user_fields=["user"],
    fields=["action_time", "object_repr", "action_flag"],
    deletion=DELETED,
)
register(
    "wagtailusers.UserProfile",
    title="Admin preferences",
    user_fields=["user"],
    fields=[
        "submitted_notifications",
        "approved_notifications",
        "rejected_notifications",
        "updated_comments_notifications",
        "preferred_language",
        "current_time_zone",
        "avatar",
        "theme",
        "density",
        "contrast",
        "keyboard_shortcuts",
    ],
    deletion=DELETED,
)
register(
    "wagtailcore.Page",
    user_fields=["owner", "locked_by"],
    fields=["id", "title", "first_published_at", "last_published_at"],
    deletion=UNLINKED,
)
register(
    "wagtailcore.Revision",
    user_fields=["user"],
    fields=["id", "object_str", "created_at"],
    deletion=UNLINKED,
)
# Wagtail keeps its history when a user goes (no database constraint): entries then show
# a deleted user rather than a name.
LOG_KEPT = "Kept in the page history, shown as by a deleted user."
register(
    "wagtailcore.PageLogEntry",
    user_fields=["user"],
    fields=["timestamp", "action", "label"],
    deletion=LOG_KEPT,
)
register(
    "wagtailcore.ModelLogEntry",
    user_fields=["user"],
    fields=["timestamp", "action", "label"],
    deletion=LOG_KEPT,
)
register(
    "wagtailcore.Comment",
    user_fields=["user", "resolved_by"],
    fields=["text", "created_at", "resolved_at"],
    deletion="Deleted with your account (comments you resolved stay, unlinked).",
)
register(
    "wagtailcore.CommentReply",
    user_fields=["user"],
    fields=["text", "created_at"],
    deletion=DELETED,
)
register(
    "wagtailcore.PageSubscription",
    user_fields=["user"],
    fields=["page_id", "comment_notifications"],
    deletion=DELETED,
)
register(
    "wagtailcore.WorkflowState",
    user_fields=["requested_by"],
    fields=["created_at", "status"],
    deletion=UNLINKED,
)
register(
    "wagtailcore.TaskState",
    user_fields=["finished_by"],
    fields=["started_at", "finished_at", "status", "comment"],
    deletion=UNLINKED,
)
register(
    "wagtailcore.UploadedFile",
    user_fields=["uploaded_by_user"],
    fields=["file", "for_content_type_id"],
    deletion=UNLINKED,
)
register(
    "wagtaildocs.Document",
    user_fields=["uploaded_by_user"],
    fields=["id", "title", "created_at"],
    deletion=UNLINKED,
)
register(
    "wagtailimages.Image",
    user_fields=["uploaded_by_user"],
    fields=["id", "title", "created_at"],
    deletion=UNLINKED,
)
register(
    "wagtailadmin.EditingSession",
    user_fields=["user"],
    fields=["last_seen_at"],
    deletion=DELETED,
)
register(
    "wagtailadmin.FormState",
    user_fields=["user"],
    fields=["object_id", "last_updated_at"],
    deletion=DELETED,
)
register(
    "wagtailcore.APIToken",
    user_fields=["user"],
    # The key hash is a credential and stays out of the download.
    fields=["name", "prefix", "created", "revoked_at", "last_used_at"],
    deletion=DELETED,
)
