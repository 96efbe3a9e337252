from django import forms

from analytics.selectors import GROUP_LEVELS, CourseRunRef


class CourseRunSelectionForm(forms.Form):
    """Which course runs to analyse; none ticked means all runs pooled."""

    course_run = forms.MultipleChoiceField(
        label="Course runs",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick one or more runs, or none for all runs pooled.",
        error_messages={
            "invalid_choice": "There is no course run “%(value)s”. Choose from the list."
        },
    )

    group_by = forms.ChoiceField(
        label="Group by organisation",
        required=False,
        choices=[("", "No grouping"), *GROUP_LEVELS.items()],
        help_text="Shows the participant flow and the sample of each group of the runs above.",
        error_messages={"invalid_choice": "Choose a grouping from the list."},
    )

    def __init__(self, *args, choices: list[CourseRunRef], **kwargs):
        super().__init__(*args, **kwargs)
        self.runs = {run.slug: run for run in choices}
        self.fields["course_run"].choices = [(run.slug, run.title) for run in choices]

    def selected_runs(self) -> list[CourseRunRef] | None:
        """The chosen runs in list order, or None for all runs (call after is_valid())."""
        chosen = set(self.cleaned_data["course_run"])
        return [run for slug, run in self.runs.items() if slug in chosen] or None
