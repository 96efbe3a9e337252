"""AuditEvent and UserSession now belong to the accounts app (its 0001): the home app
forgets them without touching their tables."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0005_cache_epoch"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="UserSession"),
                migrations.DeleteModel(name="AuditEvent"),
            ],
            database_operations=[],
        ),
    ]
