"""The cross-app hook through which other apps add links to a course run's trainer pages.

Other apps link their trainer pages about a run (assessments: its follow-ups) through this
Wagtail hook, so courses shows them without importing those apps. A hook function takes
(run, user) and returns the RunLinks that user may follow.
"""

from __future__ import annotations

from dataclasses import dataclass

from wagtail import hooks

from courses.models import CourseRunPage

RUN_LINKS_HOOK = "register_course_run_links"


@dataclass(frozen=True)
class RunLink:
    label: str
    url: str


def run_links(run: CourseRunPage, user) -> list[RunLink]:
    """The links other apps offer ``user`` for ``run`` (no queries of its own)."""
    return [link for hook in hooks.get_hooks(RUN_LINKS_HOOK) for link in hook(run, user)]
