"""The WeCom stand-in over real HTTP: its /cgi-bin/ API driven with httpx, and its callbacks to a tiny bot."""

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from aiohttp import web

from bot.wecom.crypto import WeComCrypto, WeComCryptoError, parse_flat_xml
from standins.wecom import Department, Member, WeComStandIn
from standins.wecom.limits import MemberRateLimit

TOKEN = "QDG6eK"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
CORP_ID = "ww1436e0e65a779aee"
SECRET = "s3cret"
AGENT_ID = 1000002
START = 1_790_000_000.0


class Seconds:
    """A unix-seconds clock the test moves by hand."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def seconds() -> Seconds:
    return Seconds(START)


@pytest.fixture
def crypto() -> WeComCrypto:
    return WeComCrypto(TOKEN, AES_KEY, CORP_ID)


@pytest.fixture
async def wecom(crypto: WeComCrypto, seconds: Seconds) -> AsyncIterator[WeComStandIn]:
    server = WeComStandIn(crypto=crypto, corp_id=CORP_ID, corp_secret=SECRET, agent_id=AGENT_ID, clock=seconds)
    await server.start()
    yield server
    await server.stop()
    await asyncio.sleep(0)
    leftovers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
    assert leftovers == []


@pytest.fixture
async def http(wecom: WeComStandIn) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=wecom.api_base) as client:
        yield client


async def fetch_token(http: httpx.AsyncClient) -> str:
    reply = (await http.get("/gettoken", params={"corpid": CORP_ID, "corpsecret": SECRET})).json()
    assert reply["errcode"] == 0
    return str(reply["access_token"])


async def send(http: httpx.AsyncClient, token: str, **message: Any) -> dict[str, Any]:
    body = {"touser": "zhangsan", "msgtype": "text", "agentid": AGENT_ID, "text": {"content": "你好"}, **message}
    reply: dict[str, Any] = (await http.post("/message/send", params={"access_token": token}, json=body)).json()
    return reply


def load_office(wecom: WeComStandIn) -> None:
    wecom.load_directory(
        [
            Department(1, "总公司"),
            Department(2, "华东办事处", parentid=1, order=1),
            Department(3, "上海站", parentid=2),
            Department(4, "华南办事处", parentid=1, order=2),
        ],
        [
            Member("zhangsan", "张三", department=(1,)),
            Member("lisi", "李四", department=(2,), position="主任"),
            Member("wangwu", "王五", department=(3,)),
            Member("zhaoliu", "赵六", department=(4,)),
        ],
    )


# -- access tokens ---------------------------------------------------------------------------------


async def test_token_fetch_then_expiry_answers_42001_until_refetched(
    wecom: WeComStandIn, http: httpx.AsyncClient
) -> None:
    reply = (await http.get("/gettoken", params={"corpid": CORP_ID, "corpsecret": SECRET})).json()
    assert (reply["errcode"], reply["errmsg"], reply["expires_in"]) == (0, "ok", 7200)
    first = reply["access_token"]
    assert (await send(http, first))["errcode"] == 0

    wecom.expire_token()
    expired = await send(http, first)
    assert expired["errcode"] == 42001

    second = await fetch_token(http)
    assert second != first
    assert (await send(http, second))["errcode"] == 0
    assert wecom.token_fetches == 2
    assert wecom.texts("zhangsan") == ["你好", "你好"]


async def test_token_is_reused_while_valid_and_expires_after_7200_seconds(
    wecom: WeComStandIn, http: httpx.AsyncClient, seconds: Seconds
) -> None:
    token = await fetch_token(http)
    seconds.advance(100)
    again = (await http.get("/gettoken", params={"corpid": CORP_ID, "corpsecret": SECRET})).json()
    assert (again["access_token"], again["expires_in"]) == (token, 7100)
    seconds.advance(7100)
    assert (await send(http, token))["errcode"] == 42001


@pytest.mark.parametrize(
    ("params", "errcode"),
    [
        ({"corpsecret": SECRET}, 41002),
        ({"corpid": CORP_ID}, 41004),
        ({"corpid": "wwother", "corpsecret": SECRET}, 40013),
        ({"corpid": CORP_ID, "corpsecret": "wrong"}, 40001),
    ],
)
async def test_gettoken_refuses_bad_credentials(http: httpx.AsyncClient, params: dict[str, str], errcode: int) -> None:
    assert (await http.get("/gettoken", params=params)).json()["errcode"] == errcode


async def test_missing_and_unknown_access_tokens(http: httpx.AsyncClient) -> None:
    no_token = (await http.post("/message/send", json={})).json()
    assert no_token["errcode"] == 41001
    assert (await send(http, "not-a-token"))["errcode"] == 40014
    assert (await http.get("/department/list", params={"access_token": "nope"})).json()["errcode"] == 40014


# -- message/send ----------------------------------------------------------------------------------


async def test_text_markdown_and_card_are_recorded_per_member(wecom: WeComStandIn, http: httpx.AsyncClient) -> None:
    token = await fetch_token(http)
    assert (await send(http, token, touser="zhangsan|lisi", text={"content": "开会"}))["errcode"] == 0
    await send(http, token, msgtype="markdown", markdown={"content": "**审批** 已通过"})
    card = {"card_type": "button_interaction", "task_id": "apv-7", "main_title": {"title": "请假审批"}}
    card_reply = await send(http, token, msgtype="template_card", template_card=card)
    assert card_reply["errcode"] == 0 and card_reply["response_code"]

    assert wecom.texts("zhangsan") == ["开会", "**审批** 已通过"]
    assert wecom.texts("lisi") == ["开会"]
    received = wecom.messages("zhangsan")
    assert [m.msgtype for m in received] == ["text", "markdown", "template_card"]
    assert received[2].card == card
    assert received[2].response_code == card_reply["response_code"]


async def test_update_template_card_replaces_the_card_once(wecom: WeComStandIn, http: httpx.AsyncClient) -> None:
    token = await fetch_token(http)
    card = {"card_type": "button_interaction", "task_id": "apv-8", "main_title": {"title": "报销审批"}}
    code = (await send(http, token, msgtype="template_card", template_card=card))["response_code"]
    new_card = {"card_type": "text_notice", "main_title": {"title": "报销审批：已批准"}}
    update = {"userids": ["zhangsan"], "agentid": AGENT_ID, "response_code": code, "template_card": new_card}
    url, params = "/message/update_template_card", {"access_token": token}
    assert (await http.post(url, params=params, json=update)).json()["errcode"] == 0
    assert wecom.messages("zhangsan")[0].card == new_card
    assert (await http.post(url, params=params, json=update)).json()["errcode"] == 40058


async def test_the_31st_message_in_a_minute_is_dropped_silently(
    wecom: WeComStandIn, http: httpx.AsyncClient, seconds: Seconds
) -> None:
    token = await fetch_token(http)
    replies = [await send(http, token, text={"content": f"第{i}条"}) for i in range(1, 32)]
    assert {r["errcode"] for r in replies} == {0}
    assert len(wecom.messages("zhangsan")) == 30
    assert wecom.texts("zhangsan")[-1] == "第30条"
    assert wecom.dropped("zhangsan") == 1

    seconds.advance(60)
    await send(http, token, text={"content": "一分钟后"})
    assert wecom.texts("zhangsan")[-1] == "一分钟后"
    assert wecom.dropped("zhangsan") == 1


def test_the_hourly_cap_is_1000_messages_per_member() -> None:
    clock = Seconds(START)
    limit = MemberRateLimit(clock)
    admitted = 0
    for _ in range(40):  # 40 minutes at the per-minute cap: 1,200 tries
        admitted += sum(limit.admit(AGENT_ID, "zhangsan") for _ in range(30))
        clock.advance(60)
    assert admitted == 1000
    assert limit.admit(AGENT_ID, "lisi")
    clock.advance(3600 - 40 * 60 + 1)
    assert limit.admit(AGENT_ID, "zhangsan")


async def test_duplicate_check_holds_back_a_repeat_inside_the_interval(
    wecom: WeComStandIn, http: httpx.AsyncClient, seconds: Seconds
) -> None:
    token = await fetch_token(http)
    checked = {"enable_duplicate_check": 1, "duplicate_check_interval": 600}
    await send(http, token, text={"content": "打卡提醒"}, **checked)
    assert (await send(http, token, text={"content": "打卡提醒"}, **checked))["errcode"] == 0
    assert wecom.texts("zhangsan") == ["打卡提醒"]
    assert [d.body for d in wecom.duplicates("zhangsan")] == [{"content": "打卡提醒"}]
    await send(http, token, text={"content": "打卡提醒"})  # no check asked for: delivered
    seconds.advance(601)
    await send(http, token, text={"content": "打卡提醒"}, **checked)
    assert wecom.texts("zhangsan") == ["打卡提醒"] * 3


@pytest.mark.parametrize(
    ("change", "errcode"),
    [
        ({"agentid": None}, 41011),
        ({"agentid": 42}, 40056),
        ({"msgtype": "voice"}, 40008),
        ({"text": {"content": ""}}, 44004),
        ({"text": {"content": "长" * 700}}, 45002),
        ({"msgtype": "image", "image": {}}, 41006),
        ({"msgtype": "file", "file": {"media_id": "nope"}}, 40007),
        ({"msgtype": "template_card", "template_card": {"card_type": "poster"}}, 40058),
        ({"touser": ""}, 82001),
    ],
)
async def test_send_refuses_what_wecom_refuses(http: httpx.AsyncClient, change: dict[str, Any], errcode: int) -> None:
    token = await fetch_token(http)
    assert (await send(http, token, **change))["errcode"] == errcode


async def test_unknown_members_are_listed_as_invaliduser(wecom: WeComStandIn, http: httpx.AsyncClient) -> None:
    load_office(wecom)
    token = await fetch_token(http)
    reply = await send(http, token, touser="lisi|ghost")
    assert (reply["errcode"], reply["invaliduser"]) == (0, "ghost")
    assert (await send(http, token, touser="ghost"))["errcode"] == 81013
    by_party = await send(http, token, touser="", toparty="2|77", text={"content": "华东通知"})
    assert (by_party["errcode"], by_party["invalidparty"]) == (0, "77")
    assert (wecom.texts("lisi")[-1], wecom.texts("wangwu")) == ("华东通知", ["华东通知"])
    assert wecom.texts("zhaoliu") == []


async def test_a_body_that_is_not_json_answers_47001(http: httpx.AsyncClient) -> None:
    token = await fetch_token(http)
    reply = await http.post("/message/send", params={"access_token": token}, content=b"{not json")
    assert reply.json()["errcode"] == 47001


# -- media, menu, directory ------------------------------------------------------------------------


async def test_media_upload_then_get_returns_the_same_bytes(wecom: WeComStandIn, http: httpx.AsyncClient) -> None:
    token = await fetch_token(http)
    data = b"%PDF-1.4 weekly report " * 50
    files = {"media": ("周报.pdf", data, "application/pdf")}
    upload = (await http.post("/media/upload", params={"access_token": token, "type": "file"}, files=files)).json()
    assert (upload["errcode"], upload["type"]) == (0, "file")

    got = await http.get("/media/get", params={"access_token": token, "media_id": upload["media_id"]})
    assert (got.status_code, got.content, got.headers["content-type"]) == (200, data, "application/pdf")
    assert (await send(http, token, msgtype="file", file={"media_id": upload["media_id"]}))["errcode"] == 0
    assert wecom.messages("zhangsan")[0].body == {"media_id": upload["media_id"]}

    unknown = await http.get("/media/get", params={"access_token": token, "media_id": "missing"})
    assert unknown.json()["errcode"] == 40007


@pytest.mark.parametrize(("media_type", "data", "errcode"), [("sticker", b"12345", 40005), ("image", b"1234", 40009)])
async def test_media_upload_refuses_bad_type_and_size(
    http: httpx.AsyncClient, media_type: str, data: bytes, errcode: int
) -> None:
    token = await fetch_token(http)
    files = {"media": ("x.bin", data, "application/octet-stream")}
    reply = await http.post("/media/upload", params={"access_token": token, "type": media_type}, files=files)
    assert reply.json()["errcode"] == errcode


async def test_menu_create_is_recorded(wecom: WeComStandIn, http: httpx.AsyncClient) -> None:
    token = await fetch_token(http)
    menu = {"button": [{"type": "click", "name": "打卡", "key": "checkin"}]}
    params = {"access_token": token, "agentid": str(AGENT_ID)}
    assert (await http.post("/menu/create", params=params, json=menu)).json()["errcode"] == 0
    assert wecom.menus == [menu]
    no_agent = await http.post("/menu/create", params={"access_token": token}, json=menu)
    assert no_agent.json()["errcode"] == 41011


async def test_department_and_user_lists_follow_the_loaded_tree(wecom: WeComStandIn, http: httpx.AsyncClient) -> None:
    load_office(wecom)
    token = await fetch_token(http)
    everything = (await http.get("/department/list", params={"access_token": token})).json()
    assert [d["id"] for d in everything["department"]] == [1, 2, 3, 4]
    east = (await http.get("/department/list", params={"access_token": token, "id": "2"})).json()
    assert [(d["id"], d["parentid"]) for d in east["department"]] == [(2, 1), (3, 2)]
    missing = (await http.get("/department/list", params={"access_token": token, "id": "99"})).json()
    assert missing["errcode"] == 60003

    async def userids(department_id: str, fetch_child: str) -> list[str]:
        params = {"access_token": token, "department_id": department_id, "fetch_child": fetch_child}
        return [u["userid"] for u in (await http.get("/user/list", params=params)).json()["userlist"]]

    assert await userids("2", "0") == ["lisi"]
    assert await userids("2", "1") == ["lisi", "wangwu"]
    assert await userids("1", "1") == ["zhangsan", "lisi", "wangwu", "zhaoliu"]
    no_department = (await http.get("/user/list", params={"access_token": token})).json()
    assert no_department["errcode"] == 60003


# -- callbacks to a tiny bot -----------------------------------------------------------------------


@dataclass
class TinyBot:
    """A callback endpoint that decrypts what it gets with WeComCrypto, as the real bot will."""

    crypto: WeComCrypto
    clock: Seconds
    received: list[dict[str, str]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    async def handle_get(self, request: web.Request) -> web.Response:
        q = request.query
        try:
            echo = self.crypto.verify_url(
                q["msg_signature"], q["timestamp"], q["nonce"], q["echostr"], now=self.clock()
            )
        except WeComCryptoError as exc:
            self.refused.append(exc.reason)
            return web.Response(status=403)
        return web.Response(text=echo)

    async def handle_post(self, request: web.Request) -> web.Response:
        q = request.query
        try:
            inner = self.crypto.decrypt_message(
                q["msg_signature"], q["timestamp"], q["nonce"], await request.text(), now=self.clock()
            )
        except WeComCryptoError as exc:
            self.refused.append(exc.reason)
            return web.Response(status=403)
        self.received.append(parse_flat_xml(inner))
        return web.Response(text="success")


@pytest.fixture
async def tiny_bot(wecom: WeComStandIn, crypto: WeComCrypto, seconds: Seconds) -> AsyncIterator[TinyBot]:
    bot = TinyBot(crypto, seconds)
    app = web.Application()
    app.router.add_get("/wecom/callback", bot.handle_get)
    app.router.add_post("/wecom/callback", bot.handle_post)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    wecom.callback_url = f"http://127.0.0.1:{runner.addresses[0][1]}/wecom/callback"
    yield bot
    await runner.cleanup()


async def test_url_verification_answers_the_echostr(wecom: WeComStandIn, tiny_bot: TinyBot) -> None:
    check = await wecom.verify_url()
    assert check.ok, check
    assert tiny_bot.refused == []


async def test_posted_text_decrypts_to_wecoms_fields(wecom: WeComStandIn, tiny_bot: TinyBot) -> None:
    assert await wecom.post_text("zhangsan", "我要请假 <明天>") == 200
    (fields,) = tiny_bot.received
    assert fields["ToUserName"] == CORP_ID
    assert fields["FromUserName"] == "zhangsan"
    assert fields["CreateTime"] == str(int(START))
    assert (fields["MsgType"], fields["Content"]) == ("text", "我要请假 <明天>")
    assert fields["MsgId"].isdigit()
    assert fields["AgentID"] == str(AGENT_ID)
    outer = parse_flat_xml(wecom.deliveries[0].callback.body)
    assert (outer["ToUserName"], outer["AgentID"]) == (CORP_ID, str(AGENT_ID))
    assert wecom.deliveries[0].response == "success"


async def test_location_image_and_events_carry_their_fields(
    wecom: WeComStandIn, tiny_bot: TinyBot, http: httpx.AsyncClient
) -> None:
    await wecom.post_location("lisi", 31.2304, 121.4737, 16, "上海市黄浦区", create_time=int(START) - 30)
    picture = b"\x89PNG\r\n\x1a\n" + b"0" * 64
    await wecom.post_image("lisi", picture, content_type="image/png")
    await wecom.post_card_event("lisi", "approve", "apv-7", "rc-1")
    await wecom.post_click("lisi", "checkin")
    await wecom.post_enter_agent("lisi")
    location, image, card, click, enter = tiny_bot.received

    assert (location["MsgType"], location["Location_X"], location["Location_Y"]) == ("location", "31.2304", "121.4737")
    assert (location["Scale"], location["Label"], location["CreateTime"]) == (
        "16",
        "上海市黄浦区",
        str(int(START) - 30),
    )
    assert image["MsgType"] == "image"
    token = await fetch_token(http)
    media = await http.get("/media/get", params={"access_token": token, "media_id": image["MediaId"]})
    assert media.content == picture
    assert (await http.get(image["PicUrl"])).content == picture
    assert (card["MsgType"], card["Event"], card["EventKey"]) == ("event", "template_card_event", "approve")
    assert (card["TaskId"], card["CardType"], card["ResponseCode"]) == ("apv-7", "button_interaction", "rc-1")
    assert "MsgId" not in card
    assert (click["Event"], click["EventKey"]) == ("click", "checkin")
    assert (enter["Event"], enter["EventKey"], enter["AgentID"]) == ("enter_agent", "", str(AGENT_ID))


async def test_redelivery_sends_the_same_callback_at_most_three_more_times(
    wecom: WeComStandIn, tiny_bot: TinyBot
) -> None:
    await wecom.post_text("zhangsan", "只说一次")
    for _ in range(3):
        assert await wecom.redeliver() == 200
    with pytest.raises(RuntimeError, match="at most 3"):
        await wecom.redeliver()
    assert len({r["MsgId"] for r in tiny_bot.received}) == 1
    assert [d.attempt for d in wecom.deliveries] == [1, 2, 3, 4]
    assert len({d.callback.body for d in wecom.deliveries}) == 1


async def test_a_bot_with_another_token_refuses_the_callback(wecom: WeComStandIn, tiny_bot: TinyBot) -> None:
    tiny_bot.crypto = WeComCrypto("other-token", AES_KEY, CORP_ID)
    assert await wecom.post_text("zhangsan", "hi") == 403
    assert not (await wecom.verify_url()).ok
    assert tiny_bot.refused == ["bad_signature", "bad_signature"]


def test_the_standin_imports_nothing_from_the_bot() -> None:
    probe = (
        "import sys, standins.wecom; "
        "bot = {'bot', 'handlers', 'services', 'storage', 'domain', 'schedules'}; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in bot))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
