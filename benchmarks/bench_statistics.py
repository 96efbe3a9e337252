"""Time the evaluation report at 1,000, 10,000 and 100,000 synthetic participants.

For each size the script fills a throwaway database (SQLite in a temporary file, or a
``test_`` copy of the PostgreSQL database named by DATABASE_URL), then times

* ``course_runs_report``: from the database to the report dict (queries + statistics);
* the evaluator dashboard (GET /evaluation/, all runs pooled), rendered by Django;
* pandas + pingouin computing the same statistics from the row-level CSV export of the
  same data (read, filter, pair, score, paired t, Wilcoxon, Holm, effect sizes).

Then it fills the database with ``--four-waves`` participants (100,000 by default; 0 skips
it) answering four waves (baseline, 3, 6 and 12 months, with drop-out) and times the whole
``course_runs_report`` report, longitudinal analysis included, beside the two-wave report at
the same size.

Each timing is the best of ``--repeat`` runs, on one CPU (the process is pinned to one
core and the BLAS thread pools are limited to one thread). Usage:

    .venv/bin/python benchmarks/bench_statistics.py [--sizes 1000 10000 100000] [--repeat 3]
        [--four-waves 100000]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# One core: set before numpy loads so its thread pools start with one thread.
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

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
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from accounts.roles import EVALUATOR  # noqa: E402
from analytics import exports  # noqa: E402
from analytics.reports import course_runs_report  # noqa: E402
from analytics.selectors import evaluation_data  # noqa: E402
from assessments.models import Response  # noqa: E402
from benchmarks.pandas_route import pandas_pingouin  # noqa: E402
from benchmarks.synthetic import FOUR_WAVES, ITEM_FOOTSTEPS, TWO_WAVES, generate  # noqa: E402
from demo.mfa import totp_activate, totp_new_secret  # noqa: E402


def make_database():
    """A fresh, migrated throwaway database; returns a function that removes it."""
    if _SQLITE_FILE is not None:
        connection.settings_dict["TEST"]["NAME"] = str(_SQLITE_FILE)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)

    def destroy():
        connection.creation.destroy_test_db(old_name, verbosity=0)

    return destroy


def best_of(repeat: int, function) -> tuple[float, float]:
    """Best wall-clock and best CPU time of this process over ``repeat`` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def dashboard_client() -> Client:
    user, _ = get_user_model().objects.get_or_create(username="bench-evaluator")
    user.groups.add(Group.objects.get(name=EVALUATOR))
    if not user.authenticator_set.exists():
        totp_activate(user, totp_new_secret())
    client = Client()
    client.force_login(user)
    client.get("/evaluation/")  # first render creates the Wagtail user profile
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--four-waves", type=int, default=100_000, metavar="N")
    parser.add_argument(
        "--process-runs", type=int, default=5, help="interleaved runs of each whole process"
    )
    args, _ = parser.parse_known_args()  # make bench passes every script the same options

    setup_test_environment()
    destroy = make_database()
    rng = np.random.default_rng(20250607)
    rows, whole = [], []
    try:
        for n in args.sizes:
            start = time.perf_counter()
            generate(n, rng)
            generated = time.perf_counter() - start
            report = course_runs_report(small_number_threshold=0)
            csv_path = Path(tempfile.mkdtemp(prefix="bench-csv-")) / "responses.csv"
            csv_path.write_bytes(exports.responses_csv(evaluation_data(row_level=True)))
            reference = pandas_pingouin(csv_path, ITEM_FOOTSTEPS)
            # Both routes must agree before their speed means anything.
            for ours, theirs in [
                *zip(report["footsteps"], [reference[f] for f in range(1, 11)], strict=True),
                (report["overall"], reference["overall"]),
            ]:
                for key in ("n_pairs", "mean_difference", "t", "p", "cohens_dz", "wilcoxon_p"):
                    assert np.isclose(ours[key], theirs[key], rtol=1e-6, atol=0), (n, key)
            ours = best_of(args.repeat, lambda: course_runs_report(small_number_threshold=0))
            theirs = best_of(
                args.repeat, lambda path=csv_path: pandas_pingouin(path, ITEM_FOOTSTEPS)
            )
            processes = whole_processes(args.process_runs, csv_path)
            client = dashboard_client()
            # "Recalculate now": time the analysis, not a reused snapshot of it.
            page = best_of(args.repeat, lambda c=client: c.get("/evaluation/?refresh=1"))
            rows.append((n, Response.objects.count(), ours, page, theirs))
            whole.append((n, *processes))
            print(f"  {n:>7,} participants generated in {generated:.1f} s", file=sys.stderr)
        two_waves = {n: (ours, responses) for n, responses, ours, _, _ in rows}
        waves = four_waves(args.four_waves, args.repeat, rng, two_waves)
        # The four waves' data is in the database now: the goal is for the whole process.
        four_process = process_medians(args.process_runs, [EXPORT_STATISTICS])[0] if waves else 0
    finally:
        destroy()

    in_process = connection.vendor == "sqlite"
    print()
    print(f"Machine: {platform.platform()}; {os.cpu_count()} CPUs, timed on 1 core; ", end="")
    print(f"Python {platform.python_version()}; database {connection.vendor}.")
    print(
        f"Best of {args.repeat} runs, in seconds: wall clock (CPU time of this process"
        + (", which includes SQLite" if in_process else "; the database server's is not")
        + "). Ratio = pandas+pingouin / course_runs_report, "
        + ("CPU" if in_process else "wall clock")
        + " time."
    )
    print()
    header = (
        "participants",
        "responses",
        "course_runs_report",
        "dashboard page",
        "pandas+pingouin from CSV",
        "ratio",
    )
    print(" | ".join(header))
    print(" | ".join("-" * len(h) for h in header))
    for n, responses, ours, page, theirs in rows:
        ratio = theirs[1] / ours[1] if in_process else theirs[0] / ours[0]
        cells = [f"{wall:.3f} ({cpu:.3f})" for wall, cpu in (ours, page, theirs)]
        print(
            f"{n:>12,} | {responses:>9,} | {cells[0]:>17} | {cells[1]:>14} | "
            f"{cells[2]:>24} | {ratio:>4.1f}x"
        )
    print()
    print(
        f"Whole process (start-up included), median of {args.process_runs} interleaved runs, "
        "wall clock seconds: `manage.py export_statistics --output FILE` against "
        "`benchmarks/pandas_route.py` (pandas + pingouin from the CSV); ratio = ours / theirs "
        "(goal: at most 0.7x)."
    )
    print(
        "Django set-up alone (`python -c 'import django; django.setup()'`) is the floor of any "
        "management command; its ratio to the pandas route is the best export_statistics "
        "could reach."
    )
    print("participants | export_statistics | pandas+pingouin | ratio | Django set-up | floor")
    print("--- | --- | --- | --- | --- | ---")
    for n, ours, theirs, setup in whole:
        print(
            f"{n:>12,} | {ours:.3f} | {theirs:.3f} | {ours / theirs:.2f}x | {setup:.3f} | "
            f"{setup / theirs:.2f}x"
        )
    if waves is not None:
        n, (two, two_responses), (four, four_responses) = waves
        ratio = four[1] / two[1] if in_process else four[0] / two[0]
        print()
        print(
            f"course_runs_report at {n:,} participants, in seconds; ratio = 4 waves / 2 waves, "
            + ("CPU" if in_process else "wall clock")
            + " time:"
        )
        print(f"  2 waves ({two_responses:,} responses): {two[0]:.3f} ({two[1]:.3f})")
        print(f"  4 waves ({four_responses:,} responses): {four[0]:.3f} ({four[1]:.3f})")
        print(
            f"  4 waves, whole `export_statistics` process (median of {args.process_runs}): "
            f"{four_process:.3f} (goal: under 4 s)"
        )
        print(f"  ratio: {ratio:.1f}x")


