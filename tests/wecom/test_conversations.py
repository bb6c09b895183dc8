"""WeCom end to end: encrypted callbacks to the real endpoint, the same handlers, replies through the one sender.

The WeCom stand-in plays WeCom's server and its members; nothing calls a handler directly.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.bootstrap import Runtime, bootstrap
from bot.settings import Settings
from bot.web import Listener
from bot.wecom.app import CALLBACK_PATH, WeComApp
from bot.wecom.channel import BUTTONS_PER_CARD, wecom_limiter
from bot.wecom.crypto import WeComCrypto
from services.messaging import outbox
from services.messaging.messages import Button, OutMessage
from services.people import onboarding
from standins.wecom.server import WeComStandIn
from storage.models import MediaFile, OutboxMessage, ProcessedUpdate, Staff
from tests.conftest import FakeClock
from tests.e2e.harness import VirtualPace

CORP, SECRET, AGENT = "ww0000000000standin", "standin-secret", 1000002
TOKEN, AES_KEY = "officebot-wecom-token", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"


@dataclass
class WeCom:
    standin: WeComStandIn
    runtime: Runtime
    app: WeComApp
    pace: VirtualPace

    async def settle(self) -> None:
        """Wait for every callback being processed, then deliver what they queued."""
        while self.app._tasks:
            await asyncio.gather(*self.app._tasks, return_exceptions=True)
        assert self.runtime.sender is not None
        while await self.runtime.sender.drain_once():
            pass

    async def say(self, userid: str, text: str) -> list[str]:
        """The member types `text`; what the bot answered (texts and card titles), in order."""
        before = len(self.standin.messages(userid))
        assert await self.standin.post_text(userid, text) == 200
        await self.settle()
        return [shown(m) for m in self.standin.messages(userid)[before:]]

    def invite(self, name: str, roles: list[str], office: str = "上海办事处") -> str:
        return onboarding.invite(self.runtime.app.uow(), office_name=office, roles=roles, name=name,
                                 now=self.runtime.app.now())


def shown(message: object) -> str:
    card = getattr(message, "card", None)
    if card:
        return f"[card] {card['main_title']['title']} {card['main_title'].get('desc', '')}"
    return str(getattr(message, "text", ""))


@pytest.fixture
async def wecom(migrated_url: str, clock: FakeClock) -> AsyncIterator[WeCom]:
    crypto = WeComCrypto(TOKEN, AES_KEY, CORP)
    pace = VirtualPace()  # the sender's waits move it; WeCom's per-member limits count in the same time
    start = pace.now

    def wecom_clock() -> float:
        return time.time() + pace.now - start

    async with WeComStandIn(crypto=crypto, corp_id=CORP, corp_secret=SECRET, agent_id=AGENT,
                            clock=wecom_clock) as standin:
        settings = Settings(
            DATABASE_URL=migrated_url, OFFICEBOT_SCHEDULER=False, WECOM_CORP_ID=CORP, WECOM_AGENT_ID=AGENT,
            WECOM_SECRET=SECRET, WECOM_TOKEN=TOKEN, WECOM_ENCODING_AES_KEY=AES_KEY,
            WECOM_API_BASE_URL=standin.url,
        )  # type: ignore[call-arg]
        runtime = bootstrap(settings, clock=clock)
        onboarding.create_office(runtime.app.uow(), name="上海办事处", timezone="Asia/Shanghai", now=clock())
        app = WeComApp.from_settings(runtime)
        assert runtime.sender is not None
        runtime.sender.limiters["wecom"] = wecom_limiter(pace.monotonic)
        runtime.sender.monotonic, runtime.sender.sleep = pace.monotonic, pace.sleep
        listener = Listener(listen="127.0.0.1", port=0)
        app.mount(listener)
        await listener.start()
        standin.callback_url = f"http://127.0.0.1:{listener.port}{CALLBACK_PATH}"
        await app.start()
        try:
            yield WeCom(standin, runtime, app, pace)
        finally:
            await listener.stop()
            await runtime.stop_background()
            await app.stop()
            runtime.dispose()


async def test_the_url_check_is_answered_and_a_forged_callback_refused(wecom: WeCom) -> None:
    check = await wecom.standin.verify_url()
    assert check.ok
    wecom.standin.crypto = WeComCrypto("another-token", AES_KEY, CORP)  # signed with the wrong token
    assert await wecom.standin.post_text("zhangwei", "/help") == 403
    assert wecom.standin.messages("zhangwei") == []


@pytest.mark.both_databases  # the WeCom path end to end on PostgreSQL too (tests/conftest.py)
async def test_a_member_binds_with_a_code_and_a_stranger_is_refused(wecom: WeCom) -> None:
    code = wecom.invite("李娜", ["sales"])
    replies = await wecom.say("lina", f"绑定 {code}")
    assert any("欢迎，李娜" in r for r in replies)
    with wecom.runtime.app.uow() as uow:
        staff = uow.session.scalars(select(Staff).where(Staff.name == "李娜")).one()
        assert (staff.wecom_user_id, staff.telegram_user_id, staff.last_channel) == ("lina", None, "wecom")
    help_text = "\n".join(await wecom.say("lina", "/help"))
    assert "/checkin" in help_text
    refusal = await wecom.say("stranger", "/help")
    assert len(refusal) == 1 and "邀请码" in refusal[0]


@pytest.mark.both_databases  # the WeCom path end to end on PostgreSQL too (tests/conftest.py)
async def test_the_same_callback_delivered_three_times_has_one_effect(wecom: WeCom) -> None:
    code = wecom.invite("李娜", ["sales"])
    await wecom.say("lina", f"绑定 {code}")
    before = len(wecom.standin.messages("lina"))
    assert await wecom.standin.post_text("lina", "/language en") == 200
    for _ in range(3):
        assert await wecom.standin.redeliver() == 200
    await wecom.settle()
    assert [m.text for m in wecom.standin.messages("lina")[before:]] == ["Language set to English."]
    with wecom.runtime.app.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(ProcessedUpdate)) == 2


@pytest.mark.both_databases  # a race: on PostgreSQL too (tests/conftest.py)
async def test_a_dead_instances_message_sent_again_is_dropped_by_wecoms_duplicate_check(wecom: WeCom) -> None:
    await wecom.say("lina", f"绑定 {wecom.invite('李娜', ['sales'])}")
    reminder = "本周周报请在周五 18:00 前提交。"
    now = wecom.runtime.app.now()
    with wecom.runtime.app.uow() as uow:
        lina = uow.session.scalars(select(Staff).where(Staff.name == "李娜")).one()
        outbox.enqueue(uow.session, staff_id=lina.id, message=OutMessage(reminder), now=now)
        uow.session.flush()
        row = uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
        assert row is not None and row.payload["text"] == reminder
        row.status, row.claimed_by, row.claimed_at = "sending", "dead-instance", now - timedelta(minutes=3)
        row_id = row.id
        uow.commit()
    await wecom.app.api.send("lina", {"msgtype": "text", "text": {"content": reminder}})  # it had arrived

    await wecom.settle()  # the stale claim is taken over and the row sent again

    assert [m.text for m in wecom.standin.messages("lina")].count(reminder) == 1
    assert [d.body["content"] for d in wecom.standin.duplicates("lina")] == [reminder]
    with wecom.runtime.app.uow() as uow:
        sent = uow.session.get(OutboxMessage, row_id)
        assert sent is not None and sent.status == "sent"


async def test_buttons_are_cards_and_a_press_comes_back_as_the_same_callback_data(wecom: WeCom) -> None:
    code = wecom.invite("李娜", ["sales"])
    await wecom.say("lina", f"绑定 {code}")
    replies = await wecom.say("lina", "/language")
    assert replies[-1].startswith("[card] 请选择语言")
    card = wecom.standin.messages("lina")[-1]
    assert card.card is not None and card.response_code is not None
    buttons = card.card["button_list"]
    assert 0 < len(buttons) <= BUTTONS_PER_CARD
    english = next(b for b in buttons if "English" in b["text"])
    before = len(wecom.standin.messages("lina"))
    assert await wecom.standin.post_card_event("lina", english["key"], card.card["task_id"], card.response_code) == 200
    await wecom.settle()
    assert [m.text for m in wecom.standin.messages("lina")[before:]] == ["Language set to English."]


async def press(wecom: WeCom, userid: str, label: str) -> list[str]:
    """The member presses the button labelled `label` (substring) on the latest card that has it, or picks
    that option in a select card's drop-down and taps 确定."""
    def choices(card: dict[str, object]) -> list[tuple[str, str]]:
        found = [(b["text"], b["key"]) for b in card.get("button_list", [])]  # type: ignore[attr-defined]
        for drop_down in card.get("select_list", []):  # type: ignore[attr-defined]
            found += [(o["text"], o["id"]) for o in drop_down["option_list"]]
        return found

    cards = [m for m in wecom.standin.messages(userid) if m.card and any(label in t for t, _k in choices(m.card))]
    assert cards, f"no card with {label!r} for {userid}: {[shown(m) for m in wecom.standin.messages(userid)]}"
    card = cards[-1]
    assert card.card is not None and card.response_code is not None
    key = next(k for t, k in choices(card.card) if label in t)
    before = len(wecom.standin.messages(userid))
    if card.card["card_type"] == "multiple_interaction":
        status = await wecom.standin.post_select(userid, key, card.card["task_id"], card.response_code)
    else:
        status = await wecom.standin.post_card_event(userid, key, card.card["task_id"], card.response_code)
    assert status == 200
    await wecom.settle()
    return [shown(m) for m in wecom.standin.messages(userid)[before:]]


