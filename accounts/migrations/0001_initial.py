"""AuditEvent and UserSession move here from the home app, their tables and rows untouched.

Only Django's record of the models changes (``home`` 0006 forgets them), and their content
types are relabelled, so permissions and admin history that point at them stay attached.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = ["auditevent", "usersession"]


def relabel_content_types(old: str, new: str):
    def relabel(apps, schema_editor):
        types = apps.get_model("contenttypes", "ContentType").objects.using(
            schema_editor.connection.alias
        )
        for model in MOVED:
            if types.filter(app_label=old, model=model).exists():
                # A `migrate` while this migration was unapplied made new ones; the old one
                # keeps the id that permissions and history point at.
                types.filter(app_label=new, model=model).delete()
                types.filter(app_label=old, model=model).update(app_label=new)

    return relabel


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("home", "0005_cache_epoch"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="UserSession",
                    fields=[
                        (
                            "session_key",
                            models.CharField(
                                max_length=40,
                                primary_key=True,
                                serialize=False,
                                verbose_name="session key",
                            ),
                        ),
                        ("session_data", models.TextField(verbose_name="session data")),
                        (
                            "expire_date",
                            models.DateTimeField(db_index=True, verbose_name="expire date"),
                        ),
                        ("user_id", models.BigIntegerField(blank=True, db_index=True, null=True)),
                    ],
                    options={
                        "verbose_name": "signed-in session",
                        "db_table": "home_usersession",
                    },
                ),
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "at",
                            models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                        ),
                        (
                            "action",
                            models.CharField(
                                choices=[
                                    ("export", "Export"),
                                    ("import", "Import"),
                                    ("attendance", "Attendance change"),
                                    ("role", "Role change"),
                                    ("deletion", "Account deletion"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("summary", models.CharField(max_length=300)),
                        ("anonymised_summary", models.CharField(blank=True, max_length=300)),
                        ("detail", models.JSONField(blank=True, default=dict)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "subject",
                            models.ForeignKey(
                                blank=True,
                                help_text=(
                                    "The person the event is about (a trainee marked present, "
                                    "a role changed)."
                                ),
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "home_auditevent",
                        "ordering": ["-at"],
                        "default_permissions": ("view",),
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(
            relabel_content_types("home", "accounts"),
            relabel_content_types("accounts", "home"),
        ),
    ]
