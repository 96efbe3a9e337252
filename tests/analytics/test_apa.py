"""APA-style sentences: rounding, p formats, minus signs, missing statistics."""

import pickle

import pytest
from django.utils.safestring import SafeString

from analytics import apa

# The study's overall comparison: t(20) = 5.012 gives d_z = 1.094 (DESIGN.md).
STUDY_ROW = {
    "n_pairs": 21,
    "t": 5.0123,
    "df": 20.0,
    "p": 6.4e-05,
    "cohens_dz": 1.09376,
    "cohens_dz_ci": [0.55249, 1.6151],
    "reason": None,
}


@pytest.mark.parametrize(
    ("p", "plain", "html"),
    [
        (0.0339, "p = .034", "<i>p</i> = .034"),
        (0.0192, "p = .019", "<i>p</i> = .019"),
        (0.00342, "p = .003", "<i>p</i> = .003"),
        (0.001, "p = .001", "<i>p</i> = .001"),
        (0.000999, "p < .001", "<i>p</i> &lt; .001"),
        (1e-20, "p < .001", "<i>p</i> &lt; .001"),
        (0.0996, "p = .10", "<i>p</i> = .10"),  # rounds to .100: two decimals from .10
        (0.6401, "p = .64", "<i>p</i> = .64"),
        (0.05, "p = .050", "<i>p</i> = .050"),
        (0.996, "p > .99", "<i>p</i> &gt; .99"),
        (1.0, "p > .99", "<i>p</i> &gt; .99"),
    ],
)
def test_p_values(p, plain, html):
    assert apa.p_value(p) == plain
    assert apa.p_value(p, html=True) == html


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (1.094, {}, "1.09"),
        (1.095, {}, "1.09"),  # binary 1.095 is just below: Python rounds what is stored
        (1.0951, {}, "1.10"),
        (-0.4712, {}, "-0.47"),
        (-0.4712, {"html": True}, "\u22120.47"),
        (-0.004, {}, "0.00"),  # no "-0.00"
        (-0.004, {"html": True}, "0.00"),
        (0.37, {"leading_zero": False}, ".37"),
        (-0.25, {"leading_zero": False, "html": True}, "\u2212.25"),
        (12.7249, {}, "12.72"),
    ],
)
def test_numbers_round_to_two_decimals_with_a_real_minus_in_html(value, kwargs, expected):
    assert apa.number(value, **kwargs) == expected


def test_degrees_of_freedom_are_whole_unless_welch():
    assert apa.degrees_of_freedom(20.0) == "20"
    assert apa.degrees_of_freedom(175) == "175"
    assert apa.degrees_of_freedom(46.5349) == "46.5"


def test_paired_comparison_as_in_the_study():
    sentence = apa.comparison_sentence(STUDY_ROW)
    assert sentence.plain == "t(20) = 5.01, p < .001, d_z = 1.09, 95% CI [0.55, 1.62]"
    assert sentence.html == (
        "<i>t</i>(20) = 5.01, <i>p</i> &lt; .001, <i>d</i><sub>z</sub> = 1.09, 95% CI [0.55, 1.62]"
    )
    assert isinstance(sentence.html, SafeString)
    assert str(sentence) == sentence.plain


def test_a_negative_comparison_uses_minus_signs_in_html_only():
    row = STUDY_ROW | {
        "t": -2.2561,
        "p": 0.0354,
        "cohens_dz": -0.4923,
        "cohens_dz_ci": [-0.94, -0.03],
    }
    sentence = apa.comparison_sentence(row)
    assert sentence.plain == "t(20) = -2.26, p = .035, d_z = -0.49, 95% CI [-0.94, -0.03]"
    assert "\u2212" not in sentence.plain
    assert sentence.html == (
        "<i>t</i>(20) = \u22122.26, <i>p</i> = .035, <i>d</i><sub>z</sub> = \u22120.49, "
        "95% CI [\u22120.94, \u22120.03]"
    )


def test_a_missing_interval_is_left_out():
    row = STUDY_ROW | {"cohens_dz_ci": [None, None]}
    assert apa.comparison_sentence(row).plain == "t(20) = 5.01, p < .001, d_z = 1.09"


@pytest.mark.parametrize(
    "row",
    [
        {"t": None, "df": None, "p": None, "cohens_dz": None, "reason": "fewer than 2 pairs"},
        {"t": None, "df": 4.0, "p": None, "reason": "fewer than 2 pairs"},
    ],
)
def test_statistics_not_computed_say_why(row):
    sentence = apa.comparison_sentence(row)
    assert sentence.plain == "Not computed: fewer than 2 pairs."
    assert sentence.html == "Not computed: fewer than 2 pairs."


def test_the_reason_is_escaped_in_html():
    sentence = apa.comparison_sentence({"t": None, "reason": "n < 2 & <b>bold</b>"})
    assert sentence.plain == "Not computed: n < 2 & <b>bold</b>."
    assert sentence.html == "Not computed: n &lt; 2 &amp; &lt;b&gt;bold&lt;/b&gt;."
    assert apa.comparison_sentence({"t": None}).plain == "Not computed."


