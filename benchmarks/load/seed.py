"""Prepare the load-test database: 10,000 research participants plus signed-in accounts.

Run by ``benchmarks/bench_load.py`` with the production settings; writes the session keys of
the trainee and evaluator accounts the load users act as to the JSON file given.
"""

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret  # noqa: E402
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,  # noqa: E402
)
from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import transaction  # noqa: E402

from assessments.services import consent_record  # noqa: E402
from benchmarks.synthetic import generate  # noqa: E402
from courses.models import CourseRunPage  # noqa: E402
from courses.selectors import footstep_modules  # noqa: E402
from courses.services import enrolment_create  # noqa: E402
from home.roles import EVALUATOR, TRAINEE  # noqa: E402

BACKEND = "home.backends.CachedPermissionsBackend"


def signed_in_session(user) -> str:
    """A server-side session for ``user``, as a completed login leaves it."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def account(email: str, group: str):
    user = get_user_model().objects.create_user(
        username=email.split("@")[0], email=email, password=None
    )
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
    trainees = []
    for i in range(args.trainees):
        user = account(f"load-trainee-{i}@example.org", TRAINEE)
        enrolment = enrolment_create(user=user, course_run=open_run)
        consent_record(enrolment=enrolment, consented=True)
        trainees.append({"session": signed_in_session(user), "enrolment": enrolment.pk})
    evaluators = []
    for i in range(args.evaluators):
        user = account(f"load-evaluator-{i}@example.org", EVALUATOR)
        TOTP.activate(user, generate_totp_secret())
        evaluators.append({"session": signed_in_session(user)})
    modules = [module.url for module in footstep_modules()]
    args.out.write_text(
        json.dumps({"trainees": trainees, "evaluators": evaluators, "modules": modules})
    )
    print(
        f"Seeded {args.participants} participants, {len(trainees)} trainees, "
        f"{len(evaluators)} evaluators on run {open_run.slug!r}."
    )


if __name__ == "__main__":
    main()
