"""Signals courses sends to other apps, and the audit entries for attendance that goes
with an enrolment (an account deletion).

Registers change through ``courses.services``, which audits each mark. An enrolment's rows
go by cascade instead, so its ``pre_delete`` records, per session, that attendance left the
register and why, without saying whose it was.
"""

from django.db.models import Count
from django.dispatch import Signal

from accounts.audit import acting_user
from accounts.models import AuditEvent
from accounts.services import audit_record

# Trainees were marked present at ``session`` (``enrolment_ids``), inside the transaction
# that saved it: assessments checks whether their certificate has just become available.
attendance_added = Signal()


def audit_attendance_leaving_with_enrolment(sender, instance, **kwargs) -> None:
    sessions = (
        instance.attendances.values("session_id", "session__title")
        .annotate(records=Count("pk"))
        .order_by("session_id")
    )
    for row in sessions:
        audit_record(
            actor=acting_user.get(),
            action=AuditEvent.Action.ATTENDANCE,
            summary=f"Attendance at session {row['session_id']} ({row['session__title']}) "
            "deleted with a trainee's account",
            detail={"session_id": row["session_id"], "deleted_records": row["records"]},
        )


def course_page_published(sender, instance, **kwargs) -> None:
    """A published course page may change what trainees were told: a session's new time is
    announced (``session_schedule_published``), and a run's new number of places is offered
    to its waiting list. Both after the publish commits, so they read what was published."""
    from django.db import transaction

    from courses.models import CourseRunPage, SessionPage
    from courses.services import session_schedule_published, waiting_list_offer_places

    if isinstance(instance, SessionPage):
        transaction.on_commit(lambda: session_schedule_published(session=instance))
    elif isinstance(instance, CourseRunPage):
        transaction.on_commit(lambda: waiting_list_offer_places(course_run=instance))
