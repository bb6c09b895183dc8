from datetime import UTC, datetime
from services.jobs import claim_reminders, claim_slot
def test_claims(uow_factory):
    now = datetime.now(UTC)
    assert claim_slot(uow_factory(), job="j", slot="s", instance="a", now=now)
    assert not claim_slot(uow_factory(), job="j", slot="s", instance="b", now=now)
    with uow_factory() as uow:
        assert claim_reminders(uow.session, keys={"a": None, "b": None}, now=now) == {"a", "b"}
        uow.commit()
    with uow_factory() as uow:
        assert claim_reminders(uow.session, keys={"a": None, "c": None}, now=now) == {"c"}
