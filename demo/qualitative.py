"""Demo step: a codebook, and the demo evaluators' codings of some free-text answers.

The evaluator (Coder 1) and the second evaluator (Coder 2) have both coded the first units
of the Tyneside cohort, so agreement and kappa show at once; the next units are left for
the evaluator to code, and some of those are given to the second evaluator to code blind.
Idempotent: nothing is added once the demo evaluator has a reading.
"""

from __future__ import annotations

from analytics.selectors import course_runs_by_slug
from demo.loaders import EVALUATOR_ACCOUNT, PAST_RUN, SECOND_EVALUATOR_ACCOUNT, user_for
from qualitative import services
from qualitative.models import Code, Reading, Theme
from qualitative.redaction import unit_texts
from qualitative.selectors import units_of

CODEBOOK = {
    "Programme evaluation": {
        "Lived experience speaker": "Hearing from someone living with persistent pain.",
        "Resources useful": "The handouts, sheets and toolkits were useful.",
        "Length of workshops": "Too short, too rushed, or wanting more on a topic.",
    },
    "Development into practice": {
        "Uses patient resources": "Gives patients the programme's sheets or points them to them.",
        "Adapts to the individual": "Uses the footsteps to shape conversations and goals.",
    },
    "Confidence in supporting self-management": {
        "More confident": "Feels more able to talk about self-management.",
    },
}
# What the first coder reads in each demo answer (demo/cohort.py's FEEDBACK, CLINICAL_USE).
KEYWORDS = {
    "lived-experience": "Programme evaluation/Lived experience speaker",
    "resources": "Programme evaluation/Resources useful",
    "rushed": "Programme evaluation/Length of workshops",
    "more on sleep": "Programme evaluation/Length of workshops",
    "sheets": "Development into practice/Uses patient resources",
    "toolkit": "Development into practice/Uses patient resources",
    "structure conversations": "Development into practice/Adapts to the individual",
    "practical": "Confidence in supporting self-management/More confident",
}
DOUBLE_CODED = 12  # units both demo evaluators have coded
LEFT_TO_CODE = 8  # further units for the evaluator, of which half go to the second one


def _codes_for(text: str) -> list[str]:
    lowered = text.lower()
    return sorted({code for word, code in KEYWORDS.items() if word in lowered})


def load_qualitative() -> str:
    evaluator, second = user_for(EVALUATOR_ACCOUNT), user_for(SECOND_EVALUATOR_ACCOUNT)
    first_coder = services.coder_for_user(user=evaluator)
    second_coder = services.coder_for_user(user=second)
    runs = course_runs_by_slug([PAST_RUN.slug], user=None)
    services.units_sync(course_runs=runs)
    for theme_name, codes in CODEBOOK.items():
        theme = Theme.objects.filter(name=theme_name).first() or services.theme_save(
            actor=evaluator, name=theme_name
        )
        for name, description in codes.items():
            if not Code.objects.filter(theme=theme, name=name).exists():
                services.code_save(actor=evaluator, theme=theme, name=name, description=description)
    if Reading.objects.filter(coder=first_coder).exists():
        return "already there"
    units = list(units_of(runs).select_related("response")[: DOUBLE_CODED + LEFT_TO_CODE])
    texts = unit_texts(units)
    codes = {code.label: code for code in Code.objects.select_related("theme")}
    for i, unit in enumerate(units[:DOUBLE_CODED]):
        text = texts[unit.pk]
        first = _codes_for(text)
        # The second coder differs now and then, so kappa is neither 1 nor undefined.
        second_codes = first[1:] if i % 4 == 1 else first
        if i % 5 == 2:
            second_codes = [
                *second_codes,
                "Confidence in supporting self-management/More confident",
            ]
        for coder, labels in ((first_coder, first), (second_coder, sorted(set(second_codes)))):
            if labels:
                for label in labels:
                    services.coding_add(
                        unit=unit, coder=coder, code=codes[label], start=None, end=None, text=text
                    )
                services.reading_finish(unit=unit, coder=coder)
            else:
                services.reading_nothing_to_code(unit=unit, coder=coder)
    left = units[DOUBLE_CODED:]
    services.assignments_make(
        actor=evaluator, coder=second_coder, units=left[: LEFT_TO_CODE // 2], share=1, seed=1
    )
    return f"{DOUBLE_CODED} answers double-coded, {len(left)} left to code"
