"""Time the row-level exports and every evaluator request at 100,000 synthetic participants.

The script fills a throwaway database as ``bench_statistics.py`` does (SQLite in a
temporary file, or a ``test_`` copy of the PostgreSQL database named by DATABASE_URL) and
prints, in seconds (median of ``--repeat`` runs):

* the row-level files (long layout) from the evaluation data: CSV, SPSS, and XLSX with
  XlsxWriter's constant-memory mode (what ``analytics.exports`` uses) and with openpyxl's
  write-only mode (what it used before), each with the peak memory of its Python
  allocations (tracemalloc, one extra run); the two XLSX files must hold the same cells;
* the server time of every request an evaluator can make: the dashboard (recalculated),
  each download URL of ``analytics.export_formats.EXPORTS`` (those the worker prepares
  answer with a redirect to their progress page), the progress page and the prepared
  file; tasks go to the database backend, as in production, and the worker's build of
  each prepared download is timed apart.

Usage:

    .venv/bin/python benchmarks/bench_exports.py [--participants 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
_SQLITE_FILE = None
if "DATABASE_URL" not in os.environ:
    _SQLITE_FILE = Path(tempfile.mkdtemp(prefix="bench-")) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{_SQLITE_FILE}"

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from analytics import download_jobs, exports  # noqa: E402
from analytics.export_formats import EXPORTS  # noqa: E402
from analytics.models import DownloadJob  # noqa: E402
from analytics.selectors import evaluation_data  # noqa: E402
from benchmarks.bench_statistics import dashboard_client  # noqa: E402
from benchmarks.synthetic import generate  # noqa: E402

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
REQUEST_LIMIT = 2.0  # seconds of server time any evaluator request may take (issue 12)


def make_database():
    if _SQLITE_FILE is not None:
        connection.settings_dict["TEST"]["NAME"] = str(_SQLITE_FILE)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return lambda: connection.creation.destroy_test_db(old_name, verbosity=0)


def openpyxl_xlsx(data) -> bytes:
    """The long responses file with openpyxl's write-only mode (the writer before XlsxWriter)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    meta, arrays = exports.TABLES["long"](data)
    sheets = [
        ("Responses", [name for name, _ in meta], exports._spreadsheet_rows(meta, arrays)),
        ("Variables", ["Variable", "Label"], exports._safe_rows([list(m) for m in meta])),
    ]
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title)
        bold = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=exports.safe_text(name))
            cell.font = Font(bold=True)
            bold.append(cell)
        sheet.append(bold)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def median_time(repeat: int, function) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def peak_memory(function) -> float:
    """Peak Python allocations of one run, in MB."""
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def same_cells(first: bytes, second: bytes, rows: int = 2000) -> None:
    """The first ``rows`` rows of every sheet must agree in values and types; an empty cell
    is empty in both (openpyxl stores empty text as an empty string cell, XlsxWriter as no
    cell; a spreadsheet and openpyxl read both as empty)."""
    from openpyxl import load_workbook

    a, b = (load_workbook(io.BytesIO(content), read_only=True) for content in (first, second))
    assert a.sheetnames == b.sheetnames, (a.sheetnames, b.sheetnames)
    for name in a.sheetnames:
        for row_a, row_b in zip(
            a[name].iter_rows(max_row=rows), b[name].iter_rows(max_row=rows), strict=True
        ):
            cells_a, cells_b = (
                [(c.value, c.data_type) if c.value is not None else None for c in row]
                for row in (row_a, row_b)
            )
            width = max(len(cells_a), len(cells_b))
            cells_a += [None] * (width - len(cells_a))
            cells_b += [None] * (width - len(cells_b))
            assert cells_a == cells_b, (name, cells_a, cells_b)


def file_timings(repeat: int) -> list[tuple[str, float, float, int]]:
    data = evaluation_data(row_level=True)
    writers = [
        ("CSV", exports.responses_csv),
        ("SPSS (.sav)", exports.responses_sav),
        ("XLSX, XlsxWriter constant_memory (used)", exports.responses_xlsx),
        ("XLSX, openpyxl write_only", openpyxl_xlsx),
    ]
    # Interleaved (each repeat runs every writer once), so a load change hits all alike.
    times: dict[str, list[float]] = {label: [] for label, _ in writers}
    files = {}
    for _ in range(repeat):
        for label, writer in writers:
            start = time.perf_counter()
            files[label] = writer(data)
            times[label].append(time.perf_counter() - start)
            print(f"  {label}: {times[label][-1]:.2f} s", file=sys.stderr)
    rows = [
        (
            label,
            statistics.median(times[label]),
            peak_memory(lambda w=writer: w(data)),
            len(files[label]),
        )
        for label, writer in writers
    ]
    same_cells(files[writers[2][0]], files[writers[3][0]])
    return rows


