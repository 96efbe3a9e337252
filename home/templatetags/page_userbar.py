"""Wagtail's userbar where it helps: on a page of the page tree, for someone who may edit it.

``{% wagtailuserbar %}`` renders for anyone with admin access on every view, so the
evaluator's dashboard and the other views that are not pages carried 13–15 KB of markup and
two admin scripts that offer nothing there.
"""

from django import template
from wagtail.admin.templatetags.wagtailuserbar import get_page_instance, wagtailuserbar
from wagtail.models import Page

register = template.Library()


@register.simple_tag(takes_context=True)
def page_userbar(context) -> str:
    page = get_page_instance(context)
    request = context.get("request")
    if not isinstance(page, Page) or request is None:
        return ""
    user = request.user
    if not user.has_perm("wagtailadmin.access_admin"):
        return ""  # trainees and visitors: no query for page permissions
    if not page.permissions_for_user(user).can_edit():
        return ""
    return wagtailuserbar(context)
