"""Time pages of another Django project with its own test client, one round at a time.

``bench_pages.py --beside ...`` starts this in the other project's interpreter, so both
projects' pages are timed the same way (Django's test client, no HTTP server, DEBUG off)
in one run. It warms every URL up (each must answer 200), prints ``ready``, then for each
line read from standard input gets every URL once and prints the seconds as one JSON list:

    OTHER/.venv/bin/python benchmarks/page_timer.py --project OTHER --settings MODULE URL ...
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", required=True, help="the project's folder (manage.py)")
    parser.add_argument("--settings", required=True, help="its settings module")
    parser.add_argument("urls", nargs="+")
    args = parser.parse_args()

    os.chdir(args.project)
    sys.path.insert(0, args.project)
    os.environ["DJANGO_SETTINGS_MODULE"] = args.settings
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment(debug=False)
    client = Client()
    for url in args.urls:
        for _ in range(3):
            status = client.get(url).status_code
            if status != 200:
                print(f"{url} answered {status}, not 200", file=sys.stderr)
                return 1
    print("ready", flush=True)
    for _ in sys.stdin:
        seconds = []
        for url in args.urls:
            start = time.perf_counter()
            client.get(url)
            seconds.append(time.perf_counter() - start)
        print(json.dumps(seconds), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
