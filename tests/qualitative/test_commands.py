"""import_codings and export_qualitative on the worked example, against reference_codings.R."""

import csv
import io
import json
import zipfile
from xml.etree import ElementTree as ET

import pytest
from django.core.management import CommandError, call_command

from qualitative.exports import QDA_NAMESPACE
from qualitative.models import Code, Coder, Coding, Reading, Theme, Unit
from tests import factories
from tests.examples import EXAMPLES_DIR

pytestmark = pytest.mark.django_db

RUN = "york-2021"


def import_example():
    factories.course_index()
    out = io.StringIO()
    call_command(
        "import_responses", str(EXAMPLES_DIR / "free_text.csv"), course_run=RUN, stdout=out
    )
    call_command("import_codings", str(EXAMPLES_DIR / "codings.csv"), cohort=RUN, stdout=out)
    return out.getvalue()


def export(*args) -> str:
    out = io.StringIO()
    call_command("export_qualitative", *args, stdout=out)
    return out.getvalue()


def failed(path, cohort=RUN) -> list[str]:
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_codings", str(path), cohort=cohort, stdout=io.StringIO(), stderr=err)
    return err.getvalue().splitlines()


def close(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) < 1e-9


class TestExample:
    def test_json_matches_reference_codings_r(self):
        import_example()
        got = json.loads(export("--format", "json", "--cohort", RUN))
        want = json.loads((EXAMPLES_DIR / "codings.ref.json").read_text())
        assert got["coders"] == want["coders"]
        assert got["units"] == want["units"]
        assert [c["code"] for c in got["codes"]] == [c["code"] for c in want["codes"]]
        for mine, ref in zip(got["codes"], want["codes"], strict=True):
            assert (mine["theme"], mine["units"], mine["participants"]) == (
                ref["theme"],
                ref["units"],
                ref["participants"],
            )
            for a, b in zip(mine["agreement"], ref["agreement"], strict=True):
                for key in ("coders", "n_units", "both", "only_first", "only_second", "neither"):
                    assert a[key] == b[key], (mine["code"], key)
                assert close(a["percent_agreement"], b["percent_agreement"])
                assert close(a["cohens_kappa"], b["cohens_kappa"])
            for key in ("n_with", "n_without"):
                assert mine["joint"][key] == ref["joint"][key], (mine["code"], key)
            for key in ("mean_change_with", "mean_change_without"):
                assert close(mine["joint"][key], ref["joint"][key]), (mine["code"], key)

    def test_all_runs_pooled_is_the_same_with_one_run(self):
        import_example()
        assert json.loads(export("--format", "json")) == json.loads(
            export("--format", "json", "--cohort", RUN)
        )

    def test_csv_lists_every_coding_and_every_nothing_to_code(self):
        import_example()
        lines = export("--format", "csv").splitlines()
        assert lines[0] == "participant_code,wave,field,coder,code,start,end,quote"
        blank = Reading.objects.filter(nothing_to_code=True).count()
        assert blank > 0
        assert len(lines) - 1 == Coding.objects.count() + blank

    def test_qdpx_reads_back_with_every_coding(self, tmp_path):
        import_example()
        path = tmp_path / "project.qdpx"
        call_command("export_qualitative", "--format", "qdpx", "--output", str(path))
        with zipfile.ZipFile(path) as zf:
            root = ET.fromstring(zf.read("project.qde"))  # noqa: S314 (our own export)
            names = set(zf.namelist())
            q = f"{{{QDA_NAMESPACE}}}"
            assert root.tag == f"{q}Project"
            codes = {
                c.get("guid"): c.get("name")
                for c in root.iter(f"{q}Code")
                if c.get("isCodable") == "true"
            }
            assert sorted(codes.values()) == sorted(Code.objects.values_list("name", flat=True))
            themes = [c for c in root.find(f"{q}CodeBook/{q}Codes")]
            assert sorted(t.get("name") for t in themes) == sorted(
                Theme.objects.values_list("name", flat=True)
            )
            users = {u.get("guid"): u.get("name") for u in root.iter(f"{q}User")}
            found = []
            sources = list(root.iter(f"{q}TextSource"))
            assert len(sources) == Unit.objects.count()
            for source in sources:
                path_in_zip = source.get("plainTextPath").replace("internal://", "sources/")
                assert path_in_zip in names
                text = zf.read(path_in_zip).decode("utf-8")
                participant, wave, field = source.get("name").split()
                for selection in source.iter(f"{q}PlainTextSelection"):
                    assert (
                        0
                        <= int(selection.get("startPosition"))
                        < int(selection.get("endPosition"))
                        <= len(text)
                    )
                    for coding in selection.iter(f"{q}Coding"):
                        code = codes[coding.find(f"{q}CodeRef").get("targetGUID")]
                        coder = users[coding.get("creatingUser")]
                        found.append((participant, wave, field, coder, code, coding.get("guid")))
        assert len({row[-1] for row in found}) == len(found)  # every GUID its own
        want = sorted(
            Coding.objects.values_list(
                "reading__unit__participant__code",
                "reading__unit__wave",
                "reading__unit__field",
                "reading__coder__label",
                "code__name",
            )
        )
        assert sorted(row[:-1] for row in found) == want
        assert len(want) == Coding.objects.count() > 0

    def test_qdpx_needs_an_output_file(self):
        with pytest.raises(CommandError, match="--output"):
            export("--format", "qdpx")

    def test_unknown_cohort_is_refused(self):
        with pytest.raises(CommandError, match="nope"):
            export("--format", "json", "--cohort", "nope")


