"""The sandbox a newcomer starts with no token: demo people, the chat page, the real bot behind it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from bot.sandbox import Sandbox
from bot.settings import Settings

pytestmark = pytest.mark.wire  # over HTTP, on both databases (tests/conftest.py)


async def _chat(client: httpx.AsyncClient, base: str, user_id: int, count: int) -> list[dict[str, object]]:
    """Poll the page's chat endpoint until the bot has said `count` things."""
    for _ in range(100):
        messages = (await client.get(f"{base}sandbox/chat/{user_id}")).json()["messages"]
        said = [m for m in messages if m["from_bot"]]
        if len(said) >= count:
            return said
        await asyncio.sleep(0.05)
    raise AssertionError(f"the bot said {len(said)} things, expected {count}")


async def test_sandbox_serves_the_demo_company(tmp_path: Path) -> None:
    settings = Settings(DATABASE_URL=f"sqlite:///{tmp_path}/sandbox.sqlite3", OFFICEBOT_SCHEDULER=False)  # type: ignore[call-arg]
    sandbox = Sandbox(settings, port=0)
    base = await sandbox.start()
    try:
        async with httpx.AsyncClient() as client:
            page = await client.get(base)
            assert page.status_code == 200 and "<html" in page.text.lower()
            people = (await client.get(f"{base}sandbox/people")).json()
            head = next(p for p in people if p["name"] == "张伟")
            assert head["label"] == "上海办事处 · 办事处负责人"  # the page is in Chinese, role names too
            await client.post(f"{base}sandbox/send", json={"user_id": head["id"], "text": "/help"})
            said = await _chat(client, base, head["id"], 1)
            assert str(said[0]["text"]).startswith("您可以使用")
            assert "/invite" in str(said[0]["text"])
    finally:
        await sandbox.stop()


async def test_sandbox_answers_after_a_restart_over_the_same_database(tmp_path: Path) -> None:
    """A new stand-in continues the update numbering, so the remembered ids never swallow new messages."""
    settings = Settings(DATABASE_URL=f"sqlite:///{tmp_path}/sandbox.sqlite3", OFFICEBOT_SCHEDULER=False)  # type: ignore[call-arg]
    for _run in range(2):
        sandbox = Sandbox(settings, port=0)
        base = await sandbox.start()
        try:
            async with httpx.AsyncClient() as client:
                people = (await client.get(f"{base}sandbox/people")).json()
                head = next(p for p in people if p["name"] == "张伟")
                await client.post(f"{base}sandbox/send", json={"user_id": head["id"], "text": "/help"})
                said = await _chat(client, base, head["id"], 1)
                assert str(said[0]["text"]).startswith("您可以使用")
        finally:
            await sandbox.stop()


async def test_the_page_is_in_chinese_takes_several_lines_and_its_chats_survive_a_restart(tmp_path: Path) -> None:
    """Issue #10: Chinese labels, a multi-line input box, and the history kept across a restart."""
    settings = Settings(DATABASE_URL=f"sqlite:///{tmp_path}/sandbox.sqlite3", OFFICEBOT_SCHEDULER=False)  # type: ignore[call-arg]
    seen: list[dict[str, object]] = []
    for run in range(2):
        sandbox = Sandbox(settings, port=0)
        base = await sandbox.start()
        try:
            async with httpx.AsyncClient() as client:
                people = (await client.get(f"{base}sandbox/people")).json()
                head = next(p for p in people if p["name"] == "张伟")
                if run == 0:
                    page = (await client.get(base)).text
                    assert "<textarea" in page and "我是" in page and "发送位置" in page
                    assert "Send location" not in page and "I am" not in page
                    await client.post(f"{base}sandbox/send", json={"user_id": head["id"], "text": "第一行\n第二行"})
                    await _chat(client, base, head["id"], 1)
                    seen = (await client.get(f"{base}sandbox/chat/{head['id']}")).json()["messages"]
                    assert seen[0]["text"] == "第一行\n第二行"
                else:
                    kept = (await client.get(f"{base}sandbox/chat/{head['id']}")).json()["messages"]
                    assert [m["text"] for m in kept] == [m["text"] for m in seen]  # before anything new is said
                    await client.post(f"{base}sandbox/send", json={"user_id": head["id"], "text": "/help"})
                    said = await _chat(client, base, head["id"], len([m for m in seen if m["from_bot"]]) + 1)
                    assert str(said[-1]["text"]).startswith("您可以使用")
                    ids = [m["id"] for m in (await client.get(f"{base}sandbox/chat/{head['id']}")).json()["messages"]]
                    assert ids == sorted(set(ids))  # new messages continue the numbering
        finally:
            await sandbox.stop()
