from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from accounts.roles import TRAINEE, landing_url
from accounts.security import is_own_path


class AccountAdapter(DefaultAccountAdapter):
    """Everyone who signs up is a trainee; trainers and evaluators are appointed."""

    @transaction.atomic
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user.groups.add(Group.objects.get_or_create(name=TRAINEE)[0])
        return user

    def get_login_redirect_url(self, request):
        # Without a ?next=, each role lands on its own work (allauth reads ?next= first).
        return landing_url(request.user)

    def is_safe_url(self, url):
        # ?next= may only lead to a path on this site, never to another host.
        return is_own_path(url or "")

    def send_mail(self, template_prefix, email, context):
        # Every link in an email leads to the site's public address (PUBLIC_BASE_URL), not to
        # whatever host the request that sent it came through.
        context = {
            key: public_url(value) if key.endswith("_url") and isinstance(value, str) else value
            for key, value in context.items()
        }
        return super().send_mail(template_prefix, email, context)


def public_url(url: str) -> str:
    """``url`` (absolute or a path) on the site's public address."""
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{settings.PUBLIC_BASE_URL}{parts.path}{query}"
