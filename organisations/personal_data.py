"""Personal data held by the organisations app (see accounts.personal_data)."""

from accounts.personal_data import register

register(
    "organisations.StaffAccess",
    title="Organisations your staff access is limited to",
    user_fields=["user"],
    fields=["organisations__name"],
    deletion="Deleted with your account.",
)
