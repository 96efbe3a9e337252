"""Insert many rows of one model through the database's own bulk path, in the caller's transaction.

Why not ``QuerySet.bulk_create``: it compiles every value through its field's
``get_db_prep_save`` and assembles SQL per batch. Profiled at 20,000 participants (36,051
responses, cProfile), that was 24 of 42 s of the import, 20 s of it in SQL compilation
(1.15 million ``prepare_value`` calls; 4.5 million at 100,000 participants), and Django 5.2
keeps SQLite's ``max_query_params`` at 999, so batches become ~40-row statements whatever
``batch_size`` says. Here each column's values go through the same ``get_db_prep_save``,
but once per distinct value, and each 10,000 rows reach the engine in one call: COPY FROM
STDIN on PostgreSQL (psycopg 3's ``cursor.copy()``), one INSERT run by ``executemany``
elsewhere. The whole ``import_responses`` of 100,000 participants (2 cores, under load from
other work) went from 94 s to 14.8 s on SQLite and from 101 s to 17.8 s on PostgreSQL.

What stays as with the ORM: the columns and their conversions come from the model's
``_meta``; fields not given get their model default (a callable default is called per row);
database constraints (check, unique, foreign key, NOT NULL) judge every row, so a bad row
raises ``IntegrityError`` and the caller's ``transaction.atomic()`` rolls everything back.
What does not: no signals are sent and no primary keys come back (as ``bulk_create`` on
SQLite); read them back with a query.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from itertools import chain, islice, repeat

from django.db import connections, models, router

BATCH = 10_000
# Rows per INSERT statement (fewer if the engine's variable limit says so). SQLite evaluates
# a CHECK's IN list (known_wave: 61 names) once per statement run: at 500 rows a statement,
# 180,142 responses took 2.9 s instead of 4.1 s one row a statement (executemany alone).
ROWS_PER_INSERT = 500


class _Prepared(dict):
    """A column's values as the database takes them, each distinct value converted once.

    Values that compare equal are prepared once (1 and True, Decimal("2.5") and
    Decimal("2.50")); Django's fields store such values alike.
    """

    def __init__(self, field: models.Field, connection):
        super().__init__()
        self.field, self.connection = field, connection

    def __missing__(self, value):
        prepared = self[value] = self.field.get_db_prep_save(value, self.connection)
        return prepared

    def column(self, values: Sequence) -> list:
        try:
            return list(map(self.__getitem__, values))
        except TypeError:  # unhashable values (a JSON or array field): one by one
            return [self.field.get_db_prep_save(value, self.connection) for value in values]


def bulk_insert(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence], *, using=None
) -> int:
    """Insert ``rows`` (tuples of values in the order of ``fields``); returns how many.

    ``fields`` are names or attnames (``participant_id``: the related primary key).
    """
    meta = model._meta
    if meta.parents or meta.proxy:
        raise ValueError("bulk_insert writes one table: not for inherited or proxy models")
    using = using or router.db_for_write(model)
    connection = connections[using]
    given = [meta.get_field(name) for name in fields]
    defaulted = [
        field
        for field in meta.concrete_fields
        if field not in given
        and not field.generated
        and field is not meta.auto_field
        # The database applies a db_default itself when the column is left out.
        and field.db_default is models.NOT_PROVIDED
    ]
    for field in defaulted:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            raise ValueError(f"give {field.name}: its value is set on save, not by a default")
    columns = ", ".join(connection.ops.quote_name(field.column) for field in given + defaulted)
    table = connection.ops.quote_name(meta.db_table)
    prepared = [_Prepared(field, connection) for field in given]
    constant = {
        field: field.get_db_prep_save(field.get_default(), connection)
        for field in defaulted
        if not (field.has_default() and callable(field.default))
    }
    total = 0
    rows = iter(rows)
    with connection.cursor() as cursor:
        while batch := list(islice(rows, BATCH)):
            n = len(batch)
            values = [
                prep.column(column)
                for prep, column in zip(prepared, zip(*batch, strict=True), strict=True)
            ]
            for field in defaulted:
                if field in constant:
                    values.append(repeat(constant[field], n))
                else:
                    values.append(
                        [field.get_db_prep_save(field.get_default(), connection) for _ in batch]
                    )
            out = list(zip(*values, strict=True))
            if connection.vendor == "postgresql":
                connection.validate_no_broken_transaction()
                # cursor.copy is psycopg's own: wrap its errors as Django's (IntegrityError).
                sql = f"COPY {table} ({columns}) FROM STDIN"
                with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
                    for row in out:
                        copy.write_row(row)
            else:
                _insert(cursor, f"INSERT INTO {table} ({columns}) VALUES ", out)  # noqa: S608
            total += n
    return total


def _insert(cursor, insert: str, rows: list[tuple]) -> None:
    """``executemany`` of one INSERT of many rows; names in ``insert`` are quoted, values bound."""
    width = len(rows[0])
    connection = cursor.db
    if connection.vendor == "sqlite":
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    else:
        limit = connection.features.max_query_params or ROWS_PER_INSERT * width
    per = max(1, min(ROWS_PER_INSERT, limit // width))
    one = "(" + ", ".join(["%s"] * width) + ")"
    full = len(rows) - len(rows) % per
    if full:
        groups = [tuple(chain.from_iterable(rows[i : i + per])) for i in range(0, full, per)]
        cursor.executemany(insert + ", ".join([one] * per), groups)
    if rest := rows[full:]:
        cursor.execute(insert + ", ".join([one] * len(rest)), tuple(chain.from_iterable(rest)))
