"""``import_codings``: codings made elsewhere (a CSV), checked whole, then written all or nothing.

Columns ``participant_code, wave, field, coder, code``; ``field`` is ``programme_feedback``,
``clinical_use`` or ``interview``; ``code`` is ``Theme/Code``, or blank for "read, nothing
to code". Line numbers count the header as line 1, as in the response import.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from assessments.importing import RowError, decode
from courses.models import CourseRunPage
from courses.waves import UnknownWaveError, Wave
from qualitative import services
from qualitative.models import Code, Coder, Coding, Field, Reading, Unit
from qualitative.redaction import unit_texts

COLUMNS = ["participant_code", "wave", "field", "coder", "code"]
CODER_MAX = Coder._meta.get_field("label").max_length
NAME_MAX = Code._meta.get_field("name").max_length


@dataclass
class CodingsPlan:
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    readings: int = 0
    codings: int = 0
    new_codes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Rollback(Exception):
    pass


def codings_import(*, content: bytes, course_run_slug: str, actor=None) -> CodingsPlan:
    """Check and write a codings file for one course run; nothing is written on any error."""
    plan = CodingsPlan()
    run = CourseRunPage.objects.filter(slug=course_run_slug).first()
    if run is None:
        plan.errors.append(RowError(None, "--cohort", f"No course run '{course_run_slug}'."))
        return plan
    try:
        text = decode(content)
    except UnicodeDecodeError:
        plan.errors.append(RowError(None, "", "The file is not UTF-8 text; save it as CSV UTF-8."))
        return plan
    if "\x00" in text:
        plan.errors.append(RowError(None, "", "The file contains a NUL character: not CSV text."))
        return plan
    try:
        with transaction.atomic():
            _write(plan, text, run, actor)
            if not plan.ok:
                raise _Rollback
    except _Rollback:
        plan.readings = plan.codings = 0
        plan.new_codes = []
    return plan


def _write(plan: CodingsPlan, text: str, run: CourseRunPage, actor) -> None:
    from analytics.selectors import CourseRunRef

    services.units_sync(course_runs=[CourseRunRef(run.pk, run.slug, run.title)])
    units = {
        (code, wave, name): pk
        for pk, code, wave, name in Unit.objects.filter(
            participant__course_run=run, participant__consented_at__isnull=False
        ).values_list("pk", "participant__code", "wave", "field")
    }
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in next(reader)]
    except (StopIteration, csv.Error):
        plan.errors.append(RowError(1, "", "The file is empty or not CSV; line 1 is the header."))
        return
    missing = [name for name in COLUMNS if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    for name in missing:
        plan.errors.append(RowError(1, name, "Missing column."))
    for name in unknown:
        plan.errors.append(
            RowError(1, name or "(blank)", f"Unknown column; expected: {', '.join(COLUMNS)}.")
        )
    if plan.errors:
        return
    at = {name: header.index(name) for name in COLUMNS}
    wanted: dict[tuple[int, str], set[str]] = {}
    fields = set(Field.values)
    try:
        for cells in reader:
            line = reader.line_num
            if not "".join(cells).strip():
                continue
            if len(cells) != len(header):
                plan.errors.append(
                    RowError(
                        line, "", f"This row has {len(cells)} cells; the header has {len(header)}."
                    )
                )
                continue
            cell = {name: cells[i].strip() for name, i in at.items()}
            plan.rows += 1
            before = len(plan.errors)
            wave = cell["wave"]
            try:
                wave = Wave.parse(wave.lower()).name
            except UnknownWaveError as error:
                plan.errors.append(RowError(line, "wave", f"Unknown wave '{wave}': {error}."))
            if cell["field"] not in fields:
                plan.errors.append(
                    RowError(
                        line,
                        "field",
                        f"Unknown field '{cell['field']}'; use {', '.join(Field.values)}.",
                    )
                )
            coder = cell["coder"]
            if not coder:
                plan.errors.append(RowError(line, "coder", "The coder is empty."))
            elif len(coder) > CODER_MAX:
                plan.errors.append(RowError(line, "coder", f"Longer than {CODER_MAX} characters."))
            code = cell["code"]
            if code:
                theme_name, slash, name = code.partition("/")
                if not slash or not theme_name.strip() or not name.strip() or "/" in name:
                    plan.errors.append(
                        RowError(line, "code", f"'{code}' is not Theme/Code (one slash).")
                    )
                elif len(name) > NAME_MAX or len(theme_name) > NAME_MAX:
                    plan.errors.append(RowError(line, "code", f"Names of at most {NAME_MAX}."))
            if len(plan.errors) > before:
                continue
            unit = units.get((cell["participant_code"], wave, cell["field"]))
            if unit is None:
                plan.errors.append(
                    RowError(
                        line,
                        "participant_code",
                        f"Unknown unit: {cell['participant_code']} has no {cell['field']} "
                        f"answer at {wave} in {run.slug}.",
                    )
                )
                continue
            codes = wanted.setdefault((unit, coder), set())
            if code:
                codes.add(code)
    except csv.Error as error:
        plan.errors.append(RowError(reader.line_num, "", f"Not readable as CSV ({error})."))
    if not plan.rows and not plan.errors:
        plan.errors.append(RowError(None, "", "The file has a header but no codings."))
    if plan.errors:
        return
    _codings_write(plan, wanted, actor)


def _codings_write(plan: CodingsPlan, wanted: dict, actor) -> None:
    labels = {label for codes in wanted.values() for label in codes}
    known = {c.label: c for c in Code.objects.select_related("theme")}
    codes = {}
    for label in sorted(labels):
        theme_name, _, name = label.partition("/")
        normal = f"{theme_name.strip()}/{name.strip()}"
        if normal not in known:
            plan.new_codes.append(normal)
            known[normal] = services.code_get_or_create(actor=actor, label=normal)
        codes[label] = known[normal]
    coders = {}
    for label in sorted({coder for _, coder in wanted}):
        coders[label], _ = Coder.objects.get_or_create(label=label)
    now = timezone.now()
    units = Unit.objects.filter(pk__in={unit_id for unit_id, _ in wanted})
    texts = unit_texts(list(units.select_related("response", "transcript")))
    for (unit_id, label), applied in wanted.items():
        reading, _ = Reading.objects.get_or_create(unit_id=unit_id, coder=coders[label])
        have = set(reading.codings.values_list("code_id", flat=True))
        new = [codes[c] for c in sorted(applied) if codes[c].pk not in have]
        # A whole-unit coding quotes the unit (redacted).
        Coding.objects.bulk_create(
            [Coding(reading=reading, code=code, quote=texts[unit_id]) for code in new]
        )
        reading.nothing_to_code = not (have or new)
        reading.finished_at = reading.finished_at or now
        reading.save(update_fields=["nothing_to_code", "finished_at"])
        plan.readings += 1
        plan.codings += len(new)
