"""The audit log: role changes are recorded; superusers can read it; nobody can change it."""

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.models import AuditEvent
from accounts.roles import EVALUATOR, TRAINEE, TRAINER
from tests import factories


def role_events():
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.ROLE).order_by("pk"))


def test_adding_and_removing_a_role_is_logged(trainee):
    trainers = Group.objects.get(name=TRAINER)
    trainee.groups.add(trainers)
    trainee.groups.remove(trainers)
    added, removed = role_events()
    assert added.detail == {"user_id": trainee.pk, "group": TRAINER, "change": "added to"}
    assert removed.detail["change"] == "removed from"
    assert added.actor is None  # outside a request nobody is known to have done it


def test_changes_from_the_group_side_and_clear_are_logged(trainee, evaluator):
    evaluators = Group.objects.get(name=EVALUATOR)
    before = len(role_events())  # the evaluator fixture's own appointment
    evaluators.user_set.add(trainee)
    evaluator.groups.clear()
    evaluators.user_set.clear()
    changes = [(e.detail["user_id"], e.detail["change"]) for e in role_events()[before:]]
    assert changes == [
        (trainee.pk, "added to"),
        (evaluator.pk, "removed from"),
        (trainee.pk, "removed from"),
    ]


def test_becoming_or_ceasing_to_be_a_superuser_is_logged(trainee):
    trainee.is_superuser = True
    trainee.save()
    trainee.is_superuser = False
    trainee.save()
    admin = factories.UserFactory(is_superuser=True)
    changes = [(e.detail["user_id"], e.detail["change"]) for e in role_events()]
    assert changes == [
        (trainee.pk, "added to"),
        (trainee.pk, "removed from"),
        (admin.pk, "added to"),
    ]
    assert {e.detail["group"] for e in role_events()} == {"superusers"}


def test_saving_other_fields_costs_no_extra_query(trainee, django_assert_num_queries):
    with django_assert_num_queries(1):
        trainee.save(update_fields=["last_login"])
    assert role_events() == []


def test_trainee_group_changes_are_not_role_changes(db):
    factories.TraineeFactory()
    assert role_events() == []


def test_a_role_given_in_the_admin_names_who_gave_it(client, superuser, trainee):
    client.force_login(superuser)
    trainers = Group.objects.get(name=TRAINER)
    trainees = Group.objects.get(name=TRAINEE)
    data = {
        "username": trainee.username,
        "email": trainee.email,
        "first_name": trainee.first_name,
        "last_name": trainee.last_name,
        "is_active": "on",
        "groups": [trainees.pk, trainers.pk],
    }
    response = client.post(f"/admin/users/edit/{trainee.pk}/", data)
    assert response.status_code == 302, response.context["form"].errors
    [event] = [e for e in role_events() if e.detail["user_id"] == trainee.pk]
    assert event.actor == superuser
    assert event.detail == {"user_id": trainee.pk, "group": TRAINER, "change": "added to"}


@pytest.fixture
def event(db):
    return AuditEvent.objects.create(action=AuditEvent.Action.EXPORT, summary="An export")


def test_superusers_read_the_log(client, superuser, event):
    client.force_login(superuser)
    listing = client.get("/admin/audit_log/")
    assert listing.status_code == 200
    assert "An export" in listing.content.decode()
    assert client.get(f"/admin/audit_log/inspect/{event.pk}/").status_code == 200


@pytest.mark.parametrize("role", ["trainer", "evaluator"])
def test_other_roles_cannot_read_the_log(client, event, role, request):
    client.force_login(request.getfixturevalue(role))
    response = client.get("/admin/audit_log/")
    assert response.status_code in {302, 403}
    assert "An export" not in response.content.decode()


@pytest.mark.parametrize("path", ["new/", "edit/{pk}/", "delete/{pk}/", "copy/{pk}/"])
def test_nobody_can_add_change_or_delete_entries(client, superuser, event, path):
    client.force_login(superuser)
    url = "/admin/audit_log/" + path.format(pk=event.pk)
    assert client.get(url).status_code == 404
    assert client.post(url, {"summary": "rewritten"}).status_code == 404
    event.refresh_from_db()
    assert event.summary == "An export"


def test_only_a_view_permission_exists(db):
    codenames = set(
        Permission.objects.filter(
            content_type__app_label="accounts", content_type__model="auditevent"
        ).values_list("codename", flat=True)
    )
    assert codenames == {"view_auditevent"}