def test_mixed_model_effect():
    effect = {
        "wave": "month_3",
        "estimate": 0.7012,
        "se": 0.0551,
        "df": 175,
        "t": 12.7249,
        "p": 2e-26,
        "ci": [0.5924, 0.81],
    }
    sentence = apa.mixed_model_sentence(effect)
    assert sentence.plain == "b = 0.70, SE = 0.06, t(175) = 12.72, p < .001, 95% CI [0.59, 0.81]"
    assert sentence.html == (
        "<i>b</i> = 0.70, <i>SE</i> = 0.06, <i>t</i>(175) = 12.72, <i>p</i> &lt; .001, "
        "95% CI [0.59, 0.81]"
    )
    missing = dict.fromkeys(effect, None) | {"wave": "month_6", "ci": [None, None]}
    assert apa.mixed_model_sentence(missing, "nobody answered 6 months after").plain == (
        "Not computed: nobody answered 6 months after."
    )


def test_friedman_with_kendalls_w_without_a_leading_zero():
    friedman = {"n": 9, "statistic": 9.9333, "df": 3, "p": 0.01914, "kendall_w": 0.3679}
    sentence = apa.friedman_sentence(friedman)
    assert sentence.plain == "χ²(3) = 9.93, p = .019, W = .37"
    # Greek letters stay upright (APA 7, 6.43): no <i> around chi.
    assert sentence.html == "χ<sup>2</sup>(3) = 9.93, <i>p</i> = .019, <i>W</i> = .37"
    undefined = {"n": 1, "statistic": None, "df": None, "p": None, "kendall_w": None}
    assert apa.friedman_sentence(undefined | {"reason": "fewer than 2 participants"}).plain == (
        "Not computed: fewer than 2 participants."
    )


def test_attrition_welch():
    row = {"t": -0.4712, "df": 46.5349, "p": 0.6398, "cohens_d": -0.1049, "reason": None}
    sentence = apa.attrition_sentence(row)
    assert sentence.plain == "t(46.5) = -0.47, p = .64, d = -0.10"
    assert sentence.html == "<i>t</i>(46.5) = \u22120.47, <i>p</i> = .64, <i>d</i> = \u22120.10"
    none = {"t": None, "df": None, "p": None, "cohens_d": None, "reason": "a group is empty"}
    assert apa.attrition_sentence(none).plain == "Not computed: a group is empty."


def test_alpha():
    sentence = apa.alpha_sentence({"cronbach_alpha": 0.9123, "alpha_ci": [0.8791, 0.9402]})
    assert sentence.plain == "α = .91, 95% CI [.88, .94]"
    assert sentence.html == "α = .91, 95% CI [.88, .94]"


def test_report_sentences_are_keyed_by_wave_and_footstep_and_survive_the_cache():
    footstep = STUDY_ROW | {"footstep": 1, "title": "Building knowledge about pain"}
    friedman = {"n": 9, "statistic": 9.93, "df": 2, "p": 0.007, "kendall_w": 0.55}
    effect = {"estimate": 0.5, "se": 0.1, "df": 30, "t": 5.0, "p": 1e-5, "ci": [0.3, 0.7]}
    model = {
        "reason": None,
        "effects": [effect | {"wave": "month_3"}, effect | {"wave": "month_6"}],
    }
    score = {"friedman": friedman, "mixed_model": model}
    report = {
        "comparisons": [{"wave": "month_3", "footsteps": [footstep], "overall": STUDY_ROW}],
        "longitudinal": {"footsteps": [score | {"footstep": 1}], "overall": score},
        "attrition": [{"wave": "month_3", "t": 1.0, "df": 10.2, "p": 0.34, "cohens_d": 0.3}],
        "reliability": [{"wave": "baseline", "cronbach_alpha": 0.9, "alpha_ci": [0.8, 0.95]}],
    }
    # The dashboard caches them pickled.
    sentences = pickle.loads(pickle.dumps(apa.report_sentences(report)))  # noqa: S301
    assert sentences["comparisons"]["month_3"][1].plain.startswith("t(20) = 5.01")
    assert sentences["comparisons"]["month_3"]["overall"] == apa.comparison_sentence(STUDY_ROW)
    assert sentences["longitudinal"][1]["friedman"].plain == "χ²(2) = 9.93, p = .007, W = .55"
    assert sentences["longitudinal"]["overall"]["effects"]["month_6"].plain.startswith("b = 0.50")
    assert sentences["attrition"]["month_3"].plain == "t(10.2) = 1.00, p = .34, d = 0.30"
    assert sentences["reliability"]["baseline"].plain == "α = .90, 95% CI [.80, .95]"
    assert isinstance(sentences["attrition"]["month_3"].html, SafeString)
    assert apa.report_sentences(report | {"longitudinal": None})["longitudinal"] == {}
