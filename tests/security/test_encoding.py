"""Text that is not UTF-8 is refused with a message, never stored as replacement characters."""

import pytest
from django.contrib.auth import get_user_model

from tests import factories

pytestmark = pytest.mark.django_db

SIGN_UP = (
    b"email=new%40example.org&password1=" + factories.PASSWORD.encode()
    + b"&password2=" + factories.PASSWORD.encode() + b"&last_name=Jones"
)  # fmt: skip


def multipart(fields: dict[str, bytes]) -> bytes:
    parts = [
        b'--B\r\nContent-Disposition: form-data; name="' + name.encode() + b'"\r\n\r\n' + value
        for name, value in fields.items()
    ]
    return b"\r\n".join(parts) + b"\r\n--B--\r\n"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", SIGN_UP + b"&first_name=Ren%E9e"),  # Latin-1 é
        (
            "multipart/form-data; boundary=B",
            multipart(
                {
                    "email": b"new@example.org",
                    "password1": factories.PASSWORD.encode(),
                    "password2": factories.PASSWORD.encode(),
                    "first_name": b"Ren\xe9e",
                    "last_name": b"Jones",
                }
            ),
        ),
    ],
)
def test_a_sign_up_with_text_that_is_not_utf8_is_refused_and_nothing_saved(
    client, content_type, body
):
    response = client.generic("POST", "/accounts/signup/", body, content_type=content_type)
    assert response.status_code == 400
    assert "We could not read what you sent" in response.content.decode()
    assert not get_user_model().objects.filter(email="new@example.org").exists()


def test_the_same_sign_up_in_utf8_goes_through(client):
    body = SIGN_UP + b"&first_name=Ren%C3%A9e"
    response = client.generic(
        "POST", "/accounts/signup/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 302
    assert get_user_model().objects.get(email="new@example.org").first_name == "Renée"


def test_a_query_string_that_is_not_utf8_is_refused(client):
    assert client.get("/certificates/verify/?code=%FF").status_code == 400
