"""The seed's cost control for a branch office (002 篇三 二、2 财务管理), as pure functions.

What the seed says, and the comparison each function implements (the seed's text lost its
comparison signs — "当项目净利润率15%,居间服务费用合同金额3%" — so the reading is stated here):

- 项目费用: a project expense of 5,000 yuan or more (大于或等于5000元) is an intermediary fee
  (居间服务费). Its cap: when the project's net profit rate is BELOW 15 % the fees may reach 3 % of the
  contract amount; at 15 % OR MORE, 5 %. Reaching the cap exactly is allowed; only more is over.
- Without an invoice the fee counts 1.1 times toward the commission base (按1.1倍计算). The seed says it of
  the intermediary fee only, and only "在计算业务提成时" (when the sales commission is worked out): the
  ×1.1 goes on the project's cost counted against its commission (`commission_cost`). A daily expense
  without an invoice, or a project cost under 5,000, counts as paid; so does every claim in the monthly
  ceiling, the KPI a (which leaves intermediary fees out anyway) and the 4.5 % cap — money paid is money
  spent. An invoice received later (补发票) makes the fee count as paid from then on.
- A lost bid: 40 % of its project expenses go to the office's next won project (累积计算).
- 日常费用的考核: a = (yearly total expenses − intermediary fees) / yearly contract total × 100;
  优秀 when a < 1.8, 良好 when 1.8 ≤ a < 2.0, otherwise 待改进.
- 年度总费用: at most 4.5 % of the year's contract total; approved special bids are left out by the
  caller. Warned at 80 % and at 100 % (each reached at ≥).
- 每月费用上限: set per office by HQ; the head is warned at 80 % (≥); a claim that would take the
  month past the ceiling (>) is flagged to its approvers.
- 考核 shown monthly: early each month (from the 1st to the 7th, in the office's working hours) the head
  and headquarters' finance get the past month's KPI a and the 4.5 % cap standing, once per office and month.
- 每月25日之前将票据寄到总裁办: an expense spent on or before the 25th has its receipts due on the 25th
  of that month, one spent later on the 25th of the next; a claim after that day is late.

Every number is a field of `ExpenseRules` (defaults: the seed's), so an office can be configured.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ExpenseRules:
    """The thresholds of the seed's cost control; percentages are in per cent."""

    intermediary_min_amount: Decimal = Decimal(5000)
    profit_rate_threshold: Decimal = Decimal(15)
    fee_cap_low: Decimal = Decimal(3)
    fee_cap_high: Decimal = Decimal(5)
    no_invoice_factor: Decimal = Decimal("1.1")
    lost_bid_carry: Decimal = Decimal(40)
    kpi_excellent_below: Decimal = Decimal("1.8")
    kpi_good_below: Decimal = Decimal("2.0")
    yearly_cap: Decimal = Decimal("4.5")
    warn_at: Decimal = Decimal(80)
    receipts_day: int = 25
    kpi_push_last_day: int = 7


SEED_RULES = ExpenseRules()
"""The rules as the seed writes them."""


class KpiBand(StrEnum):
    """The seed's result of 日常费用的考核."""

    EXCELLENT = "excellent"  # 优秀
    GOOD = "good"  # 良好
    IMPROVE = "improve"  # 待改进


class CapLevel(StrEnum):
    """How close spending is to a ceiling or cap."""

    WARN = "80"  # reached the warning share (80 %)
    REACHED = "100"  # reached (yearly cap) or would pass (monthly ceiling)


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    """`percent` % of `amount`, rounded to the cent."""
    return (amount * percent / HUNDRED).quantize(CENT)


def is_intermediary_fee(amount: Decimal, rules: ExpenseRules = SEED_RULES) -> bool:
    """True when a project expense counts as an intermediary fee (≥ 5,000 yuan by default)."""
    return amount >= rules.intermediary_min_amount


def intermediary_cap_percent(net_profit_rate: Decimal, rules: ExpenseRules = SEED_RULES) -> Decimal:
    """The fee cap in % of the contract: 3 when the net profit rate is below 15 %, else 5."""
    return rules.fee_cap_low if net_profit_rate < rules.profit_rate_threshold else rules.fee_cap_high


def intermediary_cap(contract_amount: Decimal, net_profit_rate: Decimal,
                     rules: ExpenseRules = SEED_RULES) -> Decimal:
    """The most a project's intermediary fees may add up to, in yuan."""
    return percent_of(contract_amount, intermediary_cap_percent(net_profit_rate, rules))


