"""What the README says about the demo is what load_demo makes: the accounts table (names,
emails, passwords, authenticators, where each role lands and which menu links it gets) and
the synthetic cohorts' counts."""

import re
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse

from accounts.roles import landing_url
from assessments.models import Participant, Response
from courses.selectors import enrolments_with_progress
from demo import loaders
from demo.cohort import EMAIL_DOMAIN

README = Path(__file__).resolve().parents[2] / "README.md"
# The role links of the navigation (templates/base.html) the README's table names.
ROLE_LINKS = {"Course runs": "/trainer/runs/", "Evaluation": "/evaluation/", "Admin": "/admin/"}


def section(title: str) -> str:
    """The README's text under ``### title``, up to the next heading."""
    text = README.read_text(encoding="utf-8")
    start = text.index(f"### {title}\n")
    end = re.compile(r"^#", re.MULTILINE).search(text, start + 1)
    return text[start : end.start() if end else None]


def prose(title: str) -> str:
    """The section with its line breaks and indentation folded into single spaces."""
    return " ".join(section(title).split())


def accounts_table() -> list[dict[str, str]]:
    lines = [line for line in section("Demo accounts").splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    return [
        dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")), strict=True))
        for line in lines[2:]
    ]


class ReadmeDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_demo", public_credentials_ok=True, verbosity=0)

    def test_the_accounts_table_lists_the_demo_people(self):
        rows = accounts_table()
        self.assertEqual([row["email"] for row in rows], [a.email for a in loaders.ACCOUNTS])
        for row, account in zip(rows, loaders.ACCOUNTS, strict=True):
            with self.subTest(account=account.email):
                user = get_user_model().objects.get(email=account.email)
                self.assertEqual(row["name"], user.get_full_name())
                self.assertEqual(row["password"], f"`{account.password}`")
                self.assertTrue(user.check_password(account.password))
                self.assertEqual(row["authenticator app"] == "none", not account.authenticator)

    @override_settings(DEBUG=True)  # demo_code runs in development only
    def test_each_role_lands_on_its_own_work_with_the_links_the_readme_lists(self):
        text = prose("Demo accounts")
        trainee_landing = reverse(settings.LOGIN_REDIRECT_URL)
        self.assertIn(f"*My training* (`{trainee_landing}`, `LOGIN_REDIRECT_URL`)", text)
        for row, account in zip(accounts_table(), loaders.ACCOUNTS, strict=True):
            self.client.logout()
            with self.subTest(account=account.email):
                landing = landing_url(get_user_model().objects.get(email=account.email))
                self.assertIn(f"(`{landing}`", text)
                response = self.client.post(
                    reverse("account_login"),
                    {"login": account.email, "password": account.password},
                )
                if account.authenticator:
                    self.assertEqual(response["Location"], reverse("mfa_authenticate"))
                    code = StringIO()
                    call_command("demo_code", account.email, stdout=code, stderr=StringIO())
                    response = self.client.post(
                        reverse("mfa_authenticate"), {"code": code.getvalue().strip()}
                    )
                self.assertEqual(response["Location"], landing)
                page = self.client.get(landing)
                self.assertEqual(page.status_code, 200)
                html = page.content.decode()
                listed = row["menu links after signing in"]
                for name, path in ROLE_LINKS.items():
                    self.assertEqual(f'href="{path}"' in html, name in listed, name)

    def test_the_cohort_counts_are_the_demo_cohorts(self):
        text = prose("Demo content (`manage.py load_demo`)")
        trainee = loaders.user_for(loaders.TRAINEE_ACCOUNT)
        past = self.cohort(loaders.PAST_RUN, trainee)
        self.assertIn(
            f"{past['baseline']} synthetic trainees answered the baseline and "
            f"{past['month_3']} the 3-month follow-up; {past['no_consent']} did not consent "
            f"and {past['one_workshop']} attended only one of the two mandatory workshops",
            text,
        )
        longitudinal = self.cohort(loaders.LONGITUDINAL_RUN, trainee)
        self.assertIn(
            f"all {longitudinal['baseline']} answered the baseline, {longitudinal['month_3']} "
            f"at 3 months, {longitudinal['month_6']} at 6 and {longitudinal['month_12']} at 12 "
            f"({longitudinal['skipped']} skip a wave and come back); "
            f"{longitudinal['no_consent']} did not consent and "
            f"{longitudinal['one_workshop']} attended only one mandatory workshop",
            text,
        )
        self.assertIn(f"`first.last@{EMAIL_DOMAIN}`", text)
        examples = re.findall(rf"`([a-z.]+@{re.escape(EMAIL_DOMAIN)})`", text)
        examples.remove(f"first.last@{EMAIL_DOMAIN}")
        self.assertTrue(examples)
        for email in examples:
            self.assertFalse(get_user_model().objects.get(email=email).has_usable_password())

    def cohort(self, plan, demo_trainee) -> dict[str, int]:
        """Counts of a run's synthetic trainees (everyone on it but the demo trainee)."""
        run = loaders.run_for(plan)
        participants = Participant.objects.filter(course_run=run).exclude(
            enrolment__user=demo_trainee
        )
        answered = {wave.name: set() for wave in run.schedule}
        for code, wave in Response.objects.filter(participant__in=participants).values_list(
            "participant__code", "wave"
        ):
            answered[wave].add(code)
        follow_ups = [answered[wave.name] for wave in run.follow_ups]
        skipped = {
            code
            for i, later in enumerate(follow_ups)
            for code in later
            if any(code not in earlier for earlier in follow_ups[:i])
        }
        enrolments = enrolments_with_progress().filter(course_run=run).exclude(user=demo_trainee)
        return {
            **{name: len(codes) for name, codes in answered.items()},
            "skipped": len(skipped),
            "no_consent": participants.filter(consented_at__isnull=True).count(),
            "one_workshop": sum(e.mandatory_attended == 1 for e in enrolments),
        }
