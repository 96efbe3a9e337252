"""The Wagtail admin for trainers: run counts, register buttons, footsteps, authoring a module."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import Collection
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from courses.models import Attendance, CourseRunPage, Footstep, FootstepModulePage, WorkshopPage
from courses.waves import BASELINE, DEFAULT_FOLLOW_UP, Wave
from demo.loaders import grant_trainer_permissions
from tests import factories

pytestmark = pytest.mark.django_db

COURSE_RUNS = reverse("courses_course_runs:index")


@pytest.fixture
def authoring_tree():
    """The course index and the library, with the trainers' page permissions from the demo.

    Their document and image permissions come with the role group (accounts.roles).
    """
    factories.course_index()
    library = factories.footstep_library()
    grant_trainer_permissions()
    return library


def test_trainers_see_enrolment_and_attendance_counts_per_run(client, trainer):
    run = factories.make_course_run(first_workshop_in_days=-60)
    enrolments = [factories.enrol(factories.TraineeFactory(), run) for _ in range(3)]
    w1, w2 = factories.workshops(run)
    for session in (w1, w2):
        Attendance.objects.create(enrolment=enrolments[0], session=session)
    Attendance.objects.create(enrolment=enrolments[1], session=w1)

    client.force_login(trainer)
    admin_home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert COURSE_RUNS in admin_home
    html = client.get(COURSE_RUNS).content.decode()
    assert "<strong>3</strong> enrolled" in html
    assert "<strong>1</strong> completed the mandatory part" in html
    assert "2 of 3" in html and "1 of 3" in html
    assert reverse("courses:register", args=[w1.pk]) in html


def test_evaluators_get_no_course_runs_menu_or_view(client, evaluator):
    client.force_login(evaluator)
    assert COURSE_RUNS not in client.get(reverse("wagtailadmin_home")).content.decode()
    # Wagtail answers a PermissionDenied in its admin by sending the user back to its home.
    response = client.get(COURSE_RUNS)
    assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))


def test_session_listing_has_a_register_button_for_trainers(client, trainer, authoring_tree):
    run = factories.make_course_run()
    client.force_login(trainer)
    html = client.get(reverse("wagtailadmin_explore", args=[run.pk])).content.decode()
    for workshop in factories.workshops(run):
        assert reverse("courses:register", args=[workshop.pk]) in html
        assert reverse("courses:session_cancel", args=[workshop.pk]) in html


def test_run_listing_has_a_places_button_for_trainers(client, trainer, authoring_tree):
    run = factories.make_course_run()
    client.force_login(trainer)
    html = client.get(reverse("wagtailadmin_explore", args=[run.get_parent().pk])).content.decode()
    assert reverse("courses:run_places", args=[run.pk]) in html


def test_the_run_form_has_places_and_a_minimum(client, superuser):
    run = factories.make_course_run()
    client.force_login(superuser)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[run.pk])).content.decode()
    assert 'name="places"' in html and 'name="minimum_enrolments"' in html


def test_trainers_can_view_but_not_edit_the_footsteps(client, trainer, superuser):
    footstep = Footstep.objects.get(number=1)
    client.force_login(trainer)
    listing = client.get(reverse("wagtailsnippets_courses_footstep:list"))
    assert listing.status_code == 200 and footstep.title in listing.content.decode()
    inspect = reverse("wagtailsnippets_courses_footstep:inspect", args=[footstep.pk])
    assert client.get(inspect).status_code == 200
    edit = reverse("wagtailsnippets_courses_footstep:edit", args=[footstep.pk])
    assert client.get(edit).status_code in (302, 403)
    client.force_login(superuser)
    assert client.get(edit).status_code == 200


def test_a_trainer_uploads_a_document_and_publishes_a_module_with_it(
    client, trainer, authoring_tree
):
    client.force_login(trainer)
    response = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Pacing diary",
            "file": SimpleUploadedFile("pacing-diary.pdf", b"%PDF-1.4 diary", "application/pdf"),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document = get_document_model().objects.get(title="Pacing diary")
    assert client.get(reverse("wagtaildocs_chooser:choose")).status_code == 200

    footstep = Footstep.objects.get(number=3)
    resource = {"document": document.pk, "title": "", "description": "Fill in each evening."}
    data = nested_form_data(
        {
            "title": "Pacing",
            "slug": "pacing",
            "footstep": footstep.pk,
            "summary": "Balancing activity and rest.",
            "body": streamfield(
                [
                    ("paragraph", rich_text("<p>Steady beats boom and bust.</p>")),
                    (
                        "resources",
                        {
                            "heading": "Resources to share with patients",
                            "items": streamfield([("document", resource)]),
                        },
                    ),
                ]
            ),
            "action-publish": "action-publish",
        }
    )
    url = reverse(
        "wagtailadmin_pages:add", args=("courses", "footstepmodulepage", authoring_tree.pk)
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    module = FootstepModulePage.objects.get(footstep=footstep)
    assert module.live and module.owner == trainer
    html = client.get(module.url).content.decode()
    assert document.url in html and "Fill in each evening." in html


def test_trainers_cannot_author_outside_the_course_and_library(client, trainer, authoring_tree):
    client.force_login(trainer)
    home = factories.home_page()
    assert not home.permissions_for_user(trainer).can_add_subpage()
    assert authoring_tree.permissions_for_user(trainer).can_add_subpage()
    assert factories.course_index().permissions_for_user(trainer).can_publish_subpage()


def test_a_trainer_creates_and_publishes_a_course_run_and_its_workshop(
    client, trainer, authoring_tree
):
    client.force_login(trainer)
    index = factories.course_index()
    run_form = {
        "title": "Leeds cohort",
        "slug": "leeds-cohort",
        "network": "Leeds social prescribing network",
        "intro": rich_text("<p>Two workshops a fortnight apart.</p>"),
        "enrolment_open": "on",
        "starts_on": "2030-03-04",
        "ends_on": "2030-05-20",
        "follow_up_window_days": "28",
        "follow_up_waves": inline_formset([]),
        "action-publish": "action-publish",
    }
    url = reverse("wagtailadmin_pages:add", args=("courses", "courserunpage", index.pk))
    response = client.post(url, nested_form_data(run_form))
    assert response.status_code == 302, response.content.decode()[:2000]
    run = CourseRunPage.objects.get(slug="leeds-cohort")
    assert run.live and run.owner == trainer
    assert run.schedule == [BASELINE, DEFAULT_FOLLOW_UP]  # none chosen: the default one

    workshop_form = {
        "title": "Workshop 1",
        "slug": "workshop-1",
        "starts_at": "2030-03-04 09:30",
        "duration_minutes": "240",
        "joining_url": "https://meet.example.org/leeds-1",
        "agenda": rich_text("<p>Footsteps 1 to 5.</p>"),
        "action-publish": "action-publish",
    }
    # A multiple choice, which nested_form_data would flatten into numbered keys.
    footsteps = {"footsteps": [Footstep.objects.get(number=1).pk]}
    url = reverse("wagtailadmin_pages:add", args=("courses", "workshoppage", run.pk))
    response = client.post(url, {**nested_form_data(workshop_form), **footsteps})
    assert response.status_code == 302, response.content.decode()[:2000]
    workshop = WorkshopPage.objects.child_of(run).get()
    assert workshop.live and [f.number for f in workshop.footsteps.all()] == [1]


def test_a_trainer_edits_and_publishes_a_module(client, trainer, authoring_tree):
    footstep = Footstep.objects.get(number=7)
    module = authoring_tree.add_child(
        instance=FootstepModulePage(title="Sleep", footstep=footstep, summary="Rest.")
    )
    client.force_login(trainer)
    data = nested_form_data(
        {
            "title": "Sleep well",
            "slug": module.slug,
            "footstep": footstep.pk,
            "summary": "Routines that help rest.",
            "body": streamfield([("paragraph", rich_text("<p>Wind down.</p>"))]),
            "action-publish": "action-publish",
        }
    )
    response = client.post(reverse("wagtailadmin_pages:edit", args=[module.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    module.refresh_from_db()
    assert module.live and module.title == "Sleep well"
    assert module.summary == "Routines that help rest."


def run_edit(client, run: CourseRunPage, waves: list[dict]):
    """Publish ``run`` from its admin edit page with these follow-up rows (the existing rows
    first, each with its ``id``; ``DELETE`` removes one)."""
    data = {
        "title": run.title,
        "slug": run.slug,
        "network": run.network,
        "intro": rich_text("<p>Two workshops.</p>"),
        "enrolment_open": "on",
        "follow_up_window_days": str(run.follow_up_window_days),
        "follow_up_waves": inline_formset(waves, initial=run.follow_up_waves.count()),
        "action-publish": "action-publish",
    }
    return client.post(reverse("wagtailadmin_pages:edit", args=[run.pk]), nested_form_data(data))


def rows(run: CourseRunPage, **changes) -> list[dict]:
    """The run's follow-up rows as the edit form sends them; ``changes``: months -> a change."""
    return [
        {
            "id": row.pk,
            "months": str(row.months),
            "ORDER": str(n),
            **changes.get(str(row.months), {}),
        }
        for n, row in enumerate(run.follow_up_waves.order_by("months"))
    ]


