"""The demo authenticator and `manage.py demo_code`: codes for demo accounts, nobody else."""

from io import StringIO
from types import SimpleNamespace

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command

from demo.management.commands import demo_code as command
from demo.mfa import DEMO_TOTP_SECRET, demo_authenticator, demo_code, totp_secret
from tests import factories

pytestmark = pytest.mark.django_db

DEMO_TRAINER = "trainer@demo.tenfootsteps.org"
AT = 1_700_000_000  # 2023-11-14 22:13:20 UTC, 10 seconds before the end of its 30 s step


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


@pytest.fixture
def demo_trainer(db):
    user = factories.TrainerFactory(email=DEMO_TRAINER, totp=False)
    demo_authenticator(user)
    return user


def test_demo_authenticator_is_idempotent_and_restores_the_public_secret(db):
    user = factories.TrainerFactory(email=DEMO_TRAINER)  # with an authenticator of its own
    assert totp_secret(user) != DEMO_TOTP_SECRET
    assert demo_authenticator(user) is True
    assert totp_secret(user) == DEMO_TOTP_SECRET
    assert demo_authenticator(user) is False
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).count() == 1


def test_the_code_is_what_an_authenticator_app_with_the_secret_shows(debug, demo_trainer):
    code, left = demo_code(DEMO_TRAINER, at=AT)
    # oathtool --totp -b TENFOOTSTEPSDEMOTENFOOTSTEPSDEMO --now "2023-11-14 22:13:20 UTC"
    assert code == "911662"
    assert left == 30 - AT % 30 == 10
    assert demo_code(DEMO_TRAINER.upper(), at=AT + 9)[0] == code
    assert demo_code(DEMO_TRAINER, at=AT + 10)[0] != code


def test_the_command_prints_a_code_the_login_accepts(debug, demo_trainer):
    out = StringIO()
    call_command("demo_code", DEMO_TRAINER, stdout=out, stderr=StringIO())
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    authenticator = Authenticator.objects.get(user=demo_trainer, type=Authenticator.Type.TOTP)
    assert authenticator.wrap().validate_code(code)  # what the login form asks it


def test_the_command_waits_for_a_fresh_code_near_the_end_of_a_period(
    debug, demo_trainer, monkeypatch
):
    clock = SimpleNamespace(now=AT + 7.5, slept=[])  # 2.5 s left of this code
    monkeypatch.setattr(
        command,
        "time",
        SimpleNamespace(
            time=lambda: clock.now,
            sleep=lambda s: (clock.slept.append(s), setattr(clock, "now", clock.now + s)),
        ),
    )
    out, err = StringIO(), StringIO()
    call_command("demo_code", DEMO_TRAINER, stdout=out, stderr=err)
    assert clock.slept == [3]
    assert out.getvalue().strip() == demo_code(DEMO_TRAINER, at=AT + 10)[0]
    assert "Valid for 30 more seconds" in err.getvalue()


def test_refused_outside_development(demo_trainer, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="development"):
        call_command("demo_code", DEMO_TRAINER)


def test_refused_for_accounts_outside_the_demo_domain(debug, db):
    # Even one whose authenticator happens to hold the public secret.
    user = factories.TrainerFactory(email="priya@nhs.example", totp=False)
    demo_authenticator(user)
    with pytest.raises(CommandError, match="Only demo accounts"):
        call_command("demo_code", user.email)
    with pytest.raises(CommandError, match="Only demo accounts"):
        call_command("demo_code", "trainer@demo.tenfootsteps.org.evil.example")


@pytest.mark.parametrize("case", ["own authenticator", "no authenticator", "no account"])
def test_refused_for_demo_domain_accounts_without_the_demo_secret(debug, db, case):
    if case == "own authenticator":
        factories.TrainerFactory(email=DEMO_TRAINER)
    elif case == "no authenticator":
        factories.TraineeFactory(email=DEMO_TRAINER)
    with pytest.raises(CommandError, match="no demo authenticator"):
        call_command("demo_code", DEMO_TRAINER)
