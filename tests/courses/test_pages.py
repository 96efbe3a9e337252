"""The course's page tree: which page goes where, rendering, editing and bad input in the admin."""

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from courses.models import (
    CourseIndexPage,
    CourseRunPage,
    Footstep,
    FootstepLibraryPage,
    FootstepModulePage,
    QASessionPage,
    SessionPage,
    WorkshopPage,
)
from home.models import HomePage, PolicyPage
from tests import factories


class PageTreeRulesTests(WagtailPageTestCase):
    def test_home_page_children(self):
        self.assertAllowedSubpageTypes(HomePage, {CourseIndexPage, FootstepLibraryPage, PolicyPage})
        self.assertCanCreateAt(HomePage, CourseIndexPage)
        self.assertCanCreateAt(HomePage, FootstepLibraryPage)
        for model in (CourseRunPage, WorkshopPage, QASessionPage, FootstepModulePage):
            self.assertCanNotCreateAt(HomePage, model)

    def test_course_index_holds_only_course_runs(self):
        self.assertAllowedParentPageTypes(CourseIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(CourseIndexPage, {CourseRunPage})
        self.assertCanNotCreateAt(Page, CourseIndexPage)
        self.assertCanNotCreateAt(FootstepLibraryPage, CourseIndexPage)

    def test_course_run_holds_workshops_and_qa_sessions(self):
        self.assertAllowedParentPageTypes(CourseRunPage, {CourseIndexPage})
        self.assertAllowedSubpageTypes(CourseRunPage, {WorkshopPage, QASessionPage})
        self.assertCanCreateAt(CourseIndexPage, CourseRunPage)
        self.assertCanCreateAt(CourseRunPage, WorkshopPage)
        self.assertCanCreateAt(CourseRunPage, QASessionPage)
        self.assertCanNotCreateAt(CourseRunPage, CourseRunPage)
        self.assertCanNotCreateAt(CourseRunPage, FootstepModulePage)

    def test_sessions_are_leaves_under_a_run_and_the_base_class_is_not_creatable(self):
        for model in (WorkshopPage, QASessionPage):
            self.assertAllowedParentPageTypes(model, {CourseRunPage})
            self.assertAllowedSubpageTypes(model, set())
        self.assertCanNotCreateAt(CourseRunPage, SessionPage)
        self.assertCanNotCreateAt(CourseIndexPage, WorkshopPage)

    def test_footstep_library_holds_only_modules(self):
        self.assertAllowedParentPageTypes(FootstepLibraryPage, {HomePage})
        self.assertAllowedSubpageTypes(FootstepLibraryPage, {FootstepModulePage})
        self.assertAllowedParentPageTypes(FootstepModulePage, {FootstepLibraryPage})
        self.assertAllowedSubpageTypes(FootstepModulePage, set())
        self.assertCanCreateAt(FootstepLibraryPage, FootstepModulePage)
        self.assertCanNotCreateAt(CourseIndexPage, FootstepModulePage)

    def test_at_most_two_workshops_per_run_but_any_number_of_qa_sessions(self):
        run = factories.make_course_run(with_sessions=False)
        first = timezone.now() + timedelta(days=7)
        factories.add_workshop(run, first, "Workshop 1")
        self.assertTrue(WorkshopPage.can_create_at(run))
        factories.add_workshop(run, first + timedelta(days=14), "Workshop 2")
        self.assertFalse(WorkshopPage.can_create_at(run))
        for n in range(3):
            factories.add_qa_session(run, first + timedelta(days=30 + n), f"Q&A {n}")
        self.assertTrue(QASessionPage.can_create_at(run))
        # Another run still takes its own two.
        self.assertTrue(WorkshopPage.can_create_at(factories.make_course_run(with_sessions=False)))

    def test_only_one_course_index_and_one_library(self):
        factories.course_index()
        factories.footstep_library()
        home = factories.home_page()
        self.assertFalse(CourseIndexPage.can_create_at(home))
        self.assertFalse(FootstepLibraryPage.can_create_at(home))


class PagesRenderTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.course_run = factories.make_course_run()
        cls.workshop = factories.workshops(cls.course_run)[0]
        cls.qa = QASessionPage.objects.child_of(cls.course_run).get()
        cls.module = factories.make_module(Footstep.objects.get(number=1))

    def test_every_page_type_renders(self):
        for page in (
            factories.course_index(),
            self.course_run,
            self.workshop,
            self.qa,
            factories.footstep_library(),
            self.module,
        ):
            with self.subTest(page=type(page).__name__):
                self.assertPageIsRenderable(page)

    def test_course_index_lists_runs_with_badge_network_and_dates(self):
        factories.make_course_run(title="Closed cohort", slug="closed", enrolment_open=False)
        response = self.client.get(factories.course_index().url)
        self.assertContains(response, self.course_run.title)
        self.assertContains(response, "Enrolment open")
        self.assertContains(response, "Enrolment closed")
        self.assertContains(response, "Bristol PCN")
        self.assertContains(response, "First workshop")

    def test_run_page_and_dashboard_date_a_run_without_dates_by_its_first_workshop(self):
        first = date_format(timezone.localtime(self.workshop.starts_at), "j F Y")
        self.assertContains(self.client.get(self.course_run.url), f"First workshop {first}")
        self.client.force_login(factories.TraineeFactory())
        dashboard = self.client.get(reverse("courses:dashboard"))
        self.assertContains(dashboard, f"First workshop {first}")

    def test_session_page_shows_uk_time_duration_and_calendar_link(self):
        response = self.client.get(self.workshop.url)
        local = timezone.localtime(self.workshop.starts_at)
        self.assertContains(response, local.strftime("%H:%M"))
        self.assertContains(response, "UK time")
        self.assertContains(response, "4 hours")
        self.assertContains(response, reverse("courses:session_calendar", args=[self.workshop.pk]))

    def test_qa_session_defaults_to_two_hours(self):
        self.assertEqual(self.qa.duration_minutes, 120)
        self.assertContains(self.client.get(self.qa.url), "2 hours")

    def test_pages_are_editable_in_the_admin(self):
        superuser = factories.UserFactory(is_superuser=True, is_staff=True)
        for page in (self.course_run, self.workshop):
            with self.subTest(page=type(page).__name__):
                self.assertPageIsEditable(page, user=superuser)
        # StreamField inputs are built by JavaScript, so the module's form data is spelt out.
        body = streamfield(
            [
                ("heading", "Why pain persists"),
                ("paragraph", rich_text("<p>Hurt is not always harm.</p>")),
                ("quote", {"quote": "It made sense at last.", "attribution": ""}),
                (
                    "resources",
                    {
                        "heading": "Resources",
                        "items": streamfield(
                            [
                                (
                                    "link",
                                    {
                                        "url": "https://example.org/",
                                        "title": "A",
                                        "description": "",
                                    },
                                )
                            ]
                        ),
                    },
                ),
            ]
        )
        data = nested_form_data(
            {
                "title": self.module.title,
                "slug": self.module.slug,
                "footstep": self.module.footstep_id,
                "summary": "Why pain persists.",
                "body": body,
                "action-publish": "action-publish",
            }
        )
        self.client.force_login(superuser)
        response = self.client.post(reverse("wagtailadmin_pages:edit", args=[self.module.pk]), data)
        self.assertEqual(response.status_code, 302)
        self.module.refresh_from_db()
        self.assertEqual(
            [block.block_type for block in self.module.body],
            ["heading", "paragraph", "quote", "resources"],
        )


class SessionValidationTests(WagtailPageTestCase):
    def test_full_clean_refuses_a_session_without_a_start_time(self):
        run = factories.make_course_run(with_sessions=False)
        workshop = WorkshopPage(title="Workshop 1", slug="workshop-1")
        with self.assertRaises(ValidationError) as caught:
            run.add_child(instance=workshop)
        self.assertIn("starts_at", caught.exception.message_dict)
        self.assertFalse(WorkshopPage.objects.exists())

    def test_admin_create_view_refuses_a_session_without_a_start_time(self):
        run = factories.make_course_run(with_sessions=False)
        trainer = factories.TrainerFactory()
        from demo.loaders import grant_trainer_permissions

        grant_trainer_permissions()
        self.client.force_login(trainer)
        url = reverse("wagtailadmin_pages:add", args=("courses", "workshoppage", run.pk))
        data = nested_form_data(
            {
                "title": "Workshop 1",
                "slug": "workshop-1",
                "starts_at": "",
                "duration_minutes": 240,
                "joining_url": "",
                "agenda": rich_text(""),
                "action-publish": "action-publish",
            }
        )
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "This field is required")
        self.assertFalse(WorkshopPage.objects.exists())

        data["starts_at"] = "2030-05-01 09:30"
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        workshop = WorkshopPage.objects.get()
        self.assertTrue(workshop.live)
        self.assertEqual(timezone.localtime(workshop.starts_at).hour, 9)

    def test_a_run_cannot_end_before_it_starts(self):
        run = factories.make_course_run(with_sessions=False)
        run.starts_on = timezone.localdate()
        run.ends_on = run.starts_on - timedelta(days=1)
        with self.assertRaises(ValidationError) as caught:
            run.full_clean()
        self.assertIn("ends_on", caught.exception.message_dict)


