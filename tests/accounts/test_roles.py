import base64

from django.contrib.auth.models import AnonymousUser, Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import Collection, GroupCollectionPermission

from accounts.roles import (
    EVALUATOR,
    ROLE_COLLECTION_PERMISSIONS,
    ROLE_PERMISSIONS,
    TRAINEE,
    TRAINER,
    is_evaluator,
    is_trainee,
    is_trainer,
    landing_url,
    sync_role_groups,
)
from tests import factories

PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def test_each_role_group_carries_exactly_its_permissions(db):
    for name, perms in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=name)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert held == set(perms), name


def test_role_checks(trainee, trainer, evaluator, superuser):
    assert not is_trainer(trainee) and not is_evaluator(trainee)
    assert is_trainer(trainer) and not is_evaluator(trainer)
    assert is_evaluator(evaluator) and not is_trainer(evaluator)
    assert is_trainer(superuser) and is_evaluator(superuser)
    assert {g.name for g in trainee.groups.all()} == {TRAINEE}
    assert {g.name for g in trainer.groups.all()} == {TRAINER}
    assert {g.name for g in evaluator.groups.all()} == {EVALUATOR}


def test_is_trainee_is_membership_of_the_trainee_group(trainee, trainer, evaluator, superuser):
    # Trainees hold no permissions, so a superuser is not a trainee either.
    assert is_trainee(trainee)
    assert not any(is_trainee(u) for u in (trainer, evaluator, superuser, AnonymousUser()))


def test_role_groups_hold_their_permissions_on_the_root_collection(db):
    root = Collection.get_first_root_node()
    for name, perms in ROLE_COLLECTION_PERMISSIONS.items():
        held = {
            f"{p.permission.content_type.app_label}.{p.permission.codename}"
            for p in GroupCollectionPermission.objects.filter(group__name=name, collection=root)
        }
        assert held == set(perms), name


def test_sync_is_idempotent_and_restores_what_a_role_lost(db):
    trainers = Group.objects.get(name=TRAINER)
    before = set(GroupCollectionPermission.objects.values_list("group", "collection", "permission"))
    GroupCollectionPermission.objects.filter(group=trainers).first().delete()
    sync_role_groups()
    sync_role_groups()
    after = set(GroupCollectionPermission.objects.values_list("group", "collection", "permission"))
    assert after == before


def test_a_trainer_uploads_documents_and_images_on_a_fresh_database(client, trainer):
    # No demo content: the permissions come from the migration-time sync alone.
    client.force_login(trainer)
    root = Collection.get_first_root_node()
    pdf = SimpleUploadedFile("pacing-diary.pdf", b"%PDF-1.4 diary", "application/pdf")
    response = client.post(
        reverse("wagtaildocs:add"),
        {"title": "Pacing diary", "file": pdf, "collection": root.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document = get_document_model().objects.get(title="Pacing diary")
    chooser = client.get(reverse("wagtaildocs_chooser:choose"))
    assert chooser.status_code == 200 and document.title in chooser.content.decode()

    png = SimpleUploadedFile("diary.png", PNG_1X1, "image/png")
    response = client.post(
        reverse("wagtailimages:add"), {"title": "Diary", "file": png, "collection": root.pk}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.get(reverse("wagtailimages_chooser:choose")).status_code == 200


def test_evaluators_cannot_upload_documents(client, evaluator):
    client.force_login(evaluator)
    response = client.get(reverse("wagtaildocs:add"))
    assert response.status_code in (302, 403)
    assert not get_document_model().objects.exists()


def test_each_role_lands_on_its_own_work(trainee, trainer, evaluator, superuser):
    assert landing_url(trainee) == reverse("courses:dashboard")
    assert landing_url(trainer) == reverse("courses:trainer_runs")
    assert landing_url(evaluator) == reverse("analytics:dashboard")
    assert landing_url(superuser) == reverse("courses:trainer_runs")


def test_signing_in_lands_on_it_unless_next_says_otherwise(client, trainee, trainer):
    login = reverse("account_login")
    response = client.post(login, {"login": trainee.email, "password": factories.PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("courses:dashboard")
    client.logout()
    # A trainer signs in with an authenticator code, then lands on the course runs.
    response = client.post(login, {"login": trainer.email, "password": factories.PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": factories.totp_code(trainer)})
    assert response["Location"] == reverse("courses:trainer_runs")
    client.logout()
    account = reverse("accounts:account")
    response = client.post(
        f"{login}?next={account}", {"login": trainee.email, "password": factories.PASSWORD}
    )
    assert response["Location"] == account


def test_being_a_trainee_is_remembered_until_the_membership_changes(db, django_assert_num_queries):
    trainee = factories.TraineeFactory()
    assert is_trainee(trainee)
    with django_assert_num_queries(0):  # the navigation asks on every page
        assert is_trainee(trainee)
    trainee.groups.remove(Group.objects.get(name=TRAINEE))
    assert not is_trainee(trainee)
    trainee.groups.add(Group.objects.get(name=TRAINEE))
    assert is_trainee(trainee)