async def test_a_choice_of_more_than_six_is_a_select_card_and_picking_an_option_acts_like_the_button(
        wecom: WeCom) -> None:
    await wecom.say("lina", f"绑定 {wecom.invite('李娜', ['sales'])}")
    await wecom.say("lina", "/customer")
    for answer in ("某市公安局", "人民路 1 号", "王科长", "13812345678"):
        await wecom.say("lina", answer)
    for _ in range(6):  # the optional questions: skipped
        if any("保存" in shown(m) for m in wecom.standin.messages("lina")[-1:]):
            break
        await press(wecom, "lina", "跳过")
    await press(wecom, "lina", "修改")  # which answer to change: one per question, more than six

    select = wecom.standin.messages("lina")[-1]
    assert select.card is not None and select.card["card_type"] == "multiple_interaction"
    options = select.card["select_list"][0]["option_list"]
    assert len(options) > BUTTONS_PER_CARD and all(len(o["text"]) <= 16 for o in options)
    phone = next(o for o in options if "电话" in o["text"])
    before = len(wecom.standin.messages("lina"))
    assert select.response_code is not None
    assert await wecom.standin.post_select("lina", phone["id"], select.card["task_id"], select.response_code) == 200
    await wecom.settle()
    asked = [shown(m) for m in wecom.standin.messages("lina")[before:]]
    assert any("电话" in text for text in asked), asked


