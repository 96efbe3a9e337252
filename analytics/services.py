"""Writes of the analytics app: every export leaves an entry in the audit log."""

from collections.abc import Sequence

from django.db import transaction

from accounts.models import AuditEvent
from accounts.services import audit_record
from analytics.selectors import CourseRunRef, course_run_choices


@transaction.atomic
def export_record(
    *, actor, what: str, file_format: str, course_runs: Sequence[CourseRunRef] | None
) -> AuditEvent:
    """Log who exported what, in which format, for which course runs (None: all runs pooled,
    recorded as the runs that existed then)."""
    pooled = course_runs is None
    slugs = [run.slug for run in (course_run_choices(None) if pooled else course_runs)]
    scope = "all course runs" if pooled else ", ".join(slugs)
    return audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        summary=f"Exported {what} ({file_format}) for {scope}",
        detail={
            "format": file_format,
            "what": what,
            "course_runs": slugs,
            "all_course_runs": pooled,
        },
    )
