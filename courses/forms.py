from django import forms
from django.core import signing
from django.core.exceptions import ValidationError

from courses.attendance_import import DEFAULT_SHARE_PERCENT, MAX_BYTES
from courses.models import CourseRunPage
from courses.services import NOT_ENROLLED
from home.validators import MaxFileSize

RELOAD = "The register's form was changed or is out of date, so nothing was saved. Reload it."
PREVIEW_EXPIRED = (
    "This preview has expired or was changed, so nothing was saved. Upload the report again."
)
PREVIEW_MAX_AGE = 12 * 3600
_PREVIEW_SALT = "courses.attendance-import-preview"


def ids_text(ids) -> str:
    """Enrolment ids as the hidden field carries them."""
    return ",".join(str(pk) for pk in sorted(ids))


class RegisterForm(forms.Form):
    """The attendance register of one session: a checkbox per enrolled trainee, and who was
    present when the form was opened (so a save never overwrites another trainer's unseen)."""

    attended = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": NOT_ENROLLED},
    )
    opened = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["attended"]
        field.choices = [(row.enrolment.pk, row.enrolment.pk) for row in rows]
        present = [row.enrolment.pk for row in rows if row.attended]
        self.initial["opened"] = ids_text(present)
        if not self.is_bound:
            self.initial["attended"] = present

    def clean_opened(self) -> set[int] | None:
        value = self.cleaned_data["opened"].strip()
        if "opened" not in self.data:
            return None  # a form from before this field: no check
        try:
            return {int(pk) for pk in value.split(",") if pk}
        except ValueError:
            raise ValidationError(RELOAD) from None


def preview_token(*, session_id: int, payload: dict) -> str:
    """What the preview shows (``share``, ``minutes`` by enrolment id, ``unmatched``), signed,
    so the confirmation stores exactly the previewed minutes without keeping the file."""
    minutes = {str(pk): m for pk, m in payload["minutes"].items()}
    return signing.dumps(
        {**payload, "session": session_id, "minutes": minutes}, salt=_PREVIEW_SALT, compress=True
    )


class ImportConfirmForm(RegisterForm):
    """The previewed register from an attendance report, as the trainer confirms it."""

    preview = forms.CharField(widget=forms.HiddenInput, error_messages={"required": RELOAD})

    def __init__(self, *args, session_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.session_id = session_id

    def clean_preview(self) -> dict:
        try:
            payload = signing.loads(
                self.cleaned_data["preview"], salt=_PREVIEW_SALT, max_age=PREVIEW_MAX_AGE
            )
            minutes = {int(pk): int(m) for pk, m in payload["minutes"].items()}
        except (signing.BadSignature, KeyError, TypeError, ValueError, AttributeError):
            raise ValidationError(PREVIEW_EXPIRED) from None
        if payload.get("session") != self.session_id:
            raise ValidationError(PREVIEW_EXPIRED)
        return {**payload, "minutes": minutes}


class AttendanceReportForm(forms.Form):
    file = forms.FileField(
        label="Attendance report",
        help_text="The CSV file Teams or Zoom exported, as downloaded.",
        error_messages={"required": "Choose the attendance report to import."},
        validators=[
            MaxFileSize(
                MAX_BYTES,
                "an attendance report of one session is far smaller. Check it is the right file.",
            )
        ],
    )
    share_percent = forms.IntegerField(
        label="Present if they stayed at least (% of the session)",
        initial=DEFAULT_SHARE_PERCENT,
        min_value=1,
        max_value=100,
        error_messages={
            "required": "Give the share of the session someone must stay to count as present.",
            "invalid": "Give a whole number from 1 to 100.",
            "min_value": "Give a whole number from 1 to 100.",
            "max_value": "Give a whole number from 1 to 100.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input--short"}),
    )


class MoveForm(forms.Form):
    """Choose the run to move a trainee to: any other published run."""

    to_run = forms.ModelChoiceField(
        label="Move to course run",
        queryset=CourseRunPage.objects.none(),
        empty_label="Choose a course run",
        error_messages={"required": "Choose the course run to move the trainee to."},
    )

    def __init__(self, *args, enrolment, runs, **kwargs):
        """``runs``: the runs the trainer may see (``course_runs_visible_to``)."""
        super().__init__(*args, **kwargs)
        self.fields["to_run"].queryset = (
            runs.live().exclude(pk=enrolment.course_run_id).order_by("-starts_on", "title")
        )
        self.fields["to_run"].label_from_instance = lambda run: f"{run.title} ({run.network})"
