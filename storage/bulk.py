"""Writes of thousands of rows at once (a sweep over 10,000 staff): COPY on PostgreSQL.

A Monday sweep writes ~10,000 reminder claims and as many outbox rows. As multi-row INSERTs (SQLAlchemy's
insertmanyvalues, 1,000 rows each) that is ten statements per 10,000 rows and, on PostgreSQL, two thirds
of the sweep's time; COPY streams every row in one statement, whatever the head count. SQLAlchemy has
no COPY, so the rows go through psycopg's `Cursor.copy` on the session's own connection (same
transaction), each value first through its column type's bind processor, exactly as an INSERT would
send it (UTC times, JSON). SQLite keeps the prebuilt executemany: it has no COPY and its inserts are
in-process.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

COPY_FROM = 200
"""Fewer rows go as ordinary INSERTs: for a handful, COPY's extra statements cost more than they save."""


def wants_copy(session: Session, rows: list[dict[str, Any]]) -> bool:
    """Whether `rows` are many enough, on PostgreSQL, to be copied rather than inserted."""
    return len(rows) >= COPY_FROM and session.get_bind().dialect.name == "postgresql"


def copy_rows(session: Session, table: Any, rows: list[dict[str, Any]], *, into: str | None = None) -> None:
    """COPY `rows` (dicts naming the same columns of `table`) into `table` (or the table named `into`, of the
    same columns) in the session's transaction."""
    session.flush()
    columns = tuple(rows[0])
    dialect = session.get_bind().dialect
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns]
    names = ", ".join(f'"{name}"' for name in columns)
    driver = session.connection().connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(f'COPY "{into or table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([process(row[name]) if process else row[name]
                            for name, process in zip(columns, processors, strict=True)])


def copy_insert_ignore(session: Session, table: Any, rows: list[dict[str, Any]], *, key: str) -> set[Any]:
    """Insert-or-ignore many rows by COPY into a temporary table and one INSERT … SELECT … ON CONFLICT DO
    NOTHING RETURNING `key`: the `key` values this call inserted (race-safe, as the INSERT is). Four
    statements whatever the number of rows."""
    columns = ", ".join(f'"{name}"' for name in rows[0])
    scratch = f"copy_{table.name}"
    connection = session.connection()
    connection.exec_driver_sql(  # the given columns' types, no constraints, gone at the end of the transaction
        f'CREATE TEMP TABLE "{scratch}" ON COMMIT DROP AS SELECT {columns} FROM "{table.name}" WITH NO DATA')
    copy_rows(session, table, rows, into=scratch)
    won = set(connection.exec_driver_sql(
        f'INSERT INTO "{table.name}" ({columns}) SELECT {columns} FROM "{scratch}" '
        f'ON CONFLICT DO NOTHING RETURNING "{key}"').scalars())
    connection.exec_driver_sql(f'DROP TABLE "{scratch}"')
    return won
