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
from wagtail.models import Orderable, Page, PagePermissionTester
from wagtail.search import index

from accounts.roles import is_trainer
from courses import waves
from courses.blocks import ModuleBodyBlock
from courses.content_cache import course_content
from organisations.selectors import is_restricted, organisations_visible_to

MANDATORY_WORKSHOPS = 2
MINUTES_IN_A_DAY = 24 * 60


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


class OutsideOrganisationsPermissionTester(PagePermissionTester):
    """Refuses every action: page permissions are granted on the course index, hence on
    every run; a member of staff limited to organisations keeps them only on their runs."""

    def __init__(self, user, page):
        super().__init__(user, page)
        self.permissions = set()


def _permissions_within_organisations(page: Page, user, run_path: str) -> PagePermissionTester:
    """The page's permissions, or none when its run is another organisation's."""
    # Imported here: the selectors import this module.
    from courses.selectors import course_run_visible_to

    if is_restricted(user) and not course_run_visible_to(user, path=run_path):
        return OutsideOrganisationsPermissionTester(user, page)
    return PagePermissionTester(user, page)


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
    """Refuses a schedule change that would leave answered questionnaires without their wave;
    offers a member of staff limited to organisations only theirs, and requires one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("organisation")
        if field is not None and self.for_user is not None:
            field.queryset = organisations_visible_to(self.for_user)
            field.label_from_instance = lambda org: org.label
            field.required = is_restricted(self.for_user)

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
    # PROTECT: an organisation with runs is not deleted; runs made before organisations
    # existed have none, and only unrestricted staff see those.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="course_runs",
        help_text="The organisation this run is delivered for; staff limited to "
        "organisations see only their runs.",
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
    places = models.PositiveSmallIntegerField(
        "number of places",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Leave blank for no limit. When the run is full, trainees can join its "
        "waiting list; raising the number offers the new places to the first on the list.",
    )
    minimum_enrolments = models.PositiveSmallIntegerField(
        "minimum number of enrolments",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Trainers are warned when fewer trainees are enrolled two weeks before "
        "the run starts. Leave blank for no minimum.",
    )

    search_fields = Page.search_fields + [index.SearchField("network"), index.SearchField("intro")]

    content_panels = Page.content_panels + [
        FieldPanel("network"),
        FieldPanel("organisation"),
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("enrolment_open"),
                FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
                FieldRowPanel([FieldPanel("places"), FieldPanel("minimum_enrolments")]),
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

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(places__isnull=True) | models.Q(places__gte=1),
                name="course_run_places_at_least_1",
            ),
            models.CheckConstraint(
                condition=models.Q(minimum_enrolments__isnull=True)
                | models.Q(minimum_enrolments__gte=1),
                name="course_run_minimum_at_least_1",
            ),
        ]

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

    def permissions_for_user(self, user):
        return _permissions_within_organisations(self, user, self.path)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        user = request.user
        context["sessions"] = sessions = self.sessions()
        # The dates line falls back to the first workshop, as in the lists of runs.
        self.first_workshop_at = next((s.starts_at for s in sessions if s.is_mandatory), None)
        signed_in = user.is_authenticated
        context["enrolment"] = (
            Enrolment.objects.active().filter(user=user, course_run=self).first()
            if signed_in
            else None
        )
        context["waiting_entry"] = (
            WaitingListEntry.objects.filter(
                user=user, course_run=self, status__in=WaitingListEntry.OPEN
            ).first()
            if signed_in
            else None
        )
        if self.places is not None:
            from courses.selectors import run_places

            context["places"] = run_places(self)
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

    def permissions_for_user(self, user):
        return _permissions_within_organisations(self, user, self.run_path)

    def can_join(self, user) -> bool:
        """The joining link is for trainers who may see this session's run and trainees
        enrolled on it."""
        if not user.is_authenticated:
            return False
        if is_trainer(user):
            from courses.selectors import course_run_visible_to  # it imports this module

            return course_run_visible_to(user, path=self.run_path)
        return Enrolment.objects.active().filter(user=user, course_run__path=self.run_path).exists()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["run"] = self.get_parent().specific
        context["can_join"] = self.can_join(request.user)
        context["change"] = SessionChange.objects.filter(session=self).first()
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


class EnrolmentQuerySet(models.QuerySet):
    def active(self) -> "EnrolmentQuerySet":
        """Enrolments holding a place: everything that counts or lists trainees uses this."""
        return self.filter(status=Enrolment.Status.ACTIVE)


class Enrolment(models.Model):
    """A trainee's place on a course run.

    Withdrawing keeps the row (its research record and any attendance hang off it) with
    ``status`` withdrawn; moving to another run changes ``course_run`` and keeps the
    attendance already recorded (see ``courses.selectors.enrolments_with_progress``).
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Enrolled"
        WITHDRAWN = "withdrawn", "Withdrawn"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    # PROTECT: a run with trainees is unpublished, never deleted (home.deletion).
    course_run = models.ForeignKey(
        CourseRunPage, on_delete=models.PROTECT, related_name="enrolments"
    )
    enrolled_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status, default=Status.ACTIVE)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["enrolled_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course_run"], name="one_enrolment_per_run"),
            models.CheckConstraint(
                condition=models.Q(status="active", withdrawn_at__isnull=True)
                | models.Q(status="withdrawn", withdrawn_at__isnull=False),
                name="enrolment_withdrawn_at_iff_withdrawn",
            ),
        ]
        permissions = [("take_attendance", "Can take attendance at course sessions")]

    def __str__(self):
        return f"{self.user} on {self.course_run}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class Attendance(models.Model):
    """A record that an enrolled trainee attended a session; no row means absent."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendances")
    # PROTECT: deleting a session page must not delete its register (home.deletion).
    session = models.ForeignKey(SessionPage, on_delete=models.PROTECT, related_name="attendances")
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)
    # From a meeting's attendance report (courses.attendance_import); blank when ticked by hand.
    minutes_attended = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(MINUTES_IN_A_DAY)]
    )

    class Meta:
        verbose_name = "attendance record"
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "session"], name="one_attendance_per_session"
            ),
            models.CheckConstraint(
                condition=models.Q(minutes_attended__lte=MINUTES_IN_A_DAY),
                name="attendance_minutes_within_a_day",
            ),
        ]

    def __str__(self):
        return f"{self.enrolment} attended {self.session}"

    def clean(self):
        # A tree-path comparison: no query per row when a register is saved.
        if not self.session.is_child_of(self.enrolment.course_run):
            raise ValidationError(
                "This trainee is not enrolled on the run this session belongs to."
            )


class WaitingListEntry(models.Model):
    """A trainee waiting for a place on a full run, in the order they joined.

    An entry is ``waiting`` (in the queue), then ``offered`` (a freed place is held for them
    until ``offer_expires_at``), then closed: ``accepted`` (they were enrolled), ``declined``,
    ``expired`` (the offer passed to the next person) or ``left`` (they left the list). Only
    ``courses.services`` moves an entry on, with the run's row locked.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        OFFERED = "offered", "Place offered"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Offer expired"
        LEFT = "left", "Left the waiting list"

    OPEN = (Status.WAITING, Status.OFFERED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waiting_list_entries"
    )
    course_run = models.ForeignKey(
        CourseRunPage, on_delete=models.PROTECT, related_name="waiting_list"
    )
    joined_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status, default=Status.WAITING)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "waiting list entry"
        verbose_name_plural = "waiting list entries"
        ordering = ["joined_at", "id"]
        constraints = [
            # One open entry per person and run: nobody queues (or is offered) twice.
            models.UniqueConstraint(
                fields=["user", "course_run"],
                condition=models.Q(status__in=["waiting", "offered"]),
                name="one_open_waiting_list_entry_per_run",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="offered")
                | models.Q(offered_at__isnull=False, offer_expires_at__isnull=False),
                name="waiting_list_offer_has_deadline",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["waiting", "offered"], closed_at__isnull=True)
                | (
                    ~models.Q(status__in=["waiting", "offered"]) & models.Q(closed_at__isnull=False)
                ),
                name="waiting_list_closed_at_iff_closed",
            ),
        ]
        indexes = [models.Index(fields=["course_run", "status", "joined_at"])]

    def __str__(self):
        return f"{self.user} waiting for {self.course_run}"

    @property
    def is_offered(self) -> bool:
        return self.status == self.Status.OFFERED


class SessionChange(models.Model):
    """What trainees were last told about a session's time, for calendar updates.

    Kept apart from the page: a page's fields are copied from its revisions on publish, which
    would set the ``SEQUENCE`` back. Created when a session is first published; a reschedule
    (a published change of time) or a cancellation raises ``sequence`` and emails the run's
    trainees an updated calendar entry with the same UID.
    """

    session = models.OneToOneField(SessionPage, on_delete=models.CASCADE, related_name="change")
    sequence = models.PositiveIntegerField(default=0)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "session schedule"

    def __str__(self):
        return f"{self.session} (sequence {self.sequence})"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class SessionReminder(models.Model):
    """A reminder of a session emailed to a trainee enrolled on its run: once per session and
    person (the unique constraint is the claim that ``session_reminders_enqueue`` takes)."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="session_reminders"
    )
    session = models.ForeignKey(SessionPage, on_delete=models.CASCADE, related_name="reminders")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "session"], name="one_reminder_per_session_and_enrolment"
            )
        ]

    def __str__(self):
        return f"Reminder of {self.session} to {self.enrolment}"


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
