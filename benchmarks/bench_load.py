"""Load test: 100 concurrent users against nginx + gunicorn + PostgreSQL, production settings.

Steps: a fresh PostgreSQL database, ``migrate``, ``load_demo``, 10,000 synthetic research
participants and signed-in trainee/evaluator accounts (``load/seed.py``), ``collectstatic``,
gunicorn on a unix socket behind nginx, which terminates TLS with a throwaway self-signed
certificate on 127.0.0.1 as the production proxy would. Then, for each pace (see
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


NGINX_CONFIG = """
user root;
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {work}/nginx-body;
    proxy_temp_path {work}/nginx-proxy;
    fastcgi_temp_path {work}/nginx-fastcgi;
    uwsgi_temp_path {work}/nginx-uwsgi;
    scgi_temp_path {work}/nginx-scgi;
    upstream app {{
        server unix:{socket};
        keepalive 16;
    }}
    server {{
        listen {host}:{port} ssl;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        keepalive_timeout 75s;
        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-Proto https;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }}
    }}
}}
"""


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


def locust(env: dict, *, users: int, spawn_rate: int, seconds: int, csv_prefix: Path) -> None:
    """One headless locust run, counted from when every user has arrived."""
    arrival = -(-users // spawn_rate)
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
            "-t",
            f"{arrival + seconds}s",
            "--reset-stats",
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


def start_servers(work: Path, env: dict, workers: int, threads: int) -> list[subprocess.Popen]:
    """gunicorn on a unix socket, and nginx terminating TLS in front of it."""
    socket_path = work / "gunicorn.sock"
    cert, key = self_signed_certificate(work)
    config = work / "nginx.conf"
    config.write_text(
        NGINX_CONFIG.format(work=work, socket=socket_path, host=HOST, port=PORT, cert=cert, key=key)
    )
    gunicorn = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--preload",
            # Longer than nginx keeps an idle upstream connection, so the two never race.
            "--keep-alive",
            "75",
            "--bind",
            f"unix:{socket_path}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while not socket_path.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    nginx = subprocess.Popen(["nginx", "-c", str(config), "-p", str(work)])
    return [gunicorn, nginx]


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
    servers: list[subprocess.Popen] = []
    results = {}
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
        servers = start_servers(work, env, args.workers, args.threads)
        wait_for_port()
        for pace in args.pace:
            paced = {**env, "LOAD_PACE": pace, "LOAD_ACCEPTED": str(work / f"{pace}.json")}
            print(
                f"Running locust ({pace} pace): {args.users} users arriving "
                f"{args.spawn_rate} a second, then {args.seconds} s counted, against "
                f"https://{HOST}:{PORT} (nginx, gunicorn {args.workers} workers x "
                f"{args.threads} threads)...",
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
            results[pace] = figures
    finally:
        for server in reversed(servers):
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        drop_database()
        shutil.rmtree(work, ignore_errors=True)

    print()
    print(
        f"Load test on {platform.node()} ({os.cpu_count()} cores, {platform.machine()}), "
        f"{args.users} users, {args.seconds} s counted per pace, "
        f"{args.participants:,} participants"
    )
    for pace, figures in results.items():
        target = "   (target < 300 ms)" if pace == "realistic" else ""
        print(f"  {pace} pace")
        print(f"    requests        {figures['requests']:>8,}")
        print(f"    requests/s      {figures['rps']:>8.1f}")
        print(f"    latency p50     {figures['p50']:>8.0f} ms")
        print(f"    latency p95     {figures['p95']:>8.0f} ms{target}")
        print(f"    latency p99     {figures['p99']:>8.0f} ms")
        print(f"    failures        {figures['failures']:>8,}   (target 0)")
        print(
            f"    submissions     {figures['confirmed']:>8,} confirmed, "
            f"{figures['lost']} lost   (target 0 lost)"
        )


if __name__ == "__main__":
    main()
