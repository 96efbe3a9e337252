"""Every email the platform sends, in one look: the programme's name in the subject, an HTML
body (templates/email/base.html, inline styles only, no remote images) with a plain-text
alternative (templates/email/base.txt), the person's name, what to do next, and every link
on the site's public address (PUBLIC_BASE_URL).

Each email is a pair of templates, ``<name>.txt`` and ``<name>.html``, extending those bases.
Our own emails are rendered and sent inside a django-tasks task (``email_send``); allauth's
are rendered in the request by ``accounts.adapters.AccountAdapter`` and handed to the
worker by ``email_send_later``.
"""

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def public_url(url: str) -> str:
    """``url`` (absolute or a path) on the site's public address."""
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{settings.PUBLIC_BASE_URL}{parts.path}{query}"


def programme_name() -> str:
    return settings.WAGTAIL_SITE_NAME


def email_subject(subject: str) -> str:
    """Every subject starts with the programme's name, so people know who writes to them."""
    return f"{programme_name()}: {subject}"


def email_context(context: dict, *, subject: str = "") -> dict:
    """What both bases need: the programme, the site's address and the subject (the HTML title)."""
    return {
        "programme": programme_name(),
        "home_url": public_url("/"),
        "account_url": public_url("/account/"),
        "subject": subject,
        **context,
    }


def tidy_text(body: str) -> str:
    """Template tags leave runs of blank lines in a plain-text body; keep at most one."""
    return re.sub(r"\n[ \t]*(\n[ \t]*)+\n", "\n\n", body).strip() + "\n"


def email_message(
    *,
    template: str,
    to: str,
    subject: str,
    context: dict,
    attachments: Iterable[tuple[str, str, str]] = (),
) -> EmailMultiAlternatives:
    """``template``.txt and ``template``.html rendered with ``context``, as one message to
    ``to``; ``attachments``: (filename, content, mimetype)."""
    context = email_context(context, subject=subject)
    message = EmailMultiAlternatives(
        email_subject(subject), tidy_text(render_to_string(f"{template}.txt", context)), to=[to]
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message


def email_send(**kwargs) -> None:
    """Render and send one email now (from a task); the arguments are ``email_message``'s."""
    email_message(**kwargs).send()


def email_send_later(message: EmailMultiAlternatives) -> None:
    """Hand a message rendered in a request (allauth's) to the task worker.

    The message, with its one-time link, waits in the task's database row until it is sent;
    ``manage.py prune_db_task_results`` (django-tasks-db) removes finished rows."""
    from accounts.tasks import email_deliver

    email_deliver.enqueue(
        subject=message.subject,
        body=message.body,
        alternatives=[list(pair) for pair in getattr(message, "alternatives", [])],
        from_email=message.from_email,
        to=list(message.to),
    )
