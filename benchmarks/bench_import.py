"""Time ``manage.py import_responses`` of a synthetic file, and the preview's peak memory.

* Import: a file of ``--participants`` (100,000 by default; 95% answer the baseline and 85%
  the 3-month follow-up) is imported as a whole process (``manage.py import_responses``,
  start-up included) into a fresh migrated SQLite file, and, when PostgreSQL answers at
  ``--postgres`` (postgres://postgres@127.0.0.1:5432/), into the benchmark's own database
  ``bench_import`` (created from a migrated template, dropped at the end). The reference
  measured in the same run is reading and parsing the same file with the csv module.
* Memory: peak RSS of a process that checks a file as the admin preview's task does (first
  100 errors kept, rows not kept), for a 2 MB file whose header has a million columns, for
  a 16 MB file (the upload limit, ``IMPORT_MAX_BYTES``) of bad rows, and for the import's
  own synthetic file.

Each figure is the median of ``--repeat`` runs. Usage:

    .venv/bin/python benchmarks/bench_import.py [--participants 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
COLUMNS = ["participant_code", "wave", "mandatory_completed", "profession", "years_experience"]
COLUMNS += [f"s{i}" for i in range(1, 15)]
PROFESSIONS = ["Social prescriber", "Wellbeing coach", "GP", "Pharmacist", "Practice nurse"]
POSTGRES = "postgres://postgres@127.0.0.1:5432/"
DATABASE = "bench_import"
UPLOAD_LIMIT = 16 * 2**20  # assessments.forms.IMPORT_MAX_BYTES
PREVIEW = """
import os, resource, sys
import django
django.setup()
from assessments.import_services import responses_import_check
content = open(sys.argv[1], "rb").read()
plan = responses_import_check(content=content, course_run_slug="bench", error_limit=100)
print(plan.error_count, len(plan.errors), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def write_file(path: Path, n: int, rng: np.random.Generator) -> int:
    """The synthetic file (as benchmarks/synthetic.py draws it); returns its data rows."""
    pattern = rng.choice(3, size=n, p=[0.8, 0.15, 0.05])
    level, gain = rng.normal(3, 0.7, n), rng.normal(0.45, 0.5, n)
    done = rng.random(n) < 0.9
    rows = 0
    with path.open("w", newline="") as out:
        out.write(",".join(COLUMNS) + "\n")
        for wave, answers, shift in (("baseline", pattern != 2, 0.0), ("month_3", pattern != 1, 1)):
            who = np.flatnonzero(answers)
            noise = rng.normal(0, 0.6, (who.size, 14))
            ratings = np.clip(np.rint(level[who, None] + shift * gain[who, None] + noise), 1, 5)
            blank = rng.random(ratings.shape) < 0.02
            profession = rng.choice(PROFESSIONS, who.size)
            years = np.round(rng.exponential(6, who.size), 2).clip(0, 60)
            for k, i in enumerate(who):
                pairs = zip(ratings[k], blank[k], strict=True)
                cells = ["" if b else str(int(v)) for v, b in pairs]
                status = "yes" if done[i] else "no"
                out.write(f"T{i:07d},{wave},{status},{profession[k]},{years[k]},")
                out.write(",".join(cells) + "\n")
            rows += who.size
    return rows


def env(database_url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
    }


def manage(database_url: str, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env(database_url),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def csv_reference(path: Path) -> float:
    start = time.perf_counter()
    with path.open(newline="", encoding="utf-8") as f:
        for _ in csv.reader(f):
            pass
    return time.perf_counter() - start


def sqlite_runs(path: Path, repeat: int, folder: Path) -> list[float]:
    template = folder / "template.sqlite3"
    manage(f"sqlite:///{template}", "migrate", "-v0")
    times = []
    for _ in range(repeat):
        db = folder / "run.sqlite3"
        shutil.copy(template, db)
        times.append(manage(f"sqlite:///{db}", "import_responses", str(path), "--course-run=bench"))
    return times


def postgres_runs(path: Path, repeat: int) -> list[float] | None:
    try:
        import psycopg
    except ImportError:
        return None
    try:
        admin = psycopg.connect(POSTGRES + "postgres", autocommit=True)
    except psycopg.OperationalError:
        return None
    template = f"{DATABASE}_template"
    with admin:
        for name in (DATABASE, template):
            admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {template}")
        try:
            manage(POSTGRES + template, "migrate", "-v0")
            times = []
            for _ in range(repeat):
                admin.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
                admin.execute(f"CREATE DATABASE {DATABASE} TEMPLATE {template}")
                times.append(
                    manage(POSTGRES + DATABASE, "import_responses", str(path), "--course-run=bench")
                )
        finally:
            for name in (DATABASE, template):
                admin.execute(f"DROP DATABASE IF EXISTS {name}")
    return times


def preview_memory(path: Path, folder: Path) -> tuple[int, int, float]:
    """(errors found, errors kept, peak RSS in MB) of a preview check of the file."""
    db = folder / "template.sqlite3"
    out = subprocess.run(
        [PYTHON, "-c", PREVIEW, str(path)],
        cwd=ROOT,
        env=env(f"sqlite:///{db}"),
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return int(out[0]), int(out[1]), int(out[2]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args, _ = parser.parse_known_args()  # run_all.py passes every script the same arguments
    rng = np.random.default_rng(12)
    info = Path("/proc/cpuinfo")
    lines = info.read_text().splitlines() if info.exists() else []
    models = [x.split(":", 1)[1].strip() for x in lines if "model name" in x]
    cpu = models[0] if models else platform.processor()
    print(f"machine: {os.cpu_count()} CPUs, {cpu}, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory(prefix="bench-import-") as name:
        folder = Path(name)
        path = folder / "responses.csv"
        rows = write_file(path, args.participants, rng)
        size = path.stat().st_size / 2**20
        print(f"file: {args.participants} participants, {rows} rows, {size:.1f} MB")
        reference = statistics.median(csv_reference(path) for _ in range(args.repeat))
        print(f"reference, csv.reader over the file: {reference:.2f} s")
        for engine, times in (
            ("SQLite", sqlite_runs(path, args.repeat, folder)),
            ("PostgreSQL", postgres_runs(path, args.repeat)),
        ):
            if times is None:
                print(f"import_responses on {engine}: skipped (not reachable)")
                continue
            median = statistics.median(times)
            print(
                f"import_responses on {engine}, whole process: median {median:.2f} s "
                f"(runs {', '.join(f'{t:.2f}' for t in times)}); {median / reference:.0f}x the "
                "csv reference"
            )
        wide = folder / "wide.csv"
        wide.write_text("x," * 1_000_000 + "\n")
        bad = folder / "bad.csv"
        with bad.open("w") as out:
            out.write(",".join(COLUMNS) + "\n")
            line = "P{},baseline,perhaps,GP,-1," + ",".join(["9"] * 14) + "\n"
            n = 0
            while out.tell() < UPLOAD_LIMIT - 100:
                out.write(line.format(n))
                n += 1
        for label, file in (
            ("2 MB, a million header columns", wide),
            (f"{UPLOAD_LIMIT // 2**20} MB of bad rows", bad),
            (f"the {args.participants:,}-participant file", path),
        ):
            found, kept, rss = preview_memory(file, folder)
            print(f"preview of {label}: {found} errors, {kept} listed, peak RSS {rss:.0f} MB")


if __name__ == "__main__":
    main()
