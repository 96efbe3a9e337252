import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_waves_by_month"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ImportJob",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("course_run_slug", models.CharField(max_length=100)),
                ("filename", models.CharField(max_length=200)),
                ("file", models.FileField(blank=True, upload_to="imports/")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("checked", "Checked, waiting for confirmation"),
                            ("queued", "Waiting for the task worker"),
                            ("running", "Importing"),
                            ("done", "Imported"),
                            ("failed", "Not imported"),
                        ],
                        default="checked",
                        max_length=10,
                    ),
                ),
                ("progress", models.CharField(blank=True, max_length=200)),
                ("result", models.CharField(blank=True, max_length=500)),
                ("errors", models.JSONField(blank=True, default=list)),
                ("error_count", models.PositiveIntegerField(default=0)),
                (
                    "created_at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                ),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                (
                    "user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
    ]
