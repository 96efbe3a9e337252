"""Load test: 100 concurrent users against gunicorn + PostgreSQL with the production settings.

Steps: a fresh PostgreSQL database, ``migrate``, ``load_demo``, 10,000 synthetic research
participants and signed-in trainee/evaluator accounts (``load/seed.py``), ``collectstatic``,
gunicorn over TLS with a throwaway self-signed certificate on 127.0.0.1, then locust
headless (``load/locustfile.py``) for a bounded time. Afterwards every submission the site
confirmed is checked against the database. Only 127.0.0.1 is ever contacted.

    .venv/bin/python benchmarks/bench_load.py [--users 100] [--seconds 60] [--participants 10000]
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

ROOT = Path(__file__).resolve().parent.parent
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


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def wait_for_port(timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, PORT), timeout=1):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not start listening on {HOST}:{PORT}")


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--spawn-rate", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="load-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOAD_SESSIONS": str(work / "sessions.json"),
        "LOAD_ACCEPTED": str(work / "accepted.json"),
        "PYTHONPATH": str(ROOT),
    }
    if redis_answers():
        env["REDIS_URL"] = "redis://127.0.0.1:6379/15"

    print(
        f"Preparing: PostgreSQL database {DB_NAME}, demo content, "
        f"{args.participants:,} participants...",
        flush=True,
    )
    recreate_database()
    gunicorn = None
    try:
        run(str(BIN / "python"), "manage.py", "migrate", "--noinput", env=env)
        run(str(BIN / "python"), "manage.py", "load_demo", "--public-credentials-ok", env=env)
        run(str(BIN / "python"), "manage.py", "collectstatic", "--noinput", env=env)
        subprocess.run(
            [
                str(BIN / "python"),
                "benchmarks/load/seed.py",
                "--participants",
                str(args.participants),
                "--trainees",
                str(args.users),
                "--out",
                env["LOAD_SESSIONS"],
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
        cert, key = self_signed_certificate(work)
        gunicorn = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi",
                "--workers",
                str(args.workers),
                "--worker-class",
                "gthread",
                "--threads",
                "4",
                "--preload",
                # Longer than a load user's pause, so the server never closes a kept-alive
                # connection just as the client reuses it.
                "--keep-alive",
                "30",
                "--bind",
                f"{HOST}:{PORT}",
                "--certfile",
                str(cert),
                "--keyfile",
                str(key),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        wait_for_port()
        print(
            f"Running locust: {args.users} users for {args.seconds} s against "
            f"https://{HOST}:{PORT} (gunicorn, {args.workers} workers)...",
            flush=True,
        )
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                "benchmarks/load/locustfile.py",
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(args.spawn_rate),
                "-t",
                f"{args.seconds}s",
                "--host",
                f"https://{HOST}:{PORT}",
                "--csv",
                str(work / "locust"),
                "--only-summary",
                "--stop-timeout",
                "10",
            ],
            cwd=ROOT,
            env=env,
            check=False,
        )
        figures = aggregated(work / "locust_stats.csv")
        confirmed, lost = lost_submissions(env, work / "accepted.json")
    finally:
        if gunicorn is not None:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=30)
        drop_database()
        shutil.rmtree(work, ignore_errors=True)

    print()
    print(
        f"Load test on {platform.node()} ({os.cpu_count()} cores, {platform.machine()}), "
        f"{args.users} users, {args.seconds} s, {args.participants:,} participants"
    )
    print(f"  requests        {figures['requests']:>8,}")
    print(f"  requests/s      {figures['rps']:>8.1f}")
    print(f"  latency p50     {figures['p50']:>8.0f} ms")
    print(f"  latency p95     {figures['p95']:>8.0f} ms   (target < 300 ms)")
    print(f"  latency p99     {figures['p99']:>8.0f} ms")
    print(f"  failures        {figures['failures']:>8,}   (target 0)")
    print(f"  submissions     {confirmed:>8,} confirmed, {lost} lost   (target 0 lost)")


if __name__ == "__main__":
    main()
