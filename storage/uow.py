"""The unit of work: one session, one transaction; the use case commits, repositories never do.

Handling one update is one transaction (claim, effect and replies commit together), yet every use
case keeps its own `with uow: ... uow.commit()`. So a unit of work opened while another is open in
the same thread or task joins it as a SAVEPOINT: its commit releases the savepoint, its rollback
undoes only its own part, and only the outermost commit makes anything durable. The open session is
kept in a context variable, so threads and asyncio tasks never share one.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from types import TracebackType

from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from storage.db import READ_ONLY

_open: ContextVar[Session | None] = ContextVar("officebot_open_session", default=None)


class UnitOfWork:
    """`with uow:` opens a transaction (or a savepoint inside an open one); leaving without `commit()` rolls back."""

    session: Session

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory
        self._savepoint: SessionTransaction | None = None
        self._token: Token[Session | None] | None = None
        self._join_asked = self._joined = False
        self._read_only = False

    def reading(self) -> UnitOfWork:
        """A new unit on the same database that only reads: on SQLite its transaction starts with a deferred
        BEGIN, which takes no write lock (storage/db.py), so a poll that finds nothing never waits for a
        writer nor holds one up. A write inside it may fail with 'database is locked': write in a unit of
        work of its own. Opened inside an open transaction it joins it (as `joined()`: nothing to undo)."""
        unit = UnitOfWork(self._factory)
        unit._read_only = unit._join_asked = True
        return unit

    def joined(self) -> UnitOfWork:
        """Inside an open transaction, join it without a SAVEPOINT: for a use case that only reads, or
        that either commits or raises (nothing of its own to undo: a raise rolls the whole update back).

        A savepoint costs two statements, and one left without a commit expires what was loaded, so
        the next use case selects it again; on the update's hot path (the draft, the customer lookup)
        that was a third of the statements. Opened with nothing open, it is an ordinary unit.
        """
        self._join_asked = True
        return self

    def __enter__(self) -> UnitOfWork:
        """Open a fresh session, or a savepoint in the session already open here."""
        outer = _open.get()
        if outer is None:
            self.session = self._factory()
            self._token = _open.set(self.session)
            if self._read_only:
                self.session.connection(execution_options={READ_ONLY: True})
        else:
            self.session = outer
            self._joined = self._join_asked
            if not self._joined:
                self._savepoint = outer.begin_nested()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Roll back whatever was not committed; the outermost also closes the session."""
        if self._savepoint is not None:
            if self._savepoint.is_active:
                self._savepoint.rollback()
            self._savepoint = None
            return
        if self._joined:  # joined an open transaction: nothing of its own to end
            self._joined = False
            return
        try:
            self.session.rollback()
            self.session.close()
        finally:
            if self._token is not None:
                _open.reset(self._token)
                self._token = None

    def commit(self) -> None:
        """Make the use case's changes durable (inside an enclosing unit: part of its commit)."""
        if self._joined:
            return
        if self._savepoint is None:
            self.session.commit()
            return
        if self._savepoint.is_active:
            self._savepoint.commit()  # RELEASE; a later write in this block joins the enclosing unit

    def rollback(self) -> None:
        """Drop the use case's changes (inside an enclosing unit: only this unit's)."""
        if self._joined:
            return
        if self._savepoint is None:
            self.session.rollback()
            return
        if self._savepoint.is_active:
            self._savepoint.rollback()
        self._savepoint = self.session.begin_nested()
