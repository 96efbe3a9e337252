"""No page or snippet deletion destroys attendance or research data (home.deletion)."""

import pytest
from django.contrib.messages import get_messages
from django.db.models import ProtectedError
from django.urls import reverse
from wagtail.models import Page

from courses.models import Attendance, CourseRunPage, Enrolment, Footstep, QASessionPage
from demo.loaders import grant_trainer_permissions
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def past_run_with_register():
    run = factories.make_course_run(first_workshop_in_days=-90)
    workshop, _ = factories.workshops(run)
    for _ in range(3):
        Attendance.objects.create(
            enrolment=factories.enrol(factories.TraineeFactory(), run), session=workshop
        )
    return run, workshop


def delete_page(client, page, method="get"):
    url = reverse("wagtailadmin_pages:delete", args=[page.pk])
    return getattr(client, method)(url)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_trainer_cannot_delete_a_workshop_with_attendance(
    client, trainer, past_run_with_register, method
):
    run, workshop = past_run_with_register
    grant_trainer_permissions()
    client.force_login(trainer)

    response = delete_page(client, workshop, method)

    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_explore", args=[run.pk])
    [message] = messages_of(response)
    assert "“Workshop 1” cannot be deleted" in message
    assert "3 attendance records" in message and "Unpublish it" in message
    assert Attendance.objects.filter(session=workshop).count() == 3
    assert Page.objects.filter(pk=workshop.pk).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_run_with_enrolments_cannot_be_deleted_with_its_sessions(
    client, superuser, past_run_with_register, method
):
    run, _ = past_run_with_register
    client.force_login(superuser)

    response = delete_page(client, run, method)

    [message] = messages_of(response)
    assert "3 attendance records" in message and "3 enrolments" in message
    assert CourseRunPage.objects.filter(pk=run.pk).exists()
    assert Enrolment.objects.filter(course_run=run).count() == 3


def test_an_imported_run_answers_with_a_message_not_a_500(client, superuser):
    run = factories.make_course_run(with_sessions=False)
    participant = factories.make_participant(run)
    factories.make_response(participant, "baseline")
    client.force_login(superuser)

    response = delete_page(client, run, "post")

    assert response.status_code == 302
    assert "1 research participant" in messages_of(response)[0]
    assert participant.responses.count() == 1


def test_a_session_without_records_can_still_be_deleted(client, superuser):
    run = factories.make_course_run(first_workshop_in_days=-90)
    qa = QASessionPage.objects.child_of(run).get()
    client.force_login(superuser)

    assert delete_page(client, qa).status_code == 200  # the confirm page
    delete_page(client, qa, "post")

    assert not Page.objects.filter(pk=qa.pk).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_footstep_with_statements_cannot_be_deleted(client, superuser, method):
    footstep = Footstep.objects.get(number=1)
    client.force_login(superuser)
    url = reverse(Footstep.snippet_viewset.get_url_name("delete"), args=[footstep.pk])

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert "statements" in messages_of(response)[0]
    assert Footstep.objects.filter(pk=footstep.pk).exists()


def test_bulk_deleting_pages_with_records_is_refused(client, superuser, past_run_with_register):
    run, workshop = past_run_with_register
    client.force_login(superuser)
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])

    response = client.post(f"{url}?id={workshop.pk}&childOf={run.pk}", {})

    assert response.status_code == 302
    assert "cannot be deleted" in messages_of(response)[0]
    assert Attendance.objects.filter(session=workshop).count() == 3


def test_the_models_protect_the_records_too(past_run_with_register):
    run, workshop = past_run_with_register
    with pytest.raises(ProtectedError):
        workshop.delete()
    with pytest.raises(ProtectedError):
        run.delete()
    assert Attendance.objects.count() == 3
