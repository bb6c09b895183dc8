"""The sandbox a newcomer starts with no token: demo people, the chat page, the real bot behind it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from bot.sandbox import Sandbox
from bot.settings import Settings


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
            assert "office_head" in head["label"]
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
