"""The curriculum (footsteps), the course's page tree, enrolment and attendance."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.forms import BaseChildFormSet
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from accounts.roles import is_trainer
from courses import waves
from courses.blocks import ModuleBodyBlock
from courses.content_cache import course_content

MANDATORY_WORKSHOPS = 2


class Footstep(models.Model):
    """One of the ten footsteps; seeded by a migration, referenced by modules and statements."""

    number = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=100)
    short_title = models.CharField(
        max_length=20,
        help_text="The footstep's name where its title does not fit: a chart's axis on a phone.",
    )
    description = models.TextField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=10), name="footstep_number_1_to_10"
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class CourseIndexPage(Page):
    """Lists the course runs a trainee can join."""

    intro = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["courses.CourseRunPage"]
    max_count = 1

    def runs(self) -> list["CourseRunPage"]:
        """Published runs under this index, newest first, each with ``first_workshop_at``."""
        return list(
            CourseRunPage.with_first_workshop(CourseRunPage.objects.child_of(self).live()).order_by(
                "-enrolment_open", "-starts_on", "-first_workshop_at", "title"
            )
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["runs"] = self.runs()
        return context


class FollowUpWaveFormSet(BaseChildFormSet):
    """The schedule's rows; the same month twice is refused in words a trainer uses (the
    formset checks it before the page form's ``clean`` runs)."""

    def get_unique_error_message(self, unique_check):
        return "Each follow-up questionnaire needs a different month."

    def get_form_error(self):
        return "Another follow-up questionnaire has this month."


class FollowUpWavesPanel(InlinePanel):
    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["formset"] = FollowUpWaveFormSet
        return options


class CourseRunPageForm(WagtailAdminPageForm):
    """Refuses a schedule change that would leave answered questionnaires without their wave."""

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("follow_up_waves")
        if formset is None or self.instance.pk is None or not formset.is_valid():
            return cleaned
        kept = {
            form.cleaned_data["months"]
            for form in formset.forms
            if form.cleaned_data.get("months") and form not in formset.deleted_forms
        }
        if not kept:
            self.add_error(None, "A course run needs at least one follow-up questionnaire.")
        answered = self.instance.answered_follow_up_months()
        for months in sorted(answered.keys() - kept):
            self.add_error(
                None,
                f"The {waves.Wave(months).title} already has {answered[months]} "
                f"response{'s' if answered[months] > 1 else ''}, so it cannot be removed "
                "or moved; its answers are kept.",
            )
        return cleaned


