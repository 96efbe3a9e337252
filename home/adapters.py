from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.models import Group
from django.db import transaction

from home.roles import TRAINEE
from home.security import is_own_path


class AccountAdapter(DefaultAccountAdapter):
    """Everyone who signs up is a trainee; trainers and evaluators are appointed."""

    @transaction.atomic
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user.groups.add(Group.objects.get_or_create(name=TRAINEE)[0])
        return user

    def is_safe_url(self, url):
        # ?next= may only lead to a path on this site, never to another host.
        return is_own_path(url or "")
