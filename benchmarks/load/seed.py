"""Prepare the load-test database: 10,000 research participants plus the accounts users act as.

Run by ``benchmarks/bench_load.py`` with the production settings; writes the emails,
password, authenticator secrets and ids the load users sign in and act with to the JSON
file given. Users sign in through the login form (``load/locustfile.py``), as people do.
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
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import transaction  # noqa: E402

from assessments.services import consent_record  # noqa: E402
from benchmarks.synthetic import generate  # noqa: E402
from courses.models import CourseRunPage  # noqa: E402
from courses.selectors import footstep_modules  # noqa: E402
from courses.services import enrolment_create  # noqa: E402
from home.roles import EVALUATOR, TRAINEE  # noqa: E402


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
    evaluators = []
    for i in range(args.evaluators):
        email = f"load-evaluator-{i}@example.org"
        secret = generate_totp_secret()
        TOTP.activate(account(email, EVALUATOR, password_hash), secret)
        evaluators.append({"email": email, "totp_secret": secret})
    modules = [module.url for module in footstep_modules()]
    args.out.write_text(
        json.dumps(
            {
                "password": password,
                "trainees": trainees,
                "evaluators": evaluators,
                "modules": modules,
            }
        )
    )
    print(
        f"Seeded {args.participants} participants, {len(trainees)} trainees, "
        f"{len(evaluators)} evaluators on run {open_run.slug!r}."
    )


if __name__ == "__main__":
    main()