class PageReadsTests(TestCase):
    """What each page reads about itself, without going through the selectors."""

    def test_run_sessions_are_specific_live_and_in_start_order(self):
        run = factories.make_course_run(with_sessions=False)
        now = timezone.now()
        late = factories.add_qa_session(run, now + timedelta(days=40), "Q&A")
        first = factories.add_workshop(run, now + timedelta(days=10), "Workshop 1")
        second = factories.add_workshop(run, now + timedelta(days=24), "Workshop 2")
        draft = factories.add_qa_session(run, now + timedelta(days=50), "Draft Q&A")
        draft.unpublish()

        sessions = run.sessions()
        self.assertEqual(sessions, [first, second, late])
        self.assertEqual([type(s) for s in sessions], [WorkshopPage, WorkshopPage, QASessionPage])
        self.assertEqual(run.sessions(live_only=False)[-1], draft)

    def test_a_session_knows_its_runs_path_without_a_query(self):
        run = factories.make_course_run()
        workshop = factories.workshops(run)[0]
        with self.assertNumQueries(0):
            self.assertEqual(workshop.run_path, run.path)

    def test_can_join_is_for_enrolled_trainees_and_trainers(self):
        trainee, other_trainee = factories.TraineeFactory(), factories.TraineeFactory()
        run = factories.make_course_run()
        factories.enrol(trainee, run)
        workshop = factories.workshops(run)[0]
        self.assertTrue(workshop.can_join(trainee))
        self.assertTrue(workshop.can_join(factories.TrainerFactory()))
        self.assertFalse(workshop.can_join(other_trainee))
        self.assertFalse(workshop.can_join(factories.EvaluatorFactory()))
        self.assertFalse(workshop.can_join(AnonymousUser()))

    def test_the_index_lists_published_runs_with_their_first_workshop(self):
        run = factories.make_course_run()
        draft = factories.make_course_run()
        draft.unpublish()
        runs = factories.course_index().runs()
        self.assertEqual(runs, [run])
        self.assertEqual(runs[0].first_workshop_at, factories.workshops(run)[0].starts_at)

    def test_a_library_lists_its_own_published_modules_in_footstep_order(self):
        second = factories.make_module(Footstep.objects.get(number=2))
        first = factories.make_module(Footstep.objects.get(number=1))
        library = factories.footstep_library()
        self.assertEqual(library.modules(), [first, second])
        self.assertEqual(first.library(), library)
