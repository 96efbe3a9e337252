"""The privacy notice, accessibility statement and terms: published by the migration,
editable in Wagtail, linked from every page's footer and the sign-up form without a query."""

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from wagtail.models import Page, Site

from home import checks
from home.models import HomePage, PolicyPage, ProgrammeSettings
from home.policies import policy_links

pytestmark = pytest.mark.django_db

KINDS = ["privacy", "accessibility", "terms"]


def page_of(kind: str) -> PolicyPage:
    return PolicyPage.objects.get(kind=kind)


def footer_hrefs(html: str) -> list[str]:
    footer = html[html.index('<nav class="footer-links"') :].split("</nav>", 1)[0]
    return [part.split('"', 1)[0] for part in footer.split('href="')[1:]]


def test_the_migration_publishes_the_three_policies_under_the_home_page():
    home = HomePage.objects.get()
    pages = PolicyPage.objects.order_by("path")
    assert [p.kind for p in pages] == KINDS
    assert [p.url for p in pages] == ["/privacy/", "/accessibility/", "/terms/"]
    assert all(p.live and p.get_parent().pk == home.pk for p in pages)
    assert [link.url for link in policy_links()] == ["/privacy/", "/accessibility/", "/terms/"]
    assert all(not problems for problems in Page.find_problems())  # the tree is sound


@pytest.mark.parametrize(
    ("kind", "phrases"),
    [
        (
            "privacy",
            [
                "What we hold",
                "Why we hold it",
                "Research use and your consent",
                "participant code",
                "How long we keep it",
                "Your rights",
                "Information Commissioner",
            ],
        ),
        (
            "accessibility",
            [
                "WCAG) version 2.2 at level AA",
                "What we test and how",
                "axe-core",
                "Wagtail's own",
                "in a different format",
                "within 5 working days",
                "Equality Advisory and Support Service",
            ],
        ),
        ("terms", ["Your account", "Certificates and CPD hours", "Acceptable use"]),
    ],
)
def test_each_policy_is_public_with_the_organisation_and_contact(client, kind, phrases):
    programme = ProgrammeSettings.for_site(Site.objects.get(is_default_site=True))
    programme.organisation_name = "Avon Primary Care Collaborative"
    programme.contact_email = "footsteps@avon.example"
    programme.save()
    page = client.get(page_of(kind).url)
    html = page.content.decode()
    assert page.status_code == 200
    for phrase in phrases:
        assert phrase in html
    assert "<dd>Avon Primary Care Collaborative</dd>" in html
    assert 'href="mailto:footsteps@avon.example"' in html
    assert "<dt>Last reviewed</dt><dd>1 December 2026</dd>" in html


def test_without_a_contact_address_the_page_says_who_to_ask(client):
    html = client.get(page_of("privacy").url).content.decode()
    assert "this site's contact address is not set yet" in html


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/privacy/",
        "/footsteps/",
        "/accounts/signup/",
        "/accounts/login/",
        "/certificates/verify/",
        "/no-such-page/",
    ],
)
def test_every_page_links_to_the_policies_in_its_footer(client, url):
    html = client.get(url).content.decode()
    assert footer_hrefs(html) == [
        "/privacy/",
        "/accessibility/",
        "/terms/",
        reverse("assessments:certificate_verify"),
    ]


def test_signed_in_pages_carry_the_footer_too(client, trainee):
    client.force_login(trainee)
    html = client.get(reverse("courses:dashboard")).content.decode()
    assert footer_hrefs(html)[:3] == ["/privacy/", "/accessibility/", "/terms/"]


def test_the_sign_up_form_links_to_the_terms_and_the_privacy_notice(client):
    html = client.get(reverse("account_signup")).content.decode()
    form = html[html.index("<form") : html.index("</form>")]
    assert 'By creating an account you accept the <a href="/terms/">terms of use</a>' in form
    assert 'The <a href="/privacy/">privacy notice</a> explains' in form


def test_the_footer_costs_no_query_once_cached(django_assert_num_queries):
    request = RequestFactory().get("/")
    render_to_string("includes/footer_links.html", request=request)  # warms the cache
    with django_assert_num_queries(0):
        html = render_to_string("includes/footer_links.html", request=request)
    assert 'href="/privacy/"' in html


def test_a_retitled_moved_or_unpublished_policy_shows_at_once(client):
    terms = page_of("terms")
    assert "Terms of use" in client.get("/").content.decode()
    terms.title, terms.slug = "Conditions of use", "conditions"
    terms.save_revision().publish()
    html = client.get("/").content.decode()
    assert '<a href="/conditions/">Conditions of use</a>' in html
    page_of("accessibility").unpublish()
    assert footer_hrefs(client.get("/").content.decode())[:2] == ["/privacy/", "/conditions/"]


def test_each_policy_has_one_page_and_a_copy_is_not_a_second_one():
    home = HomePage.objects.get()
    second = PolicyPage(
        title="Privacy again", slug="privacy-again", kind="privacy", body="<p>x</p>"
    )
    second.path, second.depth = home.path + "ZZZZ", home.depth + 1
    with pytest.raises(ValidationError, match="Another page is already this policy"):
        second.full_clean()
    copy = page_of("privacy").copy(update_attrs={"slug": "privacy-draft", "title": "Draft"})
    assert copy.kind == ""
    assert [link.kind for link in policy_links()] == KINDS


def test_home_page_accepts_policy_pages():
    assert PolicyPage in HomePage.allowed_subpage_models()
    assert PolicyPage.allowed_parent_page_models() == [HomePage]


def test_the_deploy_check_reports_a_missing_certificate_font(monkeypatch, tmp_path):
    assert checks.check_certificate_fonts(None) == []
    from assessments import certificates

    monkeypatch.setattr(certificates, "FONT_FILES", {"DejaVuSans": tmp_path / "none.ttf"})
    (error,) = checks.check_certificate_fonts(None)
    assert error.id == "home.E002" and "fonts-dejavu-core" in error.msg


def test_a_superuser_sets_the_organisation_in_the_wagtail_admin(client, superuser):
    client.force_login(superuser)
    form = client.get("/admin/settings/home/programmesettings/", follow=True)
    assert form.status_code == 200
    assert "Organisation name" in form.content.decode()
    saved = client.post(
        form.redirect_chain[-1][0],
        {"organisation_name": "Avon Primary Care Collaborative", "contact_email": "a@avon.example"},
    )
    assert saved.status_code == 302
    programme = ProgrammeSettings.for_site(Site.objects.get(is_default_site=True))
    assert (programme.organisation_name, programme.contact_email) == (
        "Avon Primary Care Collaborative",
        "a@avon.example",
    )


def test_a_superuser_edits_a_policy_page_in_the_wagtail_admin(client, superuser):
    client.force_login(superuser)
    privacy = page_of("privacy")
    form = client.get(reverse("wagtailadmin_pages:edit", args=[privacy.pk]))
    assert form.status_code == 200
    assert "Which of the site&#x27;s policies this page is" in form.content.decode()
