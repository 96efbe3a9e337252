"""Load mix for the Ten Footsteps site: trainees browse and submit, trainers open their runs
and registers, evaluators read the dashboard.

Run by ``benchmarks/bench_load.py``, which prepares the database and passes the accounts in
``LOAD_SESSIONS`` (a JSON file); each user signs in through the login form first, as people
do, and trainers and evaluators then through the authenticator step. Every questionnaire POST
that the site accepts is recorded, so the orchestrator can check afterwards that none was lost.
"""

import json
import os
import random
import re
import time

import gevent
import pyotp
from locust import FastHttpUser, between, events, task
from locust.exception import StopUser

SESSIONS = json.loads(open(os.environ["LOAD_SESSIONS"]).read())  # noqa: SIM115
# Pauses between a user's actions. "realistic" (the target scenario): a trainee glances at
# the dashboard or skims a module for 5–15 s, an evaluator studies the dashboard for 10–30 s.
# A trainer looks over a run or a register as long as an evaluator studies the dashboard.
# "stress": 1–3 s and 2–5 s, the pace of a script rather than a person, to find the capacity.
PACES = {
    "realistic": {"trainee": between(5, 15), "staff": between(10, 30)},
    "stress": {"trainee": between(1, 3), "staff": between(2, 5)},
}
PACE = PACES[os.environ.get("LOAD_PACE", "realistic")]
ACCEPTED = []  # (enrolment id, ratings) of every submission the site confirmed
# Sign-ins happen while users arrive; requests are counted from when the last one is done.
SIGN_INS = {"succeeded": 0, "failed": 0, "reasons": []}
EXPECTED_USERS = int(os.environ["LOAD_USERS"])
COUNTED_SECONDS = int(os.environ["LOAD_SECONDS"])


def _count_from_now(environment) -> None:
    """Every user has arrived and signed in: start counting, and stop after the window."""
    environment.runner.stats.reset_all()
    gevent.spawn_later(COUNTED_SECONDS, environment.runner.quit)


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _SignedIn(FastHttpUser):
    """A browser that signs in through the login form (and the authenticator step) first.
    FastHttpUser (geventhttpclient) leaves more of the shared CPU to the server than
    requests would; it skips verifying the throwaway certificate."""

    abstract = True
    pool: list = []

    def on_start(self):
        self.account = self.pool.pop() if self.pool else random.choice(self.every)
        refused = self._sign_in()
        SIGN_INS["failed" if refused else "succeeded"] += 1
        if refused:
            SIGN_INS["reasons"].append(refused)
        if SIGN_INS["succeeded"] + SIGN_INS["failed"] == EXPECTED_USERS:
            _count_from_now(self.environment)
        if refused:
            raise StopUser()

    def page(self, url: str, name: str) -> None:
        """GET a page; anything but the page itself (an error, a redirect to sign in) fails."""
        with self.client.get(
            url, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(
                    f"HTTP {response.status_code} {response.headers.get('Location', '')}"
                )

    def _post_form(self, url: str, fields, name: str):
        """GET the form, then POST ``fields`` (a dict, or a function giving one just then)."""
        page = self.client.get(url, name=f"{name} (form)")
        token = CSRF.search(page.text or "")
        fields = fields() if callable(fields) else fields
        return self.client.post(
            url,
            data={"csrfmiddlewaretoken": token.group(1) if token else "", **fields},
            headers={"Referer": self.host + url},
            name=f"{name} (submit)",
            allow_redirects=False,
            catch_response=True,
        )

    def _sign_in(self) -> str:
        """Sign in; what went wrong, or "" when signed in."""
        fields = {"login": self.account["email"], "password": SESSIONS["password"]}
        with self._post_form("/accounts/login/", fields, "/accounts/login/") as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or "/accounts/login/" in location:
                refused = f"sign-in refused: HTTP {response.status_code} {location}"
                response.failure(refused)
                return refused
            response.success()
        if "/2fa/authenticate/" not in location:
            return ""

        def code() -> dict:
            # Like a person reading the app: wait out a code that is about to change. allauth
            # accepts only the current 30 s code, and on a loaded machine the POST can queue
            # for seconds (7 of 20 staff sign-ins failed with a 5 s margin), hence 15 s.
            if time.time() % 30 > 15:
                gevent.sleep(30 - time.time() % 30)
            return {"code": pyotp.TOTP(self.account["totp_secret"]).now()}

        with self._post_form(location, code, "/accounts/2fa/authenticate/") as step:
            if step.status_code != 302 or "/2fa/" in step.headers.get("Location", ""):
                refused = f"authenticator code refused: HTTP {step.status_code}"
                step.failure(refused)
                return refused
            step.success()
        return ""


class Trainee(_SignedIn):
    weight = 8
    wait_time = PACE["trainee"]
    pool = list(SESSIONS["trainees"])
    every = SESSIONS["trainees"]

    @task(4)
    def dashboard(self):
        self.page("/my/", "/my/")

    @task(4)
    def module(self):
        self.page(random.choice(SESSIONS["modules"]), "/footsteps/[module]/")

    @task(2)
    def submit_baseline(self):
        url = f"/my/enrolments/{self.account['enrolment']}/questionnaires/baseline/"
        with self.client.get(
            url, name="/my/enrolments/[id]/questionnaires/baseline/ (form)", catch_response=True
        ) as page:
            token = CSRF.search(page.text)
            if page.status_code != 200 or token is None:
                page.failure(f"questionnaire page unusable: HTTP {page.status_code}")
                return
        ratings = {f"s{i}": str(random.randint(1, 5)) for i in range(1, 15)}
        form = {
            "csrfmiddlewaretoken": token.group(1),
            "profession": "social_prescriber",
            "experience_amount": str(random.randint(1, 20)),
            "experience_unit": "years",
            "prior_training": "",
            "uses_resources": random.choice(["yes", "no"]),
            **ratings,
        }
        if 'name="revise"' in page.text:
            form["revise"] = "1"
        with self.client.post(
            url,
            data=form,
            headers={"Referer": self.host + url},
            name="/my/enrolments/[id]/questionnaires/baseline/ (submit)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302 and "/confidence/" in response.headers.get(
                "Location", ""
            ):
                ACCEPTED.append((self.account["enrolment"], ratings))
                response.success()
            else:
                response.failure(f"submission not accepted: HTTP {response.status_code}")


class Trainer(_SignedIn):
    weight = 1
    wait_time = PACE["staff"]
    pool = list(SESSIONS["trainers"])
    every = SESSIONS["trainers"]

    @task
    def runs(self):
        self.page("/trainer/runs/", "/trainer/runs/")

    @task
    def register(self):
        session = random.choice(SESSIONS["registers"])
        self.page(f"/trainer/sessions/{session}/register/", "/trainer/sessions/[id]/register/")


class Evaluator(_SignedIn):
    weight = 1
    wait_time = PACE["staff"]
    pool = list(SESSIONS["evaluators"])
    every = SESSIONS["evaluators"]

    @task
    def dashboard(self):
        self.page("/evaluation/", "/evaluation/")


@events.test_stop.add_listener
def _save_accepted(environment, **kwargs):
    with open(os.environ["LOAD_ACCEPTED"], "w") as out:
        json.dump({"accepted": ACCEPTED, "sign_ins": SIGN_INS}, out)
