"""Regions (区域) through the real Application and the Bot API stand-in: offices put into a region by the
import (an office entry's `region`, a staff row's `region` column), the regional manager's monthly report
prefilled from the region's offices, his /status over them, and a chain step of his role."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from domain.approvals import parse_approval_config
from services.people.importer import import_file
from standins.telegram.keyboards import buttons
from standins.telegram.users import FakeUser
from storage.models import Office, Region
from tests.e2e.harness import BotHarness
from tests.e2e.test_approvals import card_for, claim
from tests.e2e.test_reports import answer_all, cst, log_payment, log_visits

ORG = """\
offices:
  - {name: 杭州办事处, region: 华东区}
  - {name: 北京办事处, region: 华北区}
staff:
  - {name: 周明, office: 上海办事处, roles: [regional_manager], region: 华东区}
  - {name: 王强, office: 杭州办事处, roles: [sales]}
  - {name: 赵北, office: 北京办事处, roles: [sales]}
  - {name: 孙北, office: 北京办事处, roles: [regional_manager]}
"""


async def import_org(bot: BotHarness, tmp_path: Path, text: str = ORG) -> dict[str, FakeUser]:
    """Import the organisation file and let everyone in it redeem their code in the chat."""
    path = tmp_path / "org.yaml"
    path.write_text(text, encoding="utf-8")
    result = import_file(bot.app.uow, path=str(path), now=bot.clock())
    assert result.problems == []
    people = {}
    for name, code in result.codes:
        people[name] = bot.new_user(name)
        assert await bot.send(people[name], f"/start {code}")
    return people


def regions(bot: BotHarness) -> dict[str, str | None]:
    """Each office's region name."""
    with bot.app.uow() as uow:
        named = {r.id: r.name for r in uow.session.scalars(select(Region))}
        return {o.name: named.get(o.region_id or 0) for o in uow.session.scalars(select(Office))}


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_the_import_puts_offices_into_regions(bot: BotHarness, tmp_path: Path) -> None:
    await import_org(bot, tmp_path)
    assert regions(bot) == {"上海办事处": "华东区", "杭州办事处": "华东区", "北京办事处": "华北区"}

    path = tmp_path / "moved.csv"
    path.write_text("name,office,roles,region\n钱多,上海办事处,sales,华北区\n", encoding="utf-8")
    result = import_file(bot.app.uow, path=str(path), now=bot.clock())
    assert result.problems == ["钱多: 上海办事处 is already in region 华东区, not moved to 华北区"]
    assert [name for name, _code in result.codes] == ["钱多"], "the person is invited all the same"
    assert regions(bot)["上海办事处"] == "华东区"


async def test_the_regional_managers_monthly_report_counts_his_regions_offices(
        bot: BotHarness, tmp_path: Path) -> None:
    bot.clock.set(cst(12, 1, 10))
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    people = await import_org(bot, tmp_path)
    log_visits(bot, "李娜", [cst(11, 3, 10), cst(11, 24, 9)], new_customers=2)
    log_visits(bot, "王强", [cst(11, 5, 10)], new_customers=1, office_name="杭州办事处")
    log_visits(bot, "赵北", [cst(11, 6, 10)], new_customers=1, office_name="北京办事处")  # another region
    log_payment(bot, "李娜", "120000", date(2026, 11, 20))
    log_payment(bot, "王强", "30000", date(2026, 11, 10))
    log_payment(bot, "赵北", "99999", date(2026, 11, 10))

    zhou = people["周明"]
    replies = await bot.send(zhou, "/monthly")
    assert "按本区域各办事处的记录统计：上海办事处、杭州办事处。" in replies[0]["text"]
    visits = (await answer_all(bot, zhou, ["华东区十一月回款良好", "十二月开拓新客户"]))[-1]
    assert "按本区域各办事处的拜访记录统计" in visits["text"] and "当前：3" in visits["text"]
    customers = (await bot.press(zhou, visits, "保持不变"))[-1]["text"]
    assert "当前：3" in customers
    payments = (await answer_all(bot, zhou, ["3", "0"]))[-1]["text"]
    assert "本区域各办事处用 /payment 登记的来款预填" in payments and "当前：150000" in payments

    status = (await bot.send(zhou, "/status"))[-1]["text"]
    assert "• 上海办事处：" in status and "• 杭州办事处：" in status and "北京办事处" not in status
    assert "王强" in status and "赵北" not in status
    assert "角色无权" in (await bot.send(li, "/status"))[-1]["text"]


async def test_a_regional_manager_step_goes_to_the_manager_of_the_requesters_region(
        bot: BotHarness, tmp_path: Path) -> None:
    shipped = yaml.safe_load((Path(__file__).parents[2] / "config" / "approvals.yaml").read_text(encoding="utf-8"))
    regional = [{"when": {}, "chain": ["regional_manager"]}]  # a chain with a region step
    bot.app.approval_config = parse_approval_config({**shipped, "expense": regional})
    people = await import_org(bot, tmp_path)

    reply = await claim(bot, people["王强"], "300")  # 杭州: 华东区, whose regional manager works in 上海

    assert "等待 周明（区域经理）审批" in reply
    card = card_for(bot, people["周明"])
    assert "费用报销 #1 · ¥300.00" in card["text"] and "杭州办事处" in card["text"]
    pending = await bot.send(people["周明"], "/pending")
    assert len(pending) == 2 and "费用报销 #1" in pending[1]["text"] and buttons(pending[1])
    assert (await bot.send(people["孙北"], "/pending"))[-1]["text"] == "没有等待您审批的申请。"
    await bot.press(people["周明"], card, "同意")
    assert "已全部审批通过（最后审批：周明（区域经理））" in bot.texts(people["王强"])[-1]


async def test_a_regional_manager_whose_office_is_in_no_region_counts_his_own_records(
        bot: BotHarness, tmp_path: Path) -> None:
    bot.clock.set(cst(12, 1, 10))
    people = await import_org(bot, tmp_path, ORG.replace("{name: 北京办事处, region: 华北区}", "{name: 北京办事处}"))
    log_visits(bot, "赵北", [cst(11, 6, 10)], new_customers=1, office_name="北京办事处")

    replies = await bot.send(people["孙北"], "/monthly")

    assert "拜访次数、新增客户和回款金额已按您的记录统计。" in replies[0]["text"]
    visits = (await answer_all(bot, people["孙北"], ["总结", "计划"]))[-1]
    assert "当前：0" in visits["text"], "a colleague's visit is not his"


async def test_the_regional_managers_today_shows_every_office_of_his_region(bot: BotHarness, tmp_path: Path) -> None:
    bot.clock.set(cst(11, 24, 10))
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    people = await import_org(bot, tmp_path)

    day = (await bot.send(people["周明"], "/today"))[-1]["text"]

    assert "📅 上海办事处 · 2026-11-24" in day and "📅 杭州办事处 · 2026-11-24" in day
    assert "李娜" in day and "王强" in day and "北京办事处" not in day and "赵北" not in day
    own = (await bot.send(li, "/today"))[-1]["text"]
    assert "杭州办事处" not in own and "王强" not in own, "a salesperson still sees only her own day"
