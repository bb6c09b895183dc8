"""Incoming payments: logging and notices, draft-maturity reminders once per stage, the report prefill."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine

from domain.payments import PaymentIn, PaymentKind, ReminderStage, maturity, reminder_stage
from domain.validation import field_errors, parse_record
from services.payments import incoming as payments
from services.payments.incoming import PaymentCard, Refusal, Refused, payments_in_period, sweep_draft_reminders
from services.platform.staff import StaffView, load_view
from services.reports import submissions as reports
from services.reports.submissions import Opened
from storage.models import Customer, Payment
from tests.services.reports_support import UowFactory, add_office, add_person, kwargs, queued, sent_keys, texts_for
from tests.services.sweep_support import counts, run_twice_at_once

SHANGHAI = ZoneInfo("Asia/Shanghai")


def cst(month: int, day: int, hour: int = 10, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture
def people(uow_factory: UowFactory) -> dict[str, int]:
    hq = add_office(uow_factory(), "总部", is_hq=True)
    sh = add_office(uow_factory(), "上海办事处")
    bj = add_office(uow_factory(), "北京办事处")
    with uow_factory() as uow:
        customer = Customer(office_id=sh, name="某市公安局", created_at=cst(1, 5))
        uow.session.add(customer)
        uow.session.flush()
        uow.commit()
        customer_id = customer.id
    return {
        "office": sh, "beijing": bj, "customer": customer_id,
        "finance": add_person(uow_factory(), "王会计", office_id=hq, roles=["finance"]),
        "director": add_person(uow_factory(), "Susan", office_id=hq, roles=["finance_director"], locale="en"),
        "head": add_person(uow_factory(), "张伟", office_id=sh, roles=["office_head"]),
        "li": add_person(uow_factory(), "李娜", office_id=sh, roles=["sales"]),
        "qian": add_person(uow_factory(), "钱多", office_id=sh, roles=["sales"]),
        "bj_head": add_person(uow_factory(), "赵强", office_id=bj, roles=["office_head"]),
        "rm": add_person(uow_factory(), "王强", office_id=sh, roles=["regional_manager"]),
    }


def view(uow_factory: UowFactory, staff_id: int) -> StaffView:
    with uow_factory() as uow:
        found = load_view(uow.session, staff_id=staff_id)
        assert found is not None
        return found


def draft(customer_id: int | None, *, no: str, amount: str = "120000", received: date = date(2026, 11, 24),
          dated: date = date(2026, 11, 20), matures: date | None = None, days: int | None = None) -> PaymentIn:
    return PaymentIn(kind=PaymentKind.DRAFT, customer_id=customer_id, received_on=received, amount=Decimal(amount),
                     draft_no=no, draft_date=dated, matures_on=matures, acceptance_days=days)


def add_payment(uow_factory: UowFactory, *, office_id: int, staff_id: int, amount: str, received: date,
                kind: str = "draft", matures: date | None = None, customer_id: int | None = None) -> int:
    with uow_factory() as uow:
        row = Payment(office_id=office_id, staff_id=staff_id, customer_id=customer_id, kind=kind,
                      received_on=received, amount=Decimal(amount), matures_on=matures,
                      draft_no=f"DRAFT-{received}-{amount}" if kind == "draft" else None, created_at=cst(1, 5))
        uow.session.add(row)
        uow.session.flush()
        uow.commit()
        return row.id


def error_of(data: dict[str, object]) -> tuple[str, str] | None:
    """The first (field, code) the domain schema reports, with 2026-11-24 as today."""
    base = {"kind": "draft", "received_on": "2026-11-24", "amount": "120000", "draft_no": "3130",
            "draft_date": "2026-11-20", "matures_on": "2027-05-20"}
    try:
        parse_record(PaymentIn, {**base, **data}, today=date(2026, 11, 24))
    except ValidationError as exc:
        first = field_errors(exc)[0]
        return first.field, first.code
    return None


def test_payment_rules_without_a_database() -> None:
    assert error_of({}) is None
    assert error_of({"amount": "0"}) == ("amount", "out_of_range")
    assert error_of({"amount": "12.345"}) == ("amount", "too_many_decimals")
    assert error_of({"received_on": "2026-11-25"}) == ("received_on", "date_in_future")
    assert error_of({"matures_on": "2026-11-20"}) == ("matures_on", "ends_before_start")
    assert error_of({"matures_on": "2028-01-01"}) == ("matures_on", "out_of_range")
    assert error_of({"matures_on": None}) == ("matures_on", "required")
    assert error_of({"acceptance_days": 30}) == ("acceptance_days", "out_of_range")
    assert error_of({"draft_no": None}) == ("draft_no", "required")
    assert error_of({"kind": "transfer"}) == ("draft_no", "invalid")
    transfer = parse_record(PaymentIn, {"kind": "transfer", "received_on": "2026-11-24", "amount": "4800.5"},
                            today=date(2026, 11, 24))
    assert (transfer.due_on, transfer.term) == (None, None)
    by_days = parse_record(PaymentIn, {"kind": "draft", "received_on": "2026-11-24", "amount": "1", "draft_no": "9",
                                       "draft_date": "2026-11-20", "acceptance_days": 180}, today=date(2026, 11, 24))
    assert (by_days.due_on, by_days.term) == (date(2027, 5, 19), 180) == (maturity(date(2026, 11, 20), 180), 180)
    today = date(2026, 11, 24)
    assert [reminder_stage(matures_on=date(2026, 11, d), today=today) for d in (24, 25, 30)] == [
        ReminderStage.DUE, ReminderStage.WEEK, ReminderStage.WEEK]
    assert reminder_stage(matures_on=date(2026, 12, 2), today=today) is None
    assert reminder_stage(matures_on=date(2026, 11, 14), today=today) == ReminderStage.DUE
    assert reminder_stage(matures_on=date(2026, 11, 13), today=today) is None


def test_a_logged_draft_tells_finance_the_director_and_the_head_in_their_language(
        uow_factory: UowFactory, people: dict[str, int]) -> None:
    li = view(uow_factory, people["li"])
    saved = payments.log_payment(uow_factory(), viewer=li, data=draft(people["customer"], no="3130 0001", days=180),
                                 now=cst(11, 24))
    assert isinstance(saved, PaymentCard)
    assert (saved.matures_on, saved.acceptance_days, saved.office_id) == (date(2027, 5, 19), 180, people["office"])
    messages = queued(uow_factory())
    assert sorted(to for _id, to, _m in messages) == sorted([people["finance"], people["director"], people["head"]])
    assert texts_for(messages, people["finance"])[0].startswith("💰 新来款登记\n来款 #1 — 120,000.00 元，承兑汇票")
    english = texts_for(messages, people["director"])[0]
    assert english.startswith("💰 Incoming payment logged\nPayment #1 — 120,000.00 yuan, bank acceptance draft")
    assert "Matures on: 2027-05-19 (term 180 days)" in english

    again = payments.log_payment(uow_factory(), viewer=li, data=draft(people["customer"], no="3130 0001", days=90),
                                 now=cst(11, 24))
    assert again == Refused(Refusal.DUPLICATE_DRAFT, saved.id)
    finance = view(uow_factory, people["finance"])
    no_office = PaymentIn(kind=PaymentKind.TRANSFER, received_on=date(2026, 11, 24), amount=Decimal("10"))
    assert payments.log_payment(uow_factory(), viewer=finance, data=no_office, now=cst(11, 24)) == Refused(
        Refusal.CUSTOMER_NEEDED)
    bj_head = view(uow_factory, people["bj_head"])
    forged = draft(people["customer"], no="999", matures=date(2027, 1, 20))
    assert payments.log_payment(uow_factory(), viewer=bj_head, data=forged, now=cst(11, 24)) == Refused(
        Refusal.CUSTOMER_NOT_FOUND)
    assert payments.get(uow_factory(), viewer=bj_head, payment_id=saved.id) is None
    assert payments.get(uow_factory(), viewer=view(uow_factory, people["qian"]), payment_id=saved.id) is None
    assert payments.get(uow_factory(), viewer=finance, payment_id=saved.id) == saved
    assert len(queued(uow_factory())) == 3


def test_draft_reminders_once_per_stage_in_office_hours_on_working_days(
        uow_factory: UowFactory, people: dict[str, int]) -> None:
    office, li = people["office"], people["li"]
    soon = add_payment(uow_factory, office_id=office, staff_id=li, amount="120000", received=date(2026, 11, 20),
                       matures=date(2026, 12, 1), customer_id=people["customer"])
    weekend = add_payment(uow_factory, office_id=office, staff_id=li, amount="50000", received=date(2026, 11, 20),
                          matures=date(2026, 11, 28))
    add_payment(uow_factory, office_id=office, staff_id=li, amount="9000", received=date(2026, 11, 20),
                matures=date(2027, 3, 1))  # far off
    add_payment(uow_factory, office_id=office, staff_id=li, amount="800", received=date(2026, 11, 23),
                kind="transfer")

    def sweep(now: datetime) -> int:
        return sweep_draft_reminders(uow_factory(), now=now)

    assert sweep(cst(11, 24, 20)) == 0  # evening
    assert sweep(cst(11, 22, 10)) == 0  # Sunday
    assert sweep(cst(11, 24, 10)) == 2  # both within 7 days
    assert sweep(cst(11, 24, 11)) == 0  # run again: nothing twice
    messages = queued(uow_factory())
    recipients = [people["finance"], people["head"], li]
    assert sorted(to for _id, to, _m in messages) == sorted(recipients * 2)
    assert texts_for(messages, li)[0] == (
        "⏳ 承兑汇票将于 2026-12-01 到期（还有 7 天）。\n"
        "汇票号码 DRAFT-2026-11-20-120000，120,000.00 元，客户：某市公安局，"
        f"登记人：李娜（上海办事处），来款 #{soon}。")

    assert sweep(cst(11, 28, 10)) == 0  # Saturday: the weekend draft's day passes quietly
    assert sweep(cst(11, 30, 10)) == 1  # Monday: matured two days ago
    assert sweep(cst(12, 1, 10)) == 1  # the day itself
    assert sweep(cst(12, 1, 15)) == 0
    late = queued(uow_factory(), after=messages[-1][0])
    assert texts_for(late, people["head"]) == [
        f"⏰ 承兑汇票已于 2026-11-28 到期（2 天前），请尽快提示付款。\n汇票号码 DRAFT-2026-11-20-50000，50,000.00 元，"
        f"客户：—，登记人：李娜（上海办事处），来款 #{weekend}。",
        f"⏰ 承兑汇票今天（2026-12-01）到期，请及时提示付款。\n汇票号码 DRAFT-2026-11-20-120000，120,000.00 元，"
        f"客户：某市公安局，登记人：李娜（上海办事处），来款 #{soon}。",
    ]
    assert [key for key, _at in sent_keys(uow_factory(), "draft:")] == [
        f"draft:{soon}:7d", f"draft:{weekend}:7d", f"draft:{weekend}:due", f"draft:{soon}:due"]


def test_no_draft_reminder_on_a_public_holiday(uow_factory: UowFactory, people: dict[str, int]) -> None:
    held = add_payment(uow_factory, office_id=people["office"], staff_id=people["li"], amount="30000",
                       received=date(2026, 9, 1), matures=date(2026, 10, 5))

    def sweep(now: datetime) -> int:
        return sweep_draft_reminders(uow_factory(), now=now)

    assert sweep(cst(10, 1, 10)) == 0  # National Day, a Thursday
    assert sweep(cst(10, 5, 10)) == 0  # its maturity falls inside the holiday
    assert sweep(cst(10, 9, 10)) == 1  # first working day after: one "due" reminder (the week-before one is moot)
    assert sweep(cst(10, 9, 11)) == 0
    assert [key for key, _at in sent_keys(uow_factory(), "draft:")] == [f"draft:{held}:due"]


def test_report_prefill_counts_the_persons_payments_of_the_period(
        uow_factory: UowFactory, people: dict[str, int]) -> None:
    office, li, rm = people["office"], people["li"], people["rm"]
    for amount, day, who in (("120000", 23, li), ("4800.50", 29, li), ("999", 22, li), ("700", 30, li),
                             ("5000", 24, people["qian"]), ("30000", 2, rm), ("20000", 27, rm)):
        add_payment(uow_factory, office_id=office, staff_id=who, amount=amount, received=date(2026, 11, day),
                    kind="transfer")
    with uow_factory() as uow:
        assert payments_in_period(uow.session, staff_ids=[li, rm, people["head"]], start=date(2026, 11, 23),
                                  end=date(2026, 11, 29)) == {li: Decimal("124800.50"), rm: Decimal("20000.00")}

    weekly = reports.open_report(uow_factory(), staff_id=li, family="weekly", period_key=None, now=cst(11, 27, 16),
                                 **kwargs())
    assert isinstance(weekly, Opened) and weekly.period.key == "2026-W48"
    assert weekly.answers["payments"] == "124800.50"
    monthly = reports.open_report(uow_factory(), staff_id=rm, family="monthly", period_key=None, now=cst(12, 2),
                                  **kwargs())
    assert isinstance(monthly, Opened) and monthly.period.key == "2026-11"
    assert monthly.answers["payments"] == "50000"
    nothing = reports.open_report(uow_factory(), staff_id=people["qian"], family="weekly", period_key="2026-W47",
                                  now=cst(11, 27), **kwargs())
    assert isinstance(nothing, Opened) and nothing.answers["payments"] == "0"


@pytest.mark.both_databases  # a race: on PostgreSQL too (tests/conftest.py)
def test_draft_reminders_on_two_instances_send_once(uow_factory: UowFactory, people: dict[str, int],
                                                    engines: list[Engine]) -> None:
    for matures in (date(2026, 11, 24), date(2026, 11, 27)):
        add_payment(uow_factory, office_id=people["office"], staff_id=people["li"], amount="1000",
                    received=date(2026, 11, 2), matures=matures)
    run_twice_at_once(engines, lambda f: sweep_draft_reminders(f(), now=cst(11, 24, 10)))
    assert counts(uow_factory) == (6, 2)  # two drafts (one due today, one within the week) → logger, head, finance
