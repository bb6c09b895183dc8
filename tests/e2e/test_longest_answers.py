"""Issue 10, defect 2: the longest allowed value in every free-text field of every form reaches the review.

For each registered form, a draft at its summary holds the longest answer each text field accepts
(every other field a plain valid value); the person starts another form and taps 继续填写旧的 — the
step that crashed with `Message is too long`. The review must arrive in parts of at most 4,096
characters, in full (no answer lost), with its Save button, and asking any long field again must
show its current value within one message. Conditional fields are reached by the choice that makes
them apply (leave's destination for 出差, a draft number for 承兑汇票, ...).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

import handlers.registry  # noqa: F401  (registers every form)
from handlers.forms.render import SUMMARY
from handlers.forms.spec import FORMS, Field, Form, Kind
from services.messaging.messages import TELEGRAM_TEXT_LIMIT
from services.platform import drafts
from standins.telegram.keyboards import buttons
from storage.models import Staff
from tests.e2e.harness import BotHarness
from tests.e2e.test_hostile_input import APOLOGY

TEXT_KINDS = (Kind.text, Kind.long_text)
SAMPLES: dict[Kind, Any] = {
    Kind.integer: 1, Kind.decimal: "1", Kind.date: "2026-11-24", Kind.datetime: "2026-11-24T02:00:00+00:00",
    Kind.boolean: True, Kind.phone: "13812345678", Kind.photos: ["photo-1"], Kind.lookup: 1,
    Kind.quantities: {"枪柜": 1}, Kind.clock: "10:00",
    Kind.location: {"lat": 31.23, "lon": 121.47, "at": "2026-11-24T02:00:00+00:00", "forwarded": False,
                    "venue": False},
}


def longest(field: Field) -> str:
    """The longest answer the field takes, in two-line chunks so that the review can break it at lines."""
    line = "长" * 59 + "\n"
    text = (line * (field.max_length // len(line) + 1))[: field.max_length]
    return text[:-1] + "尾"


def base_answers(form: Form) -> dict[str, Any]:
    """A valid value for every field; text fields at their longest (a check-in 16 km from the office fence)."""
    answers: dict[str, Any] = {"fence": [31.37, 121.47, 300]}
    for field in form.fields:
        if field.kind in TEXT_KINDS:
            answers[field.name] = longest(field)
        elif field.kind == Kind.choice:
            answers[field.name] = field.choices[0][0]
        else:
            answers[field.name] = SAMPLES[field.kind]
    return answers


def variants(form: Form) -> list[dict[str, Any]]:
    """Answer sets that together make every text field apply at least once."""
    base = base_answers(form)
    found = [base]
    for field in form.fields:
        if field.kind not in TEXT_KINDS or any(field.applies(a) for a in found):
            continue
        for choice_field in (f for f in form.fields if f.kind == Kind.choice):
            options = [{**base, choice_field.name: value} for value, _label in choice_field.choices]
            hit = next((a for a in options if field.applies(a)), None)
            if hit is not None:
                found.append(hit)
                break
        else:
            raise AssertionError(f"{form.name}.{field.name} never applies")
    return found


CASES = [(name, index) for name, form in sorted(FORMS.items())
         if any(f.kind in TEXT_KINDS for f in form.fields) for index in range(len(variants(form)))]


WIRED = ("repair", 0)
"""The one case that also runs over HTTP and on PostgreSQL (tests/conftest.py): the rest differ in forms only."""


@pytest.mark.parametrize(("form_name", "variant"), [
    pytest.param(n, i, id=f"{n}-{i}", marks=[pytest.mark.wire] if (n, i) == WIRED else []) for n, i in CASES])
async def test_the_longest_answers_reach_the_review_in_full(bot: BotHarness, form_name: str, variant: int) -> None:
    form = FORMS[form_name]
    answers = variants(form)[variant]
    person = await bot.register("李娜", office="上海办事处", roles=["sales", "office_head", "technician", "hr"])
    with bot.app.uow() as uow:
        staff_id = uow.session.scalars(select(Staff.id).where(Staff.name == "李娜")).one()
    state = drafts.DraftState(form.name, SUMMARY, answers, {"history": [], "seq": 1, "labels": {}})
    drafts.save(bot.app.uow(), staff_id=staff_id, state=state, now=bot.clock())

    other = "/repair" if form_name == "customer" else "/customer"
    asked = (await bot.send(person, other))[-1]
    review = await bot.press(person, asked, "继续填写旧的")

    texts = [str(m.get("text") or "") for m in review]
    assert [t for t in texts if APOLOGY in t] == [] and texts, texts[:1]
    assert max(len(t) for t in texts) <= TELEGRAM_TEXT_LIMIT
    assert "请核对：" in texts[0]
    delivered = "".join(texts).replace("\n", "")
    for field in form.fields:
        if field.kind in TEXT_KINDS and field.applies(answers):
            assert answers[field.name].replace("\n", "") in delivered, f"{form_name}.{field.name} cut"
    labels = [label for label, _data in buttons(review[-1])]
    assert any(label.startswith("✅") for label in labels) and "✏️ 修改" in labels, labels

    menu = (await bot.press(person, review[-1], "修改"))[-1]
    widest = max((f for f in form.fields if f.kind in TEXT_KINDS and f.applies(answers)),
                 key=lambda f: f.max_length)
    again = await bot.press(person, menu, _label_of(widest))
    assert [t for t in (str(m.get("text") or "") for m in again) if APOLOGY in t] == []
    assert max(len(str(m.get("text") or "")) for m in again) <= TELEGRAM_TEXT_LIMIT
    assert any(label == "✔ 保持不变" for label, _data in buttons(again[-1])), "the long answer can be kept"


def _label_of(field: Field) -> str:
    """The field's label as the zh-CN edit menu shows it."""
    from services.i18n.catalogs import translator

    return translator("zh_CN")(field.label)


async def test_a_long_report_reaches_the_reviewer_shortened_with_a_read_in_full_path(bot: BotHarness) -> None:
    bot.add_office("总部", is_hq=True)
    bot.clock.set(datetime(2026, 12, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    gm = await bot.register("刘总", office="总部", roles=["gm"])
    form = FORMS["report_monthly_office"]
    summary, plan = (longest(form.field(name)) for name in ("summary", "plan"))

    await bot.send(head, "/monthly")
    for answer in (summary, plan, "12", "2", "2", "180000", "0", "0", "0", "跳过", "跳过"):
        await bot.send(head, answer)
    review = bot.last(head)
    assert "提交报告" in str(buttons(review))
    await bot.press(head, review, "提交报告")

    card = bot.last(gm)
    assert len(card["text"]) <= TELEGRAM_TEXT_LIMIT and "📖 查看全文" in [label for label, _d in buttons(card)]
    assert plan.replace("\n", "") not in card["text"].replace("\n", ""), "the card is shortened"
    full = await bot.press(gm, card, "查看全文")
    texts = [str(m.get("text") or "") for m in full]
    assert texts and max(len(t) for t in texts) <= TELEGRAM_TEXT_LIMIT and len(texts) > 1
    delivered = "".join(texts).replace("\n", "")
    assert summary.replace("\n", "") in delivered and plan.replace("\n", "") in delivered
