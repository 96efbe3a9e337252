"""The production deployment on loopback, for tests of what only it can show.

``Stack`` starts what README's Deploying section runs: a PostgreSQL cluster and a Redis of
its own (so a test may stop them), the production settings, gunicorn on a unix socket and
nginx with ``deploy/nginx.conf`` in front (``deploy/loopback.py``). ``Browser`` is a
client that keeps cookies and can come from any 127.0.0.x address, so nginx sees different
clients as it would on the internet.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from demo.mfa import totp_code
from deploy import loopback

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root.
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    return [runuser, "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PostgresCluster:
    """A throwaway PostgreSQL cluster on its own port, which a test may restart."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.data = folder / "pgdata"
        self.port = free_port()
        folder.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres")
        subprocess.run(  # noqa: S603
            _as_postgres(
                [
                    str(PG_BIN / "initdb"),
                    "-D",
                    str(self.data),
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
        )
        self.start()

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *args: str) -> None:
        subprocess.run(  # noqa: S603
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", *args]),
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._ctl("-o", options, "-l", str(self.folder / "postgres.log"), "start")

    def stop(self) -> None:
        self._ctl("-m", "fast", "stop")


class RedisServer:
    """A throwaway Redis on its own port. ``pause`` hangs it (SIGSTOP), keeping its data."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
        )
        _wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(timeout=10)

    def pause(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)


def _wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


def start_gunicorn(
    exit_stack: ExitStack, socket: Path, env: dict, log_path: Path, workers: int, threads: int
) -> None:
    """gunicorn as production runs it, on ``socket``, until ``exit_stack`` closes."""
    log = log_path.open("w")
    exit_stack.callback(log.close)
    process = subprocess.Popen(  # noqa: S603
        loopback.gunicorn_argv(BIN / "gunicorn", socket, workers=workers, threads=threads),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def stop():
        process.terminate()
        process.wait(timeout=30)

    exit_stack.callback(stop)
    deadline = time.monotonic() + 60
    while not socket.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(log_path.read_text())
        time.sleep(0.2)


class Stack:
    """PostgreSQL, Redis, gunicorn (production settings) and nginx, until ``close``."""

    host = "127.0.0.1"

    def __init__(self, folder: Path, *, workers: int = 2, threads: int = 2):
        self.folder = folder
        self.port = free_port()
        self._exit = ExitStack()
        try:
            self.postgres = PostgresCluster(folder / "pg")
            self._exit.callback(self.postgres.stop)
            self.redis = RedisServer(folder)
            self._exit.callback(self.redis.stop)
            self.env = {
                **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
                "DJANGO_SETTINGS_MODULE": "tests.deploy.settings",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "DATABASE_URL": self.postgres.url,
                "REDIS_URL": self.redis.url,
                "ALLOWED_HOSTS": self.host,
                "PUBLIC_BASE_URL": self.base_url,
                "TRUSTED_PROXY_COUNT": "1",
                "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
                "PYTHONPATH": str(ROOT),
                "STATIC_ROOT": str(folder / "static"),
                "MEDIA_ROOT": str(folder / "media"),
            }
            self.manage("migrate", "--noinput")
            self.manage("collectstatic", "--noinput")
            self._start_gunicorn(workers, threads)
            self._exit.enter_context(
                loopback.running(
                    work=folder, upstream=f"unix:{self.socket}", host=self.host, port=self.port
                )
            )
        except BaseException:
            self.close()
            raise

    @property
    def base_url(self) -> str:
        return f"https://{self.host}:{self.port}"

    @property
    def socket(self) -> Path:
        return self.folder / "gunicorn.sock"

    def manage(self, *args: str) -> str:
        result = subprocess.run(  # noqa: S603
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)}: {result.stderr}")
        return result.stdout

    def shell(self, code: str) -> str:
        return self.manage("shell", "--no-imports", "-c", code).strip()

    def account(
        self, email: str, password: str, *, group: str = "Trainees", totp_secret: str = ""
    ) -> int:
        """A verified account in ``group`` (with an authenticator app if given); its id."""
        return int(
            self.shell(
                "from allauth.account.models import EmailAddress\n"
                "from demo.mfa import totp_activate\n"
                "from django.contrib.auth.models import Group, User\n"
                f"u = User.objects.create_user({email!r}, {email!r}, {password!r})\n"
                f"EmailAddress.objects.create(user=u, email={email!r}, verified=True, "
                "primary=True)\n"
                f"u.groups.add(Group.objects.get_or_create(name={group!r})[0])\n"
                f"if {totp_secret!r}: totp_activate(u, {totp_secret!r})\n"
                "print(u.pk)"
            )
        )

    def _start_gunicorn(self, workers: int, threads: int) -> None:
        start_gunicorn(
            self._exit, self.socket, self.env, self.folder / "gunicorn.log", workers, threads
        )

    def gunicorn_log(self) -> str:
        return (self.folder / "gunicorn.log").read_text()

    def browser(self, source: str = "127.0.0.2") -> Browser:
        return Browser(self, source)

    def close(self) -> None:
        self._exit.close()


class Browser:
    """HTTPS through nginx from ``source`` (any 127.0.0.x), keeping cookies like a browser."""

    def __init__(self, stack: Stack, source: str):
        self.stack = stack
        self.source = source
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}  # sent with every request
        self._tls = ssl.create_default_context()
        self._tls.check_hostname = False
        self._tls.verify_mode = ssl.CERT_NONE  # the stack's throwaway certificate

    def request(
        self,
        method: str,
        path: str,
        fields: dict | None = None,
        timeout: float = 30,
        *,
        files: dict[str, tuple[str, bytes]] | None = None,
        binary: bool = False,
    ):
        """(status, headers, body) of one request; redirects are not followed. ``files``
        (field -> (filename, content)) sends a multipart form; ``binary`` returns the body
        as bytes rather than text."""
        connection = http.client.HTTPSConnection(
            self.stack.host,
            self.stack.port,
            timeout=timeout,
            context=self._tls,
            source_address=(self.source, 0),
        )
        headers = {
            **self.headers,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if method == "POST":
            if files:
                body, headers["Content-Type"] = multipart(fields or {}, files)
            else:
                body = urlencode(fields or {})
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = self.stack.base_url + path
            headers["Origin"] = self.stack.base_url
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(value)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return (
            response.status,
            response.headers,
            (content if binary else content.decode("utf-8", "replace")),
        )

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def submit(self, path: str, fields: dict, *, files=None, **kwargs):
        """GET the form at ``path`` for its CSRF token, then POST ``fields`` to it."""
        status, _, page = self.get(path, **kwargs)
        token = CSRF.search(page)
        if token is None:
            raise AssertionError(f"no form at {path} (HTTP {status})")
        fields = {"csrfmiddlewaretoken": token.group(1), **fields}
        return self.request("POST", path, fields, files=files, **kwargs)

    def sign_in(self, email: str, password: str, totp_secret: str = ""):
        """The login form's answer (and the authenticator step's): (status, headers, body)."""
        response = self.submit("/accounts/login/", {"login": email, "password": password})
        step = urlsplit(response[1].get("Location", "")).path
        if totp_secret and step.endswith("/2fa/authenticate/"):
            if time.time() % 30 > 27:  # wait out a code that is about to change
                time.sleep(30 - time.time() % 30)
            response = self.submit(step, {"code": totp_code(totp_secret)})
        return response


def multipart(fields: dict, files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type, as a browser's file upload sends."""
    boundary = secrets.token_hex(16)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def signed_in(response) -> bool:
    status, headers, _ = response
    location = urlsplit(headers.get("Location", "")).path
    return status == 302 and not location.startswith("/accounts/")


class Traffic:
    """Requests from one signed-in browser in a background thread, until ``stop``."""

    def __init__(self, browser: Browser, paths: list[str]):
        self.browser = browser
        self.paths = paths
        self.statuses: list[int] = []
        self._running = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while self._running.is_set():
            for path in self.paths:
                try:
                    status, _, _ = self.browser.get(path)
                except OSError:  # nginx or the site not answering at all counts as a failure
                    status = 0
                self.statuses.append(status)
            time.sleep(0.05)

    def __enter__(self):
        self._running.set()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._running.clear()
        self._thread.join(timeout=60)

    def failures(self) -> list[int]:
        return [status for status in self.statuses if status == 0 or status >= 500]
