from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class HomePage(Page):
    """The site's front page: what the training is and where to start."""

    intro = RichTextField(blank=True, help_text="A short welcome shown under the title.")

    search_fields = Page.search_fields + [index.SearchField("intro")]

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CourseIndexPage", "courses.FootstepLibraryPage"]
    max_count = 1


class AuditEvent(models.Model):
    """An append-only record of a sensitive action: exports, imports, attendance, roles, deletions.

    Written only through ``home.services.audit_record``; the admin shows it read-only and
    only to superusers.
    """

    class Action(models.TextChoices):
        EXPORT = "export", "Export"
        IMPORT = "import", "Import"
        ATTENDANCE = "attendance", "Attendance change"
        ROLE = "role", "Role change"
        DELETION = "deletion", "Account deletion"

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
        ordering = ["-at"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}: {self.summary}"


class UserSession(AbstractBaseSession):
    """A session (``home.sessions``) that knows whose it is, so deleting an account can end
    every one of them (Django's own session table cannot be searched by user)."""

    user_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = "signed-in session"

    @classmethod
    def get_session_store_class(cls):
        from home.sessions import SessionStore

        return SessionStore


class CacheEpoch(models.Model):
    """One row: the number every cache key carries (``home.cache``). Bumped when Redis fails
    and when it comes back, so entries from before an outage are never read after it."""

    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="one_cache_epoch")]

    def __str__(self):
        return f"Cache epoch {self.value}"
