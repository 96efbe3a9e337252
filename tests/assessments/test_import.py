"""import_responses: the example file, line-numbered errors for each bad-row kind, rollback."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import AuditEvent
from assessments.importing import COLUMNS, match_profession
from assessments.models import Participant, Response
from courses.models import CourseIndexPage, CourseRunPage
from tests import factories
from tests.examples import EXAMPLES_DIR

pytestmark = pytest.mark.django_db

EXAMPLE = EXAMPLES_DIR / "responses.csv"
HEADER = ",".join(COLUMNS)
RATINGS = ",".join(["3"] * 14)


def write(tmp_path, *lines: str) -> Path:
    path = tmp_path / "responses.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_import(path: Path, course_run: str = "york-2021") -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_responses", str(path), course_run=course_run, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def failed_import(path: Path, course_run: str = "york-2021") -> list[str]:
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import_responses", str(path), course_run=course_run, stdout=io.StringIO(), stderr=err
        )
    return [line for line in err.getvalue().splitlines() if line.startswith(("line", "file"))]


def snapshot() -> tuple:
    return (
        Participant.objects.count(),
        Response.objects.count(),
        CourseRunPage.objects.count(),
        AuditEvent.objects.filter(action="import").count(),
    )


@pytest.fixture(autouse=True)
def index(db):
    return factories.course_index()


class TestExampleFile:
    def test_imports_every_row_into_a_new_course_run(self):
        out, _ = run_import(EXAMPLE)
        assert (
            "Imported 70 baseline and 40 3-month follow-up responses for 70 new participants" in out
        )
        run = CourseRunPage.objects.get(slug="york-2021")
        assert run.get_parent().specific == factories.course_index()
        assert not run.enrolment_open
        participants = Participant.objects.filter(course_run=run)
        assert participants.count() == 70
        assert all(p.source == "import" and p.has_consented for p in participants)
        assert all(p.enrolment is None for p in participants)
        assert participants.filter(mandatory_completed=False).count() == 7
        first = Response.objects.get(participant__code="4PXRDW", wave="baseline")
        assert first.profession == "wellbeing_coach"
        assert first.years_experience == Decimal("0.53")
        assert first.ratings() == [2, 3, 3, 2, 3, 3, 3, 2, 4, 2, 3, 4, 2, 4]
        blank = Response.objects.get(participant__code="2F2M8E", wave="baseline")
        assert blank.s2 is None
        event = AuditEvent.objects.get(action="import")
        assert event.detail["baseline_responses"] == 70
        assert event.detail["course_run_created"] is True

    def test_importing_the_same_file_again_is_refused_line_by_line(self):
        run_import(EXAMPLE)
        before = snapshot()
        errors = failed_import(EXAMPLE)
        assert len(errors) == 110
        assert errors[0] == "line 2, wave: 4PXRDW already has a baseline response in the database."
        assert snapshot() == before

    def test_follow_ups_can_come_in_a_later_file_for_the_same_run(self, tmp_path):
        run_import(write(tmp_path, HEADER, f"ABC234,baseline,no,GP,3,{RATINGS}"))
        run_import(write(tmp_path, HEADER, f"ABC234,follow_up,yes,GP,3,{RATINGS}"))
        participant = Participant.objects.get(code="ABC234")
        assert participant.responses.count() == 2
        assert participant.mandatory_completed is True

    def test_imports_into_an_existing_run(self, tmp_path):
        run = factories.make_course_run(slug="bristol-2022")
        out, _ = run_import(
            write(tmp_path, HEADER, f"ABC234,baseline,yes,,,{RATINGS}"), "bristol-2022"
        )
        assert "new course run" not in out
        assert Participant.objects.get().course_run == run

    def test_the_old_cohort_option_still_names_the_course_run(self, tmp_path):
        path = write(tmp_path, HEADER, f"ABC234,baseline,yes,,,{RATINGS}")
        out = io.StringIO()
        call_command("import_responses", str(path), "--cohort", "bristol-2022", stdout=out)
        assert "into bristol-2022 (new course run)." in out.getvalue()
        assert Participant.objects.get().course_run.slug == "bristol-2022"

    def test_large_file_reports_progress_on_stderr(self, tmp_path):
        lines = [f"P{n:05d},baseline,yes,Pharmacist,1.5,{RATINGS}" for n in range(2500)]
        _, err = run_import(write(tmp_path, HEADER, *lines))
        assert "Checked 1000 of about 2501 lines" in err
        assert "Checked 2000" in err
        assert Response.objects.count() == 2500

    def test_a_no_at_either_wave_means_the_mandatory_part_was_not_completed(self, tmp_path):
        # reference.R drops every "no" row, so this participant is never a matched completer.
        run_import(
            write(
                tmp_path,
                HEADER,
                f"AAA222,baseline,yes,GP,2,{RATINGS}",
                f"AAA222,follow_up,no,GP,2,{RATINGS}",
            )
        )
        participant = Participant.objects.get(code="AAA222")
        assert participant.mandatory_completed is False
        assert participant.responses.count() == 2


class TestProfessions:
    @pytest.mark.parametrize(
        ("written", "expected"),
        [
            ("Social prescriber", ("social_prescriber", "")),
            ("SOCIAL PRESCRIBER", ("social_prescriber", "")),
            ("link worker", ("social_prescriber", "")),
            ("Social prescriber / link worker", ("social_prescriber", "")),
            ("wellbeing coach", ("wellbeing_coach", "")),
            ("Health and wellbeing coach", ("wellbeing_coach", "")),
            ("GP", ("general_practitioner", "")),
            ("general_practitioner", ("general_practitioner", "")),
            ("  Pharmacist ", ("pharmacist", "")),
            ("paramedic", ("paramedic", "")),
            ("Practice  nurse", ("other", "Practice nurse")),
            ("", ("", "")),
        ],
    )
    def test_matched_case_insensitively_else_other_with_the_text(self, written, expected):
        assert match_profession(written) == expected


BAD_ROWS = [
    (f"AAA222,midway,yes,GP,2,{RATINGS}", "wave", "Unknown wave 'midway': use baseline, month_N"),
    (f"AAA222,month_0,yes,GP,2,{RATINGS}", "wave", "Unknown wave 'month_0'"),
    (f"AAA222,month_61,yes,GP,2,{RATINGS}", "wave", "Unknown wave 'month_61'"),
    (f"AAA222,month_6.5,yes,GP,2,{RATINGS}", "wave", "Unknown wave 'month_6.5'"),
    (f"AAA222,month_06,yes,GP,2,{RATINGS}", "wave", "Unknown wave 'month_06'"),
    (f"AAA222,6 months,yes,GP,2,{RATINGS}", "wave", "Unknown wave '6 months'"),
    ("AAA222,baseline,yes,GP,2,6" + ",3" * 13, "s1", "'6' is not a rating"),
    ("AAA222,baseline,yes,GP,2,0" + ",3" * 13, "s1", "'0' is not a rating"),
    ("AAA222,baseline,yes,GP,2" + ",3" * 13 + ",2.5", "s14", "'2.5' is not a rating"),
    ("AAA222,baseline,yes,GP,2,3,x" + ",3" * 12, "s2", "'x' is not a rating"),
    (f"AAA222,baseline,maybe,GP,2,{RATINGS}", "mandatory_completed", "'maybe' is not yes or no"),
    (f"AAA222,baseline,yes,GP,-1,{RATINGS}", "years_experience", "-1 is negative"),
    (f"AAA222,baseline,yes,GP,ten,{RATINGS}", "years_experience", "'ten' is not a number"),
    (f"AAA222,baseline,yes,GP,99,{RATINGS}", "years_experience", "99 years is not plausible"),
    ("AAA222,baseline,yes,GP,2" + ",3" * 13, "", "This row has 18 cells; the header has 19."),
    (f"AAA222,baseline,yes,GP,2,{RATINGS},3", "", "This row has 20 cells; the header has 19."),
    (f"A B!,baseline,yes,GP,2,{RATINGS}", "participant_code", "'A B!' is not a participant code"),
]


class TestBadRows:
    @pytest.mark.parametrize(("row", "column", "message"), BAD_ROWS)
    def test_each_bad_row_is_reported_by_line_and_column_and_nothing_is_saved(
        self, tmp_path, row, column, message
    ):
        before = snapshot()
        good = f"ZZZ999,baseline,yes,GP,2,{RATINGS}"
        errors = failed_import(write(tmp_path, HEADER, good, row, good.replace("ZZZ", "YYY")))
        where = f"line 3, {column}: " if column else "line 3: "
        assert len(errors) == 1
        assert errors[0].startswith(where + message), errors
        assert snapshot() == before
        assert not CourseRunPage.objects.filter(slug="york-2021").exists()

    def test_duplicate_code_and_wave_in_the_file(self, tmp_path):
        row = f"AAA222,baseline,yes,GP,2,{RATINGS}"
        errors = failed_import(write(tmp_path, HEADER, row, row))
        assert errors == ["line 3, participant_code: AAA222 already has a baseline row on line 2."]
        assert snapshot() == (0, 0, 0, 0)

    def test_a_code_already_in_the_database_for_another_run(self, tmp_path):
        factories.make_course_run(slug="other")
        run_import(write(tmp_path, HEADER, f"AAA222,baseline,yes,GP,2,{RATINGS}"), "other")
        before = snapshot()
        errors = failed_import(write(tmp_path, HEADER, f"AAA222,follow_up,yes,GP,2,{RATINGS}"))
        assert errors == [
            "line 2, participant_code: AAA222 is already used by a participant of another "
            "course run or of the platform."
        ]
        assert snapshot() == before

    def test_a_missing_column_is_reported_on_line_1(self, tmp_path):
        header = HEADER.replace(",years_experience", "")
        errors = failed_import(write(tmp_path, header, "AAA222,baseline,yes,GP" + ",3" * 14))
        assert errors == ["line 1, years_experience: Missing column."]
        assert snapshot() == (0, 0, 0, 0)

    def test_every_error_is_listed_not_just_the_first(self, tmp_path):
        errors = failed_import(
            write(
                tmp_path,
                HEADER,
                "AAA222,later,perhaps,GP,-2,9" + ",3" * 13,
                f"BBB333,baseline,yes,GP,2,{RATINGS}",
                "CCC444,baseline,yes",
            )
        )
        assert [e.split(":")[0] for e in errors] == [
            "line 2, wave",
            "line 2, mandatory_completed",
            "line 2, years_experience",
            "line 2, s1",
            "line 4",
        ]

    def test_empty_file_not_utf8_and_bad_slug(self, tmp_path):
        empty = tmp_path / "empty.csv"
        empty.write_bytes(b"")
        assert failed_import(empty) == ["line 1: The file is empty; line 1 must be the header."]
        latin = tmp_path / "latin.csv"
        latin.write_bytes(
            (HEADER + "\nAAA222,baseline,yes,Caf\xe9 worker,2," + RATINGS).encode("latin-1")
        )
        assert failed_import(latin) == ["file: The file is not UTF-8 text; save it as CSV UTF-8."]
        good = write(tmp_path, HEADER, f"AAA222,baseline,yes,GP,2,{RATINGS}")
        assert failed_import(good, course_run="York 2021!")[0].startswith("file, --course-run:")
        assert snapshot() == (0, 0, 0, 0)

    def test_missing_file_is_a_clear_error(self, tmp_path):
        with pytest.raises(CommandError, match="Cannot read"):
            call_command("import_responses", str(tmp_path / "nope.csv"), course_run="x")


def test_a_course_run_slug_too_long_for_a_page_is_refused(tmp_path):
    before = snapshot()
    errors = failed_import(
        write(tmp_path, HEADER, f"AAA222,baseline,yes,GP,2,{RATINGS}"), course_run="x" * 101
    )
    assert errors == ["file, --course-run: Use at most 100 characters, e.g. york-2021."]
    assert snapshot() == before


class TestWaves:
    def test_follow_up_is_month_3_and_month_n_waves_join_the_schedule(self, tmp_path):
        rows = [
            f"AAA222,baseline,yes,GP,2,{RATINGS}",
            f"AAA222,follow_up,yes,,,{RATINGS}",
            f"AAA222,month_12,yes,,,{RATINGS}",
            f"BBB333,baseline,yes,GP,2,{RATINGS}",
            f"BBB333,MONTH_6,yes,,,{RATINGS}",
        ]
        out, _ = run_import(write(tmp_path, HEADER, *rows))
        assert (
            "2 baseline, 1 3-month follow-up, 1 6-month follow-up and 1 12-month follow-up" in out
        )
        run = CourseRunPage.objects.get(slug="york-2021")
        assert [wave.name for wave in run.schedule] == [
            "baseline",
            "month_3",
            "month_6",
            "month_12",
        ]
        waves = Response.objects.filter(participant__code="AAA222").values_list("wave", flat=True)
        assert sorted(waves) == ["baseline", "month_12", "month_3"]

    def test_an_existing_run_keeps_its_waves_and_gains_the_file_s(self, tmp_path):
        run = factories.make_course_run(slug="york-2021", follow_up_months=(3, 6))
        run_import(write(tmp_path, HEADER, f"AAA222,baseline,yes,GP,2,{RATINGS}"))
        run_import(write(tmp_path, HEADER, f"AAA222,month_24,yes,,,{RATINGS}"))
        run.refresh_from_db()
        assert [wave.months for wave in run.follow_ups] == [3, 6, 24]
        # The page's latest revision has the new wave too, so the admin's next edit shows it.
        revision = run.get_latest_revision_as_object()
        assert sorted(row.months for row in revision.follow_up_waves.all()) == [3, 6, 24]

    def test_a_participant_with_one_no_row_has_not_completed_the_mandatory_part(self, tmp_path):
        rows = [
            f"AAA222,baseline,yes,GP,2,{RATINGS}",
            f"AAA222,month_3,yes,,,{RATINGS}",
            f"AAA222,month_6,no,,,{RATINGS}",
        ]
        run_import(write(tmp_path, HEADER, *rows))
        assert Participant.objects.get(code="AAA222").mandatory_completed is False


def test_a_fresh_site_without_a_course_index_gets_one_for_the_imported_run(db):
    CourseIndexPage.objects.all().delete()
    run_import(EXAMPLE, course_run="fresh-2023")
    run = CourseRunPage.objects.get(slug="fresh-2023")
    assert isinstance(run.get_parent().specific, CourseIndexPage)
    assert Response.objects.filter(participant__course_run=run).count() == 110


class TestFreeTextColumns:
    """The optional ``programme_feedback`` and ``clinical_use`` columns of follow-up rows."""

    def test_free_text_example_is_imported_on_follow_up_rows(self):
        run_import(EXAMPLES_DIR / "free_text.csv")
        answers = Response.objects.exclude(programme_feedback="", clinical_use="")
        assert answers.exists()
        assert not answers.filter(wave="baseline").exists()
        texts = answers.values_list("programme_feedback", "clinical_use")
        assert sum(bool(a) + bool(b) for a, b in texts) == 192
        row = Response.objects.get(participant__code="XEK49PV", wave="month_3")
        assert row.programme_feedback.startswith("There is never enough time in an appointment")
        assert row.clinical_use == ""

    def test_files_without_the_columns_leave_them_blank(self):
        run_import(EXAMPLE)
        assert not Response.objects.exclude(programme_feedback="").exists()

    def test_free_text_on_a_baseline_row_is_refused_with_its_line(self, tmp_path):
        path = write(
            tmp_path,
            HEADER + ",programme_feedback,clinical_use",
            f"P1,baseline,yes,GP,2,{RATINGS},Too long,",
            f"P1,month_3,yes,,,{RATINGS},,Uses the sheet",
        )
        before = snapshot()
        errors = failed_import(path)
        assert errors == [
            "line 2, programme_feedback: Free text belongs on follow-up rows; leave it blank."
        ]
        assert snapshot() == before

    def test_only_one_of_the_columns_may_be_given(self, tmp_path):
        path = write(
            tmp_path,
            HEADER + ",clinical_use",
            f"P1,baseline,yes,GP,2,{RATINGS},",
            f'P1,month_3,yes,,,{RATINGS},"I pace, then plan"',
        )
        run_import(path)
        assert Response.objects.get(wave="month_3").clinical_use == "I pace, then plan"
