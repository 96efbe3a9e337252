"""A trainer signs in with an authenticator app, authors a footstep module in the Wagtail
admin with patient resources, publishes it, then takes a workshop's register."""

import pytest
from playwright.sync_api import expect

from courses.models import Footstep
from demo.loaders import grant_trainer_permissions
from tests import factories
from tests.browser.helpers import PHONE, assert_fits, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def media_on_disk(settings, tmp_path):
    """Wagtail serves documents from a file path; the test settings' in-memory storage
    claims one but never writes the file, so uploads go to a temporary folder here."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


def test_a_trainer_authors_a_module_and_takes_the_register(
    page, shoot, console, tmp_path, media_on_disk, settings
):
    # Wagtail's autosave posts the new page in the background after a pause in typing; a
    # publish sent while that first autosave is in flight goes to the create view twice. When
    # the autosave fires depends on the machine's load (one CI run saw none in 15 s), so this
    # journey, which is about our pages and blocks rather than Wagtail's autosave, runs without.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    factories.course_index()
    library = factories.footstep_library()
    grant_trainer_permissions()
    trainer = factories.TrainerFactory(first_name="Sam", last_name="Okafor")
    run = factories.make_course_run(title="Leeds autumn cohort", first_workshop_in_days=-20)
    trainees = [
        factories.TraineeFactory(first_name=first, last_name="Rivera")
        for first in ("Ana", "Ben", "Cleo")
    ]
    for trainee in trainees:
        factories.enrol(trainee, run)

    sign_in(page, trainer.email, totp_user=trainer)
    # A trainer lands on their course runs.
    expect(page.get_by_role("heading", name="Course runs")).to_be_visible()
    assert page.url.endswith("/trainer/runs/")
    page.goto(f"/admin/pages/{library.pk}/")
    shoot(page, "01-admin-library")
    page.get_by_role("link", name="Add child page").first.click()
    page.wait_for_url("**/pages/add/courses/footstepmodulepage/**")
    page.locator("#id_title").fill("Pacing")
    page.get_by_role("button", name="Choose footstep").click()
    page.get_by_role("dialog").get_by_role("link", name="3. Pacing").click()
    expect(page.locator("#id_footstep")).to_have_value(str(Footstep.objects.get(number=3).pk))
    page.locator("#id_summary").fill("Spreading activity across the day, with planned breaks.")

    # The body: a block of patient resources holding a link and an uploaded leaflet.
    page.get_by_role("button", name="Insert a block").first.click()
    page.get_by_role("option", name="Resources").click()
    items = page.locator("[data-contentpath='items']")
    items.get_by_role("button", name="Insert a block").first.click()
    page.get_by_role("option", name="Link").click()
    page.locator("#body-0-value-items-0-value-url").fill("https://www.paintoolkit.org/")
    page.locator("#body-0-value-items-0-value-title").fill("The Pain Toolkit")
    shoot(page, "02-link-block")
    items.get_by_role("button", name="Insert a block").last.click()
    page.get_by_role("option", name="Document").click()
    page.locator("[data-contentpath='document'] [data-chooser-action-choose]").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("tab", name="Upload").click()
    shoot(page, "03-document-upload")
    leaflet = tmp_path / "pacing-diary.pdf"
    leaflet.write_bytes(b"%PDF-1.4\n% a one-page pacing diary\n%%EOF\n")
    dialog.get_by_label("Title").fill("Pacing diary")
    dialog.get_by_label("File").set_input_files(leaflet)
    dialog.get_by_role("button", name="Upload").click()
    expect(page.locator("#body-0-value-items-1-value-document")).not_to_have_value("")
    page.locator("#body-0-value-items-1-value-description").fill("A week's diary to fill in.")
    shoot(page, "04-module-ready")
    page.locator("footer").get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text("Page 'Pacing' created and published.")
    shoot(page, "05-published")

    # Trainees see it on the site, with both resources.
    page.get_by_role("link", name="View live").click()
    expect(page.get_by_role("heading", name="Pacing", exact=True)).to_be_visible()
    resources = page.get_by_role("region", name="Resources to share with patients")
    expect(resources.get_by_role("link", name="The Pain Toolkit")).to_have_attribute(
        "href", "https://www.paintoolkit.org/"
    )
    # Wagtail serves PDFs inline (settings.WAGTAILDOCS_INLINE_CONTENT_TYPES): fetch it.
    href = resources.get_by_role("link", name="Pacing diary").get_attribute("href")
    served = page.request.get(href)
    assert served.ok and served.headers["content-type"] == "application/pdf"
    assert served.body().startswith(b"%PDF-")
    shoot(page, "06-module-on-site")

    # The register of a workshop that has taken place; the runs page counts it.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Course runs").click()
    run_region = page.get_by_role("region", name=run.title)
    workshop_row = run_region.get_by_role("row", name="Workshop 1")
    expect(workshop_row).to_contain_text("0 / 3")
    shoot(page, "07-runs-before")
    workshop_row.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Register: Workshop 1")).to_be_visible()
    for trainee in trainees[:2]:
        page.get_by_label(trainee.get_full_name()).check()
    shoot(page, "08-register")
    page.get_by_role("button", name="Save the register").click()
    expect(page.get_by_role("status")).to_contain_text("2 marked present, 0 marked absent")
    expect(page.get_by_label(trainees[0].get_full_name())).to_be_checked()
    expect(page.get_by_label(trainees[2].get_full_name())).not_to_be_checked()
    page.get_by_role("main").get_by_role("link", name="Back to course runs").click()
    expect(run_region.get_by_role("row", name="Workshop 1")).to_contain_text("2 / 3")
    expect(run_region.get_by_role("row", name="Workshop 2")).to_contain_text("0 / 3")
    shoot(page, "09-runs-after")

    # The register and the runs page on a phone, as used during a workshop.
    page.set_viewport_size(PHONE)
    assert_fits(page)
    shoot(page, "10-runs-phone")
    run_region.get_by_role("row", name="Workshop 1").get_by_role("link").click()
    assert_fits(page)
    shoot(page, "11-register-phone")
    console.assert_clean()
