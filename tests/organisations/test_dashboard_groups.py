"""The evaluation dashboard grouped by organisation: the flow and sample of each group, the
small-number rule applied to each group on its own."""

import pytest
from django.urls import reverse

from analytics.selectors import course_run_choices, organisation_groups
from organisations.models import Organisation
from tests import factories
from tests.analytics.test_views import add_pairs

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("analytics:dashboard")


@pytest.fixture
def world():
    """A region with two ICBs, a PCN under the first, and a run belonging to no one."""
    region = factories.organisation("North West", kind=Organisation.Kind.REGION)
    icb = factories.organisation("Cheshire ICB", parent=region)
    other_icb = factories.organisation("Manchester ICB", parent=region)
    pcn = factories.organisation("Wirral PCN", kind=Organisation.Kind.PCN, parent=icb)
    runs = {}
    for slug, org, pairs in [
        ("icb-run", icb, 3),
        ("pcn-run", pcn, 3),
        ("other-run", other_icb, 2),
        ("loose-run", None, 1),
    ]:
        runs[slug] = factories.make_course_run(
            first_workshop_in_days=-120, organisation=org, slug=slug
        )
        add_pairs(runs[slug], pairs)
    return {"region": region, "icb": icb, "other_icb": other_icb, "pcn": pcn, **runs}


def _groups(level):
    return [
        (group.label, [run.slug for run in group.course_runs])
        for group in organisation_groups(course_run_choices(None), level)
    ]


def test_runs_group_by_their_own_organisation_their_icb_or_their_region(world):
    assert _groups("organisation") == [
        ("Cheshire ICB", ["icb-run"]),
        ("Wirral PCN", ["pcn-run"]),
        ("Manchester ICB", ["other-run"]),
        ("No organisation", ["loose-run"]),
    ]
    assert _groups("icb") == [
        ("Cheshire ICB", ["icb-run", "pcn-run"]),
        ("Manchester ICB", ["other-run"]),
        ("Not in any integrated care board", ["loose-run"]),
    ]
    assert _groups("region") == [
        ("North West", ["icb-run", "pcn-run", "other-run"]),
        ("Not in any region", ["loose-run"]),
    ]


def test_an_unknown_grouping_is_refused():
    with pytest.raises(ValueError, match="Unknown grouping"):
        organisation_groups([], "ward")


def test_the_dashboard_shows_each_groups_flow(client, evaluator, world):
    client.force_login(evaluator)
    response = client.get(DASHBOARD, {"group_by": "icb"})
    assert response.status_code == 200
    groups = {group["label"]: group for group in response.context["groups"]}
    assert groups["Cheshire ICB"]["flow"]["analysed"] == 6
    assert groups["Manchester ICB"]["flow"]["analysed"] == 2
    assert response.context["report"]["flow"]["analysed"] == 9  # pooled as without grouping
    html = response.content.decode()
    assert "Flow and sample by integrated care board" in html and "Manchester ICB" in html


def test_the_small_number_rule_applies_to_each_group(client, evaluator, world, settings):
    settings.ANALYTICS_SMALL_NUMBER_THRESHOLD = 5
    client.force_login(evaluator)
    response = client.get(DASHBOARD, {"group_by": "icb", "refresh": "1"})
    groups = {group["label"]: group for group in response.context["groups"]}
    assert groups["Cheshire ICB"]["flow"]["analysed"] == 6
    assert groups["Manchester ICB"]["flow"]["analysed"] == "<5"
    assert groups["Manchester ICB"]["sample"]["baseline_respondents"] == "<5"
    assert response.context["report"]["flow"]["analysed"] == 9


def test_a_restricted_evaluator_groups_only_their_runs(client, world):
    evaluator = factories.limit_to(factories.EvaluatorFactory(), world["icb"])
    client.force_login(evaluator)
    response = client.get(DASHBOARD, {"group_by": "organisation"})
    labels = [group["label"] for group in response.context["groups"]]
    assert labels == ["Cheshire ICB", "Wirral PCN"]
    assert "Manchester ICB" not in response.content.decode()


def test_no_grouping_unless_asked_and_a_bad_grouping_is_a_clear_error(client, evaluator, world):
    client.force_login(evaluator)
    assert "groups" not in client.get(DASHBOARD).context
    response = client.get(DASHBOARD, {"group_by": "ward"})
    assert response.status_code == 400
    assert "Choose a grouping from the list." in response.content.decode()


def test_a_groups_small_count_cannot_be_worked_out_from_the_total(
    client, evaluator, world, settings
):
    # By region: North West analyses 8, the run in no region 1 ("<5"); the pooled 9 is shown
    # above, so 9 - 8 would give the 1 away: North West's count is withheld too.
    settings.ANALYTICS_SMALL_NUMBER_THRESHOLD = 5
    client.force_login(evaluator)
    response = client.get(DASHBOARD, {"group_by": "region", "refresh": "1"})
    groups = {group["label"]: group for group in response.context["groups"]}
    region, loose = groups["North West"], groups["Not in any region"]
    assert response.context["report"]["flow"]["analysed"] == 9
    assert loose["flow"]["analysed"] == "<5" and region["flow"]["analysed"] is None
    assert loose["sample"]["baseline_respondents"] == "<5"
    assert region["sample"]["baseline_respondents"] is None
    # A share goes with its withheld number answering.
    share = region["sample"]["uses_resources_at_baseline"]
    assert share["n"] is None and share["share"] is None
    html = " ".join(response.content.decode().split())
    assert '<td class="num">withheld</td>' in html and '<td class="num">&lt;5</td>' in html
