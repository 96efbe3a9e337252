"""Questionnaire forms. They turn what the browser sends into typed answers; the rules
themselves (ranges, windows, one response per wave) live in ``services.response_submit``."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from assessments.models import COURSE_RUN_SLUG_MAX, ITEM_CODES, Response, Statement
from assessments.validators import MESSAGES, RATING_MAX, RATING_MIN
from courses.waves import Wave
from home.validators import MaxFileSize

BLANK = ""
# No "leave blank" choice: a statement left blank is a radio group with nothing chosen, and
# nothing is chosen until the trainee chooses (the template says what 1 and 5 mean).
RATING_CHOICES = [(str(n), str(n)) for n in range(RATING_MIN, RATING_MAX + 1)]
YES_NO = [("yes", "Yes"), ("no", "No")]
# 100,000 participants with a baseline and a follow-up make about 12 MB.
IMPORT_MAX_BYTES = 16 * 1024 * 1024

# Experience can be weeks or decades; people answer in the unit that suits them.
UNITS_PER_YEAR = {"weeks": Decimal("52.1775"), "months": Decimal(12), "years": Decimal(1)}


class ConsentForm(forms.Form):
    consent = forms.ChoiceField(
        label="May we use your pseudonymised answers to evaluate the training?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes or no."},
    )


class QuestionnaireForm(forms.Form):
    """The 14 confidence statements of an instrument, one radio group each (blank allowed)."""

    # The submit buttons' ``action``: send (after a check for statements left blank), send
    # as it is once the trainee has seen that list, or keep a draft and leave.
    SEND, SEND_ANYWAY, SAVE_DRAFT = "send", "send_anyway", "save_draft"

    service_fields: dict[str, str] = {}  # service error key -> form field, where they differ

    def __init__(self, *args, statements: list[Statement], **kwargs):
        super().__init__(*args, **kwargs)
        self.statements = statements
        for statement in statements:
            self.fields[statement.code] = forms.ChoiceField(
                label=statement.text,
                choices=RATING_CHOICES,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": MESSAGES["form"]["rating"]},
            )

    def sections(self) -> list[tuple]:
        """(footstep, [bound rating fields]) in questionnaire order, for the footstep headings."""
        grouped: list[tuple] = []
        for statement in self.statements:
            if not grouped or grouped[-1][0] != statement.footstep:
                grouped.append((statement.footstep, []))
            grouped[-1][1].append(self[statement.code])
        return grouped

    def unanswered(self) -> list:
        """The bound rating fields left blank, in questionnaire order (call after is_valid)."""
        return [self[s.code] for s in self.statements if not self.cleaned_data.get(s.code)]

    def draft_answers(self) -> dict[str, str]:
        """What was typed into this form's fields, as it was typed, for a draft."""
        return {name: self.data.get(name, "") for name in self.fields}

    def ratings(self) -> dict:
        return {
            s.code: int(self.cleaned_data[s.code]) if self.cleaned_data[s.code] else None
            for s in self.statements
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """Show the service's messages next to the fields they are about."""
        for field, messages in error.message_dict.items():
            target = self.service_fields.get(field, field)
            for message in messages:
                self.add_error(target if target in self.fields else None, message)

    @classmethod
    def initial_from(cls, response: Response) -> dict:
        return {
            code: BLANK if value is None else str(value)
            for code, value in zip(ITEM_CODES, response.ratings(), strict=True)
        }


class BaselineForm(QuestionnaireForm):
    service_fields = {"years_experience": "experience_amount"}

    profession = forms.ChoiceField(
        label="Your profession",
        choices=[(BLANK, "Choose…"), *Response.Profession.choices],
        error_messages={"required": "Choose your profession from the list."},
    )
    profession_other = forms.CharField(
        label="If other, your profession", required=False, max_length=200
    )
    experience_amount = forms.DecimalField(
        label="How long have you supported people with persistent pain?",
        min_value=None,
        max_digits=8,
        decimal_places=2,
        help_text="A number, with the unit next to it: for example 3 weeks, 6 months, 2.5 years.",
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-5"}),
        error_messages={
            "required": "Tell us how long you have supported people with persistent pain.",
            "invalid": "Enter a number, for example 3 or 2.5.",
            "max_digits": "Enter a smaller number.",
            "max_decimal_places": "Use at most 2 decimal places.",
            "max_whole_digits": "Enter a smaller number.",
        },
    )
    experience_unit = forms.ChoiceField(
        label="Unit",
        choices=[(u, u.capitalize()) for u in UNITS_PER_YEAR],
        initial="years",
        error_messages={"invalid_choice": "Choose weeks, months or years."},
    )
    prior_training = forms.CharField(
        label="Training you have had on persistent pain or self-management",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Course names, roughly when, and who ran them. Leave blank if none.",
    )
    uses_resources = forms.ChoiceField(
        label="Do you currently use any self-management resources specific to persistent pain "
        "with the people you support?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes or no."},
    )

    field_order = [
        "profession",
        "profession_other",
        "experience_amount",
        "experience_unit",
        "prior_training",
        "uses_resources",
    ]

    def experience_fields(self) -> list:
        """The number and its unit: one question, asked in one fieldset."""
        return [self["experience_amount"], self["experience_unit"]]

    def answers(self) -> dict:
        data = self.cleaned_data
        amount = data["experience_amount"]
        years = amount / UNITS_PER_YEAR[data["experience_unit"]]
        return {
            **self.ratings(),
            "profession": data["profession"],
            "profession_other": data["profession_other"],
            "years_experience": years.quantize(Decimal("0.01")),
            "prior_training": data["prior_training"],
            "uses_resources": data["uses_resources"] == "yes",
        }

    @classmethod
    def initial_from(cls, response: Response) -> dict:
        return {
            **super().initial_from(response),
            "profession": response.profession,
            "profession_other": response.profession_other,
            "experience_amount": response.years_experience,
            "experience_unit": "years",
            "prior_training": response.prior_training,
            "uses_resources": {True: "yes", False: "no"}.get(response.uses_resources, ""),
        }


