"""What the analytics tests share: where the R reference files are, how to load them into the
database, and how to compare our figures with R's.

The path constants live here only: the worked examples in the repository's ``examples/``
(``tests.examples``), the test-only cases beside the tests in ``data/``.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.examples import EXAMPLES_DIR

DATA = Path(__file__).parent / "data"
__all__ = [
    "DATA",
    "EXAMPLES_DIR",
    "ITEM_FOOTSTEPS",
    "assert_matches",
    "assert_matches_reference",
    "assert_plain",
    "import_file",
    "read_json",
]

# The R scripts' items <- list(1, 2, c(3, 4), 5, 6, c(7, 8, 9), 10, c(11, 12), 13, 14)
ITEM_FOOTSTEPS = (1, 2, 3, 3, 4, 5, 6, 6, 6, 7, 8, 8, 9, 10)


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def import_file(path: Path, run) -> None:
    """Import a file in the import format with the real command, as an evaluator would."""
    call_command("import_responses", str(path), "--course-run", run.slug, stdout=io.StringIO())


def assert_matches_reference(report: dict, reference: dict) -> None:
    """A report's primary comparison (footsteps and overall) against reference.R's JSON."""
    rows = [*zip(report["footsteps"], reference["footsteps"], strict=True)]
    rows.append((report["overall"], reference["overall"]))
    for ours, theirs in rows:
        for key, expected in theirs.items():
            actual = ours[key]
            if expected is None:
                assert actual is None, key
            else:
                assert actual == pytest.approx(expected, rel=1e-6), key


def assert_matches(
    got: Any,
    expected: Any,
    where: str,
    *,
    tolerance: Callable[[str, Any], dict[str, float]],
    subset: bool = False,
    exact_ints: bool = False,
    key: str = "",
) -> int:
    """Compare an ``as_dict`` tree with R's; None must be None. Returns the numbers checked.

    ``tolerance(key, expected)`` gives ``pytest.approx``'s ``rel``/``abs`` for a number under
    ``key``. With ``subset``, R gives only some keys of the top-level dict; with
    ``exact_ints``, an integer R value must be an equal Python ``int`` (counts, df).
    """
    if isinstance(expected, dict):
        if subset:
            assert set(expected) <= set(got), where
        else:
            assert set(got) - {"reason"} == set(expected), where
        return sum(
            assert_matches(
                got[k], v, f"{where}.{k}", tolerance=tolerance, exact_ints=exact_ints, key=k
            )
            for k, v in expected.items()
        )
    if isinstance(expected, list):
        assert len(got) == len(expected), where
        return sum(
            assert_matches(
                g, e, f"{where}[{i}]", tolerance=tolerance, exact_ints=exact_ints, key=key
            )
            for i, (g, e) in enumerate(zip(got, expected, strict=True))
        )
    if expected is None or isinstance(expected, str):
        assert got == expected, f"{where}: got {got!r}, R gives {expected!r}"
        return 0
    assert got is not None, f"{where}: got None, R gives {expected!r}"
    if exact_ints and isinstance(expected, int) and not isinstance(got, float):
        assert got == expected and type(got) is int, f"{where}: got {got!r}, R gives {expected}"
    else:
        assert got == pytest.approx(expected, **tolerance(key, expected)), (
            f"{where}: got {got!r}, R gives {expected!r}"
        )
    return 1


def assert_plain(value: Any) -> None:
    """JSON-ready: only plain dict/list/str/int/float/None, no NaN or infinity."""
    if isinstance(value, dict):
        for item in value.values():
            assert_plain(item)
    elif isinstance(value, list):
        for item in value:
            assert_plain(item)
    else:
        assert value is None or type(value) in (str, int, float), repr(value)
        assert not isinstance(value, float) or math.isfinite(value)
    json.dumps(value, allow_nan=False)
