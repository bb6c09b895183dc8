"""Insert-or-ignore on SQLite and PostgreSQL: the primitive behind 'exactly once' across instances."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import Base


def insert_ignore(session: Session, model: type[Base], values: dict[str, Any]) -> bool:
    """Insert a row unless its key exists; True when this call inserted it (won the claim)."""
    table: Any = model.__table__
    module: Any = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    first_key = next(iter(table.primary_key.columns))
    stmt = module.insert(table).values(**values).on_conflict_do_nothing().returning(first_key)
    return session.execute(stmt).first() is not None


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
