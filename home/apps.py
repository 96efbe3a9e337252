from django.apps import AppConfig


class HomeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "home"

    def ready(self):
        from django.urls import register_converter

        from home import checks  # noqa: F401 (registers itself)
        from home.converters import IdConverter

        # Before any URLconf is loaded: the apps' routes use <id:...> for database ids.
        register_converter(IdConverter, "id")
        _invalidate_permission_sets_on_role_changes()
        _invalidate_site_pages_on_page_changes()


def _invalidate_permission_sets_on_role_changes():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from home.backends import permission_sets

    User = get_user_model()
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(permission_sets.invalidate, sender=through, weak=False)
    for model in (Group, Permission):
        post_save.connect(permission_sets.invalidate, sender=model, weak=False)
        post_delete.connect(permission_sets.invalidate, sender=model, weak=False)
    # A deleted user's id may be reused (SQLite), and must not inherit their permissions.
    post_delete.connect(permission_sets.invalidate, sender=User, weak=False)


def _invalidate_site_pages_on_page_changes():
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Page, Site
    from wagtail.signals import post_page_move

    from home.policies import site_pages

    # A policy page's link changes with its own title or slug, and with any ancestor's slug
    # or the site's root; pages change rarely, so any page or site change refreshes it.
    def on_change(sender, **kwargs):
        if issubclass(sender, Page | Site):
            site_pages.invalidate()

    post_save.connect(on_change, weak=False, dispatch_uid="home-site-pages-saved")
    post_delete.connect(on_change, weak=False, dispatch_uid="home-site-pages-deleted")
    post_page_move.connect(site_pages.invalidate, weak=False, dispatch_uid="home-site-pages-moved")
