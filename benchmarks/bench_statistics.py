"""Time the evaluation report at 1,000, 10,000 and 100,000 synthetic participants.

For each size the script fills a throwaway database (SQLite in a temporary file, or a
``test_`` copy of the PostgreSQL database named by DATABASE_URL), then times

* ``export_statistics``: from the database to the report dict (queries + statistics);
* the evaluator dashboard (GET /evaluation/, all runs pooled), rendered by Django;
* pandas + pingouin computing the same statistics from the row-level CSV export of the
  same data (read, filter, pair, score, paired t, Wilcoxon, Holm, effect sizes).

Then it fills the database with ``--four-waves`` participants (100,000 by default; 0 skips
it) answering four waves (baseline, 3, 6 and 12 months, with drop-out) and times the whole
``export_statistics`` report, longitudinal analysis included, beside the two-wave report at
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
import pandas as pd  # noqa: E402
import pingouin as pg  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from analytics import exports  # noqa: E402
from analytics.reports import export_statistics  # noqa: E402
from analytics.selectors import evaluation_data  # noqa: E402
from assessments.models import Response  # noqa: E402
from benchmarks.synthetic import FOUR_WAVES, ITEM_FOOTSTEPS, TWO_WAVES, generate  # noqa: E402
from home.roles import EVALUATOR  # noqa: E402


def make_database():
    """A fresh, migrated throwaway database; returns a function that removes it."""
    if _SQLITE_FILE is not None:
        connection.settings_dict["TEST"]["NAME"] = str(_SQLITE_FILE)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)

    def destroy():
        connection.creation.destroy_test_db(old_name, verbosity=0)

    return destroy


def pandas_pingouin(csv_path: Path) -> dict:
    """The same statistics with pandas + pingouin, from the row-level CSV export."""
    frame = pd.read_csv(csv_path, dtype={"participant_code": str})
    frame = frame[frame["mandatory_completed"] == 1]
    items = [f"s{i}" for i in range(1, 15)]
    scores = pd.DataFrame(
        {
            # mean of a footstep's statements, only when all of them were answered
            f: frame[[items[j] for j, g in enumerate(ITEM_FOOTSTEPS) if g == f]].mean(
                axis=1, skipna=False
            )
            for f in range(1, 11)
        }
    )
    scores["overall"] = scores[list(range(1, 11))].mean(axis=1, skipna=False)
    scores["participant_code"] = frame["participant_code"].to_numpy()
    scores["wave"] = frame["wave"].to_numpy()
    wide = scores.pivot(index="participant_code", columns="wave")
    results, pvalues = {}, []
    for column in [*range(1, 11), "overall"]:
        pair = wide[column][["baseline", "month_3"]].dropna()
        x, y = pair["baseline"].to_numpy(), pair["month_3"].to_numpy()
        t = pg.ttest(y, x, paired=True)
        dz = float(t["T"].iloc[0]) / np.sqrt(len(x))
        results[column] = {
            "n_pairs": len(x),
            "baseline_mean": x.mean(),
            "baseline_sd": x.std(ddof=1),
            "follow_up_mean": y.mean(),
            "follow_up_sd": y.std(ddof=1),
            "mean_difference": (y - x).mean(),
            "mean_difference_ci": t["CI95"].iloc[0],
            "t": float(t["T"].iloc[0]),
            "df": float(t["dof"].iloc[0]),
            "p": float(t["p_val"].iloc[0]),
            "cohens_dz": dz,
            "cohens_dz_ci": pg.compute_esci(stat=dz, nx=len(x), ny=len(x), paired=True),
            "d_av": float(t["cohen_d"].iloc[0]),
            # R's wilcox.test(exact = FALSE, correct = TRUE), as analytics.stats
            "wilcoxon_p": float(
                pg.wilcoxon(np.round(y - x, 10), correction=True, method="approx")["p_val"].iloc[0]
            ),
        }
        if column != "overall":
            pvalues.append(results[column]["p"])
    holm = pg.multicomp(pvalues, method="holm")[1]
    for number, p_holm in zip(range(1, 11), holm, strict=True):
        results[number]["p_holm"] = p_holm
    return results


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
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user, _ = get_user_model().objects.get_or_create(username="bench-evaluator")
    user.groups.add(Group.objects.get(name=EVALUATOR))
    if not user.authenticator_set.exists():
        TOTP.activate(user, generate_totp_secret())
    client = Client()
    client.force_login(user)
    client.get("/evaluation/")  # first render creates the Wagtail user profile
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--four-waves", type=int, default=100_000, metavar="N")
    args = parser.parse_args()

    setup_test_environment()
    destroy = make_database()
    rng = np.random.default_rng(20250607)
    rows = []
    try:
        for n in args.sizes:
            start = time.perf_counter()
            generate(n, rng)
            generated = time.perf_counter() - start
            report = export_statistics(small_number_threshold=0)
            csv_path = Path(tempfile.mkdtemp(prefix="bench-csv-")) / "responses.csv"
            csv_path.write_bytes(exports.responses_csv(evaluation_data(row_level=True)))
            reference = pandas_pingouin(csv_path)
            # Both routes must agree before their speed means anything.
            for ours, theirs in [
                *zip(report["footsteps"], [reference[f] for f in range(1, 11)], strict=True),
                (report["overall"], reference["overall"]),
            ]:
                for key in ("n_pairs", "mean_difference", "t", "p", "cohens_dz", "wilcoxon_p"):
                    assert np.isclose(ours[key], theirs[key], rtol=1e-6, atol=0), (n, key)
            ours = best_of(args.repeat, lambda: export_statistics(small_number_threshold=0))
            theirs = best_of(args.repeat, lambda path=csv_path: pandas_pingouin(path))
            client = dashboard_client()
            # "Recalculate now": time the analysis, not a reused snapshot of it.
            page = best_of(args.repeat, lambda c=client: c.get("/evaluation/?refresh=1"))
            rows.append((n, Response.objects.count(), ours, page, theirs))
            print(f"  {n:>7,} participants generated in {generated:.1f} s", file=sys.stderr)
        two_waves = {n: (ours, responses) for n, responses, ours, _, _ in rows}
        waves = four_waves(args.four_waves, args.repeat, rng, two_waves)
    finally:
        destroy()

    in_process = connection.vendor == "sqlite"
    print()
    print(f"Machine: {platform.platform()}; {os.cpu_count()} CPUs, timed on 1 core; ", end="")
    print(f"Python {platform.python_version()}; database {connection.vendor}.")
    print(
        f"Best of {args.repeat} runs, in seconds: wall clock (CPU time of this process"
        + (", which includes SQLite" if in_process else "; the database server's is not")
        + "). Ratio = pandas+pingouin / export_statistics, "
        + ("CPU" if in_process else "wall clock")
        + " time."
    )
    print()
    header = (
        "participants",
        "responses",
        "export_statistics",
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
    if waves is not None:
        n, (two, two_responses), (four, four_responses) = waves
        ratio = four[1] / two[1] if in_process else four[0] / two[0]
        print()
        print(
            f"export_statistics at {n:,} participants, in seconds; ratio = 4 waves / 2 waves, "
            + ("CPU" if in_process else "wall clock")
            + " time:"
        )
        print(f"  2 waves ({two_responses:,} responses): {two[0]:.3f} ({two[1]:.3f})")
        print(f"  4 waves ({four_responses:,} responses): {four[0]:.3f} ({four[1]:.3f})")
        print(f"  ratio: {ratio:.1f}x")


def four_waves(n: int, repeat: int, rng, two_waves: dict[int, tuple]) -> tuple | None:
    """``export_statistics`` at n participants with 2 waves and with 4: (n, two, four), each
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
    waves = export_statistics(small_number_threshold=0)["waves"]
    assert waves == ["baseline", *(f"month_{m}" for m in follow_up_months)], waves
    times = best_of(repeat, lambda: export_statistics(small_number_threshold=0))
    return times, Response.objects.count()


if __name__ == "__main__":
    main()
