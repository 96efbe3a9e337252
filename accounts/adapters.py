from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.models import Group
from django.db import transaction
from django.template.loader import render_to_string

from accounts.emails import email_context, email_send_later, email_subject, public_url, tidy_text
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

    def format_email_subject(self, subject):
        # The programme's name, not allauth's "[<host of the request>] ".
        return email_subject(subject)

    def send_mail(self, template_prefix, email, context):
        # Our templates (templates/account/email/), every link on the site's public address
        # (PUBLIC_BASE_URL) whatever host the request came through, and sent by the worker.
        context = {
            key: public_url(value) if key.endswith("_url") and isinstance(value, str) else value
            for key, value in context.items()
        }
        user = context.get("user")
        context.update(email=email, name=user.get_full_name().strip() if user else "")
        subject = render_to_string(f"{template_prefix}_subject.txt", context).strip()
        message = self.render_mail(template_prefix, email, email_context(context, subject=subject))
        message.body = tidy_text(message.body)
        email_send_later(message)
