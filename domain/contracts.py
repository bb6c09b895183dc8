"""Contracts (合同) and their payment terms: instalments 预付款 / 到货款 / 验收款 / 质保金.

An instalment is written the way staff say it: a share and when it is due, e.g. "30% 2026-12-20",
"300000 2027-01-15" or "5% 验收后365天" (N days after acceptance, 验收), optionally ending with
"已开票" (invoiced). A share with % is a percentage of the contract amount, otherwise yuan. A due
date counted from acceptance is unknown until the acceptance date is recorded; until then the
instalment is not receivable. The instalments together may not come to more than the contract.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

MAX_AMOUNT = Decimal("999999999999.99")
MAX_DAYS_AFTER_ACCEPTANCE = 3660
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


class InstalmentKind(StrEnum):
    """The seed's payment stages, in the order a project pays them."""

    ADVANCE = "advance"  # 预付款
    DELIVERY = "delivery"  # 到货款
    ACCEPTANCE = "acceptance"  # 验收款
    WARRANTY = "warranty"  # 质保金


class TermError(StrEnum):
    """Why an instalment's text was not understood (each has a message in the handler)."""

    SHARE = "share"  # no amount or percentage, or 0, or over 100 %
    DUE = "due"  # no date and no "N days after acceptance"
    DAYS = "days"  # days after acceptance out of range


@dataclass(frozen=True)
class InstalmentTerm:
    """One stage's share (percent or yuan) and due rule (a date, or days after acceptance)."""

    percent: Decimal | None = None
    amount: Decimal | None = None
    due_on: date | None = None
    days_after_acceptance: int | None = None
    invoiced: bool = False

    def amount_of(self, contract_amount: Decimal) -> Decimal:
        """The instalment in yuan, a percentage taken of the contract amount."""
        if self.percent is not None:
            return (contract_amount * self.percent / HUNDRED).quantize(CENT)
        return self.amount or Decimal(0)

    def due_date(self, accepted_on: date | None) -> date | None:
        """When it falls due; None while it waits for an acceptance date that is not known yet."""
        if self.due_on is not None:
            return self.due_on
        if accepted_on is None or self.days_after_acceptance is None:
            return None
        return accepted_on + timedelta(days=self.days_after_acceptance)

    def as_text(self) -> str:
        """The canonical text of the term, the form's answer when a contract is edited."""
        share = (f"{plain_number(self.percent)}%" if self.percent is not None
                 else plain_number(self.amount or Decimal(0)))
        due = self.due_on.isoformat() if self.due_on else f"验收后{self.days_after_acceptance}天"
        return f"{share} {due}" + (" 已开票" if self.invoiced else "")


def plain_number(value: Decimal) -> str:
    """A number without trailing zeros or exponent: 30, 12.5, 300000."""
    return format(value.normalize(), "f")


SHARE = re.compile(r"^(\d{1,12}(?:\.\d{1,2})?)\s*([%％])?$")
AFTER = re.compile(r"^(?:验收后|after\s*acceptance\s*\+?)\s*(\d{1,5})\s*(?:天|日|d|days?)?$", re.IGNORECASE)
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INVOICED = ("已开票", "invoiced")


def parse_term(text: str) -> InstalmentTerm | TermError:
    """An instalment from "30% 2026-12-20", "300000 验收后30天", "5% after acceptance 365 已开票"."""
    words = text.replace(",", "").replace("，", " ").split()
    invoiced = bool(words) and words[-1].lower() in INVOICED
    if invoiced:
        words = words[:-1]
    if len(words) < 2:
        return TermError.SHARE if not words or not SHARE.match(words[0]) else TermError.DUE
    share = SHARE.match(words[0])
    if share is None:
        return TermError.SHARE
    number = Decimal(share.group(1))
    is_percent = share.group(2) is not None
    if number <= 0 or (is_percent and number > HUNDRED) or number > MAX_AMOUNT:
        return TermError.SHARE
    due_text = " ".join(words[1:])
    due_on, days = _parse_due(due_text)
    if due_on is None and days is None:
        return TermError.DUE
    if days is not None and not 0 <= days <= MAX_DAYS_AFTER_ACCEPTANCE:
        return TermError.DAYS
    return InstalmentTerm(percent=number if is_percent else None, amount=None if is_percent else number,
                          due_on=due_on, days_after_acceptance=days, invoiced=invoiced)


def _parse_due(text: str) -> tuple[date | None, int | None]:
    """A due date, or a number of days after acceptance; (None, None) when neither."""
    if DATE.match(text):
        try:
            return date.fromisoformat(text), None
        except ValueError:
            return None, None
    after = AFTER.match(text)
    return (None, int(after.group(1))) if after else (None, None)


def terms_total(terms: dict[InstalmentKind, InstalmentTerm], contract_amount: Decimal) -> Decimal:
    """What the instalments add up to, in yuan."""
    return sum((term.amount_of(contract_amount) for term in terms.values()), Decimal(0))


def terms_fit(terms: dict[InstalmentKind, InstalmentTerm], contract_amount: Decimal) -> bool:
    """True when the instalments together are not more than the contract."""
    return terms_total(terms, contract_amount) <= contract_amount

