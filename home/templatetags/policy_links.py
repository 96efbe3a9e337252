from django import template

from home.policies import policy_links as cached_policy_links

register = template.Library()


@register.simple_tag
def policy_links() -> dict:
    """``{% policy_links as links %}``: ``links.privacy.url``, ``links.terms.title``… and
    ``links.all`` for the footer (only the published pages)."""
    links = cached_policy_links()
    return {"all": links, **{link.kind: link for link in links}}
