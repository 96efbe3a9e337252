"""Who sees which course runs: the one rule (organisations.selectors, applied to runs by
courses.selectors.course_runs_visible_to)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import AuditEvent
from courses.selectors import course_run_visible_to, course_runs_visible_to
from organisations.models import Organisation
from organisations.selectors import is_restricted, organisations_visible_to
from organisations.services import staff_access_set
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    """A region with two ICBs; the first has a PCN and a training hub."""
    region = factories.organisation("North West", kind=Organisation.Kind.REGION)
    icb = factories.organisation("Cheshire and Merseyside ICB", parent=region)
    other_icb = factories.organisation("Greater Manchester ICB", parent=region)
    pcn = factories.organisation("Wirral PCN", kind=Organisation.Kind.PCN, parent=icb)
    hub = factories.organisation("Mersey hub", kind=Organisation.Kind.TRAINING_HUB, parent=icb)
    return {"region": region, "icb": icb, "other_icb": other_icb, "pcn": pcn, "hub": hub}


@pytest.fixture
def runs(tree):
    runs = {name: factories.make_course_run(organisation=org) for name, org in tree.items()}
    runs["none"] = factories.make_course_run()  # made before organisations existed
    return runs


def _visible(user, runs) -> set[str]:
    names = {run.pk: name for name, run in runs.items()}
    return {names[pk] for pk in course_runs_visible_to(user).values_list("pk", flat=True)}


def test_unrestricted_staff_and_superusers_see_every_run(runs, trainer, evaluator, superuser):
    for user in (trainer, evaluator, superuser):
        assert not is_restricted(user)
        assert _visible(user, runs) == set(runs)


def test_a_limited_member_of_staff_sees_their_organisations_and_everything_under_them(runs, tree):
    trainer = factories.limit_to(factories.TrainerFactory(), tree["icb"])
    assert is_restricted(trainer)
    assert _visible(trainer, runs) == {"icb", "pcn", "hub"}
    assert list(organisations_visible_to(trainer)) == [tree["icb"], tree["hub"], tree["pcn"]]


def test_several_organisations_add_up(runs, tree):
    evaluator = factories.limit_to(factories.EvaluatorFactory(), tree["pcn"], tree["other_icb"])
    assert _visible(evaluator, runs) == {"pcn", "other_icb"}


def test_limited_to_a_region_sees_all_of_it_but_not_runs_without_an_organisation(runs, tree):
    trainer = factories.limit_to(factories.TrainerFactory(), tree["region"])
    assert _visible(trainer, runs) == set(runs) - {"none"}


def test_no_organisation_left_means_no_run_never_every_run(runs, tree):
    trainer = factories.limit_to(factories.TrainerFactory())
    assert is_restricted(trainer)
    assert _visible(trainer, runs) == set()
    assert not organisations_visible_to(trainer).exists()


def test_a_superuser_sees_everything_even_when_limited(runs, tree, superuser):
    factories.limit_to(superuser, tree["pcn"])
    assert _visible(superuser, runs) == set(runs)


def test_signed_out_sees_no_run(runs):
    assert _visible(AnonymousUser(), runs) == set()


def test_a_run_by_its_tree_path(runs, tree):
    trainer = factories.limit_to(factories.TrainerFactory(), tree["pcn"])
    assert course_run_visible_to(trainer, path=runs["pcn"].path)
    assert not course_run_visible_to(trainer, path=runs["icb"].path)


def test_the_scope_is_read_once_per_user_object(runs, tree, django_assert_num_queries):
    trainer = factories.limit_to(factories.TrainerFactory(), tree["pcn"])
    fresh = type(trainer).objects.get(pk=trainer.pk)
    with django_assert_num_queries(2):  # the access row, then its organisations
        is_restricted(fresh)
    with django_assert_num_queries(0):
        is_restricted(fresh)


def test_setting_staff_access_is_audited(tree, superuser):
    trainer = factories.TrainerFactory()
    staff_access_set(user=trainer, organisations=[tree["pcn"], tree["icb"]], actor=superuser)
    event = AuditEvent.objects.get(
        action=AuditEvent.Action.ROLE, subject_id=trainer.pk, summary__contains="limited"
    )
    assert event.actor == superuser
    assert event.summary == (
        f"User #{trainer.pk} limited to Cheshire and Merseyside ICB, Wirral PCN"
    )
    assert event.detail["organisations"] == [tree["icb"].pk, tree["pcn"].pk]
