from django.db import migrations, models


def create_the_row(apps, schema_editor):
    apps.get_model("home", "CacheEpoch").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0004_audit_subjects_and_sessions_backfill"),
    ]

    operations = [
        migrations.CreateModel(
            name="CacheEpoch",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.BigIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("pk", 1)), name="one_cache_epoch")
                ],
            },
        ),
        migrations.RunPython(create_the_row, migrations.RunPython.noop),
    ]
