"""Moving AuditEvent and UserSession from home to accounts (accounts 0001, home 0006) and back.

Only Django's record of the models moves: the tables, their rows and the content types'
ids stay, so permissions and admin history keep pointing at the same models.
"""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.models import AuditEvent, UserSession
from accounts.services import audit_record
from tests import factories

pytestmark = [
    # Migrations change the schema, which needs real transactions; serialized_rollback puts
    # back the seeded instrument, footsteps and pages for the tests that run after this one.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Before the move: home still holds both models, accounts has no migration applied.
BEFORE_THE_MOVE = [("home", "0005_cache_epoch"), ("accounts", None)]


def migrate(targets):
    """Migrate to ``targets``; the models of that state (with the content types)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    # An app migrated to zero (None) has no node to build the state from.
    nodes = [target for target in targets if target[1] is not None]
    nodes.append(("contenttypes", "0002_remove_content_type_name"))
    return executor.loader.project_state(nodes).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def has_model(apps, app_label: str, name: str) -> bool:
    try:
        apps.get_model(app_label, name)
    except LookupError:
        return False
    return True


@pytest.fixture
def records():
    """An audit event about a trainee, and one of their sessions."""
    trainee = factories.TraineeFactory()
    audit_record(
        actor=None,
        action=AuditEvent.Action.ROLE,
        summary=f"User #{trainee.pk} added to Trainers",
        subject_id=trainee.pk,
        anonymised_summary="A deleted account added to Trainers",
    )
    UserSession.objects.create(
        session_key="k" * 32,
        session_data="",
        expire_date=timezone.now() + timedelta(days=1),
        user_id=trainee.pk,
    )
    return trainee


def rows(apps, app_label: str):
    events = apps.get_model(app_label, "AuditEvent").objects.values_list("summary", "subject_id")
    sessions = apps.get_model(app_label, "UserSession").objects.values_list(
        "session_key", "user_id"
    )
    return list(events), list(sessions)


def content_type_labels(apps, ids) -> list[str]:
    content_types = apps.get_model("contenttypes", "ContentType").objects.filter(pk__in=ids)
    return sorted(content_types.values_list("app_label", "model"))


def test_the_models_go_back_to_home_and_forward_to_accounts_with_their_rows(records):
    expected = (
        [(f"User #{records.pk} added to Trainers", records.pk)],
        [("k" * 32, records.pk)],
    )
    ids = [ContentType.objects.get_for_model(model).pk for model in (AuditEvent, UserSession)]
    try:
        old = migrate(BEFORE_THE_MOVE)
        assert not has_model(old, "accounts", "AuditEvent")
        assert rows(old, "home") == expected
        assert content_type_labels(old, ids) == [("home", "auditevent"), ("home", "usersession")]
        # What `migrate` does for the installed models meanwhile: new content types.
        ContentType.objects.create(app_label="accounts", model="auditevent")

        new = migrate(latest())
        assert not has_model(new, "home", "AuditEvent")
        assert not has_model(new, "home", "UserSession")
        assert rows(new, "accounts") == expected
        assert content_type_labels(new, ids) == [
            ("accounts", "auditevent"),
            ("accounts", "usersession"),
        ]
        assert ContentType.objects.filter(model="auditevent").count() == 1
    finally:
        migrate(latest())
    # The models in use read the same rows after the round trip.
    assert AuditEvent.objects.get().subject_id == records.pk
    assert UserSession.objects.get().user_id == records.pk
