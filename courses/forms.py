from django import forms

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
