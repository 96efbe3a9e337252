"""Load test: 100 concurrent users against nginx + gunicorn + PostgreSQL, production settings.

Steps: a fresh PostgreSQL database, ``migrate``, ``load_demo``, 10,000 synthetic research
participants and trainee and evaluator accounts (``load/seed.py``), ``collectstatic``,
gunicorn on a unix socket behind nginx with ``deploy/nginx.conf`` (``deploy/loopback.py``),
which terminates TLS with a throwaway self-signed certificate on 127.0.0.1 as in production.
Every user signs in through the login form as it arrives (trainers and evaluators also
through the authenticator step, with the code pyotp computes from the secret seed.py set).
All of them come from 127.0.0.1, so allauth's per-address limit on logins counts every
sign-in: the site's own limit (``ACCOUNT_RATE_LIMITS["login"]``) is left as production has it,
and the benchmark refuses options that would sign in faster than it allows.
Then, for each pace (see
``load/locustfile.py``), locust headless: users arrive five a second (which also warms each
gunicorn worker's caches) and requests are counted from when the last one has arrived, for
``--seconds``. Afterwards every submission the site confirmed is checked against the database.
Only 127.0.0.1 is ever contacted.

    .venv/bin/python benchmarks/bench_load.py [--users 100] [--seconds 60] [--pace realistic stress]
"""

import argparse
import csv
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy import loopback  # noqa: E402

BIN = Path(sys.executable).parent
HOST, PORT = "127.0.0.1", 8443
ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
DB_NAME = "tenfootsteps_load"


def run(*command: str, env: dict) -> None:
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def recreate_database() -> None:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def drop_database() -> None:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def database_size() -> int:
    """Bytes the load-test database takes (tables, indexes, TOAST), for README's Scaling."""
    with psycopg.connect(ADMIN_DSN) as conn:
        return conn.execute("SELECT pg_database_size(%s)", [DB_NAME]).fetchone()[0]


def redis_bytes(url: str) -> int:
    """Bytes the site's keys take in Redis (MEMORY USAGE of each key in its database)."""
    client = redis.Redis.from_url(url)
    return sum(client.memory_usage(key) or 0 for key in client.scan_iter(count=1000))


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def aggregated(stats_csv: Path) -> dict:
    with stats_csv.open() as handle:
        row = next(r for r in csv.DictReader(handle) if r["Name"] == "Aggregated")
    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"]),
        "p95": float(row["95%"]),
        "p99": float(row["99%"]),
    }


