"""StreamField blocks of a footstep module: their templates and their admin previews."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.exceptions import EmbedNotFoundException
from wagtail.embeds.models import Embed

from courses.blocks import (
    LivedExperienceQuoteBlock,
    PatientDocumentBlock,
    PatientLinkBlock,
    PatientResourcesBlock,
    VideoBlock,
)
from courses.models import Footstep, FootstepModulePage
from tests import factories

pytestmark = pytest.mark.django_db

VIDEO_URL = "https://www.youtube.com/watch?v=C_3phB93rvI"


def cache_embed(url: str) -> None:
    """Store an oEmbed answer so rendering never goes to the network."""
    Embed.objects.create(
        url=url,
        hash=get_embed_hash(url),
        type="video",
        html='<iframe src="https://www.youtube-nocookie.com/embed/C_3phB93rvI" '
        'title="Understanding pain"></iframe>',
        title="Understanding pain",
    )


def render(block, value: dict) -> str:
    return block.render(block.to_python(value))


def make_document(title="Pacing diary"):
    document = get_document_model()(
        title=title, file=ContentFile(b"%PDF-1.4 test", name="pacing-diary.pdf"), file_size=13
    )
    document.save()
    return document


def test_quote_renders_as_a_blockquote_with_its_attribution():
    html = render(
        LivedExperienceQuoteBlock(), {"quote": "Bit by bit.", "attribution": "Patient partner"}
    )
    assert '<blockquote class="lived-experience">' in html
    assert "Bit by bit." in html and "Patient partner" in html


def test_video_has_a_responsive_player_a_link_and_a_transcript_in_details():
    cache_embed(VIDEO_URL)
    html = render(
        VideoBlock(),
        {"video": VIDEO_URL, "caption": "Understanding pain", "transcript": "Pain is a signal."},
    )
    assert '<div class="video__player">' in html and "<iframe" in html
    assert f'href="{VIDEO_URL}" rel="noopener"' in html
    assert "<details" in html and "<summary>Transcript" in html and "Pain is a signal." in html


def test_video_without_an_embed_still_offers_the_link_and_transcript(monkeypatch):
    def unavailable(*args, **kwargs):
        raise EmbedNotFoundException

    monkeypatch.setattr("wagtail.embeds.embeds.get_finder_for_embed", unavailable)
    html = render(VideoBlock(), {"video": VIDEO_URL, "caption": "", "transcript": "Words."})
    assert "video__player" not in html
    assert f'href="{VIDEO_URL}"' in html and "Words." in html


def test_patient_document_links_to_the_wagtail_document_url():
    document = make_document()
    html = render(PatientDocumentBlock(), {"document": document.pk, "title": "", "description": ""})
    assert f'href="{document.url}"' in html
    assert document.url == reverse("wagtaildocs_serve", args=[document.pk, document.filename])
    assert "Pacing diary" in html and "PDF" in html


def test_patient_link_opens_safely():
    html = render(
        PatientLinkBlock(),
        {"url": "https://www.paintoolkit.org/", "title": "Pain Toolkit", "description": "Tips"},
    )
    assert '<a class="resource__title" href="https://www.paintoolkit.org/" rel="noopener">' in html


def test_resources_block_lists_documents_and_links():
    document = make_document()
    html = render(
        PatientResourcesBlock(),
        {
            "heading": "Resources to share",
            "items": [
                {"type": "document", "value": {"document": document.pk, "title": "Diary"}},
                {"type": "link", "value": {"url": "https://example.org/", "title": "Example"}},
            ],
        },
    )
    assert "<h2" in html and "Resources to share" in html
    assert html.count("<li>") == 2 and "Diary" in html and "Example" in html


def test_module_page_renders_its_body(client):
    document = make_document()
    module = factories.make_module(
        Footstep.objects.get(number=3),
        body=[
            ("heading", "Boom and bust"),
            ("quote", {"quote": "Twenty minutes, then tea.", "attribution": ""}),
            (
                "resources",
                {
                    "heading": "Resources",
                    "items": [("document", {"document": document, "title": "", "description": ""})],
                },
            ),
        ],
    )
    html = client.get(module.url).content.decode()
    assert "Boom and bust" in html and "Twenty minutes, then tea." in html
    assert document.url in html


@pytest.mark.parametrize("name", ["heading", "paragraph", "quote", "video", "resources"])
def test_every_module_block_has_a_working_preview(client, name):
    cache_embed(VIDEO_URL)
    make_document()
    client.force_login(factories.UserFactory(is_superuser=True, is_staff=True))
    stream_block = FootstepModulePage._meta.get_field("body").stream_block
    block = stream_block.child_blocks[name]
    assert block.is_previewable
    response = client.get(reverse("wagtailadmin_block_preview"), {"id": block.definition_prefix})
    assert response.status_code == 200
    html = response.content.decode()
    assert "css/site.css" in html
    assert f"block-{name}" in html


def test_document_block_preview_shows_the_newest_document(client):
    make_document("Older")
    make_document("Setback plan")
    block = PatientResourcesBlock().child_blocks["items"].child_blocks["document"]
    assert block.get_preview_value()["document"].title == "Setback plan"
    client.force_login(factories.UserFactory(is_superuser=True, is_staff=True))
    response = client.get(reverse("wagtailadmin_block_preview"), {"id": block.definition_prefix})
    assert "Setback plan" in response.content.decode()
