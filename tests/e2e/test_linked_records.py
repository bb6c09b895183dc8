"""Issue 10, records that link up: customers made on the spot, prefilled contacts, the customer's history with
buttons to log for it, the technician's job card, due times and overdue jobs chased."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from schedules.repairs import overdue_repairs
from storage.models import Customer, RepairRecord
from tests.e2e.harness import BotHarness, repack
from tests.e2e.test_records_listing import add_payment
from tests.e2e.test_records_support import add_customer, data_of, labels, last_card, report_repair, say, text_of

SHANGHAI = ZoneInfo("Asia/Shanghai")


def customers_named(bot: BotHarness, name: str) -> list[tuple[str | None, str | None, str | None]]:
    """(contact, phone, address) of the archive rows with that name."""
    with bot.app.uow() as uow:
        return [(c.contact, c.phone, c.address)
                for c in uow.session.scalars(select(Customer).where(Customer.name == name))]


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_a_visit_creates_the_customer_on_the_spot_and_the_card_asks_to_complete_it(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await add_customer(bot, li, "某市公安局")
    await bot.send(li, "/visit")

    offer = await say(bot, li, "某区人民法院")
    assert "没有找到“某区人民法院”" in offer["text"] and labels(offer) == ["➕ 新建客户“某区人民法院”", "✖ 取消"]
    asked = (await bot.press(li, offer, "新建客户"))[-1]
    assert "✔ 客户：某区人民法院" in asked["text"] and "拜访时间" in asked["text"]
    assert await bot.press(li, offer, "新建客户") == [], "a second tap on the old offer does nothing"
    assert len(customers_named(bot, "某区人民法院")) == 1

    purpose = (await bot.press(li, asked, "现在"))[-1]
    await bot.press(li, purpose, "新客户开发")
    await say(bot, li, "刘庭长", "介绍产品", "跳过")
    photos = (await bot.share_location(li, 31.23, 121.47, date=bot.clock()))[-1]
    summary = (await bot.press(li, photos, "完成"))[-1]
    assert "• 客户: 某区人民法院" in summary["text"]
    assert "拜访记录已保存" in text_of((await bot.press(li, summary, "保存"))[-1])

    card = (await bot.send(li, "/customer 某区人民法院"))[-1]
    assert "档案尚不完整" in card["text"] and "最近拜访：" in card["text"] and "新客户开发（李娜）" in card["text"]
    assert labels(card) == ["📝 记拜访", "🔧 报修", "✏️ 修改"]


async def test_a_repair_completes_the_new_customers_contact_and_the_next_report_is_prefilled(bot: BotHarness
                                                                                            ) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await bot.send(li, "/repair")
    offer = await say(bot, li, "某县看守所")
    await bot.press(li, offer, "新建客户")
    date_asked = await say(bot, li, "赵所长", "13900001111")
    await bot.press(li, date_asked, "今天")
    photos = await say(bot, li, "柜门变形")
    summary = (await bot.press(li, photos, "跳过"))[-1]
    assert "维修单 #1 已保存" in text_of((await bot.press(li, summary, "保存"))[-1])
    assert customers_named(bot, "某县看守所") == [("赵所长", "13900001111", None)]

    await bot.send(li, "/repair")
    reporter = await say(bot, li, "看守所")  # the only match: taken without a tap
    assert "✔ 客户：某县看守所" in reporter["text"] and "当前：赵所长" in reporter["text"]
    phone = (await bot.press(li, reporter, "保持不变"))[-1]
    assert "当前：13900001111" in phone["text"]
    asked = (await bot.press(li, phone, "保持不变"))[-1]
    assert "报修日期是哪天" in asked["text"]


async def test_the_customer_card_shows_its_history_and_logs_for_this_customer(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    head = await bot.register("张伟", office="上海办事处", roles=["office_head", "technician"])
    await add_customer(bot, li, "某市公安局")
    await report_repair(bot, li, "某市公安局")
    await report_repair(bot, li, "某市公安局")
    with bot.app.uow() as uow:
        uow.session.get(RepairRecord, 1).status = "accepted"  # type: ignore[union-attr]
        uow.commit()
    add_payment(bot, "李娜", "120000", date(2026, 11, 20), customer="某市公安局")
    add_payment(bot, "张伟", "5000", date(2026, 11, 21), customer="某市公安局")

    mine = (await bot.send(li, "/customer 某市公安局"))[-1]["text"]
    assert "质保：2 年，至 2027-03-01" in mine and "安装产品：枪柜×4" in mine
    assert "未完成的维修单：\n  #2 2026-11-24 不能上锁 — 已报修，待派单" in mine
    assert "已完成的维修单：\n  #1 2026-11-24 不能上锁 — 客户已验收" in mine
    assert "2026-11-20 ¥120,000.00（李娜）" in mine and "5,000.00" not in mine, "a salesperson sees their own"
    assert "最近拜访：\n  （无）" in mine and "档案尚不完整" not in mine
    office = (await bot.send(head, "/customer 某市公安局"))[-1]
    assert "2026-11-21 ¥5,000.00（张伟）" in office["text"]

    asked = (await bot.press(head, office, "报修"))[-1]
    assert "报修人是谁" in asked["text"] and "当前：王科长" in asked["text"]
    back = (await bot.press(head, asked, "上一步"))[-1]
    assert "哪个客户" in back["text"], "Back from the first question returns to the customer"
    await bot.send(head, "/cancel")
    visit = (await bot.press(head, office, "记拜访"))[-1]
    assert "拜访时间" in visit["text"] and "1/" not in visit["text"].split("\n")[0]
    forged = await bot.press_data(head, office, repack(office["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
                                                       customer=99))
    assert "未找到" in text_of(forged[-1])


async def test_the_job_card_leads_the_technician_there_and_overdue_jobs_are_chased_once(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    wang = await bot.register("王强", office="上海办事处", roles=["technician"])
    await add_customer(bot, li, "某市公安局")
    with bot.app.uow() as uow:
        customer = uow.session.scalars(select(Customer)).one()
        customer.route, customer.lat, customer.lon = "地铁2号线人民广场站3号口", 31.2304, 121.4737
        uow.commit()
    await report_repair(bot, li, "某市公安局")
    notice = last_card(bot, head)
    assigned = (await bot.press(head, notice, "王强"))[-1]
    assert labels(assigned)[-3:] == ["⏰ 今天内完成", "⏰ 下个工作日", "⏰ 3 个工作日内"]

    job = last_card(bot, wang)["text"]
    assert "地址：人民路 1 号" in job and "乘车路线：地铁2号线人民广场站3号口" in job
    assert "联系人：王科长 13812345678" in job
    assert "https://uri.amap.com/marker?position=121.473700,31.230400" in job and "coordinate=wgs84" in job

    forged = await bot.press_data(head, assigned, repack(data_of(assigned, "今天内完成"), days=7))
    assert "未找到" in text_of(forged[-1])
    due = (await bot.press(head, assigned, "今天内完成"))[-1]
    assert "已设定期限，已通知王强" in due["text"] and "期限：2026-11-24 17:30" in due["text"]
    assert "须在 2026-11-24 17:30 前完成" in bot.last(wang)["text"]
    again = (await bot.press(head, assigned, "今天内完成"))[-1]
    assert "已是这个期限" in again["text"]

    bot.clock.set(datetime(2026, 11, 24, 17, 0, tzinfo=SHANGHAI))
    assert await overdue_repairs(bot.app) == "0 overdue repair job(s) chased"
    bot.clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI))
    assert await overdue_repairs(bot.app) == "1 overdue repair job(s) chased"
    assert await overdue_repairs(bot.app) == "0 overdue repair job(s) chased"
    await bot.flush()
    chased = bot.last(wang)
    assert "已过期限 2026-11-24 17:30" in chased["text"] and labels(chased) == ["✅ 维修完工"]
    assert "已过期限" in bot.last(head)["text"] and labels(bot.last(head)) == ["查看维修单"]
    assert not any("已过期限" in t for t in bot.texts(li))
