"""What each cache layer saves: trainee pages timed with every layer on, then each one off.

The layers (docs/architecture.md, "Caches"): each user's permission set
(``home.backends.CachedPermissionsBackend``), the published course content
(``courses.content_cache``), the footer's policy links (``home.policies.site_pages``); and
the evaluation dashboard's snapshots (``analytics.snapshots``), timed against the same page
recomputed (``?refresh=1``). A layer is switched off by computing every time (for the
permissions, as Django's ModelBackend does), in the same process and the same interleaved rounds, so
load on the machine falls on every configuration alike. It prints each page's p50 and
queries per configuration and the ratio to all layers on; the seeded data is
``bench_pages``' (one run, 41 trainees with two waves, the ten modules). Usage:

    .venv/bin/python benchmarks/bench_caches.py [--rounds 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from benchmarks.bench_pages import queries, seeded_database  # noqa: E402  (sets Django up)
from courses.content_cache import course_content  # noqa: E402
from home.backends import permission_sets  # noqa: E402
from home.policies import site_pages  # noqa: E402


@contextmanager
def computed_every_time(layer):
    layer.get_or_compute = lambda name, compute: compute()
    try:
        yield
    finally:
        del layer.get_or_compute


LAYERS = {
    "permission sets": lambda: computed_every_time(permission_sets),
    "course content": lambda: computed_every_time(course_content),
    "policy links": lambda: computed_every_time(site_pages),
}
CONFIGS = {
    "all on": [],
    **{f"no {name}": [name] for name in LAYERS},
    "none of the three": list(LAYERS),
}


@contextmanager
def configured(off: list[str]):
    with ExitStack() as stack:
        for name in off:
            stack.enter_context(LAYERS[name]())
        yield


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    with seeded_database() as (seeded, trainee):
        pages = seeded["pages"]
        print(f"{args.rounds} interleaved rounds, SQLite, the seeded data of bench_pages")
        for off in CONFIGS.values():  # warm-up of each configuration
            with configured(off):
                for url in pages.values():
                    assert trainee.get(url).status_code == 200, url
        times = {(config, page): [] for config in CONFIGS for page in pages}
        counts = {}
        for _ in range(args.rounds):
            for config, off in CONFIGS.items():
                with configured(off):
                    for page, url in pages.items():
                        start = time.perf_counter()
                        trainee.get(url)
                        times[config, page].append(time.perf_counter() - start)
        for config, off in CONFIGS.items():
            with configured(off):
                for page, url in pages.items():
                    counts[config, page] = queries(trainee, url)

        print(f"\n{'page':<18}" + "".join(f"{config:>22}" for config in CONFIGS))
        for page in pages:
            base = statistics.median(times["all on", page])
            cells = []
            for config in CONFIGS:
                p50 = statistics.median(times[config, page])
                cells.append(f"{p50 * 1000:6.2f} ms {p50 / base:4.2f}× {counts[config, page]:2d}q")
            print(f"{page:<18}" + "".join(f"{cell:>22}" for cell in cells))

        evaluator = Client()
        evaluator.force_login(seeded["evaluator"])
        dashboard = reverse("analytics:dashboard")
        routes = {"snapshot": {}, "recomputed": {"refresh": "1"}}
        dash = {name: [] for name in routes}
        # The test settings recompute every time (a maximum age of 0); production's minute.
        with override_settings(EVALUATION_SNAPSHOT_MAX_AGE=60):
            evaluator.get(dashboard)
            for _ in range(args.rounds):
                for name, params in routes.items():
                    start = time.perf_counter()
                    evaluator.get(dashboard, params)
                    dash[name].append(time.perf_counter() - start)
        snapshot = statistics.median(dash["snapshot"])
        print("\nEvaluation dashboard (41 participants; the snapshot's gain grows with them):")
        for name, values in dash.items():
            p50 = statistics.median(values)
            print(f"  {name:<12} {p50 * 1000:8.2f} ms {p50 / snapshot:6.2f}× the snapshot")
        return 0


if __name__ == "__main__":
    sys.exit(main())