def xlsxwriter_floor(repeat: int) -> tuple[float, int]:
    """(median seconds, cells) of XlsxWriter alone writing the long table's cells, already
    Python values in memory: what any export through the library takes at least."""
    meta, arrays = exports.TABLES["long"](evaluation_data(row_level=True))
    rows = [list(row) for row in exports._spreadsheet_rows(meta, arrays)]
    sheets = [("Responses", [name for name, _ in meta], rows)]
    cells = sum(value is not None for row in rows for value in row)
    seconds, _ = median_time(repeat, lambda: exports._xlsx_bytes(sheets))
    return seconds, cells


def request_timings(repeat: int) -> list[tuple[str, int, float]]:
    """(request, status, median server seconds) for every request an evaluator can make."""
    client = dashboard_client()
    rows = [("GET /evaluation/?refresh=1", *timed_get(client, "/evaluation/?refresh=1", repeat))]
    for group in EXPORTS.values():
        for fmt in group.formats:
            url = reverse("analytics:export", args=[group.what, fmt])
            DownloadJob.objects.all().delete()
            status, seconds = timed_get(client, url, repeat)
            rows.append((f"GET {url}", status, seconds))
            job = DownloadJob.objects.first()
            if job is None:
                continue
            # The worker's share: not a request, so no 2 s limit, but printed.
            start = time.perf_counter()
            download_jobs.download_job_build(job_id=job.pk)
            job.refresh_from_db()
            built = time.perf_counter() - start
            rows.append((f"  worker builds {group.what}.{fmt} ({job.status})", 0, built))
            page = reverse("analytics:download-job", args=[job.pk])
            rows.append((f"  GET progress page of {group.what}.{fmt}", *timed_get(client, page, 1)))
            if job.status == DownloadJob.Status.READY:
                file_url = reverse("analytics:download-job-file", args=[job.pk])
                rows.append((f"  GET prepared {group.what}.{fmt}", *timed_get(client, file_url, 1)))
    return rows


def timed_get(client, url: str, repeat: int) -> tuple[int, float]:
    def get():
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)  # the server's work includes sending it
        return response

    seconds, response = median_time(repeat, get)
    return response.status_code, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args, _ = parser.parse_known_args()  # make bench passes every script the same options

    setup_test_environment()
    destroy = make_database()
    try:
        start = time.perf_counter()
        generate(args.participants, np.random.default_rng(20250607))
        print(f"  generated in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        files = file_timings(args.repeat)
        floor, cells = xlsxwriter_floor(args.repeat)
        with override_settings(TASKS=DATABASE_TASKS):
            requests = request_timings(args.repeat)
        responses = evaluation_data(row_level=True).response_participant.size
    finally:
        destroy()

    print()
    print(
        f"Machine: {platform.platform()}; {os.cpu_count()} CPUs "
        f"({platform.processor() or platform.machine()}); Python {platform.python_version()}; "
        f"database {connection.vendor}; {args.participants:,} participants, "
        f"{responses:,} responses; median of {args.repeat} runs."
    )
    print()
    print("row-level file (long layout) | seconds | peak MB (Python allocations) | size MB")
    print("--- | --- | --- | ---")
    for label, seconds, peak, size in files:
        print(f"{label} | {seconds:.2f} | {peak:.0f} | {size / 1e6:.1f}")
    xlsxwriter_time, openpyxl_time = files[2][1], files[3][1]
    print(f"XLSX: openpyxl / XlsxWriter = {openpyxl_time / xlsxwriter_time:.2f}x")
    print(
        f"XlsxWriter alone, the {cells:,} non-empty cells already in memory: {floor:.2f} s "
        f"({floor / cells * 1e6:.1f} µs a cell; the floor of the used XLSX writer)"
    )
    print()
    print(f"request (server time, limit {REQUEST_LIMIT:.0f} s) | status | seconds")
    print("--- | --- | ---")
    slowest = 0.0
    for label, status, seconds in requests:
        if status:
            slowest = max(slowest, seconds)
        print(f"{label} | {status or '-'} | {seconds:.3f}")
    verdict = "within" if slowest <= REQUEST_LIMIT else "OVER"
    print(f"Slowest request: {slowest:.3f} s ({verdict} the {REQUEST_LIMIT:.0f} s limit).")


if __name__ == "__main__":
    main()
