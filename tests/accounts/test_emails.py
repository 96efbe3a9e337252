"""allauth's emails are ours (accounts.emails, accounts.adapters), sent by the task worker;
the email preferences on the account page."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.emails import email_subject, tidy_text
from accounts.models import EmailPreference
from tests import factories
from tests.email_checks import assert_ours, html_of

pytestmark = pytest.mark.django_db

PUBLIC = "https://footsteps.example.nhs.uk"
TAKEN = "taken@example.org"
SIGN_UP = {
    "email": "llyr@example.org",
    "password1": "a-long-unusual-passphrase-42",
    "password2": "a-long-unusual-passphrase-42",
    "first_name": "Llŷr",
    "last_name": "O'Neill-Nguyễn",
}


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.PUBLIC_BASE_URL = PUBLIC


def test_the_subject_starts_with_the_programmes_name():
    assert email_subject("Reset your password") == "Ten Footsteps: Reset your password"


def test_plain_text_keeps_at_most_one_blank_line():
    assert tidy_text("\n\nDear A,\n\n\n  \nText\n \n\nEnd\n\n") == "Dear A,\n\nText\n\nEnd\n"


def test_the_verification_email_on_sign_up(client):
    client.post(reverse("account_signup"), SIGN_UP, HTTP_HOST="127.0.0.1:8200")
    [message] = mail.outbox
    assert message.to == ["llyr@example.org"]
    assert message.subject == "Ten Footsteps: Confirm your email address"
    html = assert_ours(message, name="Llŷr O'Neill-Nguyễn")
    assert f"{PUBLIC}/accounts/confirm-email/" in message.body
    assert ">Confirm your email address</a>" in html
    assert "What happens next" in html and "enrol on a course run" in message.body


def test_the_password_reset_email(client, trainee):
    client.post(reverse("account_reset_password"), {"email": trainee.email})
    [message] = mail.outbox
    assert message.subject == "Ten Footsteps: Reset your password"
    html = assert_ours(message, name=trainee.get_full_name())
    assert f"{PUBLIC}/accounts/password/reset/key/" in message.body
    assert ">Choose a new password</a>" in html


@pytest.mark.parametrize(
    ("path", "data", "subject"),
    [
        ("account_signup", {**SIGN_UP, "email": TAKEN}, "You already have an account"),
        ("account_reset_password", {"email": "no@example.org"}, "We could not find your account"),
    ],
)
def test_the_emails_that_keep_accounts_secret_are_ours_too(client, path, data, subject):
    factories.TraineeFactory(email=TAKEN)
    client.post(reverse(path), data)
    [message] = mail.outbox
    assert message.subject == f"Ten Footsteps: {subject}"
    assert_ours(message)
    assert message.body.startswith("Hello,")  # nobody to name


def test_allauths_emails_are_sent_by_the_task_worker(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    client.post(reverse("account_signup"), SIGN_UP)
    assert mail.outbox == []  # queued, not sent in the request
    [result] = default_task_backend.results
    assert result.task.name == "email_deliver"
    result.task.call(*result.args, **result.kwargs)
    [message] = mail.outbox
    assert message.subject == "Ten Footsteps: Confirm your email address"
    assert "Confirm your email address" in html_of(message)


# The account page's email preferences ----------------------------------------------------

PREFERENCES = reverse("accounts:email_preferences")


def checkbox(page: str) -> str:
    return re.search(r'<input[^>]*name="session_reminders"[^>]*>', page).group(0)


def test_session_reminders_are_on_until_turned_off(client, trainee):
    client.force_login(trainee)
    page = client.get(reverse("accounts:account")).content.decode()
    assert "checked" in checkbox(page)
    # The hint is read with the checkbox.
    assert 'aria-describedby="id_session_reminders_helptext"' in checkbox(page)
    assert 'id="id_session_reminders_helptext"' in page
    assert "Email me a reminder the day before each session" in page

    response = client.post(PREFERENCES, {})  # the box unticked
    assert response.status_code == 302 and response["Location"] == reverse("accounts:account")
    assert EmailPreference.objects.get(user=trainee).session_reminders is False
    page = client.get(reverse("accounts:account")).content.decode()
    assert "We will not email you session reminders." in page
    assert "checked" not in checkbox(page)

    client.post(PREFERENCES, {"session_reminders": "on"})
    assert EmailPreference.objects.get(user=trainee).session_reminders is True
    assert EmailPreference.objects.count() == 1


def test_the_preference_is_in_the_personal_data_download(client, trainee):
    client.force_login(trainee)
    client.post(PREFERENCES, {})
    data = client.get(reverse("accounts:account_data")).json()
    [row] = data["records"]["accounts.emailpreference"]
    assert row["session_reminders"] is False


def test_an_allauth_email_we_did_not_rewrite_still_greets_and_signs_off_as_us(rf, trainee):
    from allauth.account.adapter import get_adapter
    from allauth.core import context

    request = rf.get("/")
    request.user = trainee
    with context.request_context(request):
        get_adapter(request).send_mail(
            "account/email/password_changed", trainee.email, {"user": trainee}
        )
    [message] = mail.outbox
    assert message.subject == "Ten Footsteps: Password Changed"
    assert message.body.startswith(f"Dear {trainee.get_full_name()},")
    assert "The Ten Footsteps team" in message.body and "Hello from" not in message.body
