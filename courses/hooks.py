"""The cross-app hooks through which other apps add to a course run's trainer pages.

Other apps link their trainer pages about a run (assessments: its follow-ups) through
RUN_LINKS_HOOK, and add figures to the trainers' overview (assessments: baseline and
follow-up responses) through RUN_FIGURES_HOOK, so courses shows them without importing
those apps. A links hook takes (run, user) and returns the RunLinks that user may follow;
a figures hook takes the list of runs and returns {run pk: [RunFigure, ...]}, reading every
run at once (a fixed number of queries, however many runs).
"""

from __future__ import annotations

from dataclasses import dataclass

from wagtail import hooks

from courses.models import CourseRunPage

RUN_LINKS_HOOK = "register_course_run_links"
RUN_FIGURES_HOOK = "register_course_run_figures"


@dataclass(frozen=True)
class RunLink:
    label: str
    url: str


def run_links(run: CourseRunPage, user) -> list[RunLink]:
    """The links other apps offer ``user`` for ``run`` (no queries of its own)."""
    return [link for hook in hooks.get_hooks(RUN_LINKS_HOOK) for link in hook(run, user)]


@dataclass(frozen=True)
class RunFigure:
    """One figure about a run on the trainers' overview, e.g. ("Baseline answered", 18)."""

    label: str
    value: int
    # A count of the run's trainees, shown "18 of 20" against those enrolled.
    of_enrolled: bool = False


def run_figures(runs: list[CourseRunPage]) -> dict[int, list[RunFigure]]:
    """The figures other apps add for each run, by run pk (a run without any: absent)."""
    figures: dict[int, list[RunFigure]] = {}
    for hook in hooks.get_hooks(RUN_FIGURES_HOOK):
        for pk, found in hook(runs).items():
            figures.setdefault(pk, []).extend(found)
    return figures
