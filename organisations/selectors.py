"""Which organisations a member of staff may see: the one rule behind every scoped read.

``courses.selectors.course_runs_visible_to`` applies it to course runs, and every trainer
page, register, follow-up list, evaluation page, download and command reads runs through
that function. The rule:

- superusers, and staff without a ``StaffAccess`` row, see every organisation (and runs
  that belong to none);
- staff with a row see the organisations it lists and everything under them, and no run
  without an organisation;
- anyone signed out sees none.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from organisations.models import Organisation, StaffAccess

_CACHE = "_organisation_paths"


def organisation_paths_visible_to(user) -> tuple[str, ...] | None:
    """The tree paths of the organisations ``user`` is limited to (None: not limited).

    Kept on the user object, so a request asks the database once.
    """
    if not user.is_authenticated:
        return ()
    if user.is_superuser:
        return None
    if not hasattr(user, _CACHE):
        access = StaffAccess.objects.filter(user=user).first()
        paths = None
        if access is not None:
            paths = tuple(access.organisations.order_by("path").values_list("path", flat=True))
        setattr(user, _CACHE, paths)
    return getattr(user, _CACHE)


def is_restricted(user) -> bool:
    return organisation_paths_visible_to(user) is not None


def within_visible_organisations(user, field: str = "organisation") -> Q:
    """A condition on ``field`` (a foreign key to Organisation) for what ``user`` may see."""
    paths = organisation_paths_visible_to(user)
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{field}__path__startswith": path}) for path in paths))


def organisations_visible_to(user) -> QuerySet[Organisation]:
    """The organisations ``user`` may see, in tree order."""
    paths = organisation_paths_visible_to(user)
    every = Organisation.objects.order_by("path")
    if paths is None:
        return every
    if not paths:
        return every.none()
    return every.filter(reduce(or_, (Q(path__startswith=path) for path in paths)))
