"""The request's Wagtail site from the course content cache.

Wagtail finds the site for a request's host with a query whenever something asks (page
routing, site settings, the footer's links), which is every page. Sites and their root
pages change a few times a year, and any page or site saved, deleted or moved renews the
course content cache (``courses.apps``), so each host and port is looked up once per
content version.
"""

import hashlib

from django.http import HttpRequest
from wagtail.models import Site

from courses.content_cache import course_content


class CachedSiteMiddleware:
    """Sets ``request._wagtail_site``, where ``Site.find_for_request`` looks first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        # After CommonMiddleware, so the host has passed ALLOWED_HOSTS: no key for any
        # other name, and a short one whatever the header holds.
        host = f"{request.get_host()}|{request.get_port()}".lower()
        name = "site:" + hashlib.blake2b(host.encode(), digest_size=12).hexdigest()
        request._wagtail_site = course_content.get_or_compute(
            name, lambda: Site._find_for_request(request)
        )
        return self.get_response(request)
