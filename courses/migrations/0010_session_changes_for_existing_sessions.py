"""Record the current time of every existing session, so a later change is recognised as a
reschedule and announced (sessions published from now on get theirs when first published)."""

from datetime import timedelta

from django.db import migrations


def record(apps, schema_editor):
    SessionPage = apps.get_model("courses", "SessionPage")
    SessionChange = apps.get_model("courses", "SessionChange")
    SessionChange.objects.bulk_create(
        [
            SessionChange(
                session_id=session.pk,
                starts_at=session.starts_at,
                ends_at=session.starts_at + timedelta(minutes=session.duration_minutes),
            )
            for session in SessionPage.objects.filter(change__isnull=True)
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("courses", "0009_places_waiting_list_withdrawal_session_changes")]

    operations = [migrations.RunPython(record, migrations.RunPython.noop)]