async def claim(wecom: WeCom, userid: str, amount: str, *, receipt: bytes = b"\xff\xd8 a receipt",
                before_submit: Callable[[], None] = lambda: None) -> list[str]:
    """Fill /expense on WeCom with one receipt picture and submit; what the bot said at the end."""
    await wecom.say(userid, "/expense")
    await wecom.say(userid, amount)
    await press(wecom, userid, "差旅费")
    await press(wecom, userid, "今天")
    await wecom.say(userid, "拜访客户的差旅费")
    await press(wecom, userid, "跳过")
    assert await wecom.standin.post_image(userid, receipt) == 200
    await wecom.settle()
    await press(wecom, userid, "完成")
    await press(wecom, userid, "是")
    before_submit()
    return await press(wecom, userid, "提交")


async def test_a_decision_from_pending_updates_the_pushed_card_on_wecom_too(wecom: WeCom) -> None:
    await wecom.say("zhangwei", f"绑定 {wecom.invite('张伟', ['office_head'])}")
    await wecom.say("lina", f"绑定 {wecom.invite('李娜', ['sales'])}")
    await claim(wecom, "lina", "300")
    pushed = next(m for m in reversed(wecom.standin.messages("zhangwei")) if m.card and "费用报销" in shown(m))
    await wecom.say("zhangwei", "/pending")
    listed = wecom.standin.messages("zhangwei")[-1]
    assert listed.card is not None and listed.msgid != pushed.msgid
    await press(wecom, "zhangwei", "同意")  # on the /pending card, the latest one with the button

    card = next(m for m in wecom.standin.messages("zhangwei") if m.msgid == pushed.msgid).card
    assert card is not None and card["card_type"] == "text_notice", "the pushed card lost its buttons"
    assert "已通过" in card["main_title"]["title"] + card["main_title"]["desc"]


async def test_an_expense_with_a_receipt_is_approved_on_the_card_and_the_card_is_updated(wecom: WeCom) -> None:
    await wecom.say("zhangwei", f"绑定 {wecom.invite('张伟', ['office_head'])}")
    await wecom.say("lina", f"绑定 {wecom.invite('李娜', ['sales'])}")
    submitted = await claim(wecom, "lina", "4800")
    assert any("等待 张伟（办事处负责人）审批" in r for r in submitted)

    head = wecom.standin.messages("zhangwei")
    assert any(m.msgtype == "image" for m in head), "the approver sees the receipt itself"
    card = next(m for m in reversed(head) if m.card and "费用报销" in shown(m))
    await press(wecom, "zhangwei", "同意")
    updated = card.card
    assert updated is not None and updated["card_type"] == "text_notice"  # decided: no buttons left to press
    assert "已通过" in updated["main_title"]["title"] + updated["main_title"]["desc"]
    assert any("已全部审批通过" in t for t in wecom.standin.texts("lina"))


