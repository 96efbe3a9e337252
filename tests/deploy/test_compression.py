"""nginx (deploy/nginx.conf) compresses pages and static text, but not the account pages."""

import gzip
import http.client
import ssl

from tests.deploy.stack import Stack


def fetch(stack: Stack, path: str) -> tuple[int, http.client.HTTPMessage, bytes]:
    """(status, headers, raw body) of a GET that accepts gzip, the body as sent."""
    tls = ssl.create_default_context()
    tls.check_hostname = False
    tls.verify_mode = ssl.CERT_NONE  # the stack's throwaway certificate
    connection = http.client.HTTPSConnection(stack.host, stack.port, timeout=30, context=tls)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def test_a_page_and_a_static_script_come_back_gzipped(stack):
    script = stack.shell(
        "from django.templatetags.static import static\nprint(static('js/charts.js'))"
    )
    for path, kind in (("/", "text/html"), (script, "javascript")):
        status, headers, body = fetch(stack, path)
        assert status == 200, path
        assert kind in headers["Content-Type"], headers["Content-Type"]
        assert headers["Content-Encoding"] == "gzip", path
        assert "Accept-Encoding" in headers["Vary"]
        assert len(gzip.decompress(body)) > len(body)


def test_account_pages_are_not_compressed(stack):
    """They show secrets (an authenticator's key, recovery codes) next to what people type."""
    status, headers, body = fetch(stack, "/accounts/login/")
    assert status == 200
    assert "Content-Encoding" not in headers
    assert b"<form" in body
