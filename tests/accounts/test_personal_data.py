"""Personal data: every model holding it is registered; download and deletion use the register."""

import json

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from accounts import personal_data
from accounts.models import AuditEvent
from accounts.services import account_delete
from assessments.models import Certificate, FollowUpEmail, Participant, QuestionnaireDraft, Response
from courses.models import Attendance, Enrolment
from tests import factories

User = get_user_model()


def relations(model):
    """The model's own (not inherited) foreign keys and one-to-ones."""
    return [
        field
        for field in model._meta.local_fields
        if field.is_relation and (field.many_to_one or field.one_to_one)
    ]


def models_pointing_at_people() -> dict[type[models.Model], set[str]]:
    """Each concrete model holding personal data → the names of its fields pointing at it.

    A model holds personal data when it points at a user, or at an enrolment or research
    record (or at something that does, however deep).
    """
    found: dict[type[models.Model], set[str]] = {}
    people = {Enrolment, Participant}
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            if model._meta.proxy:
                continue
            for field in relations(model):
                target = field.related_model
                if target is User or target in people:
                    if field.name not in found.setdefault(model, set()):
                        found[model].add(field.name)
                        changed = True
                    if target is not User and model not in people:
                        people.add(model)
                        changed = True
    return found


def test_every_model_holding_personal_data_is_registered():
    missing = []
    for model, field_names in models_pointing_at_people().items():
        entry = personal_data.get(model)
        if entry is None:
            missing.append(f"{model._meta.label} (register it in its app's personal_data.py)")
            continue
        used = {lookup.split("__")[0] for lookup in entry.user_fields}
        direct = {
            f.name for f in relations(model) if f.name in field_names and f.related_model is User
        }
        if not direct <= used:
            missing.append(f"{model._meta.label}: user_fields lack {sorted(direct - used)}")
    assert not missing, "Personal data not registered:\n" + "\n".join(missing)


def test_unregistered_personal_data_would_be_caught():
    # The walk itself finds the models we know about, so a new one cannot hide from it.
    found = models_pointing_at_people()
    for model in (Enrolment, Attendance, Participant, Response, Certificate, FollowUpEmail):
        assert model in found, model


def test_deleting_a_user_never_hits_a_protected_reference():
    for entry in personal_data.entries():
        if entry.erase is not None:
            continue
        for field in relations(entry.model):
            if field.related_model is not User:
                continue
            on_delete = field.remote_field.on_delete
            loose = on_delete is models.DO_NOTHING and not field.db_constraint
            assert on_delete in (models.CASCADE, models.SET_NULL) or loose, (
                f"{entry.label}.{field.name}"
            )


def test_every_entry_exports_and_explains_deletion(trainee):
    for entry in personal_data.entries():
        assert entry.deletion.strip(), entry.label
        assert isinstance(entry.rows(trainee), list), entry.label


@pytest.fixture
def trainee_with_history(trainee, trainer, course_run):
    enrolment = factories.enrol(trainee, course_run)
    workshop = factories.workshops(course_run)[0]
    Attendance.objects.create(enrolment=enrolment, session=workshop, marked_by=trainer)
    participant = factories.make_participant(course_run, enrolment=enrolment, consented=True)
    factories.make_response(participant, "baseline", prior_training="Pain course")
    Certificate.objects.create(
        enrolment=enrolment,
        verification_code="CERT1234",
        holder_name=trainee.get_full_name(),
        course_run_title=course_run.title,
    )
    FollowUpEmail.objects.create(enrolment=enrolment, wave="month_3", kind=FollowUpEmail.Kind.DUE)
    return trainee


