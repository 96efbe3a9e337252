import pytest
from django.core.cache import cache

from tests import factories


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests run last (after pytest-django's ordering, which this keeps otherwise).

    Playwright's sync API leaves an event loop running in the test thread for the rest of the
    run, and Django's async guard then refuses the ORM in any later test outside tests/browser.
    """
    items.sort(key=lambda item: item.nodeid.startswith("tests/browser/"))


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
