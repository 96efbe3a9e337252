import pytest

from tests import factories


@pytest.fixture
def trainee(db):
    return factories.TraineeFactory()


@pytest.fixture
def other_trainee(db):
    return factories.TraineeFactory()


@pytest.fixture
def trainer(db):
    return factories.TrainerFactory()


@pytest.fixture
def evaluator(db):
    return factories.EvaluatorFactory()


@pytest.fixture
def superuser(db):
    return factories.UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def course_run(db):
    return factories.make_course_run()
