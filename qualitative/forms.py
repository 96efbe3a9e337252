"""Forms of the evaluators' qualitative pages; every message says what to do."""

from __future__ import annotations

import io
import zipfile

from django import forms
from django.core.exceptions import ValidationError

from assessments.selectors import research_participants
from courses import waves
from home.validators import MaxFileSize
from qualitative.models import Code, Coder, Theme

TRANSCRIPT_MAX_BYTES = 5 * 1024 * 1024


class ThemeForm(forms.ModelForm):
    class Meta:
        model = Theme
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class CodeForm(forms.ModelForm):
    class Meta:
        model = Code
        fields = ["theme", "name", "description", "example"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "example": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"name": "No “/”: files write a code as Theme/Code."}

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if "/" in name:
            raise ValidationError("Leave out the “/”: files write a code as Theme/Code.")
        return name


class MergeForm(forms.Form):
    source = forms.ModelChoiceField(Code.objects.select_related("theme"), label="Merge this code")
    target = forms.ModelChoiceField(
        Code.objects.select_related("theme"), label="into this code (it keeps every coding)"
    )

    def clean(self):
        data = super().clean()
        if data.get("source") and data.get("source") == data.get("target"):
            raise ValidationError("Choose two different codes.")
        return data


class CodingForm(forms.Form):
    """A code on a passage: offsets from the script's selection, or a sentence range."""

    code = forms.ModelChoiceField(
        Code.objects.select_related("theme"),
        empty_label="Choose a code",
        error_messages={"required": "Choose the code to apply."},
    )
    start = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    first = forms.TypedChoiceField(label="From sentence", coerce=int, required=False)
    last = forms.TypedChoiceField(label="to sentence", coerce=int, required=False)

    def __init__(self, *args, sentences: list[tuple[int, int]], text: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.sentences, self.text = sentences, text
        choices = [("", "Whole text")] + [
            (i, f"{i + 1}: {text[s:e][:70]}") for i, (s, e) in enumerate(sentences)
        ]
        self.fields["first"].choices = choices
        self.fields["last"].choices = choices

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        first, last = data.get("first"), data.get("last")
        if (start is None) != (end is None):
            raise ValidationError("Select the passage again: one of its ends is missing.")
        if start is not None and end is not None:
            if not start < end <= len(self.text):
                raise ValidationError("The selected passage is not within the text.")
        elif first is not None and first != "":
            last = first if last in (None, "") else last
            if last < first:
                raise ValidationError("The last sentence comes before the first.")
            data["start"] = self.sentences[first][0]
            data["end"] = self.sentences[last][1]
        else:
            data["start"] = data["end"] = None
        return data


class AssignmentForm(forms.Form):
    coder = forms.ModelChoiceField(
        Coder.objects.filter(user__isnull=False),
        label="Second coder",
        help_text="Evaluators get a coder label when they first open the workspace.",
        error_messages={"required": "Choose the second coder."},
    )
    share = forms.IntegerField(
        label="Share of the units (per cent)",
        min_value=1,
        max_value=100,
        initial=20,
        error_messages={"required": "Give a share from 1 to 100 per cent."},
    )


class TranscriptForm(forms.Form):
    participant_code = forms.CharField(max_length=12)
    wave = forms.CharField(
        max_length=10, initial="month_3", help_text="baseline, or month_N (e.g. month_3)."
    )
    interviewed_on = forms.DateField(
        label="Date of the interview", widget=forms.DateInput(attrs={"type": "date"})
    )
    interviewer = forms.CharField(max_length=100)
    file = forms.FileField(
        label="Transcript",
        help_text="A .txt (UTF-8) or .docx file, at most 5 MB.",
        validators=[MaxFileSize(TRANSCRIPT_MAX_BYTES)],
    )

    def clean_participant_code(self):
        code = self.cleaned_data["participant_code"].strip().upper()
        participant = research_participants().filter(code=code).first()
        if participant is None:
            raise ValidationError(
                f"No consenting participant has the code {code}; check it on the dashboard's "
                "downloads."
            )
        self.participant = participant
        return code

    def clean_wave(self):
        try:
            return waves.Wave.parse(self.cleaned_data["wave"].strip().lower()).name
        except waves.UnknownWaveError as error:
            raise ValidationError(str(error)) from None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        content = upload.read()
        name = upload.name.lower()
        if name.endswith(".txt"):
            try:
                text = content.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError(
                    "The .txt file is not UTF-8 text; save it as UTF-8."
                ) from None
        elif name.endswith(".docx"):
            text = docx_text(content)
        else:
            raise ValidationError("Upload a .txt or .docx file.")
        text = text.replace("\r\n", "\n").replace("\x00", "").strip()
        if not text:
            raise ValidationError("The file holds no text.")
        self.text = text
        return upload


def docx_text(content: bytes) -> str:
    """The paragraphs of a .docx file, one per line (python-docx)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(content))
    except (zipfile.BadZipFile, KeyError, ValueError, PackageNotFoundError) as error:
        raise ValidationError("This is not a readable .docx file.") from error
    return "\n".join(paragraph.text for paragraph in document.paragraphs)
