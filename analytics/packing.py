"""Several small integers per row as one, so a large read fetches fewer Python objects.

Every Python object fetched from the database costs time, so a response's 14 ratings
travel as one integer and its coded answers as another; ``unpack`` reverses ``pack``.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from functools import reduce

import numpy as np
from django.db.models import BigIntegerField, Expression, ExpressionWrapper, Value
from django.db.models.functions import Cast


class _BigInt(Cast):
    """bigint, so PostgreSQL never overflows a 4-byte intermediate; SQLite's integers are
    64-bit already, and the cast would cost time on every row."""

    def __init__(self, expression):
        super().__init__(expression, BigIntegerField())

    def as_sqlite(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])


def pack(digits: Sequence[tuple[Expression, int | None]]) -> ExpressionWrapper:
    """Several small non-negative integers as one: digit i in base ``size`` i.

    Only the last digit may be unbounded (size None). ``unpack`` reverses it.
    """
    terms, multiplier = [], 1
    for expression, size in digits:
        terms.append(_BigInt(expression) * Value(multiplier))
        multiplier *= size or 1
    return ExpressionWrapper(reduce(operator.add, terms), output_field=BigIntegerField())


def unpack(packed: np.ndarray, sizes: Sequence[int | None]) -> list[np.ndarray]:
    remaining, digits = packed.astype(np.int64), []
    for size in sizes[:-1]:
        remaining, digit = np.divmod(remaining, size)
        digits.append(digit)
    return [*digits, remaining]
