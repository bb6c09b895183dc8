"""The seed's cost control (002 篇三 财务管理): every threshold on both sides, with the seed's numbers."""

from datetime import date
from decimal import Decimal as D

import pytest

from domain.expense_rules import (
    CapLevel,
    ExpenseRules,
    KpiBand,
    commission_charge,
    commission_cost,
    expense_kpi,
    intermediary_cap,
    intermediary_cap_percent,
    is_intermediary_fee,
    kpi_band,
    kpi_push_due,
    lost_bid_carry_over,
    monthly_ceiling_level,
    over_intermediary_cap,
    receipts_due_on,
    receipts_late,
    receipts_reminder_due,
    would_pass_ceiling,
    yearly_cap,
    yearly_cap_level,
)


@pytest.mark.parametrize(("amount", "expected"), [
    (D("4999.99"), False), (D(5000), True), (D("5000.01"), True), (D(0), False),
])
def test_a_project_expense_of_5000_or_more_is_an_intermediary_fee(amount: D, expected: bool) -> None:
    assert is_intermediary_fee(amount) == expected


@pytest.mark.parametrize(("rate", "expected"), [
    (D("0"), D(3)), (D("14.99"), D(3)), (D(15), D(5)), (D("15.01"), D(5)), (D(40), D(5)),
])
def test_the_cap_is_3_percent_below_15_percent_profit_else_5(rate: D, expected: D) -> None:
    assert intermediary_cap_percent(rate) == expected


@pytest.mark.parametrize(("fees", "contract", "rate", "cap", "over"), [
    (D(30000), D(1_000_000), D(10), D(30000), False),
    (D("30000.01"), D(1_000_000), D(10), D(30000), True),
    (D(50000), D(1_000_000), D(15), D(50000), False),
    (D("50000.01"), D(1_000_000), D(15), D(50000), True),
    (D(40000), D(1_000_000), D("14.9"), D(30000), True),
])
def test_fees_over_the_cap_are_flagged(fees: D, contract: D, rate: D, cap: D, over: bool) -> None:
    assert (intermediary_cap(contract, rate), over_intermediary_cap(fees, contract, rate)) == (cap, over)


@pytest.mark.parametrize(("amount", "invoiced", "expected"), [
    (D(10000), True, D(10000)), (D(10000), False, D(11000)), (D("5000.05"), False, D("5500.06")),
])
def test_a_fee_without_invoice_counts_1_1_times(amount: D, invoiced: bool, expected: D) -> None:
    assert commission_charge(amount, invoiced=invoiced) == expected


@pytest.mark.parametrize(("amount", "category", "invoiced", "expected"), [
    (D(10000), "intermediary_fee", False, D(11000)),  # 居间服务费 without invoice: ×1.1
    (D(10000), "intermediary_fee", True, D(10000)),
    (D(5000), "project", False, D(5500)),  # a project cost of 5,000 is an intermediary fee (大于或等于)
    (D("4999.99"), "project", False, D("4999.99")),  # under the threshold: a project cost, counted as paid
    (D(8000), "travel", False, D(8000)),  # a daily expense without invoice counts as paid
    (D(8000), "travel", True, D(8000)),
])
def test_only_intermediary_fees_without_invoice_count_1_1_toward_the_commission(
        amount: D, category: str, invoiced: bool, expected: D) -> None:
    intermediary = category == "intermediary_fee" or (category == "project" and is_intermediary_fee(amount))
    assert commission_cost(amount, intermediary=intermediary, invoiced=invoiced) == expected


@pytest.mark.parametrize(("spent", "expected"), [(D(10000), D(4000)), (D(0), D(0)), (D("12345.67"), D("4938.27"))])
def test_a_lost_bid_carries_40_percent_over(spent: D, expected: D) -> None:
    assert lost_bid_carry_over(spent) == expected


@pytest.mark.parametrize(("total", "fees", "contracts", "a", "band"), [
    (D(27000), D(9000), D(1_000_000), D("1.8"), KpiBand.GOOD),
    (D("26999"), D(9000), D(1_000_000), D("1.7999"), KpiBand.EXCELLENT),  # not rounded up into 良好
    (D(26000), D(9000), D(1_000_000), D("1.7"), KpiBand.EXCELLENT),
    (D(29000), D(9000), D(1_000_000), D("2"), KpiBand.IMPROVE),
    (D("28999"), D(9000), D(1_000_000), D("1.9999"), KpiBand.GOOD),
    (D(5000), D(0), D(0), None, KpiBand.IMPROVE),
])
def test_expense_kpi_a_and_its_band(total: D, fees: D, contracts: D, a: D | None, band: KpiBand) -> None:
    actual = expense_kpi(total_expenses=total, intermediary_fees=fees, contract_total=contracts)
    assert (actual, kpi_band(actual)) == (a, band)


