"""More than one machine: two application servers behind one nginx upstream, sharing
PostgreSQL and Redis, two task workers and two overlapping runs of the reminder command.

A person's session, permissions and failed-login count and a trainer's change to a page hold
whichever server answers (nginx alternates them; each names itself in ``X-Served-By``, which
only the deployment tests' settings add), and no follow-up email is sent twice.
"""

import email
import secrets
import subprocess
import time
from contextlib import ExitStack
from pathlib import Path

import pytest

from demo.mfa import totp_new_secret
from deploy import loopback
from tests.deploy.stack import BIN, ROOT, Browser, free_port, signed_in, start_gunicorn

PASSWORD = secrets.token_urlsafe(12)
SERVERS = ("server-a", "server-b")
TRAINEES_DUE = 40


class TwoServers:
    """Two gunicorns (one per "machine") on the stack's PostgreSQL and Redis, behind one nginx
    whose upstream lists both; quacks like ``Stack`` for ``Browser``."""

    host = "127.0.0.1"

    def __init__(self, stack, folder: Path):
        self.stack = stack
        self.port = free_port()
        self._exit = ExitStack()
        sockets = []
        try:
            for name in SERVERS:
                socket = folder / f"{name}.sock"
                env = {**stack.env, "DEPLOY_SERVER_NAME": name, "PUBLIC_BASE_URL": self.base_url}
                start_gunicorn(self._exit, socket, env, folder / f"{name}.log", 2, 2)
                sockets.append(socket)
            # deploy/nginx.conf has one ``server @UPSTREAM@;`` line: this fills in two.
            upstream = ";\n    server ".join(f"unix:{socket}" for socket in sockets)
            self._exit.enter_context(
                loopback.running(work=folder, upstream=upstream, host=self.host, port=self.port)
            )
        except BaseException:
            self._exit.close()
            raise

    @property
    def base_url(self) -> str:
        return f"https://{self.host}:{self.port}"

    def browser(self, source: str) -> Browser:
        return Browser(self, source)

    def close(self) -> None:
        self._exit.close()


@pytest.fixture(scope="module")
def servers(stack):
    folder = stack.folder / "two-servers"
    folder.mkdir()
    running = TwoServers(stack, folder)
    yield running
    running.close()


def served_by(response) -> str:
    return response[1].get("X-Served-By", "")


def test_both_servers_answer_in_turn_with_one_session_and_one_permission_set(stack, servers):
    secret = totp_new_secret()
    address = f"two-trainer-{secrets.token_hex(3)}@example.org"
    stack.account(address, PASSWORD, group="Trainers", totp_secret=secret)
    trainer = servers.browser("127.0.0.20")
    assert signed_in(trainer.sign_in(address, PASSWORD, totp_secret=secret))

    pages = [trainer.get("/trainer/runs/") for _ in range(6)]
    assert [status for status, _, _ in pages] == [200] * 6
    answered = [served_by(page) for page in pages]
    assert set(answered) == set(SERVERS)
    assert all(a != b for a, b in zip(answered, answered[1:], strict=False)), answered

    stack.shell(
        "from django.contrib.auth.models import Group, User\n"
        f"User.objects.get(email={address!r}).groups.remove(Group.objects.get(name='Trainers'))"
    )
    pages = [trainer.get("/trainer/runs/") for _ in range(4)]
    assert [status for status, _, _ in pages] == [403] * 4  # still signed in, no longer a trainer
    assert {served_by(page) for page in pages} == set(SERVERS)


def test_failed_logins_count_once_whichever_server_sees_them(stack, servers):
    address = f"two-guessed-{secrets.token_hex(3)}@example.org"
    stack.account(address, PASSWORD)
    guesser = servers.browser("127.0.0.21")
    # The per-account limit is 5 failures in 5 minutes; counted per server, 3 and 2 of them
    # would stay under it on each.
    failures = sign_ins_on_both(guesser, address, "not-the-password", 5)
    assert {served_by(answer) for answer in failures} == set(SERVERS)
    assert not any(signed_in(answer) for answer in failures)

    owner = servers.browser("127.0.0.22")
    refused = sign_ins_on_both(owner, address, PASSWORD, 2)
    assert {served_by(answer) for answer in refused} == set(SERVERS)
    for answer in refused:
        assert not signed_in(answer)
        assert "Too many failed login attempts" in answer[2]


def sign_ins_on_both(browser, address: str, password: str, times: int) -> list:
    """``times`` sign-ins whose POSTs go to each server in turn: a sign-in is two requests
    (the form, then the POST), so one more request before every other one shifts the turn."""
    answers = []
    for attempt in range(times):
        if attempt % 2:
            browser.get("/accounts/login/")
        answers.append(browser.sign_in(address, password))
    return answers


