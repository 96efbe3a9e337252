"""load_demo: the README's accounts, the course content, and idempotency."""

from datetime import timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import GroupCollectionPermission, GroupPagePermission, Page, Revision, Site

from accounts.roles import TRAINER
from assessments.models import Participant, Response
from assessments.selectors import wave_window
from courses import selectors
from courses.models import (
    Attendance,
    CourseRunPage,
    Enrolment,
    FollowUpWave,
    FootstepModulePage,
    WaitingListEntry,
)
from courses.waves import Wave
from demo import content, loaders
from home.models import ProgrammeSettings
from organisations.models import Organisation, StaffAccess


def snapshot() -> dict:
    """Counts and values that a second run must leave exactly as they were."""
    User = get_user_model()
    return {
        "users": list(User.objects.order_by("pk").values_list("pk", "email", "password")),
        "emails": EmailAddress.objects.count(),
        "authenticators": list(
            Authenticator.objects.order_by("pk").values_list("user", "type", "data")
        ),
        "memberships": User.groups.through.objects.count(),
        "pages": list(Page.objects.order_by("path").values_list("pk", "path", "title", "live")),
        "revisions": Revision.objects.count(),
        "documents": get_document_model().objects.count(),
        "enrolments": Enrolment.objects.count(),
        "waiting_list": WaitingListEntry.objects.count(),
        "attendance": Attendance.objects.count(),
        "follow_up_waves": list(FollowUpWave.objects.order_by("pk").values_list("page", "months")),
        "participants": list(
            Participant.objects.order_by("pk").values_list("pk", "code", "consented_at")
        ),
        "responses": list(
            Response.objects.order_by("pk").values_list("pk", "participant", "wave", "submitted_at")
        ),
        "page_permissions": GroupPagePermission.objects.count(),
        "collection_permissions": GroupCollectionPermission.objects.count(),
        "site": list(Site.objects.values_list("hostname", "port", "root_page", "is_default_site")),
        "programme": list(
            ProgrammeSettings.objects.values_list("site", "organisation_name", "contact_email")
        ),
        "organisations": list(Organisation.objects.values_list("pk", "path", "name")),
        "run_organisations": list(
            CourseRunPage.objects.order_by("pk").values_list("pk", "organisation")
        ),
        "staff_access": list(
            StaffAccess.organisations.through.objects.order_by("pk").values_list(
                "staffaccess__user", "organisation"
            )
        ),
    }