def lost_submissions(env: dict, accepted_file: Path) -> tuple[int, int]:
    """(submissions the site confirmed, those the database does not hold)."""
    out = subprocess.run(
        [str(BIN / "python"), "benchmarks/load/verify.py", str(accepted_file)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    confirmed, lost = json.loads(out.stdout.strip().splitlines()[-1])
    return confirmed, lost


def locust(env: dict, *, users: int, spawn_rate: int, seconds: int, csv_prefix: Path) -> None:
    """One headless locust run, counted from when every user has arrived and signed in
    (the locustfile resets the statistics then, and stops ``seconds`` later)."""
    arrival = -(-users // spawn_rate)
    env = {**env, "LOAD_USERS": str(users), "LOAD_SECONDS": str(seconds)}
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            "benchmarks/load/locustfile.py",
            "--headless",
            "-u",
            str(users),
            "-r",
            str(spawn_rate),
            "-t",  # a bound in case sign-ins never finish
            f"{arrival + seconds + 300}s",
            "--host",
            f"https://{HOST}:{PORT}",
            "--csv",
            str(csv_prefix),
            "--only-summary",
            "--stop-timeout",
            "10",
        ],
        cwd=ROOT,
        env=env,
        check=False,
    )


def start_gunicorn(work: Path, env: dict, workers: int, threads: int) -> subprocess.Popen:
    """gunicorn on a unix socket, as behind production's nginx."""
    socket_path = work / "gunicorn.sock"
    argv = loopback.gunicorn_argv(BIN / "gunicorn", socket_path, workers=workers, threads=threads)
    # --preload forks workers with the URLconf imported; a keep-alive longer than nginx keeps
    # an idle upstream connection, so the two never race.
    gunicorn = subprocess.Popen(
        [*argv, "--preload", "--keep-alive", "75"],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while not socket_path.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    return gunicorn


def login_limits(env: dict) -> list[tuple[int, float]]:
    """(logins, seconds) of each per-address limit on logins the site applies."""
    code = "from django.conf import settings; print(settings.ACCOUNT_RATE_LIMITS.get('login', ''))"
    rates = subprocess.run(
        [str(BIN / "python"), "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    limits = []
    for rate in filter(None, rates.split(",")):
        amount, duration, per = rate.split("/")
        if per == "ip":
            limits.append((int(amount), float(duration[:-1] or 1) * units[duration[-1]]))
    return limits


def check_login_pace(args, limits: list[tuple[int, float]]) -> None:
    """Refuse a run whose sign-ins (all from 127.0.0.1) would trip the per-address limit:
    the failures would measure the limit, not the site. Each pace signs everyone in again,
    ``--seconds`` after the last sign-in of the one before."""
    for amount, seconds in limits:
        one_pace = min(args.users, args.spawn_rate * seconds + args.spawn_rate)
        in_window = one_pace * (len(args.pace) if seconds > args.seconds else 1)
        if in_window > amount:
            raise SystemExit(
                f"{in_window} sign-ins from one address within {seconds:.0f} s would trip the "
                f"site's login limit ({amount} per {seconds:.0f} s per address): lower "
                "--users or --spawn-rate, or raise --seconds."
            )


def sign_ins(accepted_file: Path) -> dict:
    return json.loads(accepted_file.read_text())["sign_ins"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--spawn-rate", type=int, default=5, help="users arriving per second")
    parser.add_argument("--seconds", type=int, default=60, help="counted, per pace")
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument(
        "--pace", nargs="+", choices=["realistic", "stress"], default=["realistic", "stress"]
    )
    # Two workers per core, two threads each: the best of 4x2, 5x4, 8x2 and 10x1 here.
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("nginx") is None:
        raise SystemExit("nginx is missing: `make bench` installs it (apt-get install nginx-light)")

    work = Path(tempfile.mkdtemp(prefix="load-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PUBLIC_BASE_URL": f"https://{HOST}:{PORT}",
        "TRUSTED_PROXY_COUNT": "1",
        "LOAD_SESSIONS": str(work / "sessions.json"),
        "PYTHONPATH": str(ROOT),
    }
    if redis_answers():
        env["REDIS_URL"] = "redis://127.0.0.1:6379/15"
        # Start from an empty cache: nothing cached for an earlier run's database.
        redis.Redis.from_url(env["REDIS_URL"]).flushdb()

    print(
        f"Preparing: PostgreSQL database {DB_NAME}, demo content, "
        f"{args.participants:,} participants...",
        flush=True,
    )
    recreate_database()
    gunicorn = None
    results = {}
    try:
        check_login_pace(args, login_limits(env))
        run(str(BIN / "python"), "manage.py", "migrate", "--noinput", env=env)
        # Production leaves the demo app out; the deployment tests' settings add it back.
        demo_env = {**env, "DJANGO_SETTINGS_MODULE": "tests.deploy.settings"}
        run(str(BIN / "python"), "manage.py", "load_demo", "--public-credentials-ok", env=demo_env)
        run(str(BIN / "python"), "manage.py", "collectstatic", "--noinput", env=env)
        subprocess.run(
            [
                str(BIN / "python"),
                "benchmarks/load/seed.py",
                "--participants",
                str(args.participants),
                "--trainees",
                str(args.users),
                # Twice as many staff accounts as locust starts (a tenth of the users each).
                "--trainers",
                str(max(1, args.users // 5)),
                "--evaluators",
                str(max(1, args.users // 5)),
                "--out",
                env["LOAD_SESSIONS"],
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
        results["database_bytes"] = database_size()
        gunicorn = start_gunicorn(work, env, args.workers, args.threads)
        proxy = loopback.running(
            work=work, upstream=f"unix:{work / 'gunicorn.sock'}", host=HOST, port=PORT
        )
        with proxy:
            results.update(run_paces(args, env, work))
        if "REDIS_URL" in env:
            results["redis_bytes"] = redis_bytes(env["REDIS_URL"])
    finally:
        if gunicorn is not None:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=30)
        drop_database()
        shutil.rmtree(work, ignore_errors=True)
    report(args, results)


def run_paces(args, env: dict, work: Path) -> dict:
    results = {}
    for pace in args.pace:
        paced = {**env, "LOAD_PACE": pace, "LOAD_ACCEPTED": str(work / f"{pace}.json")}
        print(
            f"Running locust ({pace} pace): {args.users} users arriving "
            f"{args.spawn_rate} a second, each signing in through the login form, then "
            f"{args.seconds} s counted, against https://{HOST}:{PORT} (nginx, gunicorn "
            f"{args.workers} workers x {args.threads} threads)...",
            flush=True,
        )
        locust(
            paced,
            users=args.users,
            spawn_rate=args.spawn_rate,
            seconds=args.seconds,
            csv_prefix=work / pace,
        )
        figures = aggregated(work / f"{pace}_stats.csv")
        figures["confirmed"], figures["lost"] = lost_submissions(paced, work / f"{pace}.json")
        figures["sign_ins"] = sign_ins(work / f"{pace}.json")
        results[pace] = figures
    return results


def report(args, results: dict) -> None:
    print()
    print(
        f"Load test on {platform.node()} ({os.cpu_count()} cores, {platform.machine()}), "
        f"{args.users} users, {args.seconds} s counted per pace, "
        f"{args.participants:,} participants"
    )
    sizes = {key: results.pop(key, None) for key in ("database_bytes", "redis_bytes")}
    for pace, figures in results.items():
        target = "   (target < 300 ms)"
        print(f"  {pace} pace")
        print(f"    requests        {figures['requests']:>8,}")
        print(f"    requests/s      {figures['rps']:>8.1f}")
        print(f"    latency p50     {figures['p50']:>8.0f} ms")
        print(f"    latency p95     {figures['p95']:>8.0f} ms{target}")
        print(f"    latency p99     {figures['p99']:>8.0f} ms")
        print(f"    failures        {figures['failures']:>8,}   (target 0)")
        signed = figures["sign_ins"]
        print(
            f"    sign-ins        {signed['succeeded']:>8,} through the form, "
            f"{signed['failed']} failed   (target 0 failed)"
        )
        for reason in sorted(set(signed["reasons"])):
            print(f"      {signed['reasons'].count(reason)} x {reason}")
        print(
            f"    submissions     {figures['confirmed']:>8,} confirmed, "
            f"{figures['lost']} lost   (target 0 lost)"
        )
    if sizes["database_bytes"] is not None:
        print(f"  PostgreSQL database after seeding  {sizes['database_bytes'] / 2**20:,.0f} MiB")
    if sizes["redis_bytes"] is not None:
        print(f"  Redis, the site's keys after the run  {sizes['redis_bytes'] / 2**20:,.1f} MiB")


if __name__ == "__main__":
    main()
