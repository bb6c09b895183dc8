"""The repair log service: warranty at report time, assignment, closing, acceptance, races and rights."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from domain.callbacks import REPAIR, REPAIR_ASSIGN, pack
from domain.records import RepairAction, RepairStatus
from services.records import repairs
from services.records.repairs import Closing, Outcome
from tests.services.test_records_support import World, add_customer, audit_rows, outbox_for, report
from tests.services.test_records_support import world as world

CLOSING = Closing(repaired_on=date(2026, 11, 23), labour_hours=Decimal("2.5"), parts=[("锁芯", 2)])


def test_warranty_is_judged_on_the_report_date(world: World) -> None:
    customer = add_customer(world, world.sh_sales, accepted_on=date(2024, 11, 21), warranty_years=2)
    assert report(world, world.sh_sales, customer.id, date(2026, 11, 21)).in_warranty is True
    assert report(world, world.sh_sales, customer.id, date(2026, 11, 22)).in_warranty is False
    unknown = add_customer(world, world.sh_sales, "新客户", accepted_on=None, warranty_years=None)
    assert report(world, world.sh_sales, unknown.id).in_warranty is None


def test_a_report_asks_the_office_head_with_one_button_per_technician(world: World) -> None:
    customer = add_customer(world, world.sh_sales)
    job = report(world, world.sh_sales, customer.id)
    assert job.status == RepairStatus.REPORTED and job.photos == ["ph1"]
    message, photo = outbox_for(world, world.sh_head, photos=True)
    assert (photo["photos"], photo["text"], message["photos"]) == (["ph1"], "", [])  # the card first, then each photo
    assert "某市公安局" in message["text"] and "柜门锁打不开" in message["text"]
    assert [b for row in message["buttons"] for b in row] == [
        ["👷 王强", pack(REPAIR_ASSIGN, repair=job.id, staff=world.sh_tech.id)],
        ["👷 孙亮", pack(REPAIR_ASSIGN, repair=job.id, staff=world.sh_tech2.id)]]
    assert outbox_for(world, world.ur_head) == []


def test_reporting_for_another_offices_customer_finds_nothing(world: World) -> None:
    customer = add_customer(world, world.sh_sales)
    data = repairs.RepairIn(customer_id=customer.id, reporter="x", phone="13812345678", reported_on=date(2026, 11, 1),
                            fault="坏了")
    assert repairs.report(world.uow(), viewer=world.ur_sales, data=data, photos=[], now=world.clock()) is None


def test_the_head_assigns_and_the_technician_is_told(world: World) -> None:
    job = report(world, world.sh_sales, add_customer(world, world.sh_sales).id)
    result = repairs.assign(world.uow(), viewer=world.sh_head, repair_id=job.id, technician_id=world.sh_tech.id,
                            now=world.clock())
    assert result.outcome == Outcome.done and result.card is not None
    assert (result.card.status, result.card.technician_name) == (RepairStatus.ASSIGNED, "王强")
    [message] = outbox_for(world, world.sh_tech)
    assert message["buttons"] == [[["✅ 维修完工", pack(REPAIR, repair=job.id, action="cl")]]]
    again = repairs.assign(world.uow(), viewer=world.sh_head, repair_id=job.id, technician_id=world.sh_tech.id,
                           now=world.clock())
    assert again.outcome == Outcome.unchanged and len(outbox_for(world, world.sh_tech)) == 1
    handed = repairs.assign(world.uow(), viewer=world.sh_admin, repair_id=job.id, technician_id=world.sh_tech2.id,
                            now=world.clock())
    assert handed.outcome == Outcome.done and handed.card is not None and handed.card.technician_name == "孙亮"


@pytest.mark.parametrize("who, tech", [("sh_sales", "sh_tech"), ("sh_head", "ur_tech"), ("sh_head", "sh_sales"),
                                       ("ur_head", "ur_tech"), ("gm", "sh_tech")])
def test_only_the_offices_head_or_admin_assigns_its_own_technicians(world: World, who: str, tech: str) -> None:
    job = report(world, world.sh_sales, add_customer(world, world.sh_sales).id)
    result = repairs.assign(world.uow(), viewer=getattr(world, who), repair_id=job.id,
                            technician_id=getattr(world, tech).id, now=world.clock())
    assert result.outcome in (Outcome.not_allowed, Outcome.not_found)
    assert repairs.get(world.uow(), viewer=world.sh_head, repair_id=job.id).status == RepairStatus.REPORTED  # type: ignore[union-attr]


def _assigned(world: World) -> repairs.RepairCard:
    job = report(world, world.sh_sales, add_customer(world, world.sh_sales).id)
    repairs.assign(world.uow(), viewer=world.sh_head, repair_id=job.id, technician_id=world.sh_tech.id,
                   now=world.clock())
    return job


def test_closing_with_the_customers_signature_accepts_and_tells_reporter_and_head(world: World) -> None:
    job = _assigned(world)
    signed = Closing(**{**CLOSING.__dict__, "accepted_by": "王科长"})
    result = repairs.close(world.uow(), viewer=world.sh_tech, repair_id=job.id, closing=signed, now=world.clock())
    assert result.outcome == Outcome.done and result.card is not None
    card = result.card
    assert (card.status, card.repaired_on, card.labour_hours, card.parts, card.accepted_by) == (
        RepairStatus.ACCEPTED, date(2026, 11, 23), Decimal("2.50"), [("锁芯", 2)], "王科长")
    assert "维修已验收" in outbox_for(world, world.sh_sales)[-1]["text"]
    assert "维修已验收" in outbox_for(world, world.sh_head)[-1]["text"]
    assert [e["detail"] for e in audit_rows(world, entity="repair", action="accept")] == [{"accepted_by": "王科长"}]


def test_closing_without_signature_leaves_it_repaired_until_accepted(world: World) -> None:
    job = _assigned(world)
    closed = repairs.close(world.uow(), viewer=world.sh_tech, repair_id=job.id, closing=CLOSING, now=world.clock())
    assert closed.card is not None and closed.card.status == RepairStatus.REPAIRED
    assert "维修已完工" in outbox_for(world, world.sh_sales)[-1]["text"]
    assert repairs.may_act(world.uow(), viewer=world.sh_tech, repair_id=job.id,
                           action=RepairAction.ACCEPT).outcome == Outcome.done
    accepted = repairs.accept(world.uow(), viewer=world.sh_head, repair_id=job.id, accepted_by="王科长",
                              now=world.clock())
    assert accepted.card is not None and accepted.card.status == RepairStatus.ACCEPTED
    twice = repairs.accept(world.uow(), viewer=world.sh_tech, repair_id=job.id, accepted_by="别人", now=world.clock())
    assert twice.outcome == Outcome.wrong_state and twice.card is not None and twice.card.accepted_by == "王科长"


def test_a_second_close_of_the_same_job_loses(world: World) -> None:
    job = _assigned(world)
    first = repairs.close(world.uow(), viewer=world.sh_tech, repair_id=job.id, closing=CLOSING, now=world.clock())
    second = repairs.close(world.uow(), viewer=world.sh_head, repair_id=job.id, closing=CLOSING, now=world.clock())
    assert (first.outcome, second.outcome) == (Outcome.done, Outcome.wrong_state)
    assert len(audit_rows(world, entity="repair", action="complete")) == 1


def test_closing_is_checked_against_the_report_date(world: World) -> None:
    job = _assigned(world)
    early = Closing(repaired_on=date(2026, 11, 19), labour_hours=Decimal(1), parts=[])
    with pytest.raises(ValidationError) as caught:
        repairs.close(world.uow(), viewer=world.sh_tech, repair_id=job.id, closing=early, now=world.clock())
    assert caught.value.errors()[0]["type"] == "repaired_before_reported"
    assert repairs.get(world.uow(), viewer=world.sh_tech, repair_id=job.id).status == RepairStatus.ASSIGNED  # type: ignore[union-attr]


def test_only_the_assigned_technician_or_the_head_closes(world: World) -> None:
    job = _assigned(world)
    for viewer in (world.sh_tech2, world.sh_sales):
        result = repairs.close(world.uow(), viewer=viewer, repair_id=job.id, closing=CLOSING, now=world.clock())
        assert result.outcome in (Outcome.not_found, Outcome.not_allowed)
    assert repairs.close(world.uow(), viewer=world.ur_head, repair_id=job.id, closing=CLOSING,
                         now=world.clock()).outcome == Outcome.not_found


def test_who_sees_a_repair_job(world: World) -> None:
    job = _assigned(world)
    def sees(viewer: object) -> bool:
        return repairs.get(world.uow(), viewer=viewer, repair_id=job.id) is not None  # type: ignore[arg-type]
    assert [sees(world.sh_sales), sees(world.sh_tech), sees(world.sh_head), sees(world.sh_admin), sees(world.gm)] \
        == [True, True, True, True, True]
    assert [sees(world.sh_sales2), sees(world.sh_tech2), sees(world.ur_head)] == [False, False, False]
