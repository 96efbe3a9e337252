"""What the export commands share: choosing runs, checking the format, writing, auditing."""

from django.core.management.base import BaseCommand, CommandError

from analytics.selectors import UnknownCourseRunError, course_runs_by_slug
from analytics.services import export_record


class ExportCommand(BaseCommand):
    """Subclasses set ``what``, ``writers`` (format → writer), ``text_formats`` and ``build``."""

    what: str
    writers: dict
    default_format: str
    text_formats: frozenset[str]

    def build(self, course_runs):
        """The object the chosen writer turns into bytes."""
        raise NotImplementedError

    def write(self, file_format: str, built, options: dict) -> bytes:
        return self.writers[file_format](built)

    def add_arguments(self, parser):
        parser.add_argument(
            "--cohort",
            action="append",
            default=[],
            metavar="SLUG",
            help="Slug of a course run to include; repeat for several. Default: all runs.",
        )
        parser.add_argument("--format", choices=sorted(self.writers), default=self.default_format)
        parser.add_argument(
            "--output",
            metavar="FILE",
            help="Write to FILE instead of standard output (text formats only).",
        )

    def handle(self, *args, cohort, format, output, **options):
        if format not in self.text_formats and not output:
            raise CommandError(f"{format.upper()} is a binary format: give --output FILE.")
        try:
            runs = course_runs_by_slug(cohort) if cohort else None
        except UnknownCourseRunError as error:
            raise CommandError(str(error)) from error
        content = self.write(format, self.build(runs), options)
        if output:
            try:
                with open(output, "wb") as handle:
                    handle.write(content)
            except OSError as error:
                raise CommandError(f"Cannot write {output}: {error.strerror}.") from error
        else:
            self.stdout.write(content.decode("utf-8"), ending="")
        export_record(actor=None, what=self.what, file_format=format, course_runs=runs)
