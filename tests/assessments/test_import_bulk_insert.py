"""bulk_insert, the import's write path: stores what the ORM stores, and constraints still hold."""

import io
from datetime import UTC, datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from assessments import validators
from assessments.bulk_insert import bulk_insert
from assessments.import_services import CONCURRENT_IMPORT, PARTICIPANT_FIELDS, RESPONSE_FIELDS
from assessments.importing import COLUMNS
from assessments.models import ITEM_CODES, Instrument, Participant, Response
from tests import factories
from tests.assessments.test_import import snapshot

pytestmark = pytest.mark.django_db

NOW = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
# Values of every kind the import writes: blanks, whole and fractional years, other text.
VALUES = [
    ("baseline", "pharmacist", "", Decimal("2.50"), [1, 2, 3, 4, 5, None, 3, 3, 3, 3, 3, 3, 3, 3]),
    ("month_3", "", "", None, [None] * 14),
    ("baseline", "other", "Physio – MSK", Decimal("0.00"), [5] * 14),
    ("month_12", "general_practitioner", "", Decimal("60.00"), [2] * 13 + [None]),
    ("baseline", "wellbeing_coach", "", Decimal("12.25"), [4] * 14),
]


def stored(table: str, columns: list[str], ids: list[int]) -> list[tuple]:
    """The rows as the database holds them (raw SQL: no field conversions on the way back)."""
    quote = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)} "  # noqa: S608
            f"WHERE {quote('id')} IN ({marks}) ORDER BY {quote('id')}",
            ids,
        )
        return cursor.fetchall()


def columns_but(model, *left_out: str) -> list[str]:
    return [f.column for f in model._meta.concrete_fields if f.column not in left_out]


def test_rows_are_stored_exactly_as_the_orm_stores_them():
    run = factories.make_course_run(with_sessions=False)
    instrument = Instrument.objects.get(is_current=True)
    codes = [f"ORM{n}" for n in range(len(VALUES))], [f"BULK{n}" for n in range(len(VALUES))]
    for code in codes[0]:
        Participant.objects.create(
            code=code,
            course_run=run,
            source=Participant.Source.IMPORT,
            consented_at=NOW,
            mandatory_completed=code.endswith("1"),
            created_at=NOW,
        )
    bulk_insert(
        Participant,
        PARTICIPANT_FIELDS,
        [
            (code, run.pk, Participant.Source.IMPORT, NOW, code.endswith("1"), NOW)
            for code in codes[1]
        ],
    )
    ids = dict(Participant.objects.values_list("code", "pk"))
    for code, (wave, profession, other, years, ratings) in zip(codes[0], VALUES, strict=True):
        Response.objects.create(
            participant_id=ids[code],
            wave=wave,
            instrument=instrument,
            submitted_at=NOW,
            updated_at=NOW,
            profession=profession,
            profession_other=other,
            years_experience=years,
            **dict(zip(ITEM_CODES, ratings, strict=True)),
        )
    bulk_insert(
        Response,
        RESPONSE_FIELDS,
        [
            # Blank free text (programme_feedback, clinical_use), as a file without them.
            (ids[code], wave, instrument.pk, NOW, NOW, profession, other, years, *ratings, "", "")
            for code, (wave, profession, other, years, ratings) in zip(
                codes[1], VALUES, strict=True
            )
        ],
    )

    participant_columns = columns_but(Participant, "id", "code")
    orm, bulk = ([ids[code] for code in group] for group in codes)
    assert stored("assessments_participant", participant_columns, bulk) == stored(
        "assessments_participant", participant_columns, orm
    )
    by_code = dict(Response.objects.values_list("participant__code", "pk"))
    response_columns = columns_but(Response, "id", "participant_id")
    orm, bulk = ([by_code[code] for code in group] for group in codes)
    orm_rows = stored("assessments_response", response_columns, orm)
    assert stored("assessments_response", response_columns, bulk) == orm_rows
    # The fields not given got the model's defaults ("" and NULL), as through the ORM.
    assert Response.objects.filter(pk__in=bulk, prior_training="", uses_resources=None).count() == 5


def test_a_callable_default_is_called_for_each_row():
    run = factories.make_course_run(with_sessions=False)
    bulk_insert(Participant, ["course_run_id", "source"], [(run.pk, "import")] * 50)
    codes = list(Participant.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 50
    assert Participant.objects.filter(mandatory_completed=None, consented_at=None).count() == 50


def response_rows(participant_ids, instrument_id, bad_at: int, bad: str) -> list[tuple]:
    rows = []
    for n, pk in enumerate(participant_ids):
        ratings = [3] * 14
        wave = "baseline"
        if n == bad_at and bad == "check":
            ratings[6] = 9  # rating_s7_1_to_5
        if n == bad_at and bad == "wave":
            wave = "month_99"  # known_wave
        rows.append((pk, wave, instrument_id, NOW, NOW, "", "", None, *ratings, "", ""))
    if bad == "unique":  # one_response_per_wave: a second baseline of the first participant
        rows.insert(bad_at, rows[0])
    return rows


@pytest.mark.parametrize("bad", ["check", "wave", "unique"])
def test_a_row_against_a_constraint_in_the_middle_of_a_batch_rolls_all_back(bad):
    run = factories.make_course_run(with_sessions=False)
    bulk_insert(
        Participant,
        PARTICIPANT_FIELDS,
        [(f"P{n}", run.pk, "import", NOW, True, NOW) for n in range(1200)],
    )
    ids = list(Participant.objects.order_by("pk").values_list("pk", flat=True))
    instrument_id = Instrument.objects.get(is_current=True).pk
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert(Participant, ["code", "course_run_id", "source"], [("NEW1", run.pk, "import")])
        bulk_insert(Response, RESPONSE_FIELDS, response_rows(ids, instrument_id, 777, bad))
    assert not Response.objects.exists()
    assert not Participant.objects.filter(code="NEW1").exists()
    assert Participant.objects.count() == 1200


def test_an_import_whose_row_fails_a_database_constraint_writes_nothing(tmp_path):
    # A rating of 9 slips past the file check (as a rule changed in one place but not the
    # other would let it): the database's check constraint still refuses it, mid-batch.
    factories.course_index()
    real = validators.parse_rating

    def lenient(value):
        return 9 if value == "9" else real(value)

    ratings = ",".join(["3"] * 14)
    lines = [f"P{n:05d},baseline,yes,GP,2,{ratings}" for n in range(1500)]
    lines[900] = f"P00900,baseline,yes,GP,2,9,{','.join(['3'] * 13)}"
    path = tmp_path / "responses.csv"
    path.write_text("\n".join([",".join(COLUMNS), *lines]) + "\n", encoding="utf-8")
    before = snapshot()
    err = io.StringIO()
    with (
        mock.patch("assessments.importing.parse_rating", lenient),
        pytest.raises(CommandError, match="nothing was imported"),
    ):
        call_command(
            "import_responses", str(path), course_run="york-2021", stdout=io.StringIO(), stderr=err
        )
    # The file check passed; the database refused the row, inside the transaction.
    assert f"file: {CONCURRENT_IMPORT}" in err.getvalue().splitlines()
    assert snapshot() == before
