from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

POLICY_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class HomePage(Page):
    """The site's front page: what the training is and where to start."""

    intro = RichTextField(blank=True, help_text="A short welcome shown under the title.")

    search_fields = Page.search_fields + [index.SearchField("intro")]

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CourseIndexPage", "courses.FootstepLibraryPage", "home.PolicyPage"]
    max_count = 1


class PolicyPage(Page):
    """A page the site must publish: the privacy notice, accessibility statement or terms.

    Its ``kind`` says which one, so the footer and the sign-up form can link to it by
    whatever title and address the editors give it (``home.policies``).
    """

    class Kind(models.TextChoices):
        PRIVACY = "privacy", "Privacy notice"
        ACCESSIBILITY = "accessibility", "Accessibility statement"
        TERMS = "terms", "Terms of use"

    kind = models.CharField(
        max_length=20,
        choices=Kind,
        blank=True,
        help_text="Which of the site's policies this page is: the footer of every page links "
        "to it. Leave blank for any other page.",
    )
    body = RichTextField(features=POLICY_FEATURES)
    last_reviewed = models.DateField(
        null=True, blank=True, help_text="Shown on the page: when its content was last checked."
    )

    search_fields = Page.search_fields + [index.SearchField("body")]

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldPanel("body"),
        FieldPanel("last_reviewed"),
    ]

    # A copy is a draft of another page, never a second privacy notice.
    exclude_fields_in_copy = ["kind"]

    parent_page_types = ["home.HomePage"]
    subpage_types = []

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=~models.Q(kind=""),
                name="one_policy_page_per_kind",
                violation_error_message="Another page is already this policy; each has one page.",
            )
        ]


@register_setting(icon="cog")
class ProgrammeSettings(BaseSiteSetting):
    """Who runs the programme on this site: printed on certificates and the policy pages."""

    organisation_name = models.CharField(
        max_length=200,
        default="The Ten Footsteps programme",
        help_text="The organisation that runs the training and holds its records, as printed "
        "on certificates and the privacy notice.",
    )
    contact_email = models.EmailField(
        blank=True,
        help_text="Where trainees write about their data, accessibility or the terms; shown "
        "on the policy pages.",
    )

    panels = [FieldPanel("organisation_name"), FieldPanel("contact_email")]

    class Meta:
        verbose_name = "programme settings"


class CacheEpoch(models.Model):
    """One row: the number every cache key carries (``home.cache``). Bumped when Redis fails
    and when it comes back, so entries from before an outage are never read after it."""

    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="one_cache_epoch")]

    def __str__(self):
        return f"Cache epoch {self.value}"
