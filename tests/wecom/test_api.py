"""WeComApi against the WeCom stand-in over HTTP, with the access_token shared through SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bot.wecom.api import (
    LEASE,
    WeComApi,
    WeComError,
    WeComPermanent,
    WeComRecipientUnreachable,
    WeComRetryable,
    channel_error,
    error_for,
)
from services.messaging.ports import ChannelError, RecipientBlocked, RetryLater, TransientError
from services.wecom import tokens as wecom_tokens
from standins.wecom import WeComStandIn
from storage.models import AccessToken
from storage.uow import UnitOfWork
from tests.wecom.standin_app import AGENT_ID, CORP_ID, SECRET, load_company, make_standin

UowFactory = Callable[[], UnitOfWork]
KEY = f"{CORP_ID}:{AGENT_ID}"
TEXT = {"msgtype": "text", "text": {"content": "你好"}}


@pytest.fixture
async def wecom() -> AsyncIterator[WeComStandIn]:
    async with make_standin() as server:
        yield server


@pytest.fixture
async def make_api(wecom: WeComStandIn, uow_factory: UowFactory) -> AsyncIterator[Callable[..., WeComApi]]:
    """Clients as separate instances would have them: own HTTP client, own memory, one database."""
    made: list[WeComApi] = []

    def make(instance: str = "instance-a", *, secret: str = SECRET) -> WeComApi:
        api = WeComApi(corp_id=CORP_ID, agent_id=AGENT_ID, secret=secret, uow_factory=uow_factory,
                       base_url=wecom.url, instance=instance)
        made.append(api)
        return api

    yield make
    for api in made:
        await api.aclose()


@pytest.fixture
def api(make_api: Callable[..., WeComApi]) -> WeComApi:
    return make_api()


def stored(uow_factory: UowFactory) -> AccessToken | None:
    """The token row as it is now (detached, read before the unit of work ends)."""
    with uow_factory() as uow:
        row = uow.session.get(AccessToken, KEY)
        if row is not None:
            uow.session.expunge(row)
        return row


# -- the access token ------------------------------------------------------------------------------


async def test_the_token_is_fetched_once_for_many_sends_and_stored(
    wecom: WeComStandIn, api: WeComApi, uow_factory: UowFactory
) -> None:
    for i in range(12):
        reply = await api.send("zhangsan", {"msgtype": "text", "text": {"content": f"第{i}条"}})
        assert reply["errcode"] == 0 and reply["msgid"]
    assert wecom.token_fetches == 1
    assert len(wecom.texts("zhangsan")) == 12
    row = stored(uow_factory)
    assert row is not None and row.fetched_by == "instance-a" and row.lease_owner is None
    assert row.expires_at > datetime.now(UTC) + timedelta(seconds=7000)


@pytest.mark.both_databases  # a race: on PostgreSQL too (tests/conftest.py)
async def test_two_instances_sending_at_once_fetch_the_token_once(
    wecom: WeComStandIn, make_api: Callable[..., WeComApi]
) -> None:
    first, second = make_api("instance-a"), make_api("instance-b")
    replies = await asyncio.gather(*(api.send("zhangsan", TEXT) for _ in range(5) for api in (first, second)))
    assert {r["errcode"] for r in replies} == {0}
    assert wecom.token_fetches == 1
    assert len(wecom.messages("zhangsan")) == 10


async def test_a_restarted_instance_reuses_the_stored_token(
    wecom: WeComStandIn, make_api: Callable[..., WeComApi]
) -> None:
    before = make_api("before-restart")
    await before.send("zhangsan", TEXT)
    after = make_api("after-restart")
    await after.send("zhangsan", TEXT)
    assert wecom.token_fetches == 1


async def test_an_expired_token_is_fetched_again_once_and_the_send_retried(
    wecom: WeComStandIn, make_api: Callable[..., WeComApi], uow_factory: UowFactory
) -> None:
    first, second = make_api("instance-a"), make_api("instance-b")
    await first.send("zhangsan", TEXT)
    await second.send("zhangsan", TEXT)
    old = await first.access_token()
    wecom.expire_token()

    reply = await first.send("zhangsan", {"msgtype": "text", "text": {"content": "过期之后"}})
    assert reply["errcode"] == 0
    assert wecom.texts("zhangsan")[-1] == "过期之后"
    assert wecom.token_fetches == 2
    row = stored(uow_factory)
    assert row is not None and row.token != old

    # the other instance still holds the old token in memory: WeCom refuses it, it finds the new one
    await second.send("zhangsan", {"msgtype": "text", "text": {"content": "另一个实例"}})
    assert wecom.token_fetches == 2
    assert wecom.texts("zhangsan")[-1] == "另一个实例"


async def test_a_waiting_instance_takes_the_token_the_lease_holder_stores(
    wecom: WeComStandIn, api: WeComApi, uow_factory: UowFactory
) -> None:
    now = datetime.now(UTC)
    assert wecom_tokens.claim_refresh(uow_factory(), key=KEY, owner="other", now=now, lease=LEASE,
                                      margin=timedelta(minutes=5))
    waiting = asyncio.create_task(api.access_token())
    await asyncio.sleep(0.3)
    assert not waiting.done()
    wecom_tokens.store_token(uow_factory(), key=KEY, owner="other", token="from-other", now=now,
                             expires_at=now + timedelta(hours=2))
    assert await asyncio.wait_for(waiting, 5) == "from-other"
    assert wecom.token_fetches == 0


async def test_a_lease_left_by_a_dead_instance_is_taken_over(
    wecom: WeComStandIn, api: WeComApi, uow_factory: UowFactory
) -> None:
    long_ago = datetime.now(UTC) - LEASE - timedelta(seconds=1)
    assert wecom_tokens.claim_refresh(uow_factory(), key=KEY, owner="dead", now=long_ago, lease=LEASE,
                                      margin=timedelta(minutes=5))
    assert (await api.send("zhangsan", TEXT))["errcode"] == 0
    assert wecom.token_fetches == 1
    row = stored(uow_factory)
    assert row is not None and (row.fetched_by, row.lease_owner) == ("instance-a", None)


async def test_a_wrong_secret_is_permanent_and_leaves_no_lease(
    wecom: WeComStandIn, make_api: Callable[..., WeComApi], uow_factory: UowFactory
) -> None:
    wrong = make_api("wrong", secret="not-the-secret")
    with pytest.raises(WeComPermanent) as error:
        await wrong.send("zhangsan", TEXT)
    assert error.value.errcode == 40001
    row = stored(uow_factory)
    assert row is not None and row.lease_owner is None
    right = make_api("right")
    assert (await asyncio.wait_for(right.send("zhangsan", TEXT), 5))["errcode"] == 0


# -- messages, cards, media, menu, directory ------------------------------------------------------


async def test_a_card_is_sent_then_updated_by_its_response_code(wecom: WeComStandIn, api: WeComApi) -> None:
    card = {"card_type": "button_interaction", "task_id": "apv-7", "main_title": {"title": "请假审批"},
            "button_list": [{"text": "批准", "key": "apv:7:a"}]}
    reply = await api.send(["zhangsan", "lisi"], {"msgtype": "template_card", "template_card": card})
    assert reply["errcode"] == 0 and reply["msgid"] and reply["response_code"]

    done = {"card_type": "text_notice", "main_title": {"title": "请假审批：已批准"}}
    await api.update_template_card(["zhangsan"], reply["response_code"], done)
    assert wecom.messages("zhangsan")[0].card == done
    assert wecom.messages("lisi")[0].card == card
    with pytest.raises(WeComPermanent) as error:  # a response_code works once
        await api.update_template_card(["zhangsan"], reply["response_code"], done)
    assert error.value.errcode == 40058


async def test_markdown_and_an_uploaded_file_are_delivered(wecom: WeComStandIn, api: WeComApi) -> None:
    await api.send("zhangsan", {"msgtype": "markdown", "markdown": {"content": "**周报** 已提交"}})
    data = b"%PDF-1.4 weekly report " * 40
    media_id = await api.upload_media("file", "周报.pdf", data)
    assert (await api.send("zhangsan", {"msgtype": "file", "file": {"media_id": media_id}}))["errcode"] == 0
    picture = b"\x89PNG\r\n\x1a\n" + b"0" * 64
    image_id = await api.upload_media("image", "receipt.png", picture)
    await api.send("zhangsan", {"msgtype": "image", "image": {"media_id": image_id}})

    assert [m.msgtype for m in wecom.messages("zhangsan")] == ["markdown", "file", "image"]
    stored_file = wecom.stored_media(media_id)
    assert stored_file is not None
    assert (stored_file.filename, stored_file.content_type) == ("周报.pdf", "application/pdf")
    assert await api.get_media(media_id) == data
    assert await api.get_media(image_id) == picture


async def test_a_json_file_downloads_as_bytes_and_an_unknown_media_id_is_an_error(api: WeComApi) -> None:
    data = b'{"errcode": 40007, "errmsg": "this is a file"}'
    media_id = await api.upload_media("file", "data.json", data)
    assert await api.get_media(media_id) == data
    with pytest.raises(WeComPermanent) as error:
        await api.get_media("missing")
    assert error.value.errcode == 40007


async def test_bad_arguments_are_refused_before_any_call(wecom: WeComStandIn, api: WeComApi) -> None:
    with pytest.raises(ValueError, match="msgtype"):
        await api.send("zhangsan", {"msgtype": "sticker", "sticker": {}})
    with pytest.raises(ValueError, match="media kind"):
        await api.upload_media("sticker", "x.png", b"12345")
    assert wecom.calls == []


async def test_menu_departments_and_users(wecom: WeComStandIn, api: WeComApi) -> None:
    load_company(wecom)
    menu = {"button": [{"type": "click", "name": "签到", "key": "/checkin"}]}
    await api.create_menu(menu)
    assert wecom.menus == [menu]
    names = [d["name"] for d in await api.departments()]
    assert names == ["总公司", "上海办事处", "上海维修组", "成都办事处", "财务部"]
    assert [u["userid"] for u in await api.users(2)] == ["zhangsan", "lisi", "wangwu"]
    assert [u["userid"] for u in await api.users(2, fetch_child=False)] == ["zhangsan", "lisi"]


# -- errors ----------------------------------------------------------------------------------------


async def test_a_member_outside_the_directory_is_unreachable(wecom: WeComStandIn, api: WeComApi) -> None:
    load_company(wecom)
    with pytest.raises(WeComRecipientUnreachable) as error:
        await api.send("ghost", TEXT)
    assert error.value.errcode == 81013
    assert isinstance(channel_error(error.value), RecipientBlocked)


async def test_an_unreachable_server_is_a_transient_error(uow_factory: UowFactory) -> None:
    async with WeComApi(corp_id=CORP_ID, agent_id=AGENT_ID, secret=SECRET, uow_factory=uow_factory,
                        base_url="http://127.0.0.1:9", http=None) as api:
        with pytest.raises(WeComRetryable) as error:
            await api.send("zhangsan", TEXT)
    assert error.value.errcode is None
    assert isinstance(channel_error(error.value), TransientError)
    row = stored(uow_factory)
    assert row is not None and row.lease_owner is None


async def test_a_server_error_status_is_retryable(uow_factory: UowFactory) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/gettoken"):
            return httpx.Response(200, json={"errcode": 0, "access_token": "t", "expires_in": 7200})
        return httpx.Response(502, text="bad gateway")

    http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = WeComApi(corp_id=CORP_ID, agent_id=AGENT_ID, secret=SECRET, uow_factory=uow_factory, http=http)
    with pytest.raises(WeComRetryable, match="HTTP 502"):
        await api.departments()
    await http.aclose()


@pytest.mark.parametrize(
    ("errcode", "kind", "port_error"),
    [
        (-1, WeComRetryable, TransientError),
        (45009, WeComRetryable, RetryLater),
        (45033, WeComRetryable, RetryLater),
        (42001, WeComRetryable, TransientError),
        (81013, WeComRecipientUnreachable, RecipientBlocked),
        (60111, WeComRecipientUnreachable, RecipientBlocked),
        (40003, WeComRecipientUnreachable, RecipientBlocked),
        (40007, WeComPermanent, ChannelError),
        (44004, WeComPermanent, ChannelError),
    ],
)
def test_errcodes_map_to_the_channel_port(errcode: int, kind: type[WeComError], port_error: type[Exception]) -> None:
    error = error_for(errcode, "msg")
    assert type(error) is kind
    mapped = channel_error(error)
    assert type(mapped) is port_error
    if isinstance(mapped, RetryLater):
        assert mapped.seconds == {45009: 60.0, 45033: 1.0}[errcode]
