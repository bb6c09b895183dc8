"""One phone rule (`domain.validation.parse_phone`): the form's answer and the saved record agree."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import BaseModel

from domain.validation import Phone, parse_phone
from handlers.forms.parse import PHONE_HINT, InputError, parse_answer, parse_text
from handlers.forms.spec import Field, Kind
from handlers.inbound import Inbound
from handlers.replies import ERROR_TEXTS

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
PHONE_FIELD = Field("phone", "Phone", "Phone?", kind=Kind.phone)


class Record(BaseModel):
    phone: Phone


PHONES: list[tuple[str, str | None]] = [
    ("13812345678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("138-1234-5678", "13812345678"),
    ("+86 19912345678", "19912345678"),
    ("8613912345678", "13912345678"),
    ("(021) 62345678", "02162345678"),
    ("021-62345678", "021-62345678"),
    ("010-62345678", "010-62345678"),
    ("0571-8888666", "0571-8888666"),
    ("0571-88886666-123", "0571-88886666-123"),
    ("021-62345678-801", "021-62345678-801"),
    ("88886666", "88886666"),
    ("400-820-8820", "400-820-8820"),
    ("4008208820", "4008208820"),
    ("800-800-1234", "800-800-1234"),
    ("021-12345678-801", None),  # a local number never starts with 1
    ("010-12345678", None),
    ("021-02345678", None),
    ("0571-88886666-1234567", None),  # extensions have at most 6 digits
    ("12812345678", None),
    ("1381234567", None),
    ("138123456789", None),
    ("+86 021-62345678", None),
    ("010-123", None),
    ("500-820-8820", None),
    ("phone", None),
    ("", None),
]


@pytest.mark.parametrize(("raw", "expected"), PHONES)
def test_the_phone_rule(raw: str, expected: str | None) -> None:
    assert parse_phone(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), PHONES)
def test_the_form_and_the_saved_record_agree(raw: str, expected: str | None) -> None:
    try:
        form = parse_text(PHONE_FIELD, raw, tz=SHANGHAI, now=NOW)
    except InputError as refused:
        form = refused.message
    try:
        saved = Record(phone=raw).phone
    except ValueError:
        saved = None
    assert (form, saved) == (PHONE_HINT if expected is None else expected, expected)


@pytest.mark.parametrize(("shared", "expected"), [("+8613812345678", "13812345678"), ("13812345678", "13812345678")])
def test_a_shared_contact_goes_through_the_same_rule(shared: str, expected: str) -> None:
    inbound = Inbound(channel="telegram", update_id=1, user_id="7", chat_id="7", at=NOW, contact_phone=shared)
    assert parse_answer(PHONE_FIELD, inbound, tz=SHANGHAI, now=NOW) == expected


@pytest.mark.parametrize("hint", [PHONE_HINT, ERROR_TEXTS["phone_invalid"]])
def test_the_examples_we_show_pass_the_rule(hint: str) -> None:
    examples = re.findall(r"[\d-]{8,}", hint)
    assert len(examples) == 2 and all(parse_phone(example) == example for example in examples)
