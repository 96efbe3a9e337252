"""The policy pages' data migration (home 0008) on a site that already has content."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Page

from home.models import HomePage, PolicyPage
from tests import factories

# Migrations need real transactions; serialized_rollback restores the seeded rows afterwards.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("home", "0007_policy_pages_and_programme_settings")]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_the_pages_join_an_existing_tree_after_its_pages_and_leave_it_sound():
    try:
        migrate(BEFORE)
        assert not PolicyPage.objects.exists()
        factories.course_index()
        factories.home_page().add_child(instance=PolicyPage(title="Terms", slug="terms", body="x"))
        migrate(latest())
        home = HomePage.objects.get()
        children = list(home.get_children().specific())
        assert [type(c).__name__ for c in children][:1] == ["CourseIndexPage"]
        policies = [c for c in children if isinstance(c, PolicyPage) and c.kind]
        assert [p.kind for p in policies] == ["privacy", "accessibility", "terms"]
        # The editors' own "terms" page kept its address; the new one took another.
        assert [p.slug for p in policies] == ["privacy", "accessibility", "terms-page"]
        assert all(not problems for problems in Page.find_problems())
        home.add_child(instance=PolicyPage(title="Cookies", slug="cookies", body="x"))
        assert all(not problems for problems in Page.find_problems())
    finally:
        migrate(latest())