class TestImportCodings:
    @pytest.fixture(autouse=True)
    def responses(self, tmp_path):
        factories.course_index()
        call_command(
            "import_responses",
            str(EXAMPLES_DIR / "free_text.csv"),
            course_run=RUN,
            stdout=io.StringIO(),
        )

    def write(self, tmp_path, *lines):
        path = tmp_path / "codings.csv"
        path.write_text("\n".join(["participant_code,wave,field,coder,code", *lines]) + "\n")
        return path

    def snapshot(self):
        return (
            Reading.objects.count(),
            Coding.objects.count(),
            Code.objects.count(),
            Theme.objects.count(),
            Coder.objects.count(),
        )

    def test_new_themes_and_codes_are_created(self, tmp_path):
        path = self.write(
            tmp_path,
            "XEK49PV,month_3,programme_feedback,A,Barriers/Time",
            "XEK49PV,month_3,programme_feedback,B,",
        )
        call_command("import_codings", str(path), cohort=RUN, stdout=io.StringIO())
        assert Code.objects.get().label == "Barriers/Time"
        assert Reading.objects.get(coder__label="B").nothing_to_code
        coding = Coding.objects.get()
        assert coding.quote.startswith("There is never enough time")

    def test_a_bad_line_anywhere_writes_nothing(self, tmp_path):
        path = self.write(
            tmp_path,
            "XEK49PV,month_3,programme_feedback,A,Barriers/Time",
            "XEK49PV,month_3,clinical_use,A,Barriers/Time",
            "XEK49PV,month_3,feelings,A,Barriers/Time",
            "XEK49PV,month_3,programme_feedback,,Barriers/Time",
            "XEK49PV,month_9,programme_feedback,A,Barriers/Time",
            "XEK49PV,month_3,programme_feedback,A,No slash",
        )
        before = self.snapshot()
        errors = failed(path)
        assert errors[:5] == [
            "line 3, participant_code: Unknown unit: XEK49PV has no clinical_use answer at "
            "month_3 in york-2021.",
            "line 4, field: Unknown field 'feelings'; use programme_feedback, clinical_use, "
            "interview.",
            "line 5, coder: The coder is empty.",
            "line 6, participant_code: Unknown unit: XEK49PV has no programme_feedback answer "
            "at month_9 in york-2021.",
            "line 7, code: 'No slash' is not Theme/Code (one slash).",
        ]
        assert self.snapshot() == before
        assert not Unit.objects.exists()  # the units made while checking are rolled back too

    def test_missing_column_and_unknown_cohort(self, tmp_path):
        path = tmp_path / "c.csv"
        path.write_text("participant_code,wave,field,code\n")
        assert failed(path) == ["line 1, coder: Missing column."]
        path = self.write(tmp_path, "XEK49PV,month_3,programme_feedback,A,")
        assert failed(path, cohort="nope") == ["file, --cohort: No course run 'nope'."]


def test_interviews_are_units_for_import_and_export(tmp_path, course_run):
    participant = factories.make_participant(course_run, code="IV1")
    factories.make_response(participant, "baseline")
    from qualitative import services

    services.transcript_add(
        actor=None,
        participant=participant,
        wave="month_6",
        interviewed_on="2026-05-01",
        interviewer="Interviewer 1",
        text="I: How was it?\nP: Call me on 07700 900123.",
        filename="iv.txt",
    )
    path = tmp_path / "c.csv"
    path.write_text(
        "participant_code,wave,field,coder,code\n"
        "IV1,month_6,interview,A,Practice/Pacing\n"
        "IV1,month_6,interview,B,Practice/Pacing\n"
    )
    call_command("import_codings", str(path), cohort=course_run.slug, stdout=io.StringIO())
    summary = json.loads(export("--format", "json"))
    assert summary["units"] == 1 and summary["coders"] == ["A", "B"]
    assert summary["codes"][0]["agreement"][0]["both"] == 1
    rows = list(csv.DictReader(io.StringIO(export("--format", "csv"))))
    assert [row["quote"] for row in rows] == ["I: How was it?\nP: Call me on [phone]."] * 2
