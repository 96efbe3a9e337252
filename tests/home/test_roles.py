from django.contrib.auth.models import AnonymousUser, Group

from home.roles import (
    EVALUATOR,
    ROLE_PERMISSIONS,
    TRAINEE,
    TRAINER,
    is_evaluator,
    is_trainee,
    is_trainer,
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
