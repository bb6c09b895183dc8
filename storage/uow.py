"""The unit of work: one session, one transaction; the use case commits, repositories never do."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker


class UnitOfWork:
    """`with uow:` opens a transaction; leaving without `commit()` rolls it back."""

    session: Session

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def __enter__(self) -> UnitOfWork:
        """Open a fresh session for this use case."""
        self.session = self._factory()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Roll back whatever was not committed and close the session."""
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        """Make the use case's changes durable."""
        self.session.commit()

    def rollback(self) -> None:
        """Drop the use case's changes."""
        self.session.rollback()
