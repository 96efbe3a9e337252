"""An evaluator limited to one ICB groups the dashboard by organisation on a phone: only
their runs, each group's flow in a table that scrolls inside the page, not the page."""

import pytest
from playwright.sync_api import expect

from organisations.models import Organisation
from tests import factories
from tests.analytics.test_views import add_pairs
from tests.browser.helpers import DESKTOP, PHONE, assert_fits, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_limited_evaluator_groups_their_runs_by_organisation_on_a_phone(page, shoot, console):
    region = factories.organisation("North East and Yorkshire", kind=Organisation.Kind.REGION)
    icb = factories.organisation("South Yorkshire ICB", parent=region)
    hub = factories.organisation(
        "Sheffield training hub", kind=Organisation.Kind.TRAINING_HUB, parent=icb
    )
    other = factories.organisation("West Yorkshire ICB", parent=region)
    for title, org, pairs in [
        ("Rotherham cohort", icb, 3),
        ("Sheffield cohort", hub, 4),
        ("Leeds cohort", other, 5),
    ]:
        add_pairs(
            factories.make_course_run(title=title, organisation=org, first_workshop_in_days=-120),
            pairs,
        )
    evaluator = factories.limit_to(factories.EvaluatorFactory(), icb)

    page.set_viewport_size(PHONE)
    sign_in(page, evaluator.email, totp_user=evaluator)
    page.goto("/evaluation/")
    expect(page.get_by_label("Rotherham cohort")).to_be_visible()
    expect(page.get_by_label("Leeds cohort")).to_have_count(0)
    page.get_by_label("Group by organisation").select_option(label="Organisation of each run")
    page.get_by_role("button", name="Show results").click()
    table = page.get_by_role("table", name="Participant flow and sample per organisation")
    expect(table.get_by_role("row", name="South Yorkshire ICB")).to_contain_text("3")
    expect(table.get_by_role("row", name="Sheffield training hub")).to_contain_text("4")
    expect(page.get_by_text("Leeds cohort")).to_have_count(0)
    assert_fits(page)
    shoot(page, "grouped-phone")
    page.set_viewport_size(DESKTOP)
    shoot(page, "grouped-desktop")
    console.assert_clean()