class CourseRunPage(Page):
    """One run of the course: two mandatory workshops and optional Q&A sessions."""

    network = models.CharField(
        "clinical network or area", max_length=200, help_text="e.g. 'Bristol PCN'."
    )
    intro = RichTextField(blank=True)
    enrolment_open = models.BooleanField(default=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    baseline_closes_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Leave blank to close the baseline questionnaire when the first mandatory "
        "workshop starts; set a later time to extend it.",
    )
    follow_up_window_days = models.PositiveSmallIntegerField(
        default=28,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="How long each follow-up questionnaire stays open once it is due.",
    )

    search_fields = Page.search_fields + [index.SearchField("network"), index.SearchField("intro")]

    content_panels = Page.content_panels + [
        FieldPanel("network"),
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("enrolment_open"),
                FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
            ],
            heading="Enrolment and dates",
        ),
        MultiFieldPanel(
            [
                FieldPanel("baseline_closes_at"),
                FieldPanel("follow_up_window_days"),
                FollowUpWavesPanel(
                    "follow_up_waves",
                    label="Follow-up questionnaire",
                    help_text="Each opens N whole months after the last mandatory workshop. "
                    f"A new run without any gets one at {waves.DEFAULT_FOLLOW_UP_MONTHS} months.",
                ),
            ],
            heading="Questionnaires",
        ),
    ]
    base_form_class = CourseRunPageForm

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.WorkshopPage", "courses.QASessionPage"]

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The course run cannot end before it starts."})

    def save(self, *args, **kwargs):
        if self._state.adding and not self.follow_up_waves.all():
            self.follow_up_waves = [FollowUpWave(months=waves.DEFAULT_FOLLOW_UP_MONTHS)]
        return super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.live and self.enrolment_open

    @property
    def schedule(self) -> list[waves.Wave]:
        """The questionnaire schedule in time order: the baseline, then each follow-up."""
        months = sorted({row.months for row in self.follow_up_waves.all()})
        return [waves.BASELINE, *(waves.Wave(m) for m in months)]

    @property
    def follow_ups(self) -> list[waves.Wave]:
        return self.schedule[1:]

    def answered_follow_up_months(self) -> dict[int, int]:
        """Months of the follow-up waves with responses on this run -> how many."""
        rows = (
            self.participants.filter(responses__isnull=False)
            .values_list("responses__wave")
            .annotate(n=models.Count("responses"))
            .order_by()
        )
        answered = ((waves.Wave.parse(name), n) for name, n in rows)
        return {wave.months: n for wave, n in answered if not wave.is_baseline}

    @staticmethod
    def with_first_workshop(runs: QuerySet["CourseRunPage"]) -> QuerySet["CourseRunPage"]:
        """Annotate ``first_workshop_at``: run lists show it when a run has no dates set."""
        first_workshop = (
            WorkshopPage.objects.live()
            .filter(path__startswith=OuterRef("path"), depth=OuterRef("depth") + 1)
            .order_by("starts_at")
            .values("starts_at")[:1]
        )
        return runs.annotate(first_workshop_at=Subquery(first_workshop))

    def sessions(self, *, live_only: bool = True) -> list["SessionPage"]:
        """The run's sessions as their specific types (WorkshopPage / QASessionPage), by start."""

        def in_order(queryset: QuerySet[SessionPage]) -> list[SessionPage]:
            return list(queryset.order_by("starts_at", "path").specific())

        every = SessionPage.objects.child_of(self)
        if not live_only:
            return in_order(every)
        return course_content.get_or_compute(
            f"run:{self.pk}:sessions", lambda: in_order(every.live())
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        user = request.user
        context["sessions"] = sessions = self.sessions()
        # The dates line falls back to the first workshop, as in the lists of runs.
        self.first_workshop_at = next((s.starts_at for s in sessions if s.is_mandatory), None)
        context["enrolment"] = (
            Enrolment.objects.filter(user=user, course_run=self).first()
            if user.is_authenticated
            else None
        )
        return context


class FollowUpWave(Orderable):
    """One follow-up questionnaire of a run's schedule, N whole months after its workshops."""

    page = ParentalKey(CourseRunPage, on_delete=models.CASCADE, related_name="follow_up_waves")
    months = models.PositiveSmallIntegerField(
        "months after the last mandatory workshop",
        default=waves.DEFAULT_FOLLOW_UP_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(waves.MONTHS_MAX)],
    )

    panels = [FieldPanel("months")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["page", "months"], name="one_follow_up_per_month"),
            models.CheckConstraint(
                condition=models.Q(months__gte=1, months__lte=waves.MONTHS_MAX),
                name="follow_up_months_1_to_60",
            ),
        ]

    def __str__(self):
        return waves.Wave(self.months).title


class SessionPage(Page):
    """A live online session of a course run; concrete so attendance can point at it."""

    starts_at = models.DateTimeField(help_text="Date and time the session starts (UK time).")
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(15), MaxValueValidator(12 * 60)]
    )
    joining_url = models.URLField("online joining link", blank=True)
    agenda = RichTextField(blank=True)
    footsteps = ParentalManyToManyField(Footstep, blank=True, related_name="sessions")

    is_mandatory = False
    is_creatable = False

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("duration_minutes")]),
        FieldPanel("joining_url"),
        FieldPanel("agenda"),
        FieldPanel("footsteps", widget=forms.CheckboxSelectMultiple),
    ]

    parent_page_types = ["courses.CourseRunPage"]
    subpage_types = []

    class Meta:
        ordering = ["starts_at"]

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def duration_display(self) -> str:
        hours, minutes = divmod(self.duration_minutes, 60)
        parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
        if minutes:
            parts.append(f"{minutes} minutes")
        return " ".join(parts)

    @property
    def kind(self) -> str:
        return "Mandatory workshop" if self.is_mandatory else "Optional Q&A session"

    @property
    def run_path(self) -> str:
        """The tree path of the course run this session belongs to (its parent), without a
        query: lists of sessions are grouped by it and registers filtered on it."""
        return self.path[: -self.steplen]

    def can_join(self, user) -> bool:
        """The joining link is for trainers and trainees enrolled on this session's run."""
        if not user.is_authenticated:
            return False
        if is_trainer(user):
            return True
        return Enrolment.objects.filter(user=user, course_run__path=self.run_path).exists()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["run"] = self.get_parent().specific
        context["can_join"] = self.can_join(request.user)
        context["covered_footsteps"] = list(
            self.footsteps.select_related("module").order_by("number")
        )
        return context


