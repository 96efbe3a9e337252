"""StreamField blocks a trainer uses to author a footstep module."""

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock


class LivedExperienceQuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(help_text="In the person's own words.")
    attribution = blocks.CharBlock(
        required=False, help_text="e.g. 'Patient partner, living with back pain'."
    )

    class Meta:
        icon = "openquote"
        template = "blocks/lived_experience_quote.html"
        preview_value = {
            "quote": "Pacing let me do the things I love again, a bit at a time.",
            "attribution": "Patient partner, living with fibromyalgia",
        }


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(help_text="A YouTube or Vimeo address.")
    caption = blocks.CharBlock(required=False)
    transcript = blocks.TextBlock(
        required=False, help_text="A transcript makes the video accessible and searchable."
    )

    class Meta:
        icon = "media"
        template = "blocks/video.html"


class PatientDocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    title = blocks.CharBlock(required=False, help_text="Defaults to the document's title.")
    description = blocks.TextBlock(required=False, help_text="What it is for and who it suits.")

    class Meta:
        icon = "doc-full"
        template = "blocks/patient_document.html"


class PatientLinkBlock(blocks.StructBlock):
    url = blocks.URLBlock()
    title = blocks.CharBlock()
    description = blocks.TextBlock(required=False)

    class Meta:
        icon = "link"
        template = "blocks/patient_link.html"
        preview_value = {
            "url": "https://www.nhs.uk/live-well/healthy-body/ways-to-manage-chronic-pain/",
            "title": "NHS: ways to manage chronic pain",
            "description": "Ten practical tips to share with patients.",
        }


class PatientResourcesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(default="Resources to share with patients")
    items = blocks.StreamBlock(
        [("document", PatientDocumentBlock()), ("link", PatientLinkBlock())], min_num=1
    )

    class Meta:
        icon = "folder-open-inverse"
        template = "blocks/patient_resources.html"


class ModuleBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(form_classname="title", icon="title", template="blocks/heading.html")
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "ol", "ul", "link", "document-link", "h3", "h4"],
        icon="pilcrow",
    )
    quote = LivedExperienceQuoteBlock()
    video = VideoBlock()
    resources = PatientResourcesBlock()
