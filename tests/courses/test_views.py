"""The course's views: who may open what, enrolment, the register, .ics files, query budgets."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks

from accounts.models import AuditEvent
from courses.hooks import RUN_LINKS_HOOK, RunLink
from courses.models import (
    Attendance,
    CourseRunPage,
    Enrolment,
    Footstep,
    FootstepModulePage,
    ModuleCompletion,
    QASessionPage,
)
from courses.services import ALREADY_ENROLLED, CLOSED, NOT_A_TRAINEE, NOT_ENROLLED
from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")


@dataclass
class World:
    run: CourseRunPage  # open, sessions in the future; the trainee is enrolled
    past_run: CourseRunPage  # sessions in the past; the trainee is enrolled
    enrolment: Enrolment
    past_enrolment: Enrolment


@pytest.fixture
def world(trainee):
    run = factories.make_course_run()
    past_run = factories.make_course_run(first_workshop_in_days=-60, enrolment_open=False)
    factories.make_module(Footstep.objects.get(number=1))
    return World(
        run=run,
        past_run=past_run,
        enrolment=factories.enrol(trainee, run),
        past_enrolment=factories.enrol(trainee, past_run),
    )


def _url(name: str, world: World) -> str:
    workshop = factories.workshops(world.past_run)[0]
    return {
        "dashboard": reverse("courses:dashboard"),
        "enrolment_calendar": reverse("courses:enrolment_calendar", args=[world.enrolment.pk]),
        "session_calendar": reverse("courses:session_calendar", args=[workshop.pk]),
        "modules": reverse("courses:modules"),
        "trainer_runs": reverse("courses:trainer_runs"),
        "register": reverse("courses:register", args=[workshop.pk]),
    }[name]


# Expected status per role. "login" = redirected to sign in; "other_trainee" asks for the
# trainee's own objects (their enrolment's calendar) and gets 404, never a hint it exists.
MATRIX = {
    #                      anonymous  trainee  other_trainee  trainer  evaluator
    "dashboard": ("login", 200, 200, 200, 200),
    "enrolment_calendar": ("login", 200, 404, 404, 404),
    "session_calendar": (200, 200, 200, 200, 200),
    "modules": (302, 302, 302, 302, 302),
    "trainer_runs": ("login", 403, 403, 200, 403),
    "register": ("login", 403, 403, 200, 403),
}
ROLES = ["anonymous", "trainee", "other_trainee", "trainer", "evaluator"]


@pytest.mark.parametrize(
    ("view", "role", "expected"),
    [
        (view, role, expected)
        for view, row in MATRIX.items()
        for role, expected in zip(ROLES, row, strict=True)
    ],
)
def test_role_view_matrix(client, world, view, role, expected, request):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.get(_url(view, world))
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
    else:
        assert response.status_code == expected


def test_enrol_post_matrix(client, world, trainer, evaluator):
    open_run = factories.make_course_run()
    url = reverse("courses:enrol", args=[open_run.pk])
    assert client.post(url)["Location"].startswith(LOGIN)
    for user in (trainer, evaluator):
        client.force_login(user)
        response = client.post(url, follow=True)
        assert NOT_A_TRAINEE in response.content.decode()
    assert not Enrolment.objects.filter(course_run=open_run).exists()


# Enrolment through the site ---------------------------------------------------------------


def test_a_trainee_enrols_from_the_run_page_and_sees_the_schedule(client, trainee):
    run = factories.make_course_run()
    client.force_login(trainee)
    page = client.get(run.url)
    assert f'action="{reverse("courses:enrol", args=[run.pk])}"' in page.content.decode()

    response = client.post(reverse("courses:enrol", args=[run.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("courses:dashboard")
    html = response.content.decode()
    assert f"You are enrolled on {run.title}" in html
    for workshop in factories.workshops(run):
        assert reverse("courses:session_calendar", args=[workshop.pk]) in html
    assert Enrolment.objects.filter(user=trainee, course_run=run).count() == 1


def test_enrolling_twice_through_the_site_keeps_one_row(client, trainee):
    run = factories.make_course_run()
    client.force_login(trainee)
    url = reverse("courses:enrol", args=[run.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert ALREADY_ENROLLED in response.content.decode()
    assert Enrolment.objects.filter(user=trainee, course_run=run).count() == 1


def test_enrolling_on_a_closed_run_shows_why_and_changes_nothing(client, trainee):
    run = factories.make_course_run(enrolment_open=False)
    client.force_login(trainee)
    response = client.post(reverse("courses:enrol", args=[run.pk]), follow=True)
    assert response.redirect_chain[-1][0] == run.url
    assert CLOSED in response.content.decode()
    assert not Enrolment.objects.exists()


def test_a_closed_run_page_says_so_and_offers_no_enrol_button(client, trainee):
    run = factories.make_course_run(enrolment_open=False)
    client.force_login(trainee)
    html = client.get(run.url).content.decode()
    assert "Enrolment on this course run is closed" in html
    assert reverse("courses:enrol", args=[run.pk]) not in html


def test_anonymous_visitors_are_invited_to_sign_in_and_come_back_to_the_run(client, trainee):
    run = factories.make_course_run()
    enrol_url = reverse("courses:enrol", args=[run.pk])
    assert f"?next={enrol_url}" in client.get(run.url).content.decode()
    client.force_login(trainee)
    # After signing in, the GET lands on the run page rather than a 405.
    assert client.get(enrol_url)["Location"] == run.url


def test_enrolling_on_an_unknown_or_unpublished_run_is_404(client, trainee):
    run = factories.make_course_run()
    run.unpublish()
    client.force_login(trainee)
    assert client.post(reverse("courses:enrol", args=[run.pk])).status_code == 404
    assert client.post(reverse("courses:enrol", args=[999_999])).status_code == 404


# Joining links ----------------------------------------------------------------------------


def test_joining_link_is_shown_only_to_enrolled_trainees_and_trainers(
    client, world, other_trainee, trainer, evaluator, trainee
):
    workshop = factories.workshops(world.run)[0]
    link = workshop.joining_url
    assert link not in client.get(workshop.url).content.decode()
    for user, sees in (
        (trainee, True),
        (trainer, True),
        (other_trainee, False),
        (evaluator, False),
    ):
        client.force_login(user)
        assert (link in client.get(workshop.url).content.decode()) is sees, user


# The register -----------------------------------------------------------------------------


def test_the_register_lists_the_runs_trainees_and_saves_ticks(client, trainer, world, trainee):
    other = factories.TraineeFactory(first_name="Robin", last_name="Okafor")
    other_enrolment = factories.enrol(other, world.past_run)
    workshop = factories.workshops(world.past_run)[0]
    url = reverse("courses:register", args=[workshop.pk])
    client.force_login(trainer)

    html = client.get(url).content.decode()
    assert "Robin Okafor" in html and trainee.get_full_name() in html
    assert "<legend>Tick everyone who attended</legend>" in html

    response = client.post(url, {"attended": [other_enrolment.pk]}, follow=True)
    assert "1 marked present, 0 marked absent" in response.content.decode()
    assert list(Attendance.objects.values_list("enrolment_id", "session_id")) == [
        (other_enrolment.pk, workshop.pk)
    ]
    assert "checked" in response.content.decode()

    # Unticking everyone clears the register.
    client.post(url, {})
    assert not Attendance.objects.exists()


def test_a_register_post_for_someone_not_enrolled_is_an_error_and_saves_nothing(
    client, trainer, world
):
    workshop = factories.workshops(world.past_run)[0]
    stranger = factories.enrol(factories.TraineeFactory(), world.run)
    url = reverse("courses:register", args=[workshop.pk])
    client.force_login(trainer)
    client.post(url, {"attended": [world.past_enrolment.pk]})
    events = AuditEvent.objects.filter(action=AuditEvent.Action.ATTENDANCE).count()

    for bad in ([stranger.pk], [world.past_enrolment.pk, stranger.pk], ["not-a-number"]):
        response = client.post(url, {"attended": bad})
        assert response.status_code == 400
        html = response.content.decode()
        assert "Nothing was saved" in html and NOT_ENROLLED in html
    assert list(Attendance.objects.values_list("enrolment_id", flat=True)) == [
        world.past_enrolment.pk
    ]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ATTENDANCE).count() == events


def test_a_register_for_a_future_session_says_when_it_opens_and_lists_names_only(
    client, trainer, world, trainee
):
    workshop = factories.workshops(world.run)[0]
    url = reverse("courses:register", args=[workshop.pk])
    client.force_login(trainer)
    html = client.get(url).content.decode()
    opens = timezone.localtime(workshop.starts_at)
    assert f"The register opens when the session starts, on <strong>{opens:%A} " in html
    assert f"at {opens:%H:%M}</strong>" in html
    assert trainee.get_full_name() in html
    assert 'type="checkbox"' not in html and "Save the register" not in html
    assert reverse("courses:register_import", args=[workshop.pk]) not in html
    response = client.post(url, {"attended": [world.enrolment.pk]})
    assert response.status_code == 400
    assert "once the session has started" in response.content.decode()
    assert not Attendance.objects.exists()


def test_the_register_page_has_its_tools_count_and_sticky_bar(client, trainer, world):
    workshop = factories.workshops(world.past_run)[0]
    Attendance.objects.create(enrolment=world.past_enrolment, session=workshop)
    client.force_login(trainer)
    html = client.get(reverse("courses:register", args=[workshop.pk])).content.decode()
    assert 'src="/static/js/register.js"' in html and "<script>" not in html
    assert "data-register-tools hidden" in html  # shown by the script only
    assert 'data-register-count aria-live="polite"' in html
    assert 'class="action-bar"' in html and 'class="has-action-bar"' in html
    assert f'name="opened" value="{world.past_enrolment.pk}"' in html
    assert reverse("courses:register_import", args=[workshop.pk]) in html


def test_a_register_saved_meanwhile_by_another_trainer_is_not_overwritten(client, trainer, world):
    other = factories.enrol(factories.TraineeFactory(first_name="Robin"), world.past_run)
    workshop = factories.workshops(world.past_run)[0]
    url = reverse("courses:register", args=[workshop.pk])
    client.force_login(trainer)
    client.get(url)  # opened with nobody present
    Attendance.objects.create(enrolment=other, session=workshop)  # another trainer saves

    response = client.post(url, {"attended": [world.past_enrolment.pk], "opened": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Someone else saved this register" in html
    assert "Robin" in html and "saved as present, you ticked absent" in html
    assert f'name="opened" value="{other.pk}"' in html  # saving again applies these ticks
    assert list(Attendance.objects.values_list("enrolment_id", flat=True)) == [other.pk]

    client.post(url, {"attended": [world.past_enrolment.pk], "opened": str(other.pk)})
    assert list(Attendance.objects.values_list("enrolment_id", flat=True)) == [
        world.past_enrolment.pk
    ]


def test_a_tampered_opened_field_saves_nothing(client, trainer, world):
    workshop = factories.workshops(world.past_run)[0]
    client.force_login(trainer)
    response = client.post(
        reverse("courses:register", args=[workshop.pk]),
        {"attended": [world.past_enrolment.pk], "opened": "1,x"},
    )
    assert response.status_code == 400 and "Reload it" in response.content.decode()
    assert not Attendance.objects.exists()


def test_register_of_an_unknown_session_is_404(client, trainer):
    client.force_login(trainer)
    assert client.get(reverse("courses:register", args=[999_999])).status_code == 404


def test_trainer_runs_page_shows_counts_and_links_to_each_register(client, trainer, world):
    w1, w2 = factories.workshops(world.past_run)
    Attendance.objects.create(enrolment=world.past_enrolment, session=w1)
    Attendance.objects.create(enrolment=world.past_enrolment, session=w2)
    client.force_login(trainer)
    html = client.get(reverse("courses:trainer_runs")).content.decode()
    assert reverse("courses:register", args=[w1.pk]) in html
    assert "1 / 1" in html  # attended / enrolled for each past workshop
    assert "Completed the mandatory part</dt><dd>1</dd>" in html.replace("\n", "")


def test_trainer_runs_page_shows_each_footsteps_module_marked_done(client, trainer, world):
    module = FootstepModulePage.objects.get(footstep__number=1)
    ModuleCompletion.objects.create(user=world.past_enrolment.user, module=module)
    client.force_login(trainer)
    html = " ".join(client.get(reverse("courses:trainer_runs")).content.decode().split())
    assert "Footstep modules marked done" in html
    assert f'<th scope="row">{module.footstep}</th><td class="num">1 / 1</td>' in html


def test_the_trainers_home_lists_this_weeks_to_do_and_each_runs_answers(client, trainer):
    run = factories.make_course_run(first_workshop_in_days=-2)
    enrolment = factories.enrol(factories.TraineeFactory(), run)
    factories.make_response(factories.make_participant(run, enrolment=enrolment), "baseline")
    soon = factories.add_qa_session(run, timezone.now() + timedelta(days=4), "Drop-in")
    w1 = factories.workshops(run)[0]
    client.force_login(trainer)
    html = client.get(reverse("courses:trainer_runs")).content.decode()
    to_do = html[html.index("Registers to take") : html.index(f'id="run-{run.pk}"')]
    assert f'href="{reverse("courses:register", args=[w1.pk])}">Workshop 1' in to_do
    assert f'href="{reverse("wagtailadmin_pages:edit", args=[soon.pk])}">Drop-in' in to_do
    assert "<dt>Baseline answered</dt><dd>1 of 1</dd>" in html
    assert "<dt>3-month follow-up answered</dt><dd>0 of 1</dd>" in html
    admin = client.get(reverse("courses_course_runs:index")).content.decode()
    assert "Baseline answered: <strong>1</strong> of 1" in admin


def test_trainer_runs_pages_show_the_links_other_apps_offer_per_run(client, trainer, course_run):
    def offer(run, user):
        yield RunLink("Run report", f"/reports/{run.pk}/")

    client.force_login(trainer)
    with hooks.register_temporarily(RUN_LINKS_HOOK, offer):
        site = client.get(reverse("courses:trainer_runs")).content.decode()
        admin = client.get(reverse("courses_course_runs:index")).content.decode()
    for html in (site, admin):
        assert f'href="/reports/{course_run.pk}/">Run report' in html
        assert f"for {course_run.title}</span>" in html


# Modules ----------------------------------------------------------------------------------


def test_modules_redirects_to_the_library_or_404_without_one(client):
    assert client.get(reverse("courses:modules")).status_code == 404
    library = factories.footstep_library()
    assert client.get(reverse("courses:modules"))["Location"] == library.url


def test_library_lists_the_ten_modules_in_footstep_order(client):
    for footstep in Footstep.objects.order_by("-number"):
        factories.make_module(footstep)
    html = client.get(factories.footstep_library().url).content.decode()
    positions = [html.index(f"Footstep {n}:") for n in range(1, 11)]
    assert positions == sorted(positions)


def test_module_page_links_to_its_neighbours(client):
    modules = [factories.make_module(f) for f in Footstep.objects.filter(number__lte=3)]
    html = client.get(modules[1].url).content.decode()
    assert f'rel="prev" href="{modules[0].url}"' in html
    assert f'rel="next" href="{modules[2].url}"' in html


# Query budgets ----------------------------------------------------------------------------


def _enrol_on_runs(trainee, n):
    for _ in range(n):
        run = factories.make_course_run(first_workshop_in_days=-60)
        enrolment = factories.enrol(trainee, run)
        Attendance.objects.create(enrolment=enrolment, session=factories.workshops(run)[0])


def test_dashboard_query_budget(client, trainee, django_assert_max_num_queries):
    for footstep in Footstep.objects.all():
        factories.make_module(footstep)
    _enrol_on_runs(trainee, 6)
    client.force_login(trainee)
    client.get(reverse("courses:dashboard"))  # warm the site-root cache
    with django_assert_max_num_queries(16):
        assert client.get(reverse("courses:dashboard")).status_code == 200


def test_trainer_runs_query_budget(client, trainer, django_assert_max_num_queries):
    for _ in range(6):
        run = factories.make_course_run(first_workshop_in_days=-60)
        for _ in range(3):
            factories.enrol(factories.TraineeFactory(), run)
    client.force_login(trainer)
    client.get(reverse("courses:trainer_runs"))
    with django_assert_max_num_queries(16):
        assert client.get(reverse("courses:trainer_runs")).status_code == 200


def test_register_query_budget(client, trainer, django_assert_max_num_queries):
    run = factories.make_course_run(first_workshop_in_days=-60)
    for _ in range(25):
        factories.enrol(factories.TraineeFactory(), run)
    url = reverse("courses:register", args=[factories.workshops(run)[0].pk])
    client.force_login(trainer)
    client.get(url)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


# Evaluators never see a trainee ----------------------------------------------------------


def test_evaluator_sees_no_trainee_name_or_email_on_any_course_page(client, world, evaluator):
    distinctive = factories.TraineeFactory(first_name="Zanzibarina", last_name="Quixotelyon")
    for enrolment in (world.past_enrolment, factories.enrol(distinctive, world.past_run)):
        Attendance.objects.create(
            enrolment=enrolment, session=factories.workshops(world.past_run)[0]
        )
    trainees = [e.user for e in Enrolment.objects.select_related("user")]
    client.force_login(evaluator)
    qa = QASessionPage.objects.child_of(world.past_run).get()
    urls = [
        factories.course_index().url,
        world.run.url,
        world.past_run.url,
        factories.workshops(world.past_run)[0].url,
        qa.url,
        factories.footstep_library().url,
        reverse("courses:modules"),
        *(_url(name, world) for name in MATRIX),
    ]
    for url in urls:
        response = client.get(url, follow=True)
        body = response.content.decode()
        for identifying in ("Zanzibarina", "Quixotelyon"):
            assert identifying not in body, (url, identifying)
        for person in trainees:
            for identifying in (person.email, person.get_full_name()):
                assert identifying not in body, (url, identifying)


class TestModuleDone:
    @pytest.fixture
    def modules(self):
        return [factories.make_module(f) for f in Footstep.objects.order_by("number")[:3]]

    def done_url(self, module):
        return reverse("courses:module_done", args=[module.pk])

    def test_a_trainee_marks_a_module_done_and_undoes_it_from_its_page(
        self, client, trainee, modules
    ):
        client.force_login(trainee)
        page = client.get(modules[0].url).content.decode()
        assert f'action="{self.done_url(modules[0])}"' in page
        assert "Mark this module as done" in page
        response = client.post(self.done_url(modules[0]), {"done": "1"}, follow=True)
        assert response.redirect_chain[-1][0] == modules[0].url
        page = response.content.decode()
        assert "is marked as done" in page and "Mark as not done" in page
        assert ModuleCompletion.objects.filter(user=trainee).count() == 1
        client.post(self.done_url(modules[0]), {"done": "0"})
        assert not ModuleCompletion.objects.exists()

    def test_the_dashboard_says_how_many_and_which(self, client, trainee, modules):
        for module in modules[:2]:
            ModuleCompletion.objects.create(user=trainee, module=module)
        client.force_login(trainee)
        html = client.get(reverse("courses:dashboard")).content.decode()
        assert "2 of 3 done." in html
        footsteps = html[html.index('<ol class="footstep-links">') :].split("</ol>")[0]
        items = footsteps.split("<li")[1:]
        assert ["Done" in item and "Not done" not in item for item in items] == [True, True, False]

    def test_bad_input_and_other_roles_change_nothing(self, client, trainee, trainer, modules):
        client.force_login(trainee)
        response = client.post(self.done_url(modules[0]), {"done": "yes"}, follow=True)
        assert "Choose whether the module is done or not." in response.content.decode()
        assert client.post(self.done_url(modules[0])).status_code == 302
        assert client.get(self.done_url(modules[0])).status_code == 405
        missing = reverse("courses:module_done", args=[987654])
        assert client.post(missing, {"done": "1"}).status_code == 404
        client.force_login(trainer)
        page = client.get(modules[0].url).content.decode()
        assert "Mark this module as done" not in page
        response = client.post(self.done_url(modules[0]), {"done": "1"}, follow=True)
        assert "Only trainees keep track" in response.content.decode()
        assert not ModuleCompletion.objects.exists()

    def test_the_post_needs_its_csrf_token(self, trainee, modules):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(trainee)
        assert client.post(self.done_url(modules[0]), {"done": "1"}).status_code == 403
        assert not ModuleCompletion.objects.exists()


class TestStaffLandOnTheirWork:
    def test_the_dashboard_tells_staff_where_their_work_is_not_to_enrol(
        self, client, trainer, evaluator
    ):
        factories.make_course_run()  # open for enrolment
        client.force_login(trainer)
        html = client.get(reverse("courses:dashboard")).content.decode()
        assert "Enrol on" not in html and "Choose a course run below to enrol" not in html
        assert reverse("courses:trainer_runs") in html
        client.force_login(evaluator)
        html = client.get(reverse("courses:dashboard")).content.decode()
        assert "Enrol on" not in html and reverse("analytics:dashboard") in html

    def test_the_home_page_and_a_run_page_send_staff_to_their_work(
        self, client, trainer, evaluator
    ):
        run = factories.make_course_run()
        client.force_login(trainer)
        home = client.get("/").content.decode()
        assert "Go to your course runs" in home and "Join a course run" not in home
        run_page = client.get(run.url).content.decode()
        assert "Enrol on" not in run_page and "Only trainees' accounts enrol" in run_page
        client.force_login(evaluator)
        assert "Go to the evaluation dashboard" in client.get("/").content.decode()

    def test_a_trainee_is_still_invited_to_enrol(self, client, trainee):
        run = factories.make_course_run()
        client.force_login(trainee)
        assert f"Enrol on {run.title}" in client.get(reverse("courses:dashboard")).content.decode()
        assert "Go to my training" in client.get("/").content.decode()


class TestDashboardSchedule:
    def test_joining_links_for_the_next_seven_days_and_attendance_for_past_sessions(
        self, client, trainee
    ):
        run = factories.make_course_run(first_workshop_in_days=-10)  # workshop 2 in 4 days
        enrolment = factories.enrol(trainee, run)
        first, second = factories.workshops(run)
        Attendance.objects.create(enrolment=enrolment, session=first)
        client.force_login(trainee)
        html = client.get(reverse("courses:dashboard")).content.decode()
        items = html[html.index('<ol class="schedule">') :].split("</ol>")[0].split("<li")[1:]
        past, soon, later = items
        assert "Attended" in past and "Add to calendar" not in past
        assert "https://meet.example.org/ws" in soon and "Add to calendar" in soon
        assert "Join" not in later and "Add to calendar" in later
        Attendance.objects.all().delete()
        html = client.get(reverse("courses:dashboard")).content.decode()
        assert "Not attended" in html
