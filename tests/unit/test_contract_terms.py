"""Instalment terms as staff type them: share (% or yuan), due date or days after acceptance, 已开票."""

from datetime import date
from decimal import Decimal as D

import pytest

from domain.contracts import InstalmentKind, InstalmentTerm, TermError, parse_term, terms_fit


@pytest.mark.parametrize(("text", "expected"), [
    ("30% 2026-12-20", InstalmentTerm(percent=D(30), due_on=date(2026, 12, 20))),
    ("30％ 验收后30天", InstalmentTerm(percent=D(30), days_after_acceptance=30)),
    ("300,000 2027-01-15 已开票", InstalmentTerm(amount=D(300000), due_on=date(2027, 1, 15), invoiced=True)),
    ("5% after acceptance 365 invoiced", InstalmentTerm(percent=D(5), days_after_acceptance=365, invoiced=True)),
    ("100% 验收后0天", InstalmentTerm(percent=D(100), days_after_acceptance=0)),
    ("100.01% 2026-12-20", TermError.SHARE),
    ("0 2026-12-20", TermError.SHARE),
    ("三成 2026-12-20", TermError.SHARE),
    ("", TermError.SHARE),
    ("30%", TermError.DUE),
    ("30% 2026-13-01", TermError.DUE),
    ("30% 下个月", TermError.DUE),
    ("30% 验收后3661天", TermError.DAYS),
    ("30% 验收后3660天", InstalmentTerm(percent=D(30), days_after_acceptance=3660)),
])
def test_terms_are_parsed_or_refused_with_a_reason(text: str, expected: InstalmentTerm | TermError) -> None:
    assert parse_term(text) == expected


@pytest.mark.parametrize("text", ["30% 2026-12-20", "300000 验收后30天 已开票", "12.5% 验收后365天"])
def test_the_canonical_text_parses_back_to_the_same_term(text: str) -> None:
    term = parse_term(text)
    assert isinstance(term, InstalmentTerm) and parse_term(term.as_text()) == term


def test_amounts_and_due_dates_are_worked_out() -> None:
    after = InstalmentTerm(percent=D("12.5"), days_after_acceptance=30)
    assert (after.amount_of(D(100000)), after.due_date(None), after.due_date(date(2026, 11, 20))) == (
        D("12500.00"), None, date(2026, 12, 20))


@pytest.mark.parametrize(("second", "fits"), [(D(70), True), (D("70.01"), False)])
def test_instalments_may_not_come_to_more_than_the_contract(second: D, fits: bool) -> None:
    terms = {InstalmentKind.ADVANCE: InstalmentTerm(percent=D(30), due_on=date(2026, 12, 1)),
             InstalmentKind.ACCEPTANCE: InstalmentTerm(percent=second, due_on=date(2027, 1, 1))}
    assert terms_fit(terms, D(100000)) == fits
