import pytest
from allauth.mfa.models import Authenticator


def with_totp(user):
    """Privileged pages (/trainer/, /admin/) need an authenticator app; give the user one."""
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "JBSWY3DPEHPK3PXP"}}
    )
    return user


@pytest.fixture
def trainer(trainer):
    return with_totp(trainer)


@pytest.fixture
def evaluator(evaluator):
    return with_totp(evaluator)


@pytest.fixture
def superuser(superuser):
    return with_totp(superuser)