async def test_a_receipt_is_kept_by_us_and_still_shown_after_wecom_forgot_it(wecom: WeCom) -> None:
    await wecom.say("zhangwei", f"绑定 {wecom.invite('张伟', ['office_head'])}")
    await wecom.say("lina", f"绑定 {wecom.invite('李娜', ['sales'])}")
    receipt = b"\xff\xd8 the taxi receipt of 12-02"
    three_days = 3 * 24 * 3600
    await claim(wecom, "lina", "300", receipt=receipt, before_submit=lambda: wecom.standin.media.age(three_days))

    with wecom.runtime.app.uow() as uow:
        assert uow.session.scalars(select(MediaFile.data)).all() == [receipt]
    images = [m for m in wecom.standin.messages("zhangwei") if m.msgtype == "image"]
    assert len(images) == 1, "the approver sees the receipt once"
    shown_again = wecom.standin.stored_media(images[0].body["media_id"])
    assert shown_again is not None and shown_again.data == receipt  # uploaded again from our copy


async def test_an_expense_of_6000_walks_the_chain_on_cards(wecom: WeCom) -> None:
    onboarding.create_office(wecom.runtime.app.uow(), name="总部", timezone="Asia/Shanghai", is_hq=True,
                             now=wecom.runtime.app.now())
    people = {"zhangwei": ("张伟", "office_head", "上海办事处"), "wangfang": ("王芳", "finance_director", "总部"),
              "zhaoqiang": ("赵强", "vp", "总部"), "qianzong": ("钱总", "president", "总部")}
    for userid, (name, role, office) in people.items():
        await wecom.say(userid, f"绑定 {wecom.invite(name, [role], office)}")
    await wecom.say("lina", f"绑定 {wecom.invite('李娜', ['sales'])}")
    await claim(wecom, "lina", "6000")

    for step, approver in enumerate(people, start=1):
        card = next(m for m in reversed(wecom.standin.messages(approver)) if m.card and "费用报销" in shown(m))
        assert f"第 {step}/4 步" in shown(card)
        await press(wecom, approver, "同意")
    told = [shown(m) for m in wecom.standin.messages("lina") if "您的申请" in shown(m) or "📝 费用报销" in shown(m)]
    assert len(told) == 5 and "已全部审批通过（最后审批：钱总（总裁））" in told[4]
    assert all(t.startswith("[card] 📝 费用报销 #1") for t in told[:4]), "each 催办 card retired at its step"


async def test_the_requesters_cards_are_updated_on_wecom_when_their_step_is_decided(wecom: WeCom) -> None:
    await wecom.say("zhangwei", f"绑定 {wecom.invite('张伟', ['office_head'])}")
    await wecom.say("lina", f"绑定 {wecom.invite('李娜', ['sales'])}")
    await claim(wecom, "lina", "300")
    reply = wecom.standin.messages("lina")[-1]
    assert reply.card is not None and reply.card["card_type"] == "button_interaction"
    assert [b["text"] for b in reply.card["button_list"]] == ["↩ 撤回 #1", "🔔 催办 #1"]

    await press(wecom, "zhangwei", "退回修改")
    await wecom.say("zhangwei", "请附上行程单")
    assert reply.card["card_type"] == "text_notice", "the submission card lost 撤回 / 催办"
    notice = wecom.standin.messages("lina")[-1]
    assert notice.card is not None and "修改并重新提交" in str(notice.card["button_list"])

    await press(wecom, "lina", "修改并重新提交")
    await press(wecom, "lina", "提交")
    assert notice.card["card_type"] == "text_notice", "the 退回修改 card lost 修改 / 撤回 once resubmitted"
    again = wecom.standin.messages("lina")[-1]
    assert again.card is not None and "已重新提交" in shown(again)
    await press(wecom, "zhangwei", "同意")
    assert again.card["card_type"] == "text_notice" and "已通过" in shown(again)


async def test_a_check_in_with_a_location_says_how_to_send_one_on_wecom(wecom: WeCom) -> None:
    await wecom.say("lina", f"绑定 {wecom.invite('李娜', ['sales'])}")
    prompt = "\n".join(await wecom.say("lina", "/checkin"))
    assert "位置" in prompt and "+" in prompt  # WeCom has no "share location" button: the prompt says what to do
    now = int(wecom.runtime.app.now().timestamp())
    assert await wecom.standin.post_location("lina", 31.2304, 121.4737, 15, "上海市黄浦区", now) == 200
    await wecom.settle()
    done = await press(wecom, "lina", "签到")
    assert any("已签到" in r for r in done)


