"""Insert-or-ignore on SQLite and PostgreSQL: the primitive behind 'exactly once' across instances."""

from __future__ import annotations

import functools
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import Base


def insert_ignore(session: Session, model: type[Base], values: dict[str, Any]) -> bool:
    """Insert a row unless its key exists; True when this call inserted it (won the claim)."""
    stmt = _insert_ignore(session.get_bind().dialect.name, model, tuple(values))
    return session.execute(stmt, values).first() is not None


@functools.cache
def _insert_ignore(dialect: str, model: type[Base], columns: tuple[str, ...]) -> Any:
    """The statement for one table and set of columns, built once: every update claims its id with it."""
    table: Any = model.__table__
    module: Any = postgresql if dialect == "postgresql" else sqlite
    first_key = next(iter(table.primary_key.columns))
    values = {name: bindparam(name, type_=table.c[name].type) for name in columns}
    return module.insert(table).values(values).on_conflict_do_nothing().returning(first_key)


def insert_ignore_returning(
    session: Session, model: type[Base], rows: list[dict[str, Any]], *, key: str, chunk: int = 500
) -> set[Any]:
    """Bulk insert-or-ignore; returns the `key` values this call inserted (RETURNING, race-safe)."""
    table: Any = model.__table__
    module: Any = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    won: set[Any] = set()
    for start in range(0, len(rows), chunk):
        stmt = module.insert(table).values(rows[start : start + chunk]).on_conflict_do_nothing()
        won.update(session.scalars(stmt.returning(table.c[key])))
    return won


def rowcount(result: Any) -> int:
    """Rows a conditional UPDATE or a DELETE matched (how a claim or a prune knows what it did)."""
    return cast(CursorResult[Any], result).rowcount
