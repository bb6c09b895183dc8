"""The sandbox's WeCom page: the same demo company in 企业微信, served by the same bot as the Telegram page."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.sandbox import Sandbox
from bot.settings import Settings
from tests.e2e.harness import VirtualPace

pytestmark = pytest.mark.wire  # over HTTP, on both databases (tests/conftest.py)


async def _said(client: httpx.AsyncClient, base: str, userid: str, contains: str) -> list[dict[str, Any]]:
    """Poll the WeCom page's chat until the app said something containing `contains`; the app's messages."""
    for _ in range(200):
        said = [m for m in (await client.get(f"{base}sandbox/chat/{userid}")).json() if m["from_app"]]
        if any(contains in (m.get("text") or "") + str(m.get("card") or "") for m in said):
            return said
        await asyncio.sleep(0.05)
    raise AssertionError(f"the app never said {contains!r} to {userid}: {said}")


async def test_the_wecom_page_talks_to_the_same_bot_and_company(tmp_path: Path) -> None:
    settings = Settings(DATABASE_URL=f"sqlite:///{tmp_path}/sandbox.sqlite3", OFFICEBOT_SCHEDULER=False)  # type: ignore[call-arg]
    for run in range(2):  # and again after a restart over the same database
        sandbox = Sandbox(settings, port=0)
        telegram_base = await sandbox.start()
        assert sandbox.runtime is not None and sandbox.runtime.sender is not None
        VirtualPace().install(sandbox.runtime.sender)  # WeCom's 2 at once, then one per 2 s: on virtual time
        base = sandbox.wecom_address
        try:
            async with httpx.AsyncClient() as client:
                page = await client.get(base)
                assert page.status_code == 200 and "企业微信" in page.text
                people = (await client.get(f"{base}sandbox/people")).json()
                lina = next(p for p in people if p["name"] == "李娜")
                menu = (await client.get(f"{base}sandbox/menu")).json()
                checkin = next(b for top in menu["button"] for b in top["sub_button"] if b["name"] == "签到")

                await client.post(f"{base}sandbox/send", json={"userid": lina["userid"], "text": "/help"})
                await _said(client, base, lina["userid"], "您可以使用")
                if run == 0:
                    await client.post(f"{base}sandbox/click", json={"userid": lina["userid"], "key": checkin["key"],
                                                                    "text": "签到"})
                    await _said(client, base, lina["userid"], "位置")
                    await client.post(f"{base}sandbox/location", json={"userid": lina["userid"], "far": False})
                    review = (await _said(client, base, lina["userid"], "请核对"))[-1]["card"]
                    confirm = next(b for b in review["buttons"] if "签到" in b["text"])
                    await client.post(f"{base}sandbox/card", json={
                        "userid": lina["userid"], "key": confirm["key"], "text": confirm["text"],
                        "task_id": review["task_id"], "response_code": review["response_code"]})
                    await _said(client, base, lina["userid"], "已签到")

                    head = next(p for p in (await client.get(f"{telegram_base}sandbox/people")).json()
                                if p["name"] == "张伟")  # the office head, on the Telegram page
                    await client.post(f"{telegram_base}sandbox/send", json={"user_id": head["id"], "text": "/today"})
                    for _ in range(200):
                        chat = (await client.get(f"{telegram_base}sandbox/chat/{head['id']}")).json()["messages"]
                        if any("李娜" in str(m["text"]) for m in chat if m["from_bot"]):
                            break
                        await asyncio.sleep(0.05)
                    else:
                        raise AssertionError(f"the head's /today does not show 李娜: {chat}")
        finally:
            await sandbox.stop()