class FollowUpForm(QuestionnaireForm):
    resource_use = forms.ChoiceField(
        label="Have you used the footstep resources with the people you support?",
        choices=Response.ResourceUse.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Tell us whether you have used, or would use, the footstep resources "
            "with patients."
        },
    )
    programme_feedback = forms.CharField(
        label="What did you think of the programme?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    clinical_use = forms.CharField(
        label="How do you use what you learnt in your practice?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            **self.ratings(),
            "resource_use": data["resource_use"],
            "programme_feedback": data["programme_feedback"],
            "clinical_use": data["clinical_use"],
        }

    @classmethod
    def initial_from(cls, response: Response) -> dict:
        return {
            **super().initial_from(response),
            "resource_use": response.resource_use,
            "programme_feedback": response.programme_feedback,
            "clinical_use": response.clinical_use,
        }


def form_for(wave: Wave) -> type[QuestionnaireForm]:
    """What a wave asks besides the statements: about the trainee at baseline, how they have
    used the training at every follow-up."""
    return BaselineForm if wave.is_baseline else FollowUpForm


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 CSV with the header on line 1 (spreadsheets: save as “CSV UTF-8”).",
        error_messages={"required": "Choose the CSV file to import."},
        validators=[MaxFileSize(IMPORT_MAX_BYTES, "split it.")],
    )
    course_run = forms.SlugField(
        label="Course run (slug)",
        max_length=COURSE_RUN_SLUG_MAX,
        help_text="An existing run's slug, or a new one to create the run, e.g. york-2021.",
        widget=forms.TextInput(attrs={"list": "run-slugs", "autocomplete": "off"}),
        error_messages={
            "required": "Give the course run's slug.",
            "invalid": "Use lowercase letters, digits and hyphens, e.g. york-2021.",
            "max_length": "Keep the slug to %(limit_value)d characters or fewer.",
        },
    )
