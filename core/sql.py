"""Hand-written queries, their values read as the ORM reads them.

For the few hot reads where building the query through the ORM costs several times what the
database spends answering it (about a millisecond of Python for a join with two subqueries).
SQLite hands dates and datetimes back as text and datetimes without a time zone; each column
here goes through the converters the database backend applies to a field of the type named,
so a row holds the same ``date``, aware ``datetime`` or ``int`` on SQLite and PostgreSQL.
"""

from collections.abc import Sequence

from django.db import connection
from django.db.models import Field, Value


def fetch_rows(sql: str, params: Sequence, fields: Sequence[Field | None]) -> list[tuple]:
    """The rows of ``sql``, column *i* converted as a ``fields[i]`` column (None: as it comes).

    Write table and column names from the models' ``_meta`` and pass every value in ``params``.
    """
    readers = []
    for field in fields:
        if field is None:
            readers.append(None)
            continue
        expression = Value(None, output_field=field)
        converters = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
        readers.append([(converter, expression) for converter in converters] or None)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not any(readers):
        return rows
    converted = []
    for row in rows:
        values = list(row)
        for i, reader in enumerate(readers):
            if reader is not None:
                for converter, expression in reader:
                    values[i] = converter(values[i], expression, connection)
        converted.append(tuple(values))
    return converted


def placeholders(values: Sequence) -> str:
    """``%s, %s, %s`` for an ``IN (...)`` of these values (pass them in the params)."""
    return ", ".join(["%s"] * len(values))
