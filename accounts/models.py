from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """An append-only record of a sensitive action: exports, imports, attendance, roles, deletions.

    Written only through ``accounts.services.audit_record``; the admin shows it read-only and
    only to superusers.
    """

    class Action(models.TextChoices):
        EXPORT = "export", "Export"
        IMPORT = "import", "Import"
        ATTENDANCE = "attendance", "Attendance change"
        ROLE = "role", "Role change"
        DELETION = "deletion", "Account deletion"
        ENROLMENT = "enrolment", "Enrolment change"
        SESSION = "session", "Session change"
        QUALITATIVE = "qualitative", "Qualitative analysis change"

    # Detail keys that point at a person; dropped when the subject's account is deleted.
    IDENTIFYING_DETAIL = ("user_id", "enrolment_id")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The person the event is about (a trainee marked present, a role changed).",
    )
    action = models.CharField(max_length=20, choices=Action)
    summary = models.CharField(max_length=300)
    # What the summary becomes when the subject's account is deleted: the fact, not the person.
    anonymised_summary = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        # The table keeps the name it had in the home app (moved without touching the data).
        db_table = "home_auditevent"
        ordering = ["-at"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}: {self.summary}"


class UserSession(AbstractBaseSession):
    """A session (``accounts.sessions``) that knows whose it is, so deleting an account can end
    every one of them (Django's own session table cannot be searched by user)."""

    user_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        db_table = "home_usersession"  # as for AuditEvent
        verbose_name = "signed-in session"

    @classmethod
    def get_session_store_class(cls):
        from accounts.sessions import SessionStore

        return SessionStore


class EmailPreference(models.Model):
    """The emails a person has chosen; no row means the defaults (every email on).

    Only the session reminders can be turned off: the other emails are about the account
    itself or about something the person has to do (a questionnaire, a certificate)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preference"
    )
    session_reminders = models.BooleanField(
        "Email me a reminder the day before each session",
        default=True,
        help_text="With the session's joining link.",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Email preferences of {self.user}"
