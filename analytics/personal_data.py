"""Personal data held by the analytics app (see accounts.personal_data)."""

from accounts.personal_data import register

register(
    "analytics.DownloadJob",
    title="Evaluation downloads prepared for you",
    user_fields=["requested_by"],
    fields=["what", "file_format", "requested_at", "status"],
    deletion="Deleted with your account (each prepared file is removed a day after it is made).",
)
