"""The dashboard's figures per course-run selection, recomputed at most once a minute.

Recomputing the analysis over 10,000 participants takes 0.1–0.3 s, and evaluators reload
the dashboard far more often than the answers change. A snapshot is reused while it is
younger than ``EVALUATION_SNAPSHOT_MAX_AGE`` seconds, so a new questionnaire answer shows
within that time. Snapshots are cached under Django's cache ``version`` of the research
records (``assessments.selectors.research_records_version``, read from the records), so an
import, a change of consent or an anonymised account is shown at once without anyone
announcing it. When a snapshot has aged, one request recomputes it while the others keep
showing the previous figures, so a crowd of evaluators never recomputes the same analysis
side by side. Downloads never use snapshots.

The trainee's chart reads one figure of the evaluation, by age alone (two more queries on
every chart would cost more than a minute-old threshold): the measurement error of the
overall score over every run pooled (``reliable_change_se``), which says whether a
trainee's own change is a reliable one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from analytics import apa, charts
from analytics.reports import build_report, group_reports, reliable_change_reference
from analytics.selectors import CourseRunRef, evaluation_data, organisation_groups
from assessments.selectors import research_records_version

T = TypeVar("T")
# "v3" changes with Snapshot's fields, so a new release never reads an older one.
NAMESPACE = "analytics:snapshot:v3"
KEEP_SECONDS = 24 * 60 * 60
RECOMPUTE_LOCK_SECONDS = 60
# A trainee is told whether their change is reliable only when the threshold comes from at
# least this many baselines (and never from fewer than the small-number threshold): fewer
# give an unstable alpha and say too much about the few others.
TRAINEE_REFERENCE_MINIMUM = 10


@dataclass(frozen=True)
class Snapshot:
    computed_at: datetime
    report: dict
    chart: dict  # the spider chart as plotly JSON
    chart_description: str
    trajectory: dict | None  # mean per wave, plotly JSON; None without a follow-up
    trajectory_description: str
    # Per wave: {"wave", "figure" (plotly JSON), "description", "distribution" (the report's)}.
    item_charts: list[dict]
    reliable_change_chart: dict | None  # plotly JSON; None without a follow-up
    reliable_change_description: str
    sentences: dict  # apa.report_sentences(report)


def _figure(figure) -> dict:
    return json.loads(figure.to_json())


def _compute(course_runs: Sequence[CourseRunRef] | None) -> Snapshot:
    report = build_report(evaluation_data(course_runs=course_runs))
    has_follow_up = bool(report["comparisons"])
    return Snapshot(
        computed_at=timezone.now(),
        report=report,
        chart=_figure(charts.spider_chart(report)),
        chart_description=charts.spider_chart_description(report),
        trajectory=_figure(charts.trajectory_chart(report)) if has_follow_up else None,
        trajectory_description=charts.trajectory_description(report) if has_follow_up else "",
        item_charts=[
            {
                "wave": distribution["wave"],
                "figure": _figure(charts.item_distribution_chart(report, distribution["wave"])),
                "description": charts.item_distribution_description(report, distribution["wave"]),
                "distribution": distribution,
            }
            for distribution in report["item_distributions"]
        ],
        reliable_change_chart=(
            _figure(charts.reliable_change_chart(report)) if has_follow_up else None
        ),
        reliable_change_description=(
            charts.reliable_change_description(report) if has_follow_up else ""
        ),
        sentences=apa.report_sentences(report),
    )


def _key(course_runs: Sequence[CourseRunRef] | None) -> str:
    # "*" is all runs pooled; an empty selection (staff whose organisations have no runs)
    # must not share its key.
    if course_runs is None:
        return f"{NAMESPACE}:*"
    return f"{NAMESPACE}:{','.join(sorted(run.slug for run in course_runs))}"


def _fresh(
    key: str, compute: Callable[[], T], *, refresh: bool = False, version: str | None = None
) -> T:
    """The value cached under ``key`` and ``version`` (it has a ``computed_at``) while it is
    younger than ``EVALUATION_SNAPSHOT_MAX_AGE``, else ``compute()``: by one request at a
    time, while the others keep the previous value."""

    def recompute() -> T:
        value = compute()
        cache.set(key, value, timeout=KEEP_SECONDS, version=version)
        return value

    value = None if refresh else cache.get(key, version=version)
    if value is None:
        return recompute()
    age = (timezone.now() - value.computed_at).total_seconds()
    if age < settings.EVALUATION_SNAPSHOT_MAX_AGE:
        return value
    lock = f"{key}:lock"
    if not cache.add(lock, True, timeout=RECOMPUTE_LOCK_SECONDS, version=version):
        return value  # another request is recomputing it right now
    try:
        return recompute()
    finally:
        cache.delete(lock, version=version)


def dashboard_snapshot(
    *, course_runs: Sequence[CourseRunRef] | None, refresh: bool = False
) -> Snapshot:
    """The figures for ``course_runs`` (None = all), recomputed if stale or ``refresh``."""
    return _fresh(
        _key(course_runs),
        lambda: _compute(course_runs),
        refresh=refresh,
        version=research_records_version(),
    )


@dataclass(frozen=True)
class GroupsSnapshot:
    computed_at: datetime
    groups: list[dict]  # analytics.reports.group_reports


def dashboard_groups(
    *, course_runs: Sequence[CourseRunRef], level: str, refresh: bool = False
) -> GroupsSnapshot:
    """The flow and sample per organisation group of ``course_runs``, cached as snapshots."""
    key = f"{_key(course_runs)}:groups:{level}"

    def compute() -> GroupsSnapshot:
        groups = organisation_groups(course_runs, level)
        return GroupsSnapshot(timezone.now(), group_reports(groups))

    return _fresh(key, compute, refresh=refresh, version=research_records_version())


@dataclass(frozen=True)
class ReliableChangeReference:
    computed_at: datetime
    se_difference: float | None
    n: int | str  # baselines it comes from ("<N" under the small-number rule)


def _reference() -> ReliableChangeReference:
    reference = reliable_change_reference(evaluation_data(course_runs=None))
    return ReliableChangeReference(timezone.now(), reference["se_difference"], reference["n"])


def reliable_change_se() -> float | None:
    """The SE of the difference of the overall score (Jacobson-Truax), every run pooled.

    As ``report["reliable_change_se"]`` of all runs: reliability = Cronbach's alpha of the
    ten baseline footstep scores, SD of the baseline overall score, over every analysed
    participant with a baseline overall score (pooled rather than per run, so that small
    runs get a threshold too and every trainee is measured against the same one). ``None``
    when it is not defined or comes from fewer than ``TRAINEE_REFERENCE_MINIMUM`` baselines
    (or fewer than the small-number threshold). Cached for ``EVALUATION_SNAPSHOT_MAX_AGE``.
    """
    reference = _fresh(f"{NAMESPACE}:reliable-change-se", _reference)
    minimum = max(TRAINEE_REFERENCE_MINIMUM, settings.ANALYTICS_SMALL_NUMBER_THRESHOLD)
    if not isinstance(reference.n, int) or reference.n < minimum:
        return None
    return reference.se_difference
