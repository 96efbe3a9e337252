"""What a deletion would destroy that must be kept: research data and attendance.

The rule lives in the models: every foreign key to a record that must outlive a page or a
snippet is ``on_delete=PROTECT`` (attendance to its session, enrolments and research
participants to their run, statements and modules to their footstep). Django's deletion
collector walks those keys, so the admin can refuse a deletion, with a message, before the
confirm page instead of failing with ``ProtectedError`` after it.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import router
from django.db.models import Model, ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.utils.text import get_text_list


def protected_records(objects: Iterable[Model]) -> Counter[str]:
    """How many rows of each kind (plural verbose name) stop ``objects`` being deleted."""
    by_model: dict[type[Model], list[Model]] = defaultdict(list)
    for obj in objects:
        by_model[type(obj)].append(obj)
    found: Counter[str] = Counter()
    for model, instances in by_model.items():
        collector = Collector(using=router.db_for_write(model))
        try:
            collector.collect(instances)
        except ProtectedError as error:
            found.update(o._meta.verbose_name_plural for o in error.protected_objects)
        except RestrictedError as error:
            found.update(o._meta.verbose_name_plural for o in error.restricted_objects)
    return found


def refusal(name: str, found: Counter[str]) -> str:
    """The admin's message for a refused deletion of ``name``."""
    held = get_text_list([f"{count} {kind}" for kind, count in sorted(found.items())], "and")
    return (
        f"{name} cannot be deleted: it holds records the evaluation and the registers depend "
        f"on ({held}). Unpublish it to take it off the site; its records stay."
    )
