from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class HomePage(Page):
    """The site's front page: what the training is and where to start."""

    intro = RichTextField(blank=True, help_text="A short welcome shown under the title.")

    search_fields = Page.search_fields + [index.SearchField("intro")]

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CourseIndexPage", "courses.FootstepLibraryPage"]
    max_count = 1


class CacheEpoch(models.Model):
    """One row: the number every cache key carries (``home.cache``). Bumped when Redis fails
    and when it comes back, so entries from before an outage are never read after it."""

    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="one_cache_epoch")]

    def __str__(self):
        return f"Cache epoch {self.value}"
