"""Deleting an account leaves nobody behind: sessions end, the audit log keeps facts only."""

import json

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client

from accounts.models import AuditEvent, UserSession
from accounts.roles import TRAINER
from accounts.services import account_delete
from courses.services import attendance_record
from tests import factories

pytestmark = pytest.mark.django_db


def signed_in_client(user) -> Client:
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    return client


@pytest.fixture
def marked_trainee(trainee, trainer, course_run):
    """A trainee marked present at a workshop by a trainer, who also became a trainer."""
    enrolment = factories.enrol(trainee, course_run)
    workshop = factories.workshops(course_run)[0]
    workshop.starts_at = workshop.starts_at.replace(year=workshop.starts_at.year - 1)
    workshop.save()
    attendance_record(session=workshop, enrolment_ids_attended={enrolment.pk}, marked_by=trainer)
    trainee.groups.add(Group.objects.get(name=TRAINER))
    return trainee


def test_deletion_ends_every_session_of_the_person(trainee, other_trainee):
    phone, laptop = signed_in_client(trainee), signed_in_client(trainee)
    someone_else = signed_in_client(other_trainee)
    keys = list(UserSession.objects.filter(user_id=trainee.pk).values_list("pk", flat=True))
    assert len(keys) == 2

    response = phone.post("/account/delete/", {"password": factories.PASSWORD})

    assert response.status_code == 302
    assert not UserSession.objects.filter(pk__in=keys).exists()
    assert all(cache.get(f"home.sessions{key}") is None for key in keys)
    assert laptop.get("/my/").status_code == 302  # signed out: sent to the login page
    assert someone_else.get("/my/").status_code == 200


def test_sessions_know_whose_they_are_and_are_in_the_download(client, trainee):
    signed_in_client(trainee)
    client.force_login(trainee)
    records = json.loads(client.get("/account/data/").content)["records"]
    assert len(records["accounts.usersession"]) == 2
    assert set(records["accounts.usersession"][0]) == {"expire_date"}  # never the key


def test_the_download_holds_audit_entries_about_me_not_only_by_me(client, marked_trainee):
    client.force_login(marked_trainee)
    records = json.loads(client.get("/account/data/").content)["records"]
    summaries = [row["summary"] for row in records["accounts.auditevent"]]
    assert any("marked present" in s for s in summaries)  # the trainer's action, about me
    assert any(f"User #{marked_trainee.pk} added to Trainers" in s for s in summaries)


def test_audit_entries_about_a_deleted_person_keep_the_fact_not_the_identity(marked_trainee):
    me = marked_trainee
    my_id, enrolment_id = me.pk, me.enrolments.get().pk
    about_me = list(AuditEvent.objects.filter(subject=me).values_list("pk", flat=True))
    assert len(about_me) == 2  # marked present, made a trainer

    account_delete(user=me)

    events = AuditEvent.objects.all()
    text = json.dumps([[e.summary, e.anonymised_summary, e.detail] for e in events])
    assert f"#{my_id}" not in text and f"Enrolment {enrolment_id}" not in text
    assert me.email not in text
    forgotten = events.filter(pk__in=about_me) | events.filter(action=AuditEvent.Action.DELETION)
    assert forgotten.count() == 3
    assert all(e.detail.get("user_id") != my_id for e in events)
    assert all("enrolment_id" not in e.detail and "user_id" not in e.detail for e in forgotten)
    summaries = set(events.values_list("summary", flat=True))
    assert "A deleted account added to Trainers" in summaries
    assert any(s.startswith("A trainee (account deleted) marked present at") for s in summaries)
    assert "An account deleted by its owner" in summaries
    assert not AuditEvent.objects.filter(subject_id=my_id).exists()


def test_attendance_leaving_with_an_account_is_in_the_audit_log(marked_trainee):
    account_delete(user=marked_trainee)
    [event] = AuditEvent.objects.filter(
        action=AuditEvent.Action.ATTENDANCE, summary__contains="deleted with a trainee's account"
    )
    assert event.detail["deleted_records"] == 1


def test_password_guesses_at_account_deletion_are_rate_limited(client, trainee):
    client.force_login(trainee)
    for _ in range(5):
        response = client.post("/account/delete/", {"password": "a-wrong-guess-1"})
        assert response.status_code == 400
        assert "Too many attempts" not in response.content.decode()
    response = client.post("/account/delete/", {"password": factories.PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts: nothing was deleted" in response.content.decode()
    assert type(trainee).objects.filter(pk=trainee.pk).exists()
