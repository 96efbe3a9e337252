"""Prepare the load-test database: 10,000 research participants plus the accounts users act as.

Run by ``benchmarks/bench_load.py`` with the production settings; writes the emails,
password, authenticator secrets and ids the load users sign in and act with to the JSON
file given. No session is made here: users sign in through the login form, and trainers and
evaluators through the authenticator step too (``load/locustfile.py``), as people do.
"""

import argparse
import json
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from allauth.account.models import EmailAddress  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import transaction  # noqa: E402

from accounts.roles import EVALUATOR, TRAINEE, TRAINER  # noqa: E402
from assessments.services import consent_record  # noqa: E402
from benchmarks.synthetic import generate  # noqa: E402
from courses.models import CourseRunPage, FootstepModulePage, SessionPage  # noqa: E402
from courses.services import enrolment_create  # noqa: E402
from demo.mfa import totp_activate, totp_new_secret  # noqa: E402


def account(email: str, group: str, password_hash: str):
    """A verified account in ``group``; every load account shares one password (hashed once)."""
    user = get_user_model().objects.create(
        username=email.split("@")[0], email=email, password=password_hash
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@transaction.atomic
def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--trainees", type=int, default=100)
    parser.add_argument("--trainers", type=int, default=5)
    parser.add_argument("--evaluators", type=int, default=5)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    generate(args.participants, np.random.default_rng(20231))
    open_run = CourseRunPage.objects.filter(enrolment_open=True).live().first()
    password = secrets.token_urlsafe(16)
    password_hash = make_password(password)
    trainees = []
    for i in range(args.trainees):
        email = f"load-trainee-{i}@example.org"
        enrolment = enrolment_create(
            user=account(email, TRAINEE, password_hash), course_run=open_run
        )
        consent_record(enrolment=enrolment, consented=True)
        trainees.append({"email": email, "enrolment": enrolment.pk})
    staff = {}
    for role, group, count in (
        ("trainer", TRAINER, args.trainers),
        ("evaluator", EVALUATOR, args.evaluators),
    ):
        staff[role] = []
        for i in range(count):
            email = f"load-{role}-{i}@example.org"
            secret = totp_new_secret()
            totp_activate(account(email, group, password_hash), secret)
            staff[role].append({"email": email, "totp_secret": secret})
    registers = [session.pk for session in SessionPage.objects.child_of(open_run)]
    modules = [module.url for module in FootstepModulePage.published()]
    args.out.write_text(
        json.dumps(
            {
                "password": password,
                "trainees": trainees,
                "trainers": staff["trainer"],
                "evaluators": staff["evaluator"],
                "modules": modules,
                "registers": registers,
            }
        )
    )
    print(
        f"Seeded {args.participants} participants, {len(trainees)} trainees, "
        f"{len(staff['trainer'])} trainers, {len(staff['evaluator'])} evaluators on run "
        f"{open_run.slug!r}."
    )


if __name__ == "__main__":
    main()