def _database_url() -> str:
    """The benchmark's database, for the processes started from here."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return (
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


EXPORT_STATISTICS = [sys.executable, str(ROOT / "manage.py"), "export_statistics"]
# What every management command pays before it reads a row: Python, Django and every
# installed app's ready() (Wagtail's own apps import its admin and API modules there).
DJANGO_SETUP = [sys.executable, "-c", "import django; django.setup()"]


def process_medians(runs: int, commands: list[list[str]]) -> list[float]:
    """Median wall-clock seconds of each command as a fresh process (start-up included), run
    alternately so load on the machine hits all of them alike."""
    env = {**os.environ, "DATABASE_URL": _database_url()}
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for command, spent in zip(commands, times, strict=True):
            start = time.perf_counter()
            subprocess.run(command, env=env, check=True, capture_output=True)  # noqa: S603
            spent.append(time.perf_counter() - start)
    return [statistics.median(spent) for spent in times]


def whole_processes(runs: int, csv_path: Path) -> list[float]:
    """Medians of ``export_statistics``, of the pandas + pingouin route and of Django's
    set-up alone (the floor of any command of ours)."""
    output = csv_path.with_name("statistics.json")
    pandas_route = [
        sys.executable,
        str(ROOT / "benchmarks" / "pandas_route.py"),
        str(csv_path),
        ",".join(map(str, ITEM_FOOTSTEPS)),
    ]
    return process_medians(
        runs, [[*EXPORT_STATISTICS, "--output", str(output)], pandas_route, DJANGO_SETUP]
    )


def four_waves(n: int, repeat: int, rng, two_waves: dict[int, tuple]) -> tuple | None:
    """``course_runs_report`` at n participants with 2 waves and with 4: (n, two, four), each
    (best wall and CPU times, responses). The 2-wave figure is the size table's if it has n."""
    if n <= 0:
        return None
    two = two_waves.get(n) or report_time(n, repeat, rng, TWO_WAVES)
    return n, two, report_time(n, repeat, rng, FOUR_WAVES)


def report_time(n: int, repeat: int, rng, follow_up_months: tuple[int, ...]) -> tuple:
    start = time.perf_counter()
    generate(n, rng, follow_up_months)
    generated = time.perf_counter() - start
    print(
        f"  {n:>7,} participants x {len(follow_up_months) + 1} waves generated in "
        f"{generated:.1f} s",
        file=sys.stderr,
    )
    waves = course_runs_report(small_number_threshold=0)["waves"]
    assert waves == ["baseline", *(f"month_{m}" for m in follow_up_months)], waves
    times = best_of(repeat, lambda: course_runs_report(small_number_threshold=0))
    return times, Response.objects.count()


if __name__ == "__main__":
    main()