def schedule_of(run: CourseRunPage) -> list[Wave]:
    return CourseRunPage.objects.get(pk=run.pk).schedule


def test_a_trainer_adds_a_12_month_follow_up_to_a_run(client, trainer, authoring_tree):
    run = factories.make_course_run()
    client.force_login(trainer)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[run.pk])).content.decode()
    assert "Follow-up questionnaire" in edit and "months after the last mandatory workshop" in edit
    response = run_edit(client, run, [*rows(run), {"months": "12", "ORDER": "1"}])
    assert response.status_code == 302, response.content.decode()[:2000]
    assert schedule_of(run) == [BASELINE, Wave(3), Wave(12)]
    assert CourseRunPage.objects.get(pk=run.pk).live


def test_a_wave_without_responses_can_be_removed(client, trainer, authoring_tree):
    run = factories.make_course_run(follow_up_months=(3, 6))
    client.force_login(trainer)
    response = run_edit(client, run, rows(run, **{"6": {"DELETE": "1"}}))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert schedule_of(run) == [BASELINE, Wave(3)]


@pytest.mark.parametrize("change", [{"DELETE": "1"}, {"months": "9"}], ids=["remove", "move"])
def test_a_wave_with_responses_cannot_be_removed_or_moved(client, trainer, authoring_tree, change):
    run = factories.make_course_run(follow_up_months=(3, 6))
    participant = factories.make_participant(run)
    factories.make_response(participant, "baseline")
    factories.make_response(participant, "month_6")
    client.force_login(trainer)
    response = run_edit(client, run, rows(run, **{"6": change}))
    assert response.status_code == 200
    assert (
        "The 6-month follow-up already has 1 response, so it cannot be removed or moved; "
        "its answers are kept." in response.content.decode()
    )
    assert schedule_of(run) == [BASELINE, Wave(3), Wave(6)]
    assert not CourseRunPage.objects.get(pk=run.pk).has_unpublished_changes


def test_each_wave_needs_its_own_month_and_a_run_needs_one(client, trainer, authoring_tree):
    run = factories.make_course_run()
    client.force_login(trainer)
    twice = run_edit(client, run, [*rows(run), {"months": "3", "ORDER": "1"}])
    assert twice.status_code == 200
    assert "Each follow-up questionnaire needs a different month." in twice.content.decode()
    assert "Another follow-up questionnaire has this month." in twice.content.decode()
    none = run_edit(client, run, rows(run, **{"3": {"DELETE": "1"}}))
    assert none.status_code == 200
    assert "A course run needs at least one follow-up questionnaire." in none.content.decode()
    beyond = run_edit(client, run, [*rows(run), {"months": "61", "ORDER": "1"}])
    assert beyond.status_code == 200
    assert schedule_of(run) == [BASELINE, DEFAULT_FOLLOW_UP]