def download(client, user) -> dict:
    client.force_login(user)
    response = client.get("/account/data/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    return json.loads(response.content)["records"]


def test_download_holds_everything_about_me(client, trainee_with_history, other_trainee):
    me = trainee_with_history
    factories.enrol(other_trainee, factories.make_course_run())
    records = download(client, me)
    assert records["auth.user"][0]["email"] == me.email
    assert records["account.emailaddress"] == [
        {"email": me.email, "verified": True, "primary": True}
    ]
    assert len(records["courses.enrolment"]) == 1
    assert len(records["courses.attendance"]) == 1
    assert len(records["assessments.participant"]) == 1
    [answers] = records["assessments.response"]
    assert answers["prior_training"] == "Pain course" and answers["s1"] == 3
    assert records["assessments.certificate"][0]["holder_name"] == me.get_full_name()
    assert records["assessments.followupemail"][0]["kind"] == "due"
    assert records["assessments.followupemail"][0]["wave"] == "month_3"
    assert other_trainee.email not in json.dumps(records)
    assert AuditEvent.objects.filter(actor=me, action=AuditEvent.Action.EXPORT).exists()


def test_a_questionnaire_draft_is_downloaded_and_goes_with_the_account(client, trainee):
    enrolment = factories.enrol(trainee, factories.make_course_run())
    QuestionnaireDraft.objects.create(enrolment=enrolment, wave="baseline", answers={"s1": "4"})
    [draft] = download(client, trainee)["assessments.questionnairedraft"]
    assert draft["wave"] == "baseline" and draft["answers"] == {"s1": "4"}
    account_delete(user=trainee)
    assert not QuestionnaireDraft.objects.exists()


def test_download_leaves_out_credentials(client, trainer):
    records = download(client, trainer)
    assert [row["type"] for row in records["mfa.authenticator"]] == ["totp", "recovery_codes"]
    text = json.dumps(records)
    assert "secret" not in text and "seed" not in text and "password" not in text


def test_download_needs_sign_in(client, db):
    assert client.get("/account/data/")["Location"].startswith("/accounts/login/")


def test_delete_page_lists_what_is_held_and_what_happens(client, trainee_with_history):
    client.force_login(trainee_with_history)
    response = client.get("/account/delete/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enrolments" in page and "pseudonymous code" in page


def test_wrong_password_deletes_nothing(client, trainee_with_history):
    client.force_login(trainee_with_history)
    response = client.post("/account/delete/", {"password": "not-my-password"})
    assert response.status_code == 400
    assert "That is not your password" in response.content.decode()
    assert User.objects.filter(pk=trainee_with_history.pk).exists()
    assert Enrolment.objects.filter(user=trainee_with_history).exists()


def test_delete_follows_the_consent_rule_logs_out_and_is_audited(client, trainee_with_history):
    me = trainee_with_history
    participant = Participant.objects.get(enrolment__user=me)
    client.force_login(me)
    response = client.post("/account/delete/", {"password": factories.PASSWORD}, follow=True)
    assert "Your account has been deleted." in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    assert not User.objects.filter(pk=me.pk).exists()
    assert not Enrolment.objects.exists()
    # Consented: the research record stays, unlinked, with its answers.
    participant.refresh_from_db()
    assert participant.enrolment_id is None
    assert participant.responses.count() == 1
    assert not Certificate.objects.exists()
    assert not Attendance.objects.exists() and not FollowUpEmail.objects.exists()
    event = AuditEvent.objects.filter(action=AuditEvent.Action.DELETION).first()
    assert event is not None and event.actor is None
    assert me.email not in json.dumps(event.detail) + event.summary


def test_delete_without_consent_removes_the_research_record(client, trainee_with_history):
    me = trainee_with_history
    Participant.objects.filter(enrolment__user=me).update(consented_at=None)
    client.force_login(me)
    client.post("/account/delete/", {"password": factories.PASSWORD})
    assert not Participant.objects.exists() and not Response.objects.exists()


def test_an_admin_deleting_a_user_goes_through_the_same_rule(
    client, superuser, trainee_with_history
):
    me = trainee_with_history
    Participant.objects.filter(enrolment__user=me).update(consented_at=None)
    client.force_login(superuser)
    response = client.post(f"/admin/users/delete/{me.pk}/")
    assert response.status_code == 302
    assert not User.objects.filter(pk=me.pk).exists()
    assert not Participant.objects.exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DELETION, actor=superuser).exists()


def test_django_admin_deletion_goes_through_the_same_rule(client, superuser, trainee_with_history):
    me = trainee_with_history
    Participant.objects.filter(enrolment__user=me).update(consented_at=None)
    client.force_login(superuser)
    response = client.post(f"/django-admin/auth/user/{me.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=me.pk).exists()
    assert not Participant.objects.exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DELETION, actor=superuser).exists()


def test_trainers_marks_survive_their_deletion_unlinked(trainee_with_history, trainer):
    from accounts.services import account_delete

    account_delete(user=trainer)
    attendance = Attendance.objects.get()
    assert attendance.marked_by is None
