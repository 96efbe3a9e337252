from django.db import migrations

# Table 1 of Corline et al. (2023); (code, footstep number, statement).
STATEMENTS = [
    ("s1", 1, "understand pain and thus how self-management can be effective"),
    ("s2", 2, "accept that their pain may remain and they can actively manage their condition"),
    (
        "s3",
        3,
        "recognise the potential problems arising from the impact of pain on their health and wellbeing and how they can be managed",
    ),
    ("s4", 3, "use pacing skills to balance their daily activities"),
    ("s5", 4, "set goals and reward themselves as needed"),
    ("s6", 5, "improve their physical fitness and health"),
    ("s7", 6, "manage their stress/anxiety"),
    ("s8", 6, "manage their low mood"),
    ("s9", 6, "manage their anger/frustration"),
    ("s10", 7, "improve/manage their own sleep patterns"),
    ("s11", 8, "inform close relationships to understand their condition"),
    ("s12", 8, "maintain a healthy diet"),
    ("s13", 9, "engage in mindfulness and/or relaxation techniques to aid their condition"),
    ("s14", 10, "prepare a setback plan in case things go wrong"),
]


def seed(apps, schema_editor):
    Instrument = apps.get_model("assessments.Instrument")
    Statement = apps.get_model("assessments.Statement")
    Footstep = apps.get_model("courses.Footstep")
    instrument, _ = Instrument.objects.update_or_create(
        version=1,
        defaults={"name": "Ten Footsteps confidence questionnaire", "is_current": True},
    )
    footsteps = {f.number: f for f in Footstep.objects.all()}
    for position, (code, footstep, text) in enumerate(STATEMENTS, start=1):
        Statement.objects.update_or_create(
            instrument=instrument,
            code=code,
            defaults={"position": position, "footstep": footsteps[footstep], "text": text},
        )


def unseed(apps, schema_editor):
    apps.get_model("assessments.Instrument").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial"), ("courses", "0002_seed_footsteps")]
    operations = [migrations.RunPython(seed, unseed)]
