"""Uploaded documents: type and size limits; served as downloads, never as HTML or SVG inline."""

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from wagtail.documents.models import Document
from wagtail.models import Collection

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(client, name: str, content: bytes, content_type: str):
    return client.post(
        "/admin/documents/add/",
        {
            "title": name,
            "file": SimpleUploadedFile(name, content, content_type=content_type),
            "collection": Collection.get_first_root_node().pk,
        },
    )


def test_limits_are_configured():
    assert settings.WAGTAILDOCS_MAX_UPLOAD_SIZE == 10 * 1024 * 1024
    assert settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"
    assert settings.WAGTAILDOCS_INLINE_CONTENT_TYPES == ["application/pdf"]
    assert not {"html", "htm", "svg", "js", "xml"} & set(settings.WAGTAILDOCS_EXTENSIONS)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("page.html", b"<script>alert(1)</script>", "text/html"),
        ("drawing.svg", b"<svg onload='alert(1)'/>", "image/svg+xml"),
        ("page.htm", b"<script>alert(1)</script>", "text/html"),
        ("tool.js", b"alert(1)", "text/javascript"),
    ],
)
def test_html_svg_and_scripts_are_refused(client, superuser, name, content, content_type):
    client.force_login(superuser)
    response = upload(client, name, content, content_type)
    assert response.status_code == 200
    assert "extension" in str(response.context["form"].errors["file"])
    assert not Document.objects.exists()


@override_settings(WAGTAILDOCS_MAX_UPLOAD_SIZE=1024)
def test_too_large_files_are_refused(client, superuser):
    client.force_login(superuser)
    response = upload(client, "big.pdf", PDF + b"0" * 2048, "application/pdf")
    assert response.status_code == 200
    assert "too big" in str(response.context["form"].errors["file"])
    assert not Document.objects.exists()


def test_a_pdf_within_limits_is_accepted(client, superuser):
    client.force_login(superuser)
    response = upload(client, "leaflet.pdf", PDF, "application/pdf")
    assert response.status_code == 302
    assert Document.objects.get().uploaded_by_user == superuser


@pytest.fixture
def disk_storage(settings, tmp_path):
    """Documents are served from disk (sendfile), so these tests store them on disk."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


def stored(name: str, content: bytes) -> Document:
    document = Document(title=name)
    document.file.save(name, ContentFile(content), save=False)
    document._set_document_file_metadata()
    document.save()
    return document


def test_a_served_pdf_says_how_to_show_it(client, db, disk_storage):
    document = stored("leaflet.pdf", PDF)
    response = client.get(document.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename=")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_other_documents_are_downloaded_not_shown(client, db, disk_storage):
    document = stored("notes.txt", b"<script>alert(1)</script>")
    response = client.get(document.url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"
