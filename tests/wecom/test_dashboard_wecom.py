"""WeCom has no captions on images: each /dashboard chart arrives as an image with its line right after it."""

from __future__ import annotations

from tests.wecom.test_conversations import WeCom, wecom  # noqa: F401  (the fixture)


async def test_each_chart_is_an_image_followed_by_its_line(wecom: WeCom) -> None:  # noqa: F811
    await wecom.say("zhangwei", f"绑定 {wecom.invite('张伟', ['office_head'])}")
    before = len(wecom.standin.messages("zhangwei"))
    await wecom.say("zhangwei", "/dashboard")
    sent = wecom.standin.messages("zhangwei")[before:]
    kinds = [m.msgtype for m in sent]
    assert kinds[:14] == ["image", "text"] * 7
    assert sent[1].text == "每月签订合同与来款"
    stored = wecom.standin.stored_media(sent[0].body["media_id"])
    assert stored is not None and stored.data[:8] == b"\x89PNG\r\n\x1a\n"
