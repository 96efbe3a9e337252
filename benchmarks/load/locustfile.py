"""Load mix for the Ten Footsteps site: trainees browse and submit, evaluators read.

Run by ``benchmarks/bench_load.py``, which prepares the database and passes the signed-in
sessions in ``LOAD_SESSIONS`` (a JSON file). Every questionnaire POST that the site accepts
is recorded, so the orchestrator can check afterwards that none was lost.
"""

import json
import os
import random
import re

from locust import FastHttpUser, between, events, task
from requests.cookies import create_cookie

SESSIONS = json.loads(open(os.environ["LOAD_SESSIONS"]).read())  # noqa: SIM115
# Pauses between a user's actions. "realistic" (the target scenario): a trainee glances at
# the dashboard or skims a module for 5–15 s, an evaluator studies the dashboard for 10–30 s.
# "stress": 1–3 s and 2–5 s, the pace of a script rather than a person, to find the capacity.
PACES = {
    "realistic": {"trainee": between(5, 15), "evaluator": between(10, 30)},
    "stress": {"trainee": between(1, 3), "evaluator": between(2, 5)},
}
PACE = PACES[os.environ.get("LOAD_PACE", "realistic")]
ACCEPTED = []  # (enrolment id, ratings) of every submission the site confirmed
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _SignedIn(FastHttpUser):
    """A signed-in browser. FastHttpUser (geventhttpclient) leaves more of the shared CPU
    to the server than requests would; it skips verifying the throwaway certificate."""

    abstract = True
    pool: list = []

    def on_start(self):
        self.account = self.pool.pop() if self.pool else random.choice(self.every)
        self.client.cookiejar.set_cookie(create_cookie("sessionid", self.account["session"]))


class Trainee(_SignedIn):
    weight = 9
    wait_time = PACE["trainee"]
    pool = list(SESSIONS["trainees"])
    every = SESSIONS["trainees"]

    @task(4)
    def dashboard(self):
        self.client.get("/my/", name="/my/")

    @task(4)
    def module(self):
        self.client.get(random.choice(SESSIONS["modules"]), name="/footsteps/[module]/")

    @task(2)
    def submit_baseline(self):
        url = f"/my/enrolments/{self.account['enrolment']}/baseline/"
        with self.client.get(
            url, name="/my/enrolments/[id]/baseline/ (form)", catch_response=True
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
            name="/my/enrolments/[id]/baseline/ (submit)",
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


class Evaluator(_SignedIn):
    weight = 1
    wait_time = PACE["evaluator"]
    pool = list(SESSIONS["evaluators"])
    every = SESSIONS["evaluators"]

    @task
    def dashboard(self):
        self.client.get("/evaluation/", name="/evaluation/")


@events.test_stop.add_listener
def _save_accepted(environment, **kwargs):
    with open(os.environ["LOAD_ACCEPTED"], "w") as out:
        json.dump(ACCEPTED, out)