class LoadDemoTests(TestCase):
    """The command runs once per class (it takes seconds); each test rolls back its changes."""

    @classmethod
    def setUpTestData(cls):
        before = len(mail.outbox)
        call_command("load_demo", public_credentials_ok=True, verbosity=0)
        cls.emails_sent = len(mail.outbox) - before

    def test_the_demo_people_get_no_email(self):
        # Their addresses are made up: the tasks their enrolments and answers queue never run.
        self.assertEqual(self.emails_sent, 0)

    def test_running_twice_changes_nothing(self):
        before = snapshot()
        call_command("load_demo", public_credentials_ok=True, verbosity=0)
        self.assertEqual(snapshot(), before)

    def test_the_admin_search_finds_the_demo_pages(self):
        # The index updates are tasks, dropped while loading; the command rebuilds the index.
        from wagtail.models import Page

        titles = {page.title for page in Page.objects.search("cohort")}
        self.assertLessEqual({"Tyneside cohort", "Bristol cohort"}, titles)

    def test_the_policy_pages_name_the_demo_organisation_and_its_address(self):
        html = self.client.get("/privacy/").content.decode()
        self.assertIn(f"<dd>{content.ORGANISATION_NAME}</dd>", html)
        self.assertIn(f'href="mailto:{content.CONTACT_EMAIL}"', html)

    def test_readme_accounts_sign_in_with_a_verified_email_and_their_role(self):
        for account in loaders.ACCOUNTS:
            with self.subTest(account=account.email):
                user = get_user_model().objects.get(email=account.email)
                self.assertTrue(user.check_password(account.password))
                self.assertTrue(
                    EmailAddress.objects.filter(
                        user=user, email=account.email, verified=True, primary=True
                    ).exists()
                )
                groups = [g.name for g in user.groups.all()]
                self.assertEqual(groups, [account.group] if account.group else [])
                self.assertIs(user.is_superuser, account.superuser)
                response = self.client.post(
                    "/accounts/login/", {"login": account.email, "password": account.password}
                )
                self.assertEqual(response.status_code, 302)
                self.client.logout()

    @override_settings(DEBUG=True)  # demo_code runs in development only
    def test_trainer_evaluator_and_admin_sign_in_with_the_demo_authenticator(self):
        journeys = [
            (loaders.TRAINER_ACCOUNT, "/trainer/runs/"),
            (loaders.EVALUATOR_ACCOUNT, "/evaluation/"),
            (loaders.ADMIN_ACCOUNT, "/admin/"),
            (loaders.NORTH_EAST_TRAINER_ACCOUNT, "/trainer/runs/"),
            (loaders.SOUTH_YORKSHIRE_EVALUATOR_ACCOUNT, "/evaluation/"),
        ]
        for account, protected in journeys:
            with self.subTest(account=account.email):
                response = self.client.post(
                    "/accounts/login/", {"login": account.email, "password": account.password}
                )
                self.assertEqual(response["Location"], reverse("mfa_authenticate"))
                code = StringIO()
                call_command("demo_code", account.email, stdout=code, stderr=StringIO())
                response = self.client.post(
                    reverse("mfa_authenticate"), {"code": code.getvalue().strip()}
                )
                self.assertEqual(response.status_code, 302)
                self.assertEqual(self.client.get(protected).status_code, 200)
                self.client.logout()

    def test_two_regions_and_the_limited_staff_see_only_their_organisations_runs(self):
        self.assertEqual(
            [o.name for o in Organisation.get_root_nodes()],
            ["North East and Yorkshire", "South West"],
        )
        self.assertFalse(CourseRunPage.objects.filter(organisation__isnull=True).exists())
        trainer = loaders.user_for(loaders.NORTH_EAST_TRAINER_ACCOUNT)
        evaluator = loaders.user_for(loaders.SOUTH_YORKSHIRE_EVALUATOR_ACCOUNT)
        visible = {
            user.email: sorted(
                selectors.course_runs_visible_to(user).values_list("slug", flat=True)
            )
            for user in (trainer, evaluator, loaders.user_for(loaders.TRAINER_ACCOUNT))
        }
        self.assertEqual(visible[trainer.email], ["tyneside-cohort"])
        self.assertEqual(visible[evaluator.email], ["sheffield-cohort"])
        self.assertEqual(len(visible[loaders.TRAINER_ACCOUNT.email]), len(loaders.RUNS))
        self.client.force_login(evaluator)
        report = self.client.get("/evaluation/").context["report"]
        self.assertEqual(report["course_runs"], ["sheffield-cohort"])

    def test_the_trainee_has_no_authenticator(self):
        trainee = loaders.user_for(loaders.TRAINEE_ACCOUNT)
        self.assertFalse(Authenticator.objects.filter(user=trainee).exists())

    def test_default_site_serves_the_home_page_at_127_0_0_1_8000(self):
        site = Site.objects.get(is_default_site=True)
        self.assertEqual((site.hostname, site.port), ("127.0.0.1", 8000))
        response = self.client.get("/", HTTP_HOST="127.0.0.1:8000")
        self.assertContains(response, "social prescribers")

    def test_ten_modules_with_a_quote_a_patient_link_and_one_document(self):
        modules = FootstepModulePage.published()
        self.assertEqual([m.footstep.number for m in modules], list(range(1, 11)))
        documents = 0
        for module in modules:
            kinds = [block.block_type for block in module.body]
            self.assertEqual(kinds.count("quote"), 1, module.title)
            self.assertIn("paragraph", kinds)
            items = [
                item
                for block in module.body
                if block.block_type == "resources"
                for item in block.value["items"]
            ]
            self.assertTrue(any(item.block_type == "link" for item in items), module.title)
            documents += sum(item.block_type == "document" for item in items)
            self.assertEqual(self.client.get(module.url).status_code, 200)
        self.assertEqual(documents, 1)
        document = get_document_model().objects.get()
        with document.open_file() as pdf:
            self.assertEqual(pdf.read(5), b"%PDF-")
        self.assertEqual(document.file_size, document.file.size)

    def test_an_open_run_in_two_weeks_and_a_past_run_due_for_follow_up(self):
        today = timezone.localdate()
        open_run = CourseRunPage.objects.get(slug=loaders.OPEN_RUN.slug)
        past_run = CourseRunPage.objects.get(slug=loaders.PAST_RUN.slug)
        self.assertTrue(open_run.is_open)
        self.assertFalse(past_run.enrolment_open)

        first = timezone.localtime(selectors.first_mandatory_workshop_start(open_run)).date()
        self.assertTrue(12 <= (first - today).days <= 16)
        last_end = timezone.localtime(selectors.last_mandatory_workshop_end(past_run)).date()
        self.assertTrue(85 <= (today - last_end).days <= 100)
        for run in (open_run, past_run):
            sessions = run.sessions()
            self.assertEqual([s.is_mandatory for s in sessions], [True, True, False, False, False])
            self.assertTrue(all(s.joining_url and s.agenda for s in sessions))

    def test_a_longitudinal_run_whose_three_follow_ups_have_all_opened(self):
        now = timezone.now()
        run = CourseRunPage.objects.get(slug=loaders.LONGITUDINAL_RUN.slug)
        self.assertEqual(
            [w.name for w in run.schedule], ["baseline", "month_3", "month_6", "month_12"]
        )
        self.assertEqual([wave_window(run, w).state(now) for w in run.follow_ups], ["closed"] * 3)
        self.assertFalse(run.enrolment_open)

    def test_a_run_whose_6_month_follow_up_is_open_now(self):
        now = timezone.now()
        run = CourseRunPage.objects.get(slug=loaders.SIX_MONTH_RUN.slug)
        self.assertEqual([w.months for w in run.follow_ups], [3, 6, 12])
        states = {w.months: wave_window(run, w).state(now) for w in run.follow_ups}
        self.assertEqual(states, {3: "closed", 6: "open", 12: "not_yet"})
        # Open for at least another week, so the demo works for a while after loading.
        self.assertGreater(wave_window(run, Wave(6)).closes_at - now, timedelta(days=7))

    def test_the_other_runs_keep_their_3_month_follow_up(self):
        for plan in (loaders.OPEN_RUN, loaders.PAST_RUN):
            run = CourseRunPage.objects.get(slug=plan.slug)
            self.assertEqual([w.name for w in run.schedule], ["baseline", "month_3"])

    def test_demo_trainee_completed_two_runs_and_can_enrol_on_the_open_one(self):
        trainee = loaders.user_for(loaders.TRAINEE_ACCOUNT)
        enrolments = selectors.enrolments_with_progress().filter(user=trainee)
        attended = {
            e.course_run.slug: (e.mandatory_attended, e.optional_attended, e.mandatory_completed)
            for e in enrolments
        }
        self.assertEqual(
            attended,
            {loaders.PAST_RUN.slug: (2, 1, True), loaders.SIX_MONTH_RUN.slug: (2, 2, True)},
        )

        self.client.force_login(trainee)
        open_run = CourseRunPage.objects.get(slug=loaders.OPEN_RUN.slug)
        self.client.post(f"/runs/{open_run.pk}/enrol/")
        self.assertTrue(Enrolment.objects.filter(user=trainee, course_run=open_run).exists())

    def test_a_full_run_with_a_waiting_list_the_demo_trainee_can_join(self):
        run = CourseRunPage.objects.get(slug=loaders.FULL_RUN.slug)
        places = selectors.run_places(run)
        self.assertEqual((places.places, places.enrolled, places.waiting), (6, 6, 3))
        self.assertTrue(places.is_full)
        trainee = loaders.user_for(loaders.TRAINEE_ACCOUNT)
        self.client.force_login(trainee)
        self.assertContains(self.client.get(run.url), "Join the waiting list")
        self.client.post(f"/runs/{run.pk}/waiting-list/")
        entry = WaitingListEntry.objects.get(user=trainee, course_run=run)
        self.assertEqual(selectors.waiting_list_position(entry), 4)

    def test_trainers_may_author_the_course_and_the_library(self):
        trainer = loaders.user_for(loaders.TRAINER_ACCOUNT)
        granted = {
            (p.page.specific_class.__name__, p.permission.codename)
            for p in GroupPagePermission.objects.filter(group__name=TRAINER)
        }
        for page_type in ("CourseIndexPage", "FootstepLibraryPage"):
            for codename in ("add_page", "change_page", "publish_page"):
                self.assertIn((page_type, codename), granted)
        module = FootstepModulePage.objects.first()
        self.assertTrue(module.permissions_for_user(trainer).can_publish())
        run = CourseRunPage.objects.get(slug=loaders.OPEN_RUN.slug)
        self.assertTrue(run.permissions_for_user(trainer).can_publish())
        self.assertTrue(run.permissions_for_user(trainer).can_add_subpage())
        self.assertTrue(trainer.has_perm("wagtailadmin.access_admin"))
        home = Page.objects.get(depth=2)
        self.assertFalse(home.permissions_for_user(trainer).can_add_subpage())


def test_refuses_without_debug_unless_told_the_site_is_not_real(db):
    with pytest.raises(CommandError, match="public passwords"):
        call_command("load_demo", verbosity=0)
    assert not get_user_model().objects.filter(email__endswith="@demo.tenfootsteps.org").exists()


class QualitativeDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_demo", public_credentials_ok=True, verbosity=0)

    def test_both_demo_evaluators_coded_answers_and_kappa_is_defined(self):
        from qualitative.models import Assignment
        from qualitative.selectors import qualitative_summary

        summary = qualitative_summary()
        self.assertEqual(summary["coders"], ["Coder 1", "Coder 2"])
        kappas = [row["cohens_kappa"] for code in summary["codes"] for row in code["agreement"]]
        self.assertTrue(any(k is not None and k < 1 for k in kappas))
        second = get_user_model().objects.get(email=loaders.SECOND_EVALUATOR_ACCOUNT.email)
        self.assertTrue(Assignment.objects.filter(coder__user=second).exists())
