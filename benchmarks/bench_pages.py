"""Server time and queries of every trainee page, and what a chart page's first visit transfers.

On a throwaway SQLite database seeded through the factories and services of the tests (one
course run past its 3-month follow-up, a trainee who answered both waves among 40 others,
the ten footstep modules), Django's test client times each trainee page (dashboard, run,
session, module, questionnaire, chart) beside our simplest Wagtail page, the home page, as
the in-run reference: ``--rounds`` interleaved rounds, every page once per round after a
warm-up, so load on the machine falls on all pages alike. It prints each page's p50, its
ratio to the home page's and its queries (warm caches; target: at most 15).

Then the bytes of the chart pages' first visit: the HTML, and every stylesheet, script and
icon it links, each gzip-compressed as nginx does (deploy/nginx.conf, level 5) and with
brotli at its default (what WhiteNoise's compressed copies give); the figure data is inside
the HTML. Target: under 500 KB in total.

With ``--beside PYTHON PROJECT SETTINGS URL...`` another Django project's pages (the target
compares with wagtail/bakerydemo's two detail pages, set up by hand beside this one: README,
Performance) are timed in the same rounds by ``page_timer.py`` in that project's own
interpreter, and each trainee page's p50 is printed as a ratio to theirs. Usage:

    .venv/bin/python benchmarks/bench_pages.py [--rounds 40]
        [--beside PYTHON PROJECT SETTINGS URL ...]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_CALLER_ENVIRONMENT = dict(os.environ)  # for --beside: the other project's own settings
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
_SQLITE_FILE = Path(tempfile.mkdtemp(prefix="bench-pages-")) / "bench.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{_SQLITE_FILE}"

import django  # noqa: E402

django.setup()

import brotli  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from courses.models import Footstep  # noqa: E402
from tests import factories  # noqa: E402
from tests.assessments.conftest import (  # noqa: E402
    PAST_FIRST_WORKSHOP_DAYS,
    attend_workshops,
    follow_up_answers,
    with_baseline,
)

QUERY_BUDGET = 15
TRANSFER_BUDGET = 500 * 1024
NGINX_GZIP_LEVEL = 5  # deploy/nginx.conf, gzip_comp_level
OTHERS = 40
LINKED = re.compile(r'<(?:script|link)\b[^>]*?(?:src|href)="(?P<url>/static/[^"]+)"')


def seed() -> dict[str, object]:
    """The pages to time (name -> URL) and the people who see them."""
    from assessments import services

    run = factories.make_course_run(first_workshop_in_days=PAST_FIRST_WORKSHOP_DAYS)
    modules = [factories.make_module(f) for f in Footstep.objects.order_by("number")]
    people = [factories.TraineeFactory() for _ in range(OTHERS + 1)]
    for k, person in enumerate(people):
        enrolment = factories.enrol(person, run)
        with_baseline(enrolment, s1=1 + k % 5, s2=2 + k % 3, s14=None if k % 7 == 0 else 3)
        attend_workshops(enrolment)
        services.response_submit(
            enrolment=enrolment, wave="month_3", data=follow_up_answers(s1=5, s3=2 + k % 4)
        )
    trainee, enrolment = people[0], run.enrolments.get(user=people[0])
    evaluator = factories.EvaluatorFactory()
    return {
        "trainee": trainee,
        "evaluator": evaluator,
        "pages": {
            "home (reference)": "/",
            "dashboard": reverse("courses:dashboard"),
            "run": run.url,
            "session": factories.workshops(run)[0].url,
            "module": modules[0].url,
            "questionnaire": reverse("assessments:questionnaire", args=[enrolment.pk, "month_3"]),
            "chart": reverse("assessments:chart", args=[enrolment.pk]),
        },
    }


@contextmanager
def seeded_database():
    """A throwaway SQLite database with ``seed()``'s data: (seeded, the trainee's client)."""
    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = str(_SQLITE_FILE)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        seeded = seed()
        client = Client()
        client.force_login(seeded["trainee"])
        print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs;")
        yield seeded, client
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def time_pages(
    client: Client, pages: dict[str, str], rounds: int, beside: Beside | None = None
) -> dict[str, list[float]]:
    """Seconds per page over the rounds; with ``beside``, its pages are timed in each round
    too, right after ours (under the names ``beside.names``)."""
    for url in pages.values():  # warm-up: caches, templates, the first query of each kind
        for _ in range(3):
            assert client.get(url).status_code == 200, url
    timings: dict[str, list[float]] = {name: [] for name in pages}
    if beside is not None:
        timings.update({name: [] for name in beside.names})
    for _ in range(rounds):
        for name, url in pages.items():
            start = time.perf_counter()
            client.get(url)
            timings[name].append(time.perf_counter() - start)
        if beside is not None:
            for name, seconds in zip(beside.names, beside.round(), strict=True):
                timings[name].append(seconds)
    return timings


class Beside:
    """Another Django project's pages timed by ``page_timer.py`` in that project's own
    interpreter, one round whenever asked (``--beside PYTHON PROJECT SETTINGS URL...``)."""

    def __init__(self, python: str, project: str, settings_module: str, urls: list[str]):
        self.names = [f"beside {url}" for url in urls]
        self.process = subprocess.Popen(  # noqa: S603 (the command line the user gave)
            [
                python,
                str(ROOT / "benchmarks" / "page_timer.py"),
                "--project",
                project,
                "--settings",
                settings_module,
                *urls,
            ],
            env=_CALLER_ENVIRONMENT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        if self.process.stdout.readline().strip() != "ready":
            raise SystemExit(f"{project}: its pages could not be timed (see above).")

    def round(self) -> list[float]:
        self.process.stdin.write("round\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def transfer(client: Client, url: str) -> list[tuple[str, int, int, int]]:
    """(what, bytes, gzip bytes, brotli bytes) of the page and each file it links."""
    html = client.get(url).content
    files = [("HTML (figure data inline)", html)]
    for link in dict.fromkeys(LINKED.findall(html.decode())):
        path = finders.find(link.removeprefix(settings.STATIC_URL))
        files.append((link, Path(path).read_bytes()))
    return [
        (what, len(body), len(gzip.compress(body, NGINX_GZIP_LEVEL)), len(brotli.compress(body)))
        for what, body in files
    ]


def figure_routes(client: Client, url: str, repeat: int) -> None:
    """The chart page's figure to JSON three ways: ours (dicts and json), plotly.io without
    validation, and a validated go.Figure (the page's route before)."""
    import json

    import plotly.graph_objects as go
    import plotly.io as pio

    from assessments import charts

    context = client.get(url).context
    scores = context["scores"]
    routes = {
        "dicts + json.dumps (ours)": lambda: json.dumps(charts.personal_chart(scores)),
        "plotly.io.to_json(validate=False)": lambda: pio.to_json(
            charts.personal_chart(scores), validate=False
        ),
        "go.Figure(...).to_json() (validated)": lambda: go.Figure(
            charts.personal_chart(scores)
        ).to_json(),
    }
    times: dict[str, list[float]] = {name: [] for name in routes}
    for _ in range(repeat):
        for name, route in routes.items():
            start = time.perf_counter()
            route()
            times[name].append(time.perf_counter() - start)
    ours = statistics.median(times["dicts + json.dumps (ours)"])
    print("\nThe chart's figure as JSON, p50 of", repeat, "interleaved runs:")
    for name, values in times.items():
        p50 = statistics.median(values)
        print(f"  {name:<38} {p50 * 1000:7.2f} ms {p50 / ours:6.1f}× ours")


def compare_beside(timings: dict[str, list[float]], pages: dict[str, str], beside) -> None:
    """Each trainee page's p50 as a ratio to the p50 of the other project's pages."""
    theirs = [seconds for name in beside.names for seconds in timings[name]]
    reference = statistics.median(theirs)
    for name in beside.names:
        print(f"{name}: p50 {statistics.median(timings[name]) * 1000:.2f} ms")
    print(f"Their pages together: p50 {reference * 1000:.2f} ms")
    print(f"{'page':<18} {'p50 ms':>7} {'× theirs':>9}  goal at most 0.5x")
    for name in pages:
        if name == "home (reference)":
            continue
        p50 = statistics.median(timings[name])
        ratio = p50 / reference
        print(f"{name:<18} {p50 * 1000:7.2f} {ratio:9.2f}  {'met' if ratio <= 0.5 else 'not met'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument(
        "--beside",
        nargs="+",
        metavar="ARG",
        help="PYTHON PROJECT SETTINGS URL [URL ...]: also time these pages of another Django "
        "project (e.g. bakerydemo's detail pages) in the same rounds; each trainee page is "
        "then compared with the p50 of all their timings (goal: at most 0.5x)",
    )
    args, _ = parser.parse_known_args()  # make bench passes every script the same options
    if args.beside is not None and len(args.beside) < 4:
        parser.error("--beside needs PYTHON PROJECT SETTINGS and at least one URL")

    with seeded_database() as (seeded, client):
        pages = seeded["pages"]
        beside = Beside(*args.beside[:3], args.beside[3:]) if args.beside else None
        print(f"{args.rounds} interleaved rounds, SQLite, {OTHERS + 1} trainees with two waves")
        try:
            timings = time_pages(client, pages, args.rounds, beside)
        finally:
            if beside is not None:
                beside.close()
        reference = statistics.median(timings["home (reference)"])
        print(f"{'page':<18} {'p50 ms':>7} {'× home':>7} {'queries':>8}")
        over = []
        for name, url in pages.items():
            p50 = statistics.median(timings[name])
            count = queries(client, url)
            if count > QUERY_BUDGET:
                over.append(name)
            print(f"{name:<18} {p50 * 1000:7.2f} {p50 / reference:7.2f} {count:8d}")
        print(f"Query budget {QUERY_BUDGET}: {'over on ' + ', '.join(over) if over else 'met'}")
        if beside is not None:
            compare_beside(timings, pages, beside)
        figure_routes(client, pages["chart"], args.rounds)

        evaluator = Client()
        evaluator.force_login(seeded["evaluator"])
        for title, who, url in (
            ("Trainee's chart", client, pages["chart"]),
            ("Evaluation dashboard", evaluator, reverse("analytics:dashboard")),
        ):
            rows = transfer(who, url)
            print(f"\n{title}, first visit: {'bytes':>9} {'gzip -5':>9} {'brotli':>9}")
            for what, size, gz, br in rows:
                print(f"  {what:<40} {size:9,d} {gz:9,d} {br:9,d}")
            total_gz = sum(row[2] for row in rows)
            total_br = sum(row[3] for row in rows)
            verdict = "under" if total_gz < TRANSFER_BUDGET else "OVER"
            print(
                f"  {'total':<40} {sum(row[1] for row in rows):9,d} {total_gz:9,d} "
                f"{total_br:9,d}  ({verdict} {TRANSFER_BUDGET // 1024} KB gzipped)"
            )
        return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
