"""Background tasks of the accounts app: delivering emails rendered in a request."""

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def email_deliver(
    *, subject: str, body: str, alternatives: list, from_email: str, to: list[str]
) -> bool:
    """Send an email rendered earlier (allauth's verification and password emails), so a slow
    or unreachable mail server never holds up the page that asked for it."""
    message = EmailMultiAlternatives(subject, body, from_email, to)
    for content, mimetype in alternatives:
        message.attach_alternative(content, mimetype)
    message.send()
    return True
