"""A PostgreSQL restart under traffic: a short 503 "try again", never a traceback or a loss."""

import random
import re
import secrets
import time

import pytest

from tests.deploy.stack import Traffic, signed_in

PASSWORD = secrets.token_urlsafe(12)


@pytest.fixture
def enrolled(stack):
    """(signed-in browser, enrolment id) of a consenting trainee on the demo's open run."""
    stack.manage("load_demo", "--public-credentials-ok")
    email = f"restart-{secrets.token_hex(3)}@example.org"
    stack.account(email, PASSWORD)
    enrolment_id = stack.shell(
        "from django.contrib.auth.models import User\n"
        "from assessments.services import consent_record\n"
        "from courses.models import CourseRunPage\n"
        "from courses.services import enrolment_create\n"
        "run = CourseRunPage.objects.live().filter(enrolment_open=True).first()\n"
        f"e = enrolment_create(user=User.objects.get(email={email!r}), course_run=run)\n"
        "consent_record(enrolment=e, consented=True)\n"
        "print(e.pk)"
    )
    browser = stack.browser("127.0.0.10")
    assert signed_in(browser.sign_in(email, PASSWORD))
    return browser, int(enrolment_id)


def submit_baseline(browser, enrolment_id: int) -> tuple[int, dict]:
    """(status, ratings) of one baseline submission; 302 means the site confirmed it."""
    path = f"/my/enrolments/{enrolment_id}/questionnaires/baseline/"
    status, _, page = browser.get(path)
    if status != 200:
        return status, {}
    ratings = {f"s{i}": str(random.randint(1, 5)) for i in range(1, 15)}
    fields = {
        "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1],
        "profession": "social_prescriber",
        "experience_amount": "3",
        "experience_unit": "years",
        "uses_resources": "yes",
        **ratings,
    }
    if 'name="revise"' in page:
        fields["revise"] = "1"
    status, _, _ = browser.request("POST", path, fields)
    return status, ratings


def test_requests_during_a_restart_get_503_and_nothing_confirmed_is_lost(stack, enrolled):
    browser, enrolment_id = enrolled
    confirmed, statuses = [], []
    with Traffic(stack.browser("127.0.0.11"), ["/", "/accounts/login/"]) as traffic:
        stack.postgres.stop()
        try:
            for _ in range(3):
                status, _ = submit_baseline(browser, enrolment_id)
                statuses.append(status)
            status, headers, page = browser.get("/my/")
            assert status == 503
            assert headers["Retry-After"] and "Please try again in a moment" in page
            assert "Traceback" not in page
        finally:
            stack.postgres.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(confirmed) < 3:
            status, ratings = submit_baseline(browser, enrolment_id)
            statuses.append(status)
            if status == 302:
                confirmed.append(ratings)

    assert set(statuses) <= {302, 503}, statuses
    assert len(confirmed) == 3  # connections came back by themselves
    assert set(traffic.statuses) <= {200, 503} and 503 in traffic.statuses
    stored = stack.shell(
        "from assessments.models import Response\n"
        f"r = Response.objects.get(participant__enrolment_id={enrolment_id}, wave='baseline')\n"
        "print(','.join(str(getattr(r, f's{i}')) for i in range(1, 15)))"
    )
    assert stored == ",".join(confirmed[-1][f"s{i}"] for i in range(1, 15))
