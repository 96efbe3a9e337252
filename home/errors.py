"""The 500 handler: a database that is briefly away is a 503 "try again", not an apology.

Django calls ``handler500`` inside the ``except`` block of the failed request, so the error
is at hand. While PostgreSQL restarts, requests fail with ``OperationalError`` or
``InterfaceError``; connections recover by themselves (``CONN_HEALTH_CHECKS``), so the
person only needs to try again. The page is rendered without the request, like Django's own
500 page, because its context processors would need the database.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error as django_server_error

RETRY_AFTER_SECONDS = 10


@requires_csrf_token
def server_error(request):
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return django_server_error(request)
