from django.db import migrations, models

# Frozen copy: a migration must not change when the footsteps are edited later.
SHORT_TITLES = {
    1: "Knowledge",
    2: "Acceptance",
    3: "Pacing",
    4: "Goals",
    5: "Getting active",
    6: "Moods",
    7: "Sleep",
    8: "Food & relations",
    9: "Relaxation",
    10: "Setbacks",
}


def seed(apps, schema_editor):
    Footstep = apps.get_model("courses", "Footstep")
    for footstep in Footstep.objects.all():
        footstep.short_title = SHORT_TITLES.get(footstep.number, footstep.title[:20])
        footstep.save(update_fields=["short_title"])


class Migration(migrations.Migration):
    dependencies = [("courses", "0011_module_completion")]

    operations = [
        migrations.AddField(
            model_name="footstep",
            name="short_title",
            field=models.CharField(
                default="",
                help_text="The footstep's name where its title does not fit: a chart's axis on "
                "a phone.",
                max_length=20,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
