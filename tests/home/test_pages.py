from wagtail.test.utils import WagtailPageTestCase

from home.models import HomePage, PolicyPage


class HomePageTreeTests(WagtailPageTestCase):
    def test_home_page_is_created_by_migration_and_served(self):
        home = HomePage.objects.get()
        response = self.client.get(home.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Ten Footsteps")

    def test_home_page_allows_only_course_library_and_policy_children(self):
        from courses.models import CourseIndexPage, FootstepLibraryPage

        self.assertAllowedSubpageTypes(HomePage, {CourseIndexPage, FootstepLibraryPage, PolicyPage})
