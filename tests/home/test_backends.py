"""Permission sets are cached between requests and dropped as soon as a role changes."""

from django.contrib.auth.models import Group, Permission

from accounts.roles import EVALUATOR, TRAINER, is_evaluator, is_trainer
from tests import factories


def fresh(user):
    """The user as the next request loads it (no per-object permission memory)."""
    return type(user).objects.get(pk=user.pk)


def test_a_second_request_reads_the_permissions_from_the_cache(trainer, django_assert_num_queries):
    assert is_trainer(fresh(trainer))
    user = fresh(trainer)
    with django_assert_num_queries(0):
        assert is_trainer(user)


def test_joining_or_leaving_a_role_group_takes_effect_at_once(db):
    user = factories.TraineeFactory()
    assert not is_trainer(fresh(user))
    user.groups.add(Group.objects.get(name=TRAINER))
    assert is_trainer(fresh(user))
    user.groups.remove(Group.objects.get(name=TRAINER))
    assert not is_trainer(fresh(user))


def test_a_permission_taken_from_a_group_takes_effect_at_once(evaluator):
    assert is_evaluator(fresh(evaluator))
    group = Group.objects.get(name=EVALUATOR)
    group.permissions.remove(Permission.objects.get(codename="view_analytics"))
    assert not is_evaluator(fresh(evaluator))


def test_the_superuser_flag_and_deactivation_take_effect_at_once(db):
    user = factories.TraineeFactory()
    assert not is_evaluator(fresh(user))
    user.is_superuser = True
    user.save()
    assert is_evaluator(fresh(user))
    user.is_active = False
    user.save()
    assert not is_evaluator(fresh(user))
