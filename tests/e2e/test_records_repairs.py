"""A repair job through chat: report with a photo, assign, close, customer acceptance; forged buttons."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.callbacks import REPAIR, REPAIR_ASSIGN, pack
from storage.models import RepairRecord, Staff
from tests.e2e.harness import STALE, BotHarness
from tests.e2e.test_records_support import add_customer, labels, last_card, report_repair, say, text_of


def _staff_id(bot: BotHarness, name: str) -> int:
    with bot.app.uow() as uow:
        return int(uow.session.scalars(select(Staff.id).where(Staff.name == name)).one())


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_a_repair_job_from_report_to_customer_acceptance(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    wang = await bot.register("王强", office="上海办事处", roles=["technician"])
    await bot.register("孙亮", office="上海办事处", roles=["technician"])
    await add_customer(bot, li, "某市公安局")

    first = (await bot.send(li, "/repair"))[-1]
    assert "报修" in first["text"] and "某市公安局" in labels(first)
    asked = await say(bot, li, "公安")
    assert "✔ 客户：某市公安局" in asked["text"] and "报修人是谁" in asked["text"], "one match is taken at once"
    bad = await say(bot, li, "王科长", "0571-88886666", "2026-13-45")
    assert "请输入日期" in bad["text"] or "2026-11-24" in bad["text"]
    fault = (await bot.press(li, bad, "今天"))[-1]
    assert "请描述故障" in fault["text"]
    photos = await say(bot, li, "柜门锁打不开")
    received = (await bot.send_photo(li))[-1]
    assert "已收到第 1 张照片" in received["text"]
    summary = (await bot.press(li, received, "完成"))[-1]
    assert "• 客户: 某市公安局" in summary["text"] and "• 照片: 1" in summary["text"] and photos
    saved = (await bot.press(li, summary, "保存"))[-1]
    assert "维修单 #1 已保存" in saved["text"] and "质保：在保" in saved["text"]

    notice = last_card(bot, head)
    assert "新的维修单" in notice["text"] and labels(notice) == ["👷 王强", "👷 孙亮"]
    assigned = (await bot.press(head, notice, "王强"))[-1]
    assert "已指派给王强" in assigned["text"] and "接单维修人：王强" in assigned["text"]
    job = last_card(bot, wang)
    assert "您有一张新的维修单" in job["text"] and "柜门锁打不开" in job["text"]
    assert [m for m in bot.standin.messages(head.id) if m.get("photo")], "the head sees the fault photo"
    assert [m for m in bot.standin.messages(wang.id) if m.get("photo")], "so does the technician"

    asked = (await bot.press(wang, job, "维修完工"))[-1]
    assert "维修完工" in asked["text"] and "维修日期是哪天" in asked["text"]
    await bot.press(wang, asked, "今天")
    wrong = await say(bot, wang, "半天")
    assert "请输入数字" in wrong["text"] or "数字" in wrong["text"]
    cause = await say(bot, wang, "2.5")
    assert "故障原因是什么" in cause["text"]
    result = await say(bot, wang, "锁芯磨损")
    assert "做了哪些处理" in result["text"] and "已修复，使用正常" in labels(result)
    await bot.press(wang, result, "已修复，使用正常")
    await say(bot, wang, "锁芯 x2")
    summary = await say(bot, wang, "跳过")
    assert "• 故障原因: 锁芯磨损" in summary["text"] and "• 维修结果: 已修复，使用正常" in summary["text"]
    closed = (await bot.press(wang, summary, "保存"))[-1]
    assert "维修单已完工" in closed["text"] and "已维修，待客户验收" in closed["text"]
    assert "维修已完工" in bot.last(li)["text"] and "维修已完工" in bot.last(head)["text"]
    stale = await bot.press(wang, job, "维修完工")
    assert "该维修单状态已变化" in stale[-1]["text"]

    card = (await bot.send(head, "/repair 1"))[-1]
    assert "更换配件：锁芯×2" in card["text"] and "工时 2.50 小时" in card["text"]
    assert "故障原因：锁芯磨损" in card["text"] and "维修结果：已修复，使用正常" in card["text"]
    asked = (await bot.press(head, card, "客户已验收"))[-1]
    summary = await say(bot, head, "王科长")
    done = (await bot.press(head, summary, "保存"))[-1]
    assert "客户验收已登记" in done["text"] and "客户验收人：王科长" in done["text"] and asked
    assert "维修已验收" in bot.last(li)["text"] and "维修已验收" in bot.last(wang)["text"]
    with bot.app.uow() as uow:
        repair = uow.session.scalars(select(RepairRecord)).one()
        assert (repair.status, repair.accepted_by, repair.photos != []) == ("accepted", "王科长", True)


async def test_closing_with_the_customers_signature_finishes_the_job(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head", "technician"])
    await add_customer(bot, head, "某市公安局")
    await report_repair(bot, head, "某市公安局")
    notice = bot.last(head)
    await bot.press(head, notice, "张伟")
    close = (await bot.press(head, bot.last(head), "维修完工"))[-1]
    await bot.press(head, close, "今天")
    summary = await say(bot, head, "1", "电池没电", "已更换电池", "跳过", "王科长")
    done = (await bot.press(head, summary, "保存"))[-1]
    assert "客户已验收" in done["text"] and "客户验收人：王科长" in done["text"]


async def test_forged_repair_buttons_find_nothing(bot: BotHarness) -> None:
    bot.add_office("乌鲁木齐办事处", timezone="Asia/Urumqi")
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await bot.register("张伟", office="上海办事处", roles=["office_head"])
    await bot.register("王强", office="上海办事处", roles=["technician"])
    sun = await bot.register("孙亮", office="上海办事处", roles=["technician"])
    ali = await bot.register("艾力", office="乌鲁木齐办事处", roles=["office_head", "technician"])
    await add_customer(bot, li, "某市公安局")
    await report_repair(bot, li, "某市公安局")
    wang, ali_id = _staff_id(bot, "王强"), _staff_id(bot, "艾力")
    anchor = (await bot.send(ali, "/my"))[-1]
    for forged in (pack(REPAIR_ASSIGN, repair=1, staff=wang), pack(REPAIR_ASSIGN, repair=1, staff=ali_id),
                   *(pack(REPAIR, repair=1, action=a) for a in ("as", "cl", "ac", "v")),
                   pack(REPAIR, repair=2, action="v")):
        assert [text_of(m) for m in await bot.press_data(ali, anchor, forged)] == ["未找到该记录。"], forged
    for garbled in ("1:rp:1:zz", "1:rpa:1:x", "1:rp:-1:v", "1:rp::", "rp:1:v", f"rp:1:as:{ali_id}"):
        assert await bot.press_data(ali, anchor, garbled) == [], garbled
        assert bot.standin.callback_answers[-1]["text"] == STALE, garbled
    assert "未找到该记录。" in (await bot.send(ali, "/repair 1"))[-1]["text"]
    anchor = (await bot.send(sun, "/my"))[-1]
    close = pack(REPAIR, repair=1, action="cl")
    assert [text_of(m) for m in await bot.press_data(sun, anchor, close)] == ["未找到该记录。"]
    refused = await bot.press_data(li, bot.last(li), pack(REPAIR_ASSIGN, repair=1, staff=wang))
    assert "您无权" in refused[-1]["text"]
    with bot.app.uow() as uow:
        assert uow.session.scalars(select(RepairRecord.status)).one() == "reported"


async def test_a_repair_report_with_back_and_edit_before_save_then_one_cancelled(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await bot.register("张伟", office="上海办事处", roles=["office_head"])
    await add_customer(bot, li, "某市公安局")
    first = (await bot.send(li, "/repair"))[-1]
    asked = (await bot.press(li, first, "某市公安局"))[-1]
    phone = await say(bot, li, "王科长")
    back = (await bot.press(li, phone, "上一步"))[-1]
    assert "报修人是谁" in back["text"] and "当前：王科长" in back["text"]
    date = await say(bot, li, "李科长", "0571-88886666")
    fault = (await bot.press(li, date, "今天"))[-1]
    photos = await say(bot, li, "柜门锁打不开")
    summary = (await bot.press(li, photos, "跳过"))[-1]
    assert "• 报修人: 李科长" in summary["text"] and asked and fault

    menu = (await bot.press(li, summary, "修改"))[-1]
    ask_fault = (await bot.press(li, menu, "报修内容"))[-1]
    summary = await say(bot, li, "柜门锁打不开，密码面板无显示")
    assert "• 报修内容: 柜门锁打不开，密码面板无显示" in summary["text"]
    assert "当前：柜门锁打不开" in ask_fault["text"]
    saved = (await bot.press(li, summary, "保存"))[-1]
    assert "维修单 #1 已保存" in saved["text"]

    again = (await bot.send(li, "/repair"))[-1]
    (await bot.press(li, again, "某市公安局"))
    cancelled = await say(bot, li, "取消")
    assert cancelled["text"].startswith("已取消：")
    with bot.app.uow() as uow:
        assert [(r.reporter, r.fault) for r in uow.session.scalars(select(RepairRecord))] == [
            ("李科长", "柜门锁打不开，密码面板无显示")]
