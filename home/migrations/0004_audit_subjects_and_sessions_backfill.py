"""Existing audit events learn whom they are about; existing sessions move to UserSession.

Role events and personal-data downloads name a user id, attendance events an enrolment; the
subject and the anonymised summary are filled in from them (wording as in the services at
the time). Account deletions whose user is gone lose the account number. Sessions are
copied with the signed-in user's id read from their data, so deleting an account ends those
too. Reversing drops the subjects (summaries stay as they are) and moves sessions back.
"""

import re

from django.db import migrations

ROLE = re.compile(r"^User #(\d+) (added to|removed from) (.+)$")
DOWNLOAD = re.compile(r"^Personal data download by user #(\d+)$")
ATTENDANCE = re.compile(r"^Enrolment (\d+) (marked .+)$")
DELETION = re.compile(r"^Account #\d+ deleted by (.+)$")


def _subject_and_summary(event, enrolment_users):
    if match := ROLE.match(event.summary):
        user_id = int(match[1])
        return user_id, f"A deleted account {match[2]} {match[3]}"
    if match := DOWNLOAD.match(event.summary):
        return int(match[1]), "Personal data download by a deleted account"
    if match := ATTENDANCE.match(event.summary):
        return enrolment_users.get(int(match[1])), f"A trainee (account deleted) {match[2]}"
    return None, ""


def forwards(apps, schema_editor):
    AuditEvent = apps.get_model("home", "AuditEvent")
    User = apps.get_model("auth", "User")
    Enrolment = apps.get_model("courses", "Enrolment")
    user_ids = set(User.objects.values_list("pk", flat=True))
    enrolment_users = dict(Enrolment.objects.values_list("pk", "user_id"))
    for event in AuditEvent.objects.iterator():
        if match := DELETION.match(event.summary):
            event.summary = f"An account deleted by {match[1]}"
            event.detail = {k: v for k, v in event.detail.items() if k != "user_id"}
            event.save(update_fields=["summary", "detail"])
            continue
        subject_id, anonymised = _subject_and_summary(event, enrolment_users)
        if not anonymised:
            continue
        if subject_id in user_ids:
            event.subject_id = subject_id
            event.anonymised_summary = anonymised
        else:  # the person is already gone: keep the fact only
            event.summary = anonymised
            event.detail = {
                k: v for k, v in event.detail.items() if k not in ("user_id", "enrolment_id")
            }
        event.save(update_fields=["subject", "anonymised_summary", "summary", "detail"])
    _move_sessions(apps, "sessions", "Session", "home", "UserSession", with_user=True)


def backwards(apps, schema_editor):
    apps.get_model("home", "AuditEvent").objects.update(subject=None, anonymised_summary="")
    _move_sessions(apps, "home", "UserSession", "sessions", "Session", with_user=False)


def _move_sessions(apps, from_app, from_model, to_app, to_model, *, with_user):
    # Any class named SessionStore decodes them (the signing salt is the class's name).
    from django.contrib.sessions.backends.db import SessionStore

    source = apps.get_model(from_app, from_model)
    target = apps.get_model(to_app, to_model)
    decoder = SessionStore()
    rows = []
    for session in source.objects.iterator():
        row = target(
            session_key=session.session_key,
            session_data=session.session_data,
            expire_date=session.expire_date,
        )
        if with_user:
            user_id = decoder.decode(session.session_data).get("_auth_user_id")
            row.user_id = int(user_id) if str(user_id).isdecimal() else None
        rows.append(row)
    target.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    source.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0003_audit_subject_and_user_sessions"),
        ("courses", "0004_protect_registers_and_enrolments"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
