"""What the export commands share: choosing runs, checking the format, writing, auditing.

The formats, their writers and which are text come from ``analytics.export_formats``, the
list the dashboard and the download views read too.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import is_evaluator
from analytics.export_formats import EXPORTS, ExportFormat
from analytics.selectors import (
    UnknownCourseRunError,
    analysed_runs,
    course_runs_by_slug,
    evaluation_data,
)
from analytics.services import export_record


def _evaluator(username: str):
    """The evaluator ``--as-user`` names; anyone else is refused like an unknown name."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None or not is_evaluator(user):
        raise CommandError(f"No evaluator with the username {username}.")
    return user


def add_selection_arguments(parser, *, output_help: str) -> None:
    """``--course-run`` (repeatable), ``--as-user`` and ``--output``, as every export takes."""
    parser.add_argument(
        "--course-run",
        "--cohort",  # the old name, kept for existing scripts
        dest="course_run",
        action="append",
        default=[],
        metavar="SLUG",
        help="Slug of a course run to include; repeat for several. Default: all runs.",
    )
    parser.add_argument(
        "--as-user",
        metavar="USERNAME",
        help="Export what this evaluator may see on the site: only their organisations' "
        "runs if they are limited to some (another organisation's run is unknown). "
        "Default: every run, as anyone with the server's shell can read the database.",
    )
    parser.add_argument("--output", metavar="FILE", help=output_help)


def selected_course_runs(course_run: list[str], as_user: str | None):
    """(the evaluator named by ``--as-user`` or None, the runs to export or None for all)."""
    user = _evaluator(as_user) if as_user else None
    try:
        runs = course_runs_by_slug(course_run, user=user) if course_run else None
    except UnknownCourseRunError as error:
        raise CommandError(str(error)) from error
    return user, analysed_runs(user, runs)


def write_output(command: BaseCommand, content: bytes, output: str | None) -> None:
    """``content`` to ``--output`` FILE, or as UTF-8 text to standard output."""
    if output:
        try:
            with open(output, "wb") as handle:
                handle.write(content)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from error
    else:
        command.stdout.write(content.decode("utf-8"), ending="")


class ExportCommand(BaseCommand):
    """Subclasses set ``what`` (a group of ``EXPORTS``) and ``default_format``."""

    what: str
    default_format: str
    # The commands read the database and write a file: no URLconf, admin or template checks,
    # whose imports (every view, plotly, wagtail's API) would double their start-up time.
    requires_system_checks = []

    def export(self, file_format: str, options: dict) -> ExportFormat:
        """The download this run writes (``export_responses`` picks it by ``--layout``)."""
        return EXPORTS[self.what].formats[file_format]

    def add_arguments(self, parser):
        add_selection_arguments(
            parser, output_help="Write to FILE instead of standard output (text formats only)."
        )
        parser.add_argument(
            "--format", choices=sorted(EXPORTS[self.what].formats), default=self.default_format
        )

    def write(self, export: ExportFormat, data) -> bytes:
        return export.write(data)

    def handle(self, *args, course_run, format, output, as_user, **options):
        export = self.export(format, options)
        if not export.is_text and not output:
            raise CommandError(f"{format.upper()} is a binary format: give --output FILE.")
        user, runs = selected_course_runs(course_run, as_user)
        data = evaluation_data(course_runs=runs, row_level=export.row_level)
        write_output(self, self.write(export, data), output)
        export_record(actor=user, what=export.what, file_format=format, course_runs=runs)