def test_a_trainers_change_to_a_page_shows_on_both_servers_at_once(stack, servers):
    tag = secrets.token_hex(3)
    trainee_email = f"two-trainee-{tag}@example.org"
    stack.account(trainee_email, PASSWORD)
    module_url = stack.shell(
        "from wagtail.rich_text import RichText\n"
        "from courses.models import Footstep\n"
        "from django.contrib.auth.models import User\n"
        "from tests import factories\n"
        f"run = factories.make_course_run(title='Edited {tag}', slug='edited-{tag}')\n"
        f"factories.enrol(User.objects.get(email={trainee_email!r}), run)\n"
        # One module per footstep, and the stack's database (shared with the other deployment
        # tests) may have the last footstep's already.
        "footstep = Footstep.objects.order_by('number').last()\n"
        "page = getattr(footstep, 'module', None) or factories.make_module(footstep)\n"
        f"page.body = [('paragraph', RichText('<p>Before the edit {tag}</p>'))]\n"
        "page.save_revision().publish()\n"
        "print(page.url)"
    )
    trainee = servers.browser("127.0.0.23")
    assert signed_in(trainee.sign_in(trainee_email, PASSWORD))
    before = [trainee.get(module_url) for _ in range(4)]  # each server renders and caches it
    assert {served_by(page) for page in before} == set(SERVERS)
    assert all(status == 200 and f"Before the edit {tag}" in body for status, _, body in before)

    # What the admin's Publish button does: a revision by a trainer, published by them, with
    # Wagtail's permission check (trainers may publish in the footstep library).
    trainer_email = f"two-editor-{tag}@example.org"
    stack.account(trainer_email, PASSWORD, group="Trainers", totp_secret=totp_new_secret())
    stack.shell(
        "from wagtail.rich_text import RichText\n"
        "from django.contrib.auth.models import User\n"
        "from demo.loaders import grant_trainer_permissions\n"
        "grant_trainer_permissions()\n"
        f"trainer = User.objects.get(email={trainer_email!r})\n"
        "from courses.models import Footstep\n"
        "page = Footstep.objects.order_by('number').last().module\n"
        f"page.body = [('paragraph', RichText('<p>After the edit {tag}</p>'))]\n"
        "page.save_revision(user=trainer).publish(user=trainer)"
    )
    after = [trainee.get(module_url) for _ in range(4)]
    assert {served_by(page) for page in after} == set(SERVERS)
    for status, _, body in after:
        assert status == 200
        assert f"After the edit {tag}" in body and f"Before the edit {tag}" not in body


def test_two_workers_and_two_overlapping_reminder_runs_send_each_email_once(stack, tmp_path):
    tag = secrets.token_hex(3)
    stack.shell(
        "from django.contrib.auth.models import Group, User\n"
        "from tests import factories\n"
        "from tests.assessments.conftest import LONG_AGO_FIRST_WORKSHOP_DAYS, with_baseline\n"
        "run = factories.make_course_run(first_workshop_in_days=LONG_AGO_FIRST_WORKSHOP_DAYS, "
        f"follow_up_months=(3, 6), title='Due {tag}', slug='due-{tag}')\n"
        "trainees = Group.objects.get(name='Trainees')\n"
        f"for i in range({TRAINEES_DUE}):\n"
        f"    user = User.objects.create_user(f'due-{tag}-{{i}}', f'due-{tag}-{{i}}@example.org')\n"
        "    user.groups.add(trainees)\n"
        "    with_baseline(factories.enrol(user, run))\n"
    )
    mail_folder = tmp_path / "mail"
    mail_folder.mkdir()
    worker_env = {
        **stack.env,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_folder),
    }
    manage = [str(BIN / "python"), "manage.py"]
    with ExitStack() as running:
        for name in ("worker-a", "worker-b"):
            worker = subprocess.Popen(  # noqa: S603
                [*manage, "db_worker", "--interval", "0.05", "--worker-id", f"{name}-{tag}"],
                cwd=ROOT,
                env=worker_env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            running.callback(worker.wait, timeout=30)
            running.callback(worker.terminate)
        commands = [
            subprocess.Popen(  # noqa: S603
                [*manage, "send_follow_up_reminders"],
                cwd=ROOT,
                env=stack.env,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [command.communicate(timeout=120)[0] for command in commands]
        assert [command.returncode for command in commands] == [0, 0]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and unfinished_tasks(stack):
            time.sleep(0.2)
        assert unfinished_tasks(stack) == 0

    # Between them the two runs queued each trainee's invitation once (the stack's database
    # is shared with the other deployment tests, so only this run's emails are counted).
    queued = stack.shell(
        "from assessments.models import FollowUpEmail\n"
        f"print(FollowUpEmail.objects.filter(enrolment__course_run__slug='due-{tag}').count())"
    )
    assert queued == str(TRAINEES_DUE), outputs
    recipients = [
        message["To"]
        for path in mail_folder.iterdir()
        for message in messages(path)
        if f"due-{tag}-" in message["To"]
    ]
    assert len(recipients) == TRAINEES_DUE
    assert len(set(recipients)) == TRAINEES_DUE
    # Both workers took tasks from the one queue.
    workers = stack.shell(
        "from django_tasks_db.models import DBTaskResult\n"
        f"ids = {{w for r in DBTaskResult.objects.all() for w in r.worker_ids if {tag!r} in w}}\n"
        "print(len(ids))"
    )
    assert workers == "2"


def unfinished_tasks(stack) -> int:
    return int(
        stack.shell(
            "from django_tasks_db.models import DBTaskResult\n"
            "print(DBTaskResult.objects.filter(status__in=['READY', 'RUNNING']).count())"
        )
    )


def messages(path: Path) -> list:
    """The emails the file backend wrote to ``path`` (one per connection, separated by a rule)."""
    return [
        email.message_from_string(part)
        for part in path.read_text().split("-" * 79 + "\n")
        if part.strip()
    ]
