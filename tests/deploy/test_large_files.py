"""100,000 participants through the admin import and the row-level Excel download, under
production settings: gunicorn with its default 30 s worker timeout behind nginx, and a task
worker doing the long work. No request answers 5xx, none is cut off by the timeout, and the
file that comes back holds every row.

The admin's preview reads the whole file inside its request (that is how it can list the
errors before anything is written); the confirmed import and the Excel file are built by the
worker while the pages they open only report progress.
"""

from __future__ import annotations

import io
import re
import secrets
import subprocess
import time
import zipfile

import numpy as np
import pytest

from benchmarks.bench_import import write_file
from demo.mfa import totp_new_secret
from tests.deploy.stack import BIN, ROOT, signed_in

PARTICIPANTS = 100_000
PASSWORD = secrets.token_urlsafe(12)
GUNICORN_TIMEOUT = 30  # gunicorn's default, which production keeps
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class TimedBrowser:
    """The stack's browser, recording each request's status and time."""

    def __init__(self, browser):
        self.browser = browser
        self.answers: list[tuple[str, int, float]] = []

    def _timed(self, call, path, *args, **kwargs):
        started = time.monotonic()
        answer = call(path, *args, timeout=GUNICORN_TIMEOUT + 30, **kwargs)
        self.answers.append((path, answer[0], time.monotonic() - started))
        return answer

    def get(self, path, **kwargs):
        return self._timed(self.browser.get, path, **kwargs)

    def submit(self, path, fields, **kwargs):
        return self._timed(self.browser.submit, path, fields, **kwargs)

    def follow(self, path: str, until, *, deadline_s: float) -> str:
        """GET ``path`` every second until ``until(body)``; the last body."""
        deadline = time.monotonic() + deadline_s
        while True:
            status, _, body = self.get(path)
            assert status == 200, (path, status, body[:500])
            if until(body):
                return body
            assert time.monotonic() < deadline, f"{path} did not finish: {body[-1500:]}"
            time.sleep(1)


@pytest.fixture
def worker(stack, tmp_path):
    """One task worker on the stack, as production runs ``manage.py db_worker``."""
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(  # noqa: S603
        [str(BIN / "python"), "manage.py", "db_worker", "--interval", "0.2"],
        cwd=ROOT,
        env=stack.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield process
    process.terminate()
    process.wait(timeout=30)
    log.close()


def test_an_evaluator_imports_and_downloads_100000_participants_without_a_5xx(
    stack, worker, tmp_path
):
    tag = secrets.token_hex(3)
    email, secret = f"large-{tag}@example.org", totp_new_secret()
    stack.account(email, PASSWORD, group="Evaluators", totp_secret=secret)
    evaluator = TimedBrowser(stack.browser("127.0.0.31"))
    assert signed_in(evaluator.browser.sign_in(email, PASSWORD, totp_secret=secret))

    csv = tmp_path / "responses.csv"
    rows = write_file(csv, PARTICIPANTS, np.random.default_rng(2026))
    form = "/admin/import-responses/"
    fields = {"course_run": f"large-{tag}"}
    status, headers, _ = evaluator.submit(
        form, fields, files={"file": ("responses.csv", csv.read_bytes())}
    )
    assert status == 302, headers  # to the job's page: the worker checks the file
    job = headers["Location"]
    preview = evaluator.follow(job, lambda body: "ready to import" in body, deadline_s=600)
    counts = re.findall(r"<tr><td>[^<]+</td><td>(\d+)</td></tr>", preview)
    assert sum(map(int, counts)) == rows, counts
    status, headers, _ = evaluator.submit(job, {"confirm": "1"})
    assert status == 302, headers
    finished = evaluator.follow(job, lambda body: "Import another file" in body, deadline_s=600)
    assert f"into large-{tag}." in finished and "Imported" in finished, finished[-1500:]
    imported = stack.shell(
        "from assessments.models import Response\n"
        f"print(Response.objects.filter(participant__course_run__slug='large-{tag}').count())"
    )
    assert int(imported) == rows

    download = f"/evaluation/download/responses.xlsx?course_run=large-{tag}"
    status, headers, _ = evaluator.get(download)
    assert status == 302, headers  # over the background threshold: the worker builds it
    progress = headers["Location"]
    ready = evaluator.follow(progress, lambda body: "/file/" in body, deadline_s=900)
    file_path = re.search(r'href="(/evaluation/prepared/[^"]+/file/)"', ready).group(1)
    status, headers, content = evaluator.browser.request(
        "GET", file_path, timeout=GUNICORN_TIMEOUT + 30, binary=True
    )
    assert status == 200 and headers["Content-Type"] == XLSX
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml")[:2000].decode()
    # The sheet's dimension covers the header and one row per response.
    last_row = int(re.search(r'<dimension ref="A1:[A-Z]+(\d+)"', sheet).group(1))
    assert last_row == rows + 1

    failed = [(path, status) for path, status, _ in evaluator.answers if status >= 500]
    assert failed == []
    slowest = max(evaluator.answers, key=lambda answer: answer[2])
    assert slowest[2] < GUNICORN_TIMEOUT, slowest
    assert "WORKER TIMEOUT" not in stack.gunicorn_log()
    print(
        f"\n{PARTICIPANTS:,} participants ({rows:,} rows, {csv.stat().st_size / 1e6:.1f} MB): "
        f"slowest request {slowest[2]:.1f} s ({slowest[0]}), {len(evaluator.answers)} requests"
    )
