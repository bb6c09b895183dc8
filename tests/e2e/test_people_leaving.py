"""Leaving (离职): a leaver is deactivated at once and every piece of their open work is handed over."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from domain.callbacks import OFFBOARD_CONFIRM, pack
from services.approvals import requests as approvals
from standins.telegram.keyboards import buttons
from storage.models import (
    ApprovalRequest,
    AuditEntry,
    Customer,
    Departure,
    Draft,
    FixedAsset,
    Meeting,
    MeetingTask,
    Payment,
    RepairRecord,
    Staff,
)
from tests.e2e.harness import BotHarness


def staff_id(bot: BotHarness, name: str) -> int:
    with bot.app.uow() as uow:
        return int(uow.session.scalars(select(Staff.id).where(Staff.name == name)).one())


def open_work_of(bot: BotHarness, leaver: int) -> dict[str, int]:
    """A repair, a maturing bank draft and a customer, as the field-record features store them."""
    with bot.app.uow() as uow:
        office = uow.session.scalars(select(Staff.office_id).where(Staff.id == leaver)).one()
        customer = Customer(office_id=office, name="市公安局", created_by=leaver)
        uow.session.add(customer)
        uow.session.flush()
        repair = RepairRecord(office_id=office, customer_id=customer.id, reporter="王科长", fault="柜门锁坏",
                              reported_on=date(2026, 11, 23), technician_id=leaver, technician_name="李娜",
                              status="assigned", created_by=leaver)
        draft = Payment(office_id=office, customer_id=customer.id, staff_id=leaver, kind="draft",
                        received_on=date(2026, 11, 20), draft_no="3130005", amount=Decimal("80000"),
                        matures_on=date(2027, 5, 20))
        meeting = Meeting(office_id=office, kind="weekly", starts_at=datetime(2026, 11, 23, 1, tzinfo=UTC),
                          created_by=leaver)
        uow.session.add_all([repair, draft, meeting])
        uow.session.flush()
        task = MeetingTask(meeting_id=meeting.id, office_id=office, owner_id=leaver, text="跟进投标",
                           due_on=date(2026, 11, 30))
        laptop = FixedAsset(asset_no="ZC-9", name="笔记本电脑", category="computer", value=Decimal("5000"),
                            purchased_on=date(2026, 1, 5), office_id=office, holder_id=leaver)
        uow.session.add_all([task, laptop])
        uow.commit()
        return {"customer": customer.id, "repair": repair.id, "draft": draft.id, "task": task.id}


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_a_leavers_open_work_is_reassigned_and_their_chat_loses_access(bot: BotHarness) -> None:
    admin = await bot.register("王芳", office="上海办事处", roles=["admin"])
    gm = await bot.register("周总", office="上海办事处", roles=["gm"])
    li = await bot.register("李娜", office="上海办事处", roles=["office_head", "technician"])
    wang = await bot.register("王强", office="上海办事处", roles=["technician"])
    chen = await bot.register("陈静", office="上海办事处", roles=["sales"], manager="李娜")
    ids = {name: staff_id(bot, name) for name in ("李娜", "王强", "陈静", "周总")}
    work = open_work_of(bot, ids["李娜"])
    leave = {"kind": "leave", "first_day": "2026-11-26", "last_day": "2026-11-27", "reason": "家事"}
    args = {"config": bot.app.approval_config, "now": bot.clock()}
    to_decide = approvals.submit_leave(bot.app.uow(), requester_id=ids["陈静"], data=leave, **args)
    own_leave = approvals.submit_leave(bot.app.uow(), requester_id=ids["李娜"], data=leave, **args)
    own_claim = approvals.submit_expense(bot.app.uow(), requester_id=ids["李娜"], data={
        "amount": "320", "category": "office", "spent_on": "2026-11-23", "reason": "打印纸"}, **args)
    await bot.flush()
    await bot.send(li, "/customer")  # a half-filled form
    assert "未找到" not in bot.last(li)["text"]

    assert "角色无权" in (await bot.send(chen, "/offboard 李娜"))[-1]["text"]
    assert "没有名叫" in (await bot.send(admin, "/offboard 无名氏"))[-1]["text"]
    ask = (await bot.send(admin, "/offboard 李娜"))[-1]
    assert ask["text"] == "李娜离职。未完成的工作：待其审批 1 项，本人申请 2 项，维修 1 单，承兑汇票 1 张。由谁接手？"
    assert [label for label, _ in buttons(ask)] == ["王芳", "周总", "王强", "陈静"]
    confirm = (await bot.press(admin, ask, "王强"))[-1]
    oneself = pack(OFFBOARD_CONFIRM, leaver=ids["李娜"], successor=ids["李娜"])  # oneself as successor: forged
    await bot.press_data(admin, confirm, oneself)
    assert bot.standin.callback_answers[-1]["text"] == "未找到。"
    done = await bot.press(admin, confirm, "确认停用")
    assert done[0]["text"] == ("李娜已停用。王强接手：待审批 1 项，申请 1 项，维修 1 单，承兑汇票 1 张，客户 1 个；"
                               "已撤回请假/外出/出差申请 1 项。")
    checklist = done[1]
    assert [label for label, _ in buttons(checklist)] == ["⬜ 工作交接", "⬜ 资产归还"]
    assert checklist["text"].endswith("仍登记在其名下的资产：ZC-9 笔记本电脑")
    await bot.press(admin, confirm, "确认停用")  # a double tap acts once
    assert bot.standin.callback_answers[-1]["text"] == "此人已办理离职。"

    assert "仅供已登记的员工使用" in (await bot.send(li, "/help"))[-1]["text"]
    assert "王强接手" not in bot.last(wang)["text"]
    card = next(m for m in bot.standin.messages(wang.id) if m.get("text", "").startswith("📝 请假"))
    assert "陈静" in card["text"]
    assert "已接手其未完成的工作" in bot.texts(wang)[-1]
    assert bot.texts(gm)[-1].startswith("李娜 已撤回 请假 #")

    await bot.press(wang, card, "同意")
    with bot.app.uow() as uow:
        s = uow.session
        assert s.get(ApprovalRequest, to_decide.request_id).status == "approved"  # type: ignore[union-attr]
        assert s.get(ApprovalRequest, own_leave.request_id).status == "withdrawn"  # type: ignore[union-attr]
        claim = s.get(ApprovalRequest, own_claim.request_id)
        assert claim is not None and (claim.requester_id, claim.status) == (ids["王强"], "pending")
        repair = s.get(RepairRecord, work["repair"])
        assert repair is not None and (repair.technician_id, repair.technician_name) == (ids["王强"], "王强")
        assert s.get(Payment, work["draft"]).staff_id == ids["王强"]  # type: ignore[union-attr]
        assert s.get(Customer, work["customer"]).created_by == ids["王强"]  # type: ignore[union-attr]
        assert s.get(Staff, ids["陈静"]).manager_id == ids["王强"]  # type: ignore[union-attr]
        assert s.get(Staff, ids["李娜"]).active is False  # type: ignore[union-attr]
        assert s.get(Draft, ids["李娜"]) is None
        assert s.get(MeetingTask, work["task"]).owner_id == ids["王强"]  # type: ignore[union-attr]
        departure = s.get(Departure, ids["李娜"])
        assert departure is not None and departure.successor_id == ids["王强"]
        assert s.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == str(ids["李娜"]),
                                                         AuditEntry.action == "staff.leave")).all() == ["staff.leave"]

    for label in ("工作交接", "资产归还"):
        checklist = next(m for m in bot.standin.messages(admin.id) if m["message_id"] == checklist["message_id"])
        await bot.press(admin, checklist, label)
    checklist = next(m for m in bot.standin.messages(admin.id) if m["message_id"] == checklist["message_id"])
    assert "离职各项均已完成" in checklist["text"]
