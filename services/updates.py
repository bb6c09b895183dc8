"""Update de-duplication: an update id is processed once, whatever delivers it again."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from storage.models import ProcessedUpdate
from storage.uow import UnitOfWork


def claim_update(uow: UnitOfWork, *, channel: str, update_id: int) -> bool:
    """Record the update id; False when it was already recorded (a redelivery)."""
    with uow:
        uow.session.add(ProcessedUpdate(channel=channel, update_id=update_id))
        try:
            uow.commit()
        except IntegrityError:
            return False
    return True


def release_update(uow: UnitOfWork, *, channel: str, update_id: int) -> None:
    """Forget an update id whose handling crashed, so a redelivery can try again."""
    with uow:
        uow.session.execute(
            delete(ProcessedUpdate).where(
                ProcessedUpdate.channel == channel, ProcessedUpdate.update_id == update_id
            )
        )
        uow.commit()
