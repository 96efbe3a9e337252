from django import forms

from courses.models import CourseRunPage
from courses.services import NOT_ENROLLED


class RegisterForm(forms.Form):
    """The attendance register of one session: a checkbox per enrolled trainee."""

    attended = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": NOT_ENROLLED},
    )

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["attended"]
        field.choices = [(row.enrolment.pk, row.enrolment.pk) for row in rows]
        if not self.is_bound:
            self.initial["attended"] = [row.enrolment.pk for row in rows if row.attended]


class MoveForm(forms.Form):
    """Choose the run to move a trainee to: any other published run."""

    to_run = forms.ModelChoiceField(
        label="Move to course run",
        queryset=CourseRunPage.objects.none(),
        empty_label="Choose a course run",
        error_messages={"required": "Choose the course run to move the trainee to."},
    )

    def __init__(self, *args, enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_run"].queryset = (
            CourseRunPage.objects.live()
            .exclude(pk=enrolment.course_run_id)
            .order_by("-starts_on", "title")
        )
        self.fields["to_run"].label_from_instance = lambda run: f"{run.title} ({run.network})"
