"""Who the evaluation covers: the participant flow (the study's Figure 1) and the sample.

Pure computations on already loaded ``EvaluationData`` (``analytics.selectors``); no queries.
"""

from __future__ import annotations

import numpy as np

from analytics.selectors import PROFESSIONS, RESOURCE_USES, EvaluationData
from assessments.models import Response
from courses.waves import BASELINE, Wave


def participant_flow(data: EvaluationData, wave: Wave | None) -> dict[str, int]:
    """Counts of the study flow diagram (Figure 1) from enrolment to the analysis of ``wave``
    against the baseline (None: no follow-up wave yet)."""
    answered = data.answered(wave) if wave else np.zeros(data.participant_ids.size, bool)
    matched = data.answered(BASELINE) & answered
    compared = matched & data.mandatory_completed
    # Every statement belongs to a footstep, so a response has an overall score exactly
    # when it answered every statement; cheaper than scoring every response.
    answered_all = np.append(~np.isnan(data.ratings).any(axis=1), False)  # row -1: none
    incomplete = compared & ~(
        answered_all[data.row_of(BASELINE)] & answered_all[data.row_of(wave or BASELINE)]
    )
    return {
        "enrolled": data.enrolled,
        "consented": data.consented,
        "baseline_responses": int(data.answered(BASELINE).sum()),
        "follow_up_responses": int(answered.sum()),
        "matched_pairs": int(matched.sum()),
        "excluded_mandatory_not_completed": int((matched & ~data.mandatory_completed).sum()),
        "excluded_incomplete": int(incomplete.sum()),
        "analysed": int(compared.sum() - incomplete.sum()),
    }


def _share(flags: np.ndarray) -> dict[str, float | int | None]:
    """Count and share of true values among the answered (non-NaN) ones."""
    answered = flags[~np.isnan(flags)]
    count = int(answered.sum())
    return {
        "n": int(answered.size),
        "count": count,
        "share": count / answered.size if answered.size else None,
    }


def sample_description(data: EvaluationData, wave: Wave | None) -> dict:
    """Who answered the baseline questionnaire, as the study's sample description.

    Professions, experience and prior resource use describe the baseline respondents;
    resource use since the training describes the respondents of the follow-up ``wave``
    (the primary one; None: no follow-up yet); optional sessions describe every respondent
    whose attendance is known.
    """
    baseline = data.response_months == 0
    per_code = np.bincount(data.profession[baseline], minlength=len(PROFESSIONS) + 1)
    counts = [
        {"profession": value, "label": str(label), "count": int(count)}
        for (value, label), count in zip(Response.Profession.choices, per_code, strict=False)
    ]
    if per_code[-1]:
        counts.append({"profession": "", "label": "Not stated", "count": int(per_code[-1])})

    years = data.years_experience[baseline]
    years = years[~np.isnan(years)]
    follow_up_use = data.resource_use[data.response_months == (wave.months if wave else -1)]
    follow_up_use = follow_up_use[follow_up_use < len(RESOURCE_USES)]
    optional = data.optional_sessions
    optional = optional[~np.isnan(optional)]
    return {
        "baseline_respondents": int(baseline.sum()),
        "professions": counts,
        "years_experience": {
            "n": int(years.size),
            "mean": float(years.mean()) if years.size else None,
            "sd": float(years.std(ddof=1)) if years.size > 1 else None,
            "min": float(years.min()) if years.size else None,
            "max": float(years.max()) if years.size else None,
        },
        "uses_resources_at_baseline": _share(data.uses_resources[baseline]),
        "used_resources_at_follow_up": _share(
            (follow_up_use == RESOURCE_USES.index(Response.ResourceUse.USED)).astype(float)
        ),
        "optional_sessions_attended": {
            "n": int(optional.size),
            "mean": float(optional.mean()) if optional.size else None,
        },
    }
