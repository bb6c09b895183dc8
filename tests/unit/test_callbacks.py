"""The callback codec: every kind round-trips, fits 64 bytes, and anything else unpacks to None."""

from __future__ import annotations

import pytest

from domain import callbacks
from domain.approval_callbacks import card_key
from domain.callbacks import (
    APPROVAL_STEP,
    DASHBOARD_XLSX,
    FORM,
    KINDS,
    REPAIR,
    IdField,
    Kind,
    WordField,
    kind,
    pack,
    unpack,
)

BIG = 999_999_999_999_999_999  # the largest id: 18 digits


def widest(field: IdField | WordField) -> int | str:
    """The longest value a field takes."""
    if isinstance(field, IdField):
        return BIG
    if field.choices:
        return max(field.choices, key=len)
    return "w" * field.max_length


@pytest.mark.parametrize("tag", sorted(KINDS))
def test_every_kind_round_trips_at_its_widest_within_64_bytes(tag: str) -> None:
    declared = KINDS[tag]
    values = {name: widest(field) for name, field in declared.fields}
    data = pack(declared, **values)
    press = unpack(data)
    assert press is not None and press.kind is declared and dict(press.values) == values
    assert len(data.encode()) <= 64 and data.startswith(callbacks.VERSION + ":")


def test_typed_accessors() -> None:
    press = unpack(pack(REPAIR, repair=12, action="cl"))
    assert press is not None and (press.id("repair"), press.word("action")) == (12, "cl")
    with pytest.raises(TypeError):
        press.id("action")


def test_a_kind_without_fields_and_a_form_button_without_argument() -> None:
    assert pack(DASHBOARD_XLSX) == "1:dash" and unpack("1:dash") is not None
    data = pack(FORM, seq=3, action="done", arg="")
    assert data == "1:f:3:done:" and unpack(data) == callbacks.Press(FORM, {"seq": 3, "action": "done", "arg": ""})


@pytest.mark.parametrize("data", [
    "2:rp:12:v", "0:rp:12:v", ":rp:12:v", "rp:12:v",  # another version, no version (the old format)
    "apv:1:0:a", "1:apv:1:0",  # the old format; a field missing
    "1:zz:1", "1::1", "1", "1:", "", ":",  # unknown or no kind
    "1:rp:12", "1:rp:12:v:x", "1:rp:12:v:",  # wrong field count
    "1:rp:x:v", "1:rp:-1:v", "1:rp:²:v", "1:rp: 12:v", "1:rp::v", "1:rp:1234567890123456789:v",  # not an id
    "1:rp:12:zz", "1:apv:1:0:x", "1:rp:12:V",  # a word outside its choices
    "1:lang:", "1:lang:zh CN", "1:lang:" + "x" * 17, "1:lang:中文",  # not a word
    "1:dash:", "1:dash:x",  # a kind without fields takes none
    "1:f:1:c:" + "9" * 19, "1:f:1:" + "c" * 17 + ":",  # longer than the field takes
    "1:f:1:c:" + "9" * 60,  # over 64 bytes
])
def test_forged_or_garbled_data_unpacks_to_none(data: str) -> None:
    assert unpack(data) is None


def test_none_and_surrogates_unpack_to_none() -> None:
    assert unpack(None) is None and unpack("1:lang:\udcff") is None


@pytest.mark.parametrize(("values", "why"), [
    ({"repair": 1}, "missing"), ({"repair": 1, "action": "v", "x": 1}, "extra"),
    ({"repair": "1", "action": "v"}, "a str id"), ({"repair": -1, "action": "v"}, "negative"),
    ({"repair": True, "action": "v"}, "a bool id"), ({"repair": 10**18, "action": "v"}, "19 digits"),
    ({"repair": 1, "action": "zz"}, "not a choice"), ({"repair": 1, "action": 1}, "an int word"),
])
def test_pack_refuses_wrong_fields(values: dict[str, int | str], why: str) -> None:
    with pytest.raises(ValueError):
        pack(REPAIR, **values)


def test_pack_refuses_data_over_64_bytes() -> None:
    wide = Kind("wide", tuple((f"f{i}", callbacks.WORD) for i in range(4)))
    with pytest.raises(ValueError, match="64 bytes"):
        pack(wide, f0="a" * 16, f1="b" * 16, f2="c" * 16, f3="d" * 16)


def test_a_tag_is_declared_once() -> None:
    with pytest.raises(AssertionError):
        kind("rp", repair=callbacks.ID)


def test_approval_step_uses_the_step_actions() -> None:
    press = unpack(pack(APPROVAL_STEP, request=12, step=3, action="b"))
    assert press is not None and dict(press.values) == {"request": 12, "step": 3, "action": "b"}


def test_card_key_names_the_step_and_the_round() -> None:
    assert (card_key(12, 0), card_key(12, 1), card_key(12, 1, 2)) == ("apv:12:0", "apv:12:1", "apv:12:1:2")