class WorkshopPage(SessionPage):
    """One of the two mandatory 4-hour workshops."""

    is_mandatory = True
    is_creatable = True
    max_count_per_parent = MANDATORY_WORKSHOPS

    parent_page_types = ["courses.CourseRunPage"]
    subpage_types = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.duration_minutes is None:
            self.duration_minutes = 240


class QASessionPage(SessionPage):
    """An optional 2-hour question-and-answer session."""

    is_creatable = True

    parent_page_types = ["courses.CourseRunPage"]
    subpage_types = []

    class Meta:
        verbose_name = "Q&A session page"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.duration_minutes is None:
            self.duration_minutes = 120


class FootstepLibraryPage(Page):
    """The ten footstep modules, in order."""

    intro = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["courses.FootstepModulePage"]
    max_count = 1

    def modules(self) -> list["FootstepModulePage"]:
        """This library's published modules in footstep order."""
        return [
            module
            for module in FootstepModulePage.published()
            if module.depth == self.depth + 1 and module.path.startswith(self.path)
        ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["modules"] = self.modules()
        return context


class FootstepModulePage(Page):
    """Teaching material for one footstep, with resources trainees can hand to patients."""

    footstep = models.OneToOneField(Footstep, on_delete=models.PROTECT, related_name="module")
    summary = models.TextField(help_text="One or two sentences shown in lists.")
    body = StreamField(ModuleBodyBlock(), blank=True)

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]

    content_panels = Page.content_panels + [
        FieldPanel("footstep"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]

    parent_page_types = ["courses.FootstepLibraryPage"]
    subpage_types = []

    @classmethod
    def published(cls) -> list["FootstepModulePage"]:
        """Every published module, of any library, in footstep order."""
        return course_content.get_or_compute(
            "modules",
            lambda: list(
                cls.objects.live().select_related("footstep").order_by("footstep__number", "path")
            ),
        )

    def library(self) -> FootstepLibraryPage:
        """The library this module is in (its parent), for the breadcrumb and the pager."""
        return course_content.get_or_compute(
            f"parent:{self.pk}", lambda: self.get_parent().specific
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The template caches the rendered module under this version (pager and breadcrumb
        # show other pages, so the page's own cache key is not enough).
        context["content_version"] = course_content.version()
        library = self.library()
        modules = library.modules()
        ids = [m.pk for m in modules]
        here = ids.index(self.pk) if self.pk in ids else None
        context["library"] = library
        context["previous_module"] = modules[here - 1] if here else None
        context["next_module"] = (
            modules[here + 1] if here is not None and here + 1 < len(modules) else None
        )
        # The trainee's own mark, outside the cached content.
        context["module_done"] = (
            request.user.is_authenticated and self.completions.filter(user=request.user).exists()
        )
        return context


class Enrolment(models.Model):
    """A trainee's place on a course run."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    # PROTECT: a run with trainees is unpublished, never deleted (home.deletion).
    course_run = models.ForeignKey(
        CourseRunPage, on_delete=models.PROTECT, related_name="enrolments"
    )
    enrolled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["enrolled_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course_run"], name="one_enrolment_per_run")
        ]
        permissions = [("take_attendance", "Can take attendance at course sessions")]

    def __str__(self):
        return f"{self.user} on {self.course_run}"


class Attendance(models.Model):
    """A record that an enrolled trainee attended a session; no row means absent."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendances")
    # PROTECT: deleting a session page must not delete its register (home.deletion).
    session = models.ForeignKey(SessionPage, on_delete=models.PROTECT, related_name="attendances")
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "attendance record"
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "session"], name="one_attendance_per_session"
            )
        ]

    def __str__(self):
        return f"{self.enrolment} attended {self.session}"

    def clean(self):
        # A tree-path comparison: no query per row when a register is saved.
        if not self.session.is_child_of(self.enrolment.course_run):
            raise ValidationError(
                "This trainee is not enrolled on the run this session belongs to."
            )


class ModuleCompletion(models.Model):
    """A trainee marked a footstep module as done (their own note; no row means not done)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="module_completions"
    )
    module = models.ForeignKey(
        FootstepModulePage, on_delete=models.CASCADE, related_name="completions"
    )
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "module"], name="one_completion_per_module")
        ]

    def __str__(self):
        return f"{self.user} finished {self.module}"
