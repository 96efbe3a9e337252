"""Two evaluators code free-text answers with the keyboard only: the second double-codes
them blind, and then both see each other's codes and the agreement table shows kappa."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from qualitative import services
from qualitative.models import Code, Theme, Unit
from tests import factories
from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    Console,
    assert_fits,
    check_accessibility,
    sign_in,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ANSWERS = [
    "The second workshop felt rushed. I wanted more on sleep.",
    "The handouts were clear. I now give people the pacing sheet.",
    "Too short overall. The toolkit was good though.",
]


@pytest.fixture
def units():
    run = factories.make_course_run(title="Leeds 2024", first_workshop_in_days=-120)
    for i, text in enumerate(ANSWERS):
        participant = factories.make_participant(run, code=f"QB{i}")
        factories.make_response(participant, "baseline")
        factories.make_response(participant, "month_3", programme_feedback=text)
    services.units_sync()
    theme = Theme.objects.create(name="Programme evaluation")
    Code.objects.create(theme=theme, name="Length of workshops")  # shortcut 1
    Code.objects.create(theme=theme, name="Resources useful")  # shortcut 2
    return list(Unit.objects.order_by("participant__code"))


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching ``selector`` has the focus (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def code_with_keyboard(page, unit, shortcut: str, sentences: int = 1) -> None:
    page.goto(reverse("qualitative:unit", args=[unit.pk]))
    check_accessibility(page)
    tab_to(page, "#unit-text")
    for _ in range(sentences):
        page.keyboard.press("ArrowDown")
    expect(page.locator("#selection-status")).to_contain_text("Sentence 1")
    page.keyboard.press(shortcut)
    expect(page.get_by_text("applied.")).to_be_visible()
    tab_to(page, "button[value=finish]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Marked as done.")).to_be_visible()


def test_two_evaluators_code_and_double_code_blind_with_the_keyboard(
    page, browser, browser_context_args, base_url, shoot, console, units
):
    first_user, second_user = factories.EvaluatorFactory(), factories.EvaluatorFactory()
    second_context = browser.new_context(**{**browser_context_args, "base_url": base_url})
    second = second_context.new_page()
    second.set_default_timeout(10_000)
    second_console = Console(second)

    # The second evaluator opens the workspace once, which gives them a coder label.
    sign_in(second, second_user.email, totp_user=second_user)
    check_accessibility(second)  # where an evaluator lands
    second.goto(reverse("qualitative:workspace"))
    expect(second.get_by_text("You code as Coder 1")).to_be_visible()

    sign_in(page, first_user.email, totp_user=first_user)
    check_accessibility(page)
    page.goto(reverse("qualitative:workspace"))
    shoot(page, "workspace")
    for unit, shortcut in zip(units, "121", strict=True):
        code_with_keyboard(page, unit, shortcut)
    expect(page.locator("mark.coded")).to_have_count(1)
    shoot(page, "coded")

    # Give every coded unit to the second coder, by keyboard.
    page.goto(reverse("qualitative:double-coding"))
    check_accessibility(page)
    tab_to(page, "#id_coder")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#id_share")
    page.keyboard.press("Control+A")
    page.keyboard.type("100")
    page.keyboard.press("Enter")
    expect(page.get_by_text("3 units given to Coder 1, who codes them blind.")).to_be_visible()

    # Blind: the second coder's pages show no other coder's codes while they code.
    second.goto(reverse("qualitative:workspace"))
    expect(second.get_by_text("(double coding for you)")).to_have_count(3)
    second.goto(reverse("qualitative:unit", args=[units[0].pk]))
    expect(second.locator("mark.coded")).to_have_count(0)
    expect(second.get_by_text("Coder 2")).to_have_count(0)
    shoot(second, "blind")
    for unit, shortcut in zip(units, "122", strict=True):
        code_with_keyboard(second, unit, shortcut)
    expect(
        second.get_by_role("heading", name="Other coders (you have both finished)")
    ).to_be_visible()
    expect(second.get_by_text("Coder 2: Programme evaluation/Length of workshops")).to_be_visible()

    # Agreement: "Length of workshops" both on QB0, only one coder on QB2 -> kappa 0.4.
    page.goto(reverse("qualitative:agreement"))
    row = page.locator("#agreement-table").get_by_role(
        "row", name="Programme evaluation/Length of workshops"
    )
    expect(row).to_contain_text("Coder 1 and Coder 2")
    expect(row.locator(".kappa")).to_have_text("0.40")
    expect(page.get_by_role("table", name="Units two coders finished")).to_contain_text("QB2")
    shoot(page, "agreement")
    page.goto(reverse("qualitative:themes"))
    expect(page.get_by_role("img", name="Themes and their codes")).to_be_visible()
    shoot(page, "themes")

    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        for name in ("workspace", "agreement", "themes", "codebook"):
            page.goto(reverse(f"qualitative:{name}"))
            assert_fits(page)
        page.goto(reverse("qualitative:unit", args=[units[0].pk]))
        assert_fits(page)
        shoot(page, f"unit_{viewport['width']}")
    console.assert_clean()
    second_console.assert_clean()
    second_context.close()
