"""Personal data held by the courses app (see accounts.personal_data)."""

from accounts.personal_data import register

register(
    "courses.Enrolment",
    user_fields=["user"],
    fields=[
        "id",
        "course_run__title",
        "course_run__network",
        "enrolled_at",
        "status",
        "withdrawn_at",
    ],
    deletion="Deleted with your account.",
)
register(
    "courses.Attendance",
    title="Attendance at sessions",
    # A trainee's own attendance, and the register marks a trainer made.
    user_fields=["enrolment__user", "marked_by"],
    fields=[
        "enrolment_id",
        "session__title",
        "session__starts_at",
        "marked_at",
        "minutes_attended",
    ],
    deletion=(
        "Your attendance is deleted with your account; registers you marked as a trainer "
        "are kept without your name."
    ),
)
register(
    "courses.WaitingListEntry",
    user_fields=["user"],
    fields=[
        "id",
        "course_run__title",
        "joined_at",
        "status",
        "offered_at",
        "offer_expires_at",
        "closed_at",
    ],
    deletion="Deleted with your account; your place on any waiting list ends.",
)
register(
    "courses.SessionChange",
    title="Sessions you cancelled",
    user_fields=["cancelled_by"],
    fields=["session__title", "session__starts_at", "cancelled_at"],
    deletion="The cancellation is kept without your name.",
)
register(
    "courses.SessionReminder",
    title="Session reminders sent",
    user_fields=["enrolment__user"],
    fields=["session__title", "session__starts_at", "sent_at"],
    deletion="Deleted with your account.",
)
register(
    "courses.ModuleCompletion",
    title="Footstep modules you marked as done",
    user_fields=["user"],
    fields=["module__title", "completed_at"],
    deletion="Deleted with your account.",
)