async def test_reminders_waiting_for_one_member_go_as_digests_and_none_is_dropped(wecom: WeCom) -> None:
    await wecom.say("lina", f"绑定 {wecom.invite('李娜', ['sales'])}")
    with wecom.runtime.app.uow() as uow:
        lina = uow.session.scalars(select(Staff.id).where(Staff.name == "李娜")).one()
        outbox.enqueue_all(uow.session, [(lina, OutMessage(f"提醒 {n}")) for n in range(70)],
                           now=wecom.runtime.app.now())
        uow.commit()
    before, sent_before = wecom.pace.now, len(wecom.standin.messages("lina"))
    await wecom.settle()
    digests = wecom.standin.messages("lina")[sent_before:]
    lines = [line for m in digests for line in m.text.split("\n\n")]
    assert lines == [f"提醒 {n}" for n in range(70)]  # all of them, in order
    assert len(digests) <= 2 and all(len(m.text.encode()) <= 2048 for m in digests)
    assert wecom.standin.dropped("lina") == 0
    assert wecom.pace.now - before < 5  # folded: no minute of waiting for the member's budget
    with wecom.runtime.app.uow() as uow:
        statuses = uow.session.scalars(select(OutboxMessage.status).where(OutboxMessage.staff_id == lina)).all()
    assert statuses.count("sent") >= 70 and set(statuses) == {"sent"}


async def test_cards_keep_to_30_a_minute_per_member_and_none_is_dropped(wecom: WeCom) -> None:
    await wecom.say("lina", f"绑定 {wecom.invite('李娜', ['sales'])}")
    with wecom.runtime.app.uow() as uow:
        lina = uow.session.scalars(select(Staff.id).where(Staff.name == "李娜")).one()
        cards = [(lina, OutMessage(f"提醒 {n}", buttons=((Button("知道了", f"ack:{n}"),),))) for n in range(35)]
        outbox.enqueue_all(uow.session, cards, now=wecom.runtime.app.now())
        uow.commit()
    before = wecom.pace.now
    await wecom.settle()
    shown_cards = [shown(m) for m in wecom.standin.messages("lina") if m.card]
    assert shown_cards == [f"[card] 提醒 {n} " for n in range(35)]  # cards are never folded: each on its own
    assert wecom.standin.dropped("lina") == 0  # WeCom silently drops past 30 a minute: we never went past it
    assert wecom.pace.now - before >= 60  # 35 cards to one member take over a minute


async def test_opening_the_app_greets_once_a_day_with_what_waits(wecom: WeCom) -> None:
    await wecom.say("zhangwei", f"绑定 {wecom.invite('张伟', ['office_head'])}")
    await wecom.say("lina", f"绑定 {wecom.invite('李娜', ['sales'])}")
    await claim(wecom, "lina", "4800")
    before = len(wecom.standin.messages("zhangwei"))
    for _ in range(2):
        assert await wecom.standin.post_enter_agent("zhangwei") == 200
        await wecom.settle()
    assert [shown(m) for m in wecom.standin.messages("zhangwei")[before:]] == [
        "张伟，您好！有 1 项申请等待您审批：/pending"]
    assert await wecom.standin.post_enter_agent("stranger") == 200
    await wecom.settle()
    assert wecom.standin.messages("stranger") == []  # someone unknown opening the app sees nothing


async def test_every_app_menu_key_and_a_plain_phrase_reach_the_same_commands(wecom: WeCom) -> None:
    """Issue #10: the WeCom app menu and typed phrases start what Telegram's main keyboard starts."""
    from bot.wecom.menu import APP_MENU

    await wecom.say("lina", f"绑定 {wecom.invite('李娜', ['sales'])}")
    help_replies = await wecom.say("lina", "/help")
    assert not any(r.startswith("[card]") for r in help_replies)  # the main keyboard is WeCom's menu, no card
    for _, subs in APP_MENU:
        for _label, key in subs:
            assert await wecom.standin.post_click("lina", key) == 200
            await wecom.settle()
            replies = [shown(m) for m in wecom.standin.messages("lina")[-3:]]
            assert not any("没有看懂" in r or "出了点问题" in r or "未知命令" in r for r in replies), (key, replies)
            await wecom.say("lina", "/cancel")
    leave = "\n".join(await wecom.say("lina", "我想请假"))
    assert "请假/外出申请" in leave
