import shutil
import tempfile
from pathlib import Path

import pytest

from tests.deploy.stack import PG_BIN, Stack


@pytest.fixture(scope="session")
def stack():
    """One production stack for the deployment tests (about 20 s to start)."""
    if PG_BIN is None or not shutil.which("redis-server") or not shutil.which("nginx"):
        pytest.fail("The deployment tests need PostgreSQL, Redis and nginx: run `make test`.")
    # Not pytest's tmp_path: its folders are private to root, and PostgreSQL runs as postgres.
    folder = Path(tempfile.mkdtemp(prefix="tenfootsteps-stack-"))
    folder.chmod(0o755)
    running = Stack(folder)
    yield running
    running.close()
    shutil.rmtree(folder, ignore_errors=True)
