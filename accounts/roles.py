"""The three roles (trainee, trainer, evaluator) and every check made against them.

Roles are Django groups carrying permissions; views ask for a permission, never a group
name, so a superuser passes every check and a role can be re-scoped in one place. The one
exception is ``is_trainee``: trainees hold no permissions, so membership is what marks them.
"""

from collections.abc import Callable
from functools import wraps

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from wagtail.models import Collection, GroupCollectionPermission

from home.backends import permission_sets

TRAINEE = "Trainees"
TRAINER = "Trainers"
EVALUATOR = "Evaluators"

# app_label.codename for every permission a role's group carries.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    TRAINEE: [],
    TRAINER: [
        "wagtailadmin.access_admin",
        "courses.take_attendance",
        "courses.view_enrolment",
        "courses.view_footstep",
    ],
    EVALUATOR: [
        "wagtailadmin.access_admin",
        "analytics.view_analytics",
        "assessments.import_responses",
    ],
}

# Wagtail checks documents and images against a group's permissions on a collection, never
# its model permissions, so these are granted on the root collection (hence on every one).
ROLE_COLLECTION_PERMISSIONS: dict[str, list[str]] = {
    TRAINEE: [],
    TRAINER: [
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
    ],
    EVALUATOR: [],
}

TAKE_ATTENDANCE = "courses.take_attendance"
VIEW_ANALYTICS = "analytics.view_analytics"
IMPORT_RESPONSES = "assessments.import_responses"


def _permissions(dotted_names: list[str]) -> list[Permission]:
    """The Permission rows for ``app_label.codename`` names (missing ones are skipped)."""
    found = []
    for dotted in dotted_names:
        app_label, codename = dotted.split(".")
        perm = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if perm is not None:
            found.append(perm)
    return found


def sync_role_groups(**kwargs) -> None:
    """Create the role groups and give each exactly its permissions (idempotent).

    That is its model permissions and its permissions on the root collection; grants an
    administrator makes on other collections are left alone. Page permissions depend on
    pages that do not exist at migrate time, so they are granted where those pages are made
    (demo.loaders.grant_trainer_permissions, or Settings → Groups in the admin).
    """
    # Runs after this app migrates, which can be before later apps have their permissions.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    root = Collection.get_first_root_node()
    for name, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(perms))
        if root is None:  # `flush` (e.g. TransactionTestCase) emptied the collection tree
            continue
        wanted = _permissions(ROLE_COLLECTION_PERMISSIONS[name])
        GroupCollectionPermission.objects.filter(group=group, collection=root).exclude(
            permission__in=wanted
        ).delete()
        for perm in wanted:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root, permission=perm
            )


def is_trainee(user) -> bool:
    """True for members of the trainee group (only they enrol and answer questionnaires).
    Cached with the permission sets (the navigation asks on every page), which any change of
    group membership renews (``home.apps``)."""
    return user.is_authenticated and permission_sets.get_or_compute(
        f"{user.pk}:trainee", lambda: user.groups.filter(name=TRAINEE).exists()
    )


def is_trainer(user) -> bool:
    return user.is_authenticated and user.has_perm(TAKE_ATTENDANCE)


def is_evaluator(user) -> bool:
    return user.is_authenticated and user.has_perm(VIEW_ANALYTICS)


def can_import(user) -> bool:
    return user.is_authenticated and user.has_perm(IMPORT_RESPONSES)


def landing_url(user) -> str:
    """Where someone lands after signing in: their own work. Trainers on their course runs,
    evaluators on the evaluation dashboard, everyone else (trainees) on their training.
    URL names, not imports: this app imports none of the apps above it."""
    if is_trainer(user):
        return reverse("courses:trainer_runs")
    if is_evaluator(user):
        return reverse("analytics:dashboard")
    return reverse("courses:dashboard")


def role_required(check: Callable[[object], bool]):
    """View decorator: sign in first, then 403 unless ``check(user)`` holds."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied("Your role does not give access to this page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


trainer_required = role_required(is_trainer)
evaluator_required = role_required(is_evaluator)
