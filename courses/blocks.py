"""StreamField blocks a trainer uses to author a footstep module."""

from wagtail import blocks
from wagtail.documents import get_document_model
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock

NHS_PAIN_LINK = {
    "url": "https://www.nhs.uk/live-well/healthy-body/ways-to-manage-chronic-pain/",
    "title": "NHS: ways to manage chronic pain",
    "description": "Ten practical tips to share with patients.",
}


class LivedExperienceQuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(help_text="In the person's own words.")
    attribution = blocks.CharBlock(
        required=False, help_text="e.g. 'Patient partner, living with back pain'."
    )

    class Meta:
        icon = "openquote"
        template = "blocks/lived_experience_quote.html"
        description = "A short quote from someone living with persistent pain."
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
        description = "An embedded video with its transcript."
        preview_value = {
            "video": "https://www.youtube.com/watch?v=C_3phB93rvI",
            "caption": "Understanding pain in less than five minutes",
            "transcript": "Pain is produced by the brain to protect us. In persistent pain the "
            "alarm system stays switched on even after the tissues have healed.",
        }


class PatientDocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    title = blocks.CharBlock(required=False, help_text="Defaults to the document's title.")
    description = blocks.TextBlock(required=False, help_text="What it is for and who it suits.")

    class Meta:
        icon = "doc-full"
        template = "blocks/patient_document.html"
        description = "A leaflet or worksheet from the document library."

    def get_preview_value(self):
        # A chooser value cannot be written down in advance: preview the newest document.
        document = get_document_model().objects.order_by("-created_at").first()
        return self.normalize(
            {
                "document": document,
                "description": "A one-page worksheet to fill in with the person you support.",
            }
        )


class PatientLinkBlock(blocks.StructBlock):
    url = blocks.URLBlock()
    title = blocks.CharBlock()
    description = blocks.TextBlock(required=False)

    class Meta:
        icon = "link"
        template = "blocks/patient_link.html"
        description = "A trustworthy website to share with patients."
        preview_value = NHS_PAIN_LINK


class PatientResourcesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(default="Resources to share with patients")
    items = blocks.StreamBlock(
        [("document", PatientDocumentBlock()), ("link", PatientLinkBlock())], min_num=1
    )

    class Meta:
        icon = "folder-open-inverse"
        template = "blocks/patient_resources.html"
        description = "Documents and links trainees can hand to patients."
        preview_value = {
            "heading": "Resources to share with patients",
            "items": [
                {"type": "link", "value": NHS_PAIN_LINK},
                {
                    "type": "link",
                    "value": {
                        "url": "https://www.paintoolkit.org/",
                        "title": "The Pain Toolkit",
                        "description": "Short, practical self-management tips.",
                    },
                },
            ],
        }


class ModuleBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        form_classname="title",
        icon="title",
        template="blocks/heading.html",
        preview_value="What pacing means day to day",
        description="A section heading.",
    )
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "ol", "ul", "link", "document-link", "h3", "h4"],
        icon="pilcrow",
        preview_value="<p>Pacing means spreading activity across the day, with planned "
        "breaks, <b>before</b> pain forces a stop.</p>",
        description="Text with headings, lists and links.",
    )
    quote = LivedExperienceQuoteBlock()
    video = VideoBlock()
    resources = PatientResourcesBlock()