def over_intermediary_cap(fees_total: Decimal, contract_amount: Decimal, net_profit_rate: Decimal,
                          rules: ExpenseRules = SEED_RULES) -> bool:
    """True when the project's fees (this claim included) pass the cap; equal to it is allowed."""
    return fees_total > intermediary_cap(contract_amount, net_profit_rate, rules)


def commission_charge(amount: Decimal, *, invoiced: bool, rules: ExpenseRules = SEED_RULES) -> Decimal:
    """What a fee counts toward the commission base: itself, or ×1.1 without an invoice."""
    return amount if invoiced else (amount * rules.no_invoice_factor).quantize(CENT)


def commission_cost(amount: Decimal, *, intermediary: bool, invoiced: bool,
                    rules: ExpenseRules = SEED_RULES) -> Decimal:
    """What a claim counts toward its project's commission base: an intermediary fee without an invoice
    ×1.1, everything else (daily expenses, project costs under the fee threshold, invoiced fees) as paid."""
    return commission_charge(amount, invoiced=invoiced, rules=rules) if intermediary else amount


def lost_bid_carry_over(project_expenses: Decimal, rules: ExpenseRules = SEED_RULES) -> Decimal:
    """The share of a lost bid's project expenses that goes to the office's next won project."""
    return percent_of(project_expenses, rules.lost_bid_carry)


def expense_kpi(*, total_expenses: Decimal, intermediary_fees: Decimal,
                contract_total: Decimal) -> Decimal | None:
    """The seed's a = (total − intermediary fees) / contract total × 100, unrounded (the band needs
    1.7999 to stay below 1.8; round only to show it); None without contracts."""
    if contract_total <= 0:
        return None
    return (total_expenses - intermediary_fees) * HUNDRED / contract_total


def kpi_band(a: Decimal | None, rules: ExpenseRules = SEED_RULES) -> KpiBand:
    """优秀 below 1.8, 良好 from 1.8 up to (not including) 2.0, else 待改进 (no contracts: 待改进)."""
    if a is None:
        return KpiBand.IMPROVE
    if a < rules.kpi_excellent_below:
        return KpiBand.EXCELLENT
    if a < rules.kpi_good_below:
        return KpiBand.GOOD
    return KpiBand.IMPROVE


def yearly_cap(contract_total: Decimal, rules: ExpenseRules = SEED_RULES) -> Decimal:
    """The office's yearly expense cap: 4.5 % of the year's contract total."""
    return percent_of(contract_total, rules.yearly_cap)


def yearly_cap_level(spent: Decimal, cap: Decimal, rules: ExpenseRules = SEED_RULES) -> CapLevel | None:
    """REACHED at ≥ 100 % of the cap, WARN at ≥ 80 %, else None (a zero cap is reached by any spending)."""
    if cap <= 0:
        return CapLevel.REACHED if spent > 0 else None
    if spent >= cap:
        return CapLevel.REACHED
    return CapLevel.WARN if spent * HUNDRED >= cap * rules.warn_at else None


def monthly_ceiling_level(spent: Decimal, ceiling: Decimal,
                          rules: ExpenseRules = SEED_RULES) -> CapLevel | None:
    """REACHED when the month's expenses pass the ceiling, WARN at ≥ 80 % of it, else None."""
    if spent > ceiling:
        return CapLevel.REACHED
    return CapLevel.WARN if spent * HUNDRED >= ceiling * rules.warn_at else None


def would_pass_ceiling(*, spent: Decimal, amount: Decimal, ceiling: Decimal) -> bool:
    """True when a claim of `amount` takes the month's `spent` past `ceiling`; reaching it exactly is fine."""
    return spent + amount > ceiling


def kpi_push_due(today: date, rules: ExpenseRules = SEED_RULES) -> bool:
    """True from the 1st to the 7th of a month: the time to push the past month's KPI and cap figures."""
    return 1 <= today.day <= rules.kpi_push_last_day


def receipts_due_on(spent_on: date, rules: ExpenseRules = SEED_RULES) -> date:
    """The 25th of the expense's month, or of the next month for an expense after the 25th."""
    day = rules.receipts_day
    if spent_on.day <= day:
        return spent_on.replace(day=day)
    first_of_next = (spent_on.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first_of_next.replace(day=day)


def receipts_late(*, spent_on: date, submitted_on: date, rules: ExpenseRules = SEED_RULES) -> bool:
    """True when a claim was submitted after its receipts were due."""
    return submitted_on > receipts_due_on(spent_on, rules)


def receipts_reminder_due(today: date, *, days_before: int = 3, rules: ExpenseRules = SEED_RULES) -> bool:
    """True on the `days_before` days up to and including the 25th: the time to remind."""
    return rules.receipts_day - days_before <= today.day <= rules.receipts_day
