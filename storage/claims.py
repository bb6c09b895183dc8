"""Insert-or-ignore on SQLite and PostgreSQL: the primitive behind 'exactly once' across instances."""

from __future__ import annotations

import functools
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage import bulk
from storage.models import Base


def insert_ignore(session: Session, model: type[Base], values: dict[str, Any]) -> bool:
    """Insert a row unless its key exists; True when this call inserted it (won the claim)."""
    stmt = _insert_ignore(session.get_bind().dialect.name, model, tuple(values), None)
    return session.execute(stmt, values).first() is not None


@functools.cache
def _insert_ignore(dialect: str, model: type[Base], columns: tuple[str, ...], key: str | None) -> Any:
    """The statement for one table and set of columns returning `key` (None: the first primary key column),
    built once: every update claims its id with it, every sweep its reminders."""
    table: Any = model.__table__
    module: Any = postgresql if dialect == "postgresql" else sqlite
    returned = table.c[key] if key else next(iter(table.primary_key.columns))
    values = {name: bindparam(name, type_=table.c[name].type) for name in columns}
    return module.insert(table).values(values).on_conflict_do_nothing().returning(returned)


def insert_ignore_returning(session: Session, model: type[Base], rows: list[dict[str, Any]], *, key: str) -> set[Any]:
    """Bulk insert-or-ignore; returns the `key` values this call inserted (RETURNING, race-safe).

    One prebuilt statement executed with every row: SQLAlchemy sends them as multi-row INSERTs of up to
    1,000 rows ("insertmanyvalues") and compiles the statement once. A statement of literal VALUES per
    chunk of 500 was compiled anew each time: most of a 10,000-person reminder sweep. Many rows on
    PostgreSQL go by COPY (storage/bulk.py).
    """
    if not rows:
        return set()
    columns = tuple(rows[0])
    assert all(tuple(row) == columns for row in rows), "every row names the same columns"
    if bulk.wants_copy(session, rows):
        return bulk.copy_insert_ignore(session, model.__table__, rows, key=key)
    stmt = _insert_ignore(session.get_bind().dialect.name, model, columns, key)
    return set(session.execute(stmt, rows).scalars())


def rowcount(result: Any) -> int:
    """Rows a conditional UPDATE or a DELETE matched (how a claim or a prune knows what it did)."""
    return cast(CursorResult[Any], result).rowcount
