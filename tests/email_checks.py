"""What every email of ours must be (accounts.emails): checked on a message in the outbox."""

import re

from django.conf import settings
from django.utils.html import escape

PROGRAMME = "Ten Footsteps"


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def links(message) -> list[str]:
    """Every address in the plain text and every href in the HTML."""
    return re.findall(r"https?://[^\s<>\"]+", message.body) + re.findall(
        r'href="([^"]+)"', html_of(message)
    )


def assert_ours(message, *, name: str = "", external: tuple[str, ...] = ()) -> str:
    """Our subject, an HTML alternative fit for email clients, the person's name, and links
    only to the public address (or to ``external`` ones, such as a joining link). Returns
    the HTML."""
    assert message.subject.startswith(f"{PROGRAMME}: "), message.subject
    assert "[" not in message.subject and "127.0.0.1" not in message.subject
    html = html_of(message)
    assert '<html lang="en-GB">' in html and "<title>" in html and "<h1" in html
    # Inline styles only, nothing fetched from elsewhere.
    assert "<style" not in html and "<link" not in html and "<img" not in html
    assert "<" not in message.body, "the plain-text body has HTML in it"
    if name:
        assert f"Dear {name}," in message.body and f"Dear {escape(name)}," in html
    found = links(message)
    assert found
    for link in found:
        assert link.startswith(settings.PUBLIC_BASE_URL) or link in external, link
    return html
