"""The production layout on loopback: gunicorn on a unix socket, and ``deploy/nginx.conf`` in a
throwaway nginx in front of it with a self-signed certificate.

The load test and the deployment tests use it, so both exercise the configuration that
production runs rather than a copy of it.
"""

import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

SITE_CONFIG = Path(__file__).resolve().parent / "nginx.conf"

# The process-level settings a system nginx would have; everything under ``work``.
MAIN_CONFIG = """
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
    include {site};
}}
"""


def gunicorn_argv(gunicorn: Path, socket_path: Path, *, workers: int, threads: int) -> list[str]:
    """gunicorn as README's Deploying section runs it, on ``socket_path``."""
    return [
        str(gunicorn),
        "config.wsgi",
        "--worker-class",
        "gthread",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--bind",
        f"unix:{socket_path}",
        "--log-level",
        "warning",
    ]


def render_site(*, upstream: str, listen: str, server_name: str, cert: Path, key: Path) -> str:
    """``deploy/nginx.conf`` with its ``@...@`` values filled in."""
    values = {
        "@UPSTREAM@": upstream,
        "@LISTEN@": listen,
        "@SERVER_NAME@": server_name,
        "@CERTIFICATE@": str(cert),
        "@CERTIFICATE_KEY@": str(key),
    }
    text = SITE_CONFIG.read_text()
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(  # noqa: S603 (fixed argv)
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]  # noqa: S607
        + ["-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


def _wait_for(host: str, port: int, process: subprocess.Popen, work: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = work / "nginx-error.log"
            raise RuntimeError(f"nginx stopped: {log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nginx did not listen on {host}:{port}")


@contextmanager
def running(*, work: Path, upstream: str, host: str, port: int):
    """nginx on ``https://host:port`` in front of ``upstream`` until the block ends."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    cert, key = self_signed_certificate(work)
    site = work / "site.conf"
    site.write_text(
        render_site(
            upstream=upstream, listen=f"{host}:{port}", server_name=host, cert=cert, key=key
        )
    )
    main = work / "nginx.conf"
    main.write_text(MAIN_CONFIG.format(work=work, site=site))
    process = subprocess.Popen([nginx, "-c", str(main), "-p", str(work)])  # noqa: S603
    try:
        _wait_for(host, port, process, work)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
