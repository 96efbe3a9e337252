"""Validators shared by every app's forms."""

from django.core.exceptions import ValidationError

MB = 1024 * 1024


class MaxFileSize:
    """A file field's validator: refuse an upload over ``limit`` bytes, saying what to do."""

    def __init__(self, limit: int, advice: str = ""):
        self.limit = limit
        self.advice = advice

    def __call__(self, upload) -> None:
        if upload.size > self.limit:
            advice = f"; {self.advice}" if self.advice else "."
            raise ValidationError(
                f"The file is larger than {self.limit // MB} MB{advice}", code="file_too_large"
            )
