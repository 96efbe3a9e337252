"""The links every page's footer and the sign-up form carry to the site's policy pages.

Read on every request, changed a few times a year: cached until any page or site changes
(``home.apps`` invalidates it), so a page costs no query for its footer.
"""

from __future__ import annotations

from dataclasses import dataclass

from home.models import PolicyPage
from home.versioned_cache import VersionedCache

site_pages = VersionedCache("site-pages")


@dataclass(frozen=True)
class PolicyLink:
    kind: str
    title: str
    url: str


def _published_links() -> list[PolicyLink]:
    pages = {page.kind: page for page in PolicyPage.objects.live().exclude(kind="")}
    order = [kind for kind, _label in PolicyPage.Kind.choices]
    return [
        PolicyLink(kind=kind, title=pages[kind].title, url=pages[kind].get_url())
        for kind in order
        if kind in pages and pages[kind].get_url()
    ]


def policy_links() -> list[PolicyLink]:
    """The published privacy notice, accessibility statement and terms, in that order."""
    return site_pages.get_or_compute("policy-links", _published_links)
