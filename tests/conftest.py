import pytest
from django.core.cache import cache

from tests import factories


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth's rate limits count in the cache; each test starts with a clean count."""
    cache.clear()
    yield
    cache.clear()


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
