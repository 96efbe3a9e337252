from django.db import migrations

# Frozen copy: a migration must not change when courses/footsteps.py is edited later.
FOOTSTEPS = [
    (
        1,
        "Building knowledge about pain",
        "Why persistent pain is different from acute pain, and how understanding it makes self-management possible.",
    ),
    (
        2,
        "Acceptance",
        "Moving from searching for a cure towards living well alongside pain that may remain.",
    ),
    (
        3,
        "Pacing",
        "Spotting the boom-and-bust cycle and balancing activity and rest across the day.",
    ),
    (4, "Setting goals", "Small, meaningful goals, planned in steps, with rewards for progress."),
    (
        5,
        "Getting active",
        "Building fitness gradually and safely, with movement the person enjoys.",
    ),
    (
        6,
        "Managing moods",
        "Recognising how stress, anxiety, low mood and frustration interact with pain, and practical ways to ease them.",
    ),
    (7, "Sleep", "Routines and habits that help people with pain rest and sleep better."),
    (
        8,
        "Food and relationships",
        "Eating well, and helping family and friends understand the condition.",
    ),
    (
        9,
        "Relaxation and mindfulness",
        "Breathing, relaxation and mindfulness techniques that calm the body's response to pain.",
    ),
    (
        10,
        "Managing setbacks",
        "Preparing a plan for flare-ups so that a bad day does not undo progress.",
    ),
]


def seed(apps, schema_editor):
    Footstep = apps.get_model("courses.Footstep")
    for number, title, description in FOOTSTEPS:
        Footstep.objects.update_or_create(
            number=number, defaults={"title": title, "description": description}
        )


def unseed(apps, schema_editor):
    apps.get_model("courses.Footstep").objects.filter(number__in=range(1, 11)).delete()


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
