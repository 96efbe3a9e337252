"""``export_qualitative``: the summary (JSON), the codings (CSV) and a REFI-QDA project (.qdpx).

Every text that leaves here is redacted (``qualitative.redaction``).
"""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from collections.abc import Sequence
from xml.etree import ElementTree as ET

from django.utils import timezone

from analytics.selectors import CourseRunRef
from qualitative.models import Coder, Coding, Reading, Theme
from qualitative.passages import passage_in
from qualitative.redaction import platform_redactor, unit_texts
from qualitative.selectors import qualitative_summary, units_of

QDA_NAMESPACE = "urn:QDA-XML:project:1.0"
# GUIDs are derived from the rows (uuid5), so exporting twice gives the same project.
GUID_NAMESPACE = uuid.UUID("8c1d5f0e-2b7a-4c8e-9d1e-5a3f6b2c7d90")
CSV_COLUMNS = ["participant_code", "wave", "field", "coder", "code", "start", "end", "quote"]
FORMATS = ("json", "csv", "qdpx")


def guid(kind: str, key) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{key}"))


def summary_json(course_runs: Sequence[CourseRunRef] | None = None) -> bytes:
    return (json.dumps(qualitative_summary(course_runs), indent=1) + "\n").encode()


def codings_csv(course_runs: Sequence[CourseRunRef] | None = None) -> bytes:
    """One row per coding, and one with a blank code per "read, nothing to code"."""
    units = list(units_of(course_runs).select_related("participant", "response", "transcript"))
    by_id = {u.pk: u for u in units}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    readings = Reading.objects.filter(unit__in=units).select_related("coder")
    codings = Coding.objects.filter(reading__in=readings).select_related("code__theme")
    by_reading: dict[int, list[Coding]] = {}
    for coding in codings.order_by("start", "pk"):
        by_reading.setdefault(coding.reading_id, []).append(coding)
    redactor = platform_redactor()
    for reading in readings.order_by("unit__participant__code", "unit__wave", "unit__field"):
        unit = by_id[reading.unit_id]
        base = [unit.participant.code, unit.wave, unit.field, reading.coder.label]
        mine = by_reading.get(reading.pk, [])
        if not mine:
            writer.writerow([*base, "", "", "", ""])
        for coding in mine:
            writer.writerow(
                [*base, coding.code.label, coding.start, coding.end, redactor(coding.quote)]
            )
    return out.getvalue().encode()


def qdpx(course_runs: Sequence[CourseRunRef] | None = None) -> bytes:
    """A REFI-QDA 1.5 project: ``project.qde`` (codebook, sources, codings) and the texts.

    Each unit is a ``TextSource`` whose redacted text is ``sources/<guid>.txt``; each coding
    a ``PlainTextSelection`` (character positions; the whole text for a coding without a
    passage) holding a ``Coding`` with its ``CodeRef``. Themes are codes that are not codable.
    """
    ET.register_namespace("", QDA_NAMESPACE)
    q = f"{{{QDA_NAMESPACE}}}"
    units = list(units_of(course_runs).select_related("participant", "response", "transcript"))
    texts = unit_texts(units)
    now = timezone.now().replace(microsecond=0).isoformat()
    project = ET.Element(
        f"{q}Project",
        {
            "name": "Ten Footsteps qualitative analysis",
            "origin": "Ten Footsteps",
            "creationDateTime": now,
        },
    )
    users = ET.SubElement(project, f"{q}Users")
    for coder in Coder.objects.all():
        ET.SubElement(users, f"{q}User", {"guid": guid("coder", coder.pk), "name": coder.label})
    codebook = ET.SubElement(ET.SubElement(project, f"{q}CodeBook"), f"{q}Codes")
    for theme in Theme.objects.prefetch_related("codes"):
        parent = ET.SubElement(
            codebook,
            f"{q}Code",
            {"guid": guid("theme", theme.pk), "name": theme.name, "isCodable": "false"},
        )
        if theme.description:
            ET.SubElement(parent, f"{q}Description").text = theme.description
        for code in theme.codes.all():
            element = ET.SubElement(
                parent,
                f"{q}Code",
                {"guid": guid("code", code.pk), "name": code.name, "isCodable": "true"},
            )
            description = "\n\n".join(
                part
                for part in (code.description, code.example and f"Example: {code.example}")
                if part
            )
            if description:
                ET.SubElement(element, f"{q}Description").text = description
    sources = ET.SubElement(project, f"{q}Sources")
    codings: dict[int, list[Coding]] = {}
    for coding in Coding.objects.filter(reading__unit__in=units).select_related("reading"):
        codings.setdefault(coding.reading.unit_id, []).append(coding)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for unit in units:
            source_guid = guid("unit", unit.pk)
            text = texts[unit.pk]
            source = ET.SubElement(
                sources,
                f"{q}TextSource",
                {
                    "guid": source_guid,
                    "name": f"{unit.participant.code} {unit.wave} {unit.field}",
                    "plainTextPath": f"internal://{source_guid}.txt",
                },
            )
            zf.writestr(f"sources/{source_guid}.txt", text.encode("utf-8"))
            for coding in sorted(codings.get(unit.pk, []), key=lambda c: (c.start or 0, c.pk)):
                start, end = passage_in(text, coding)
                selection = ET.SubElement(
                    source,
                    f"{q}PlainTextSelection",
                    {
                        "guid": guid("selection", coding.pk),
                        "name": text[start:end][:60],
                        "startPosition": str(start),
                        "endPosition": str(end),
                        "creatingUser": guid("coder", coding.reading.coder_id),
                    },
                )
                element = ET.SubElement(
                    selection,
                    f"{q}Coding",
                    {
                        "guid": guid("coding", coding.pk),
                        "creatingUser": guid("coder", coding.reading.coder_id),
                    },
                )
                ET.SubElement(element, f"{q}CodeRef", {"targetGUID": guid("code", coding.code_id)})
        xml = ET.tostring(project, encoding="utf-8", xml_declaration=True)
        zf.writestr("project.qde", xml)
    return archive.getvalue()


def export(file_format: str, course_runs: Sequence[CourseRunRef] | None = None) -> bytes:
    return {"json": summary_json, "csv": codings_csv, "qdpx": qdpx}[file_format](course_runs)