@pytest.mark.parametrize(("a", "band"), [
    (D("1.79"), KpiBand.EXCELLENT), (D("1.8"), KpiBand.GOOD), (D("1.99"), KpiBand.GOOD),
    (D("2.0"), KpiBand.IMPROVE), (D(0), KpiBand.EXCELLENT),
])
def test_kpi_bands_at_their_edges(a: D, band: KpiBand) -> None:
    assert kpi_band(a) == band


@pytest.mark.parametrize(("spent", "expected"), [
    (D("35999.99"), None), (D(36000), CapLevel.WARN), (D("44999.99"), CapLevel.WARN),
    (D(45000), CapLevel.REACHED), (D(60000), CapLevel.REACHED),
])
def test_the_yearly_cap_is_4_5_percent_warned_at_80_and_100(spent: D, expected: CapLevel | None) -> None:
    cap = yearly_cap(D(1_000_000))
    assert (cap, yearly_cap_level(spent, cap)) == (D(45000), expected)


def test_a_zero_cap_is_reached_by_any_spending() -> None:
    assert [yearly_cap_level(D(0), D(0)), yearly_cap_level(D(1), D(0))] == [None, CapLevel.REACHED]


@pytest.mark.parametrize(("spent", "expected"), [
    (D("7999.99"), None), (D(8000), CapLevel.WARN), (D(10000), CapLevel.WARN), (D("10000.01"), CapLevel.REACHED),
])
def test_the_monthly_ceiling_warns_at_80_and_flags_past_it(spent: D, expected: CapLevel | None) -> None:
    assert monthly_ceiling_level(spent, D(10000)) == expected


@pytest.mark.parametrize(("spent", "amount", "expected"), [
    (D(9000), D(1000), False), (D(9000), D("1000.01"), True), (D(0), D(10001), True),
])
def test_a_claim_that_would_pass_the_ceiling_is_flagged(spent: D, amount: D, expected: bool) -> None:
    assert would_pass_ceiling(spent=spent, amount=amount, ceiling=D(10000)) == expected


@pytest.mark.parametrize(("spent_on", "due"), [
    (date(2026, 11, 3), date(2026, 11, 25)), (date(2026, 11, 25), date(2026, 11, 25)),
    (date(2026, 11, 26), date(2026, 12, 25)), (date(2026, 12, 31), date(2027, 1, 25)),
])
def test_receipts_are_due_by_the_25th(spent_on: date, due: date) -> None:
    assert receipts_due_on(spent_on) == due


@pytest.mark.parametrize(("submitted_on", "late"), [
    (date(2026, 11, 25), False), (date(2026, 11, 26), True), (date(2026, 11, 10), False),
])
def test_a_claim_after_the_25th_is_late(submitted_on: date, late: bool) -> None:
    assert receipts_late(spent_on=date(2026, 11, 5), submitted_on=submitted_on) == late


@pytest.mark.parametrize(("day", "expected"), [(21, False), (22, True), (25, True), (26, False)])
def test_the_receipts_reminder_runs_in_the_days_before_the_25th(day: int, expected: bool) -> None:
    assert receipts_reminder_due(date(2026, 11, day)) == expected


def test_the_rules_are_configurable() -> None:
    rules = ExpenseRules(fee_cap_low=D(2), profit_rate_threshold=D(20), receipts_day=20)
    assert (intermediary_cap_percent(D(18), rules), receipts_due_on(date(2026, 11, 21), rules)) == (
        D(2), date(2026, 12, 20))


@pytest.mark.parametrize(("day", "due"), [(date(2026, 12, 1), True), (date(2026, 12, 7), True),
                                          (date(2026, 12, 8), False), (date(2026, 11, 30), False)])
def test_the_monthly_kpi_goes_out_in_the_first_week(day: date, due: bool) -> None:
    assert kpi_push_due(day) == due
