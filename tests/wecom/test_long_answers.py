"""Issue 10, defect 2 on WeCom: the longest weekly report reaches its review in text parts of at most
2,048 bytes, then the card to submit it; nothing is refused by WeCom, and the head receives it all."""

from __future__ import annotations

from sqlalchemy import select

from standins.wecom.outbox import MAX_TEXT_BYTES
from storage.models import OutboxMessage
from tests.wecom.test_conversations import WeCom, press, wecom  # noqa: F401  (the fixture)


async def test_the_longest_weekly_report_is_reviewed_and_submitted_on_wecom(wecom: WeCom) -> None:  # noqa: F811
    await wecom.say("zhangwei", f"绑定 {wecom.invite('张伟', ['office_head'])}")
    await wecom.say("lina", f"绑定 {wecom.invite('李娜', ['sales'])}")
    summary = ("本周拜访客户，完成回访。\n" * 250)[:3000]
    plan = "下周跟进市局投标" * 375
    await wecom.say("lina", "/weekly")
    await wecom.say("lina", summary)
    replies = await wecom.say("lina", plan)
    for _ in range(8):  # the figures, prefilled or not
        if any("请核对" in r for r in replies):
            break
        replies = await wecom.say("lina", "0")
    sent = wecom.standin.messages("lina")
    texts = [m.text for m in sent if m.text]
    assert texts and max(len(t.encode("utf-8")) for t in texts) <= MAX_TEXT_BYTES
    assert plan[-200:] in "".join(texts).replace("\n", ""), "the review holds the whole plan"
    assert wecom.standin.outbox.undelivered == []

    done = await press(wecom, "lina", "提交报告")
    assert any("已提交" in r for r in done)
    received = "".join(m.text for m in wecom.standin.messages("zhangwei") if m.text).replace("\n", "")
    assert plan[-200:] in received
    with wecom.runtime.app.uow() as uow:
        failed = uow.session.scalars(select(OutboxMessage.last_error).where(OutboxMessage.status != "sent")).all()
    assert failed == []
