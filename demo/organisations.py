"""The demo's organisations: two regions with their ICBs and a training hub, each demo run
belonging to one, and the two demo staff limited to one ICB each (idempotent)."""

from __future__ import annotations

from courses.models import CourseRunPage
from demo import loaders
from organisations.models import Organisation, StaffAccess
from organisations.services import staff_access_set

Kind = Organisation.Kind

# (name, kind, parent's name or None), parents first.
ORGANISATIONS = [
    ("North East and Yorkshire", Kind.REGION, None),
    ("North East and North Cumbria ICB", Kind.ICB, "North East and Yorkshire"),
    ("South Yorkshire ICB", Kind.ICB, "North East and Yorkshire"),
    ("West Yorkshire ICB", Kind.ICB, "North East and Yorkshire"),
    ("Leeds training hub", Kind.TRAINING_HUB, "West Yorkshire ICB"),
    ("South West", Kind.REGION, None),
    ("Bristol, North Somerset and South Gloucestershire ICB", Kind.ICB, "South West"),
    ("Devon ICB", Kind.ICB, "South West"),
]


def _organisation(name: str, kind: str, parent: Organisation | None) -> tuple[Organisation, bool]:
    siblings = parent.get_children() if parent else Organisation.get_root_nodes()
    existing = siblings.filter(name=name).first()
    if existing is not None:
        return existing, False
    node = Organisation(name=name, kind=kind)
    node.full_clean(exclude=["path", "depth"])
    if parent is None:
        return Organisation.add_root(instance=node), True
    return parent.add_child(instance=node), True


def load_organisations() -> str:
    """The tree; each demo run's organisation where it has none; the limited staff's access
    where they have none (what someone changed in the admin is left alone)."""
    by_name: dict[str, Organisation] = {}
    created = 0
    for name, kind, parent in ORGANISATIONS:
        by_name[name], new = _organisation(name, kind, by_name.get(parent) if parent else None)
        created += new
    admin = loaders.user_for(loaders.ADMIN_ACCOUNT)
    assigned = 0
    for plan in loaders.RUNS:
        run = CourseRunPage.objects.filter(slug=plan.slug, organisation__isnull=True).first()
        if run is None or not plan.organisation:
            continue
        run.organisation = by_name[plan.organisation]
        run.save_revision(user=admin, log_action=True).publish(user=admin)
        assigned += 1
    limited = 0
    for account in loaders.ACCOUNTS:
        user = loaders.user_for(account)
        if account.organisations is None or StaffAccess.objects.filter(user=user).exists():
            continue
        staff_access_set(user=user, organisations=[by_name[name] for name in account.organisations])
        limited += 1
    return f"{created} organisations created, {assigned} runs assigned, {limited} staff limited"
