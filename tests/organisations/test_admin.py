"""The organisation tree and staff access in the Wagtail admin, and the page tree limited
to a member of staff's organisations."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from accounts.models import AuditEvent
from courses.models import CourseRunPage
from demo.loaders import grant_trainer_permissions
from organisations.models import Organisation, StaffAccess
from tests import factories

pytestmark = pytest.mark.django_db

ADD = reverse("wagtailsnippets_organisations_organisation:add")


def _organisation_form(name, kind, parent=None):
    return {"name": name, "kind": kind, "parent": parent.pk if parent else ""}


def test_a_superuser_builds_the_tree_in_the_admin(client, superuser):
    client.force_login(superuser)
    response = client.post(ADD, _organisation_form("London", "region"))
    assert response.status_code == 302, response.content.decode()[:2000]
    london = Organisation.objects.get(name="London")
    assert london.is_root()
    client.post(ADD, _organisation_form("North Central London ICB", "icb", london))
    icb = Organisation.objects.get(name="North Central London ICB")
    assert icb.get_parent() == london and icb.depth == 2
    listing = client.get(reverse("wagtailsnippets_organisations_organisation:list"))
    assert "— North Central London ICB" in listing.content.decode()


def test_moving_an_organisation_moves_everything_under_it(client, superuser):
    north = factories.organisation("North", kind="region")
    south = factories.organisation("South", kind="region")
    icb = factories.organisation("An ICB", parent=north)
    pcn = factories.organisation("A PCN", kind="pcn", parent=icb)
    client.force_login(superuser)
    edit = reverse("wagtailsnippets_organisations_organisation:edit", args=[icb.pk])
    assert client.post(edit, _organisation_form("An ICB", "icb", south)).status_code == 302
    pcn.refresh_from_db()
    assert pcn.path.startswith(south.path) and pcn.get_parent().get_parent() == south


def test_an_organisation_cannot_move_under_itself(client, superuser):
    north = factories.organisation("North", kind="region")
    icb = factories.organisation("An ICB", parent=north)
    pcn = factories.organisation("A PCN", kind="pcn", parent=icb)
    client.force_login(superuser)
    edit = reverse("wagtailsnippets_organisations_organisation:edit", args=[icb.pk])
    response = client.post(edit, _organisation_form("An ICB", "icb", pcn))
    assert response.status_code == 200  # the form again, with its error
    pcn.refresh_from_db()
    assert pcn.get_parent() == icb


def test_an_organisation_with_runs_cannot_be_deleted(superuser):
    icb = factories.organisation("An ICB")
    factories.make_course_run(organisation=icb)
    with pytest.raises(Exception, match="protected"):
        icb.delete()


def test_staff_access_is_set_in_the_admin_and_audited(client, superuser):
    icb = factories.organisation("An ICB")
    trainer = factories.TrainerFactory()
    client.force_login(superuser)
    response = client.post(
        reverse("wagtailsnippets_organisations_staffaccess:add"),
        {"user": trainer.pk, "organisations": [icb.pk]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(StaffAccess.objects.get(user=trainer).organisations.all()) == [icb]
    event = AuditEvent.objects.get(subject_id=trainer.pk, summary__contains="limited")
    assert event.actor == superuser


def test_deleting_staff_access_in_the_admin_lifts_the_limit_and_is_audited(client, superuser):
    trainer = factories.limit_to(factories.TrainerFactory(), factories.organisation("An ICB"))
    access = StaffAccess.objects.get(user=trainer)
    client.force_login(superuser)
    delete = reverse("wagtailsnippets_organisations_staffaccess:delete", args=[access.pk])
    assert client.post(delete).status_code == 302
    assert not StaffAccess.objects.filter(user=trainer).exists()
    event = AuditEvent.objects.get(subject_id=trainer.pk, summary__contains="no longer")
    assert event.actor == superuser


def test_trainers_and_evaluators_cannot_edit_the_tree_or_staff_access(client, trainer):
    client.force_login(factories.limit_to(trainer))
    for name in ("organisation", "staffaccess"):
        response = client.get(reverse(f"wagtailsnippets_organisations_{name}:add"))
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


@pytest.fixture
def two_organisations():
    factories.course_index()
    factories.footstep_library()
    grant_trainer_permissions()
    ours, theirs = factories.organisation("Our ICB"), factories.organisation("Their ICB")
    return ours, theirs


def test_a_restricted_trainer_has_no_page_permission_on_another_organisations_run(
    client, two_organisations
):
    ours, theirs = two_organisations
    own = factories.make_course_run(organisation=ours)
    other = factories.make_course_run(organisation=theirs)
    other_session = factories.workshops(other)[0]
    trainer = factories.limit_to(factories.TrainerFactory(), ours)
    client.force_login(trainer)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[own.pk])).status_code == 200
    # Wagtail's answer to an action without permission: back to the dashboard.
    denied = reverse("wagtailadmin_home")
    index = other.get_parent()
    for url in [
        reverse("wagtailadmin_pages:edit", args=[other.pk]),
        reverse("wagtailadmin_pages:edit", args=[other_session.pk]),
        reverse("wagtailadmin_pages:copy", args=[other.pk]),
        reverse("wagtailadmin_pages:move", args=[other.pk]),
        reverse("wagtailadmin_pages:unpublish", args=[other.pk]),
        reverse("wagtailadmin_pages:delete", args=[other_session.pk]),
        reverse("wagtailadmin_pages:history", args=[other.pk]),
        reverse("wagtailadmin_pages:add", args=("courses", "workshoppage", other.pk)),
    ]:
        response = client.get(url)
        assert (response.status_code, response.get("Location")) == (302, denied), url
    assert other.permissions_for_user(trainer).can_edit() is False
    assert own.permissions_for_user(trainer).can_edit() is True
    assert index.permissions_for_user(trainer).can_add_subpage() is True
    explorer = client.get(reverse("wagtailadmin_explore", args=[own.get_parent().pk]))
    assert own.title in explorer.content.decode()
    assert other.title not in explorer.content.decode()


def test_no_admin_listing_shows_another_organisations_runs_to_a_restricted_trainer(
    client, two_organisations
):
    """Search, the sidebar's page menu, the chooser and the reports ask Wagtail's permission
    policy; a restricted trainer finds neither the other organisation's run nor its
    sessions there (their titles alone tell who trains where)."""
    ours, theirs = two_organisations
    own = factories.make_course_run(organisation=ours, title="Harbour run ours")
    other = factories.make_course_run(organisation=theirs, title="Harbour run theirs")
    other_session = factories.workshops(other)[0]
    other_session.title = "Harbour workshop theirs"
    other_session.save_revision().publish()
    trainer = factories.limit_to(factories.TrainerFactory(), ours)
    client.force_login(trainer)
    index = own.get_parent()
    pages = [
        reverse("wagtailadmin_pages:search") + "?q=Harbour",
        reverse("wagtailadmin_pages:search_results") + "?q=Harbour",
        reverse("wagtailadmin_explore", args=[index.pk]) + "?q=Harbour",
        reverse("wagtailadmin_explore_root"),
        reverse("wagtailadmin_choose_page") + "?q=Harbour",
        reverse("wagtailadmin_choose_page_child", args=[index.pk]),
        f"/admin/api/main/pages/?child_of={index.pk}&for_explorer=1",
        reverse("wagtailadmin_home"),
    ]
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "Harbour run theirs" not in html and "Harbour workshop theirs" not in html, url
    found = client.get(reverse("wagtailadmin_pages:search_results") + "?q=Harbour")
    assert "Harbour run ours" in found.content.decode()
    # An unrestricted trainer finds both.
    client.force_login(factories.TrainerFactory())
    found = client.get(reverse("wagtailadmin_pages:search_results") + "?q=Harbour")
    assert "Harbour run theirs" in found.content.decode()


def _run_form(organisation):
    return nested_form_data(
        {
            "title": "Leeds cohort",
            "slug": "leeds-cohort",
            "network": "Leeds",
            "organisation": organisation.pk if organisation else "",
            "intro": rich_text("<p>Two workshops.</p>"),
            "enrolment_open": "on",
            "follow_up_window_days": "28",
            "follow_up_waves": inline_formset([]),
            "action-publish": "action-publish",
        }
    )


def test_a_restricted_trainer_makes_runs_only_for_their_organisations(client, two_organisations):
    ours, theirs = two_organisations
    trainer = factories.limit_to(factories.TrainerFactory(), ours)
    client.force_login(trainer)
    index = factories.course_index()
    url = reverse("wagtailadmin_pages:add", args=("courses", "courserunpage", index.pk))
    for organisation in (theirs, None):
        response = client.post(url, _run_form(organisation))
        assert response.status_code == 200  # refused, with the form's error
        assert response.context["form"].errors.keys() == {"organisation"}
        assert not CourseRunPage.objects.filter(slug="leeds-cohort").exists()
    response = client.post(url, _run_form(ours))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CourseRunPage.objects.get(slug="leeds-cohort").organisation == ours


def test_an_unrestricted_trainer_may_leave_the_organisation_blank(client, two_organisations):
    client.force_login(factories.TrainerFactory())
    index = factories.course_index()
    url = reverse("wagtailadmin_pages:add", args=("courses", "courserunpage", index.pk))
    assert client.post(url, _run_form(None)).status_code == 302
    assert CourseRunPage.objects.get(slug="leeds-cohort").organisation is None
