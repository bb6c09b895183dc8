"""A chart's line goes WITH its photo on Telegram (sendPhoto caption, ≤ 1,024 characters); a longer text is
shortened there and follows in full; a photo without `caption` still goes after its text (receipts)."""

from __future__ import annotations

from telegram import Bot

from bot.telegram.channel import TelegramChannel
from services.messaging.messages import Button, OutMessage, short_caption, utf16_len
from standins.telegram import BotApiStandIn, FakeUser

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


async def test_a_caption_goes_with_the_photo(standin: BotApiStandIn, bot: Bot, alice: FakeUser) -> None:
    message = OutMessage("每月签订合同与来款", photos=("media:1",), caption=True, photo_data={"media:1": PNG},
                         buttons=((Button("导出", "dash:x"),),))
    [part] = message.parts()
    await TelegramChannel(bot).send(str(alice.id), part)
    [sent] = standin.messages(alice.id)
    assert sent["caption"] == "每月签订合同与来款" and sent["photo"]
    assert sent["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "dash:x"


async def test_a_long_caption_is_shortened_and_the_full_text_follows(standin: BotApiStandIn, bot: Bot,
                                                                     alice: FakeUser) -> None:
    text = "\n".join(f"第{n}行：应收账款账龄 😀" for n in range(120))
    assert utf16_len(text) > 1024
    await TelegramChannel(bot).send(str(alice.id), OutMessage(text, photos=("media:1",), caption=True,
                                                              photo_data={"media:1": PNG}))
    photo, *rest = standin.messages(alice.id)
    assert photo["photo"] and photo["caption"].endswith("…") and utf16_len(photo["caption"]) <= 1024
    assert text.startswith(photo["caption"][:-1])
    assert "".join(m["text"] for m in rest).replace("\n", "") == text.replace("\n", "")


async def test_without_caption_the_text_comes_first_then_the_photo(standin: BotApiStandIn, bot: Bot,
                                                                   alice: FakeUser) -> None:
    parts = OutMessage("报销单 #3", photos=("media:1", "media:2")).parts()
    assert [p.text for p in parts] == ["报销单 #3", "", ""]
    channel = TelegramChannel(bot)
    for part in parts:
        await channel.send(str(alice.id), OutMessage(part.text, photos=part.photos,
                                                     photo_data={p: PNG for p in part.photos}))
    sent = standin.messages(alice.id)
    assert [m.get("text") for m in sent] == ["报销单 #3", None, None] and all("caption" not in m for m in sent)


def test_short_caption_cuts_at_a_line_and_measures_utf16() -> None:
    assert short_caption("看板") == ("看板", False)
    exact = "😀" * 512
    assert short_caption(exact) == (exact, False)
    cut, shortened = short_caption("😀" * 513)
    assert shortened and utf16_len(cut) <= 1024 and cut.endswith("…")
    lines, shortened = short_caption(("一" * 700) + "\n" + ("二" * 700))
    assert shortened and lines == "一" * 700 + "…"


def test_a_captioned_message_survives_the_outbox() -> None:
    message = OutMessage("图", photos=("media:1", "media:2"), caption=True)
    stored = [OutMessage.from_dict(p.to_dict()) for p in message.parts()]
    assert [(p.text, p.photos, p.caption) for p in stored] == [("图", ("media:1",), True), ("", ("media:2",), False)]
