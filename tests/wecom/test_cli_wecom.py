"""`officebot admin sync-wecom` and `officebot admin wecom-menu` against the WeCom stand-in, on both databases."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.cli import main
from bot.wecom.menu import APP_MENU, menu_body, menu_commands
from handlers.registry import build_router
from standins.wecom import WeComStandIn
from tests.wecom.standin_app import load_company, make_standin, wecom_env


@pytest.fixture
async def wecom(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[WeComStandIn]:
    async with make_standin() as server:
        for name, value in wecom_env(server.url).items():
            monkeypatch.setenv(name, value)
        yield server


async def cli(*argv: str) -> int:
    """Run the CLI in a worker thread: it starts its own event loop, the stand-in keeps this one."""
    return await asyncio.to_thread(main, list(argv))


async def test_sync_wecom_binds_then_creates_with_progress_on_stderr(
    wecom: WeComStandIn, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    load_company(wecom)
    db = ("--database", database_url)
    for office in ("上海办事处", "成都办事处"):
        assert await cli(*db, "admin", "create-office", "--name", office) == 0
    assert await cli(*db, "admin", "invite", "--office", "上海办事处", "--role", "sales", "--name", "张三") == 0
    capsys.readouterr()

    assert await cli(*db, "admin", "sync-wecom", "--progress-every", "2") == 0
    out, err = capsys.readouterr()
    lines = out.strip().splitlines()
    assert lines[0].startswith("bound 1, already bound 0, created 0, unmatched 4, ambiguous 0")
    assert "bound: 张三 (zhangsan) in 上海办事处" in lines
    assert "department without an office: 财务部 (id 5)" in lines
    assert "unmatched: 李四 (lisi): no unbound staff of this name in 上海办事处" in lines
    assert err.strip().splitlines() == [
        "fetched 2 members (2/5 departments)",
        "fetched 4 members (4/5 departments)",
        "fetched 5 members (5/5 departments)",
        "matched 2/5 members",
        "matched 4/5 members",
        "matched 5/5 members",
    ]

    assert await cli(*db, "admin", "sync-wecom", "--create") == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("bound 0, already bound 1, created 3, unmatched 1")
    assert [line for line in lines if line.startswith("created: ")] == [
        "created: 李四 (lisi) in 上海办事处",
        "created: 王五 (wangwu) in 上海办事处",
        "created: 赵六 (zhaoliu) in 成都办事处",
    ]
    assert wecom.token_fetches == 1  # the second run took the token the first one stored


async def test_sync_wecom_refuses_an_unknown_role_in_one_line(
    wecom: WeComStandIn, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    load_company(wecom)
    assert await cli("--database", database_url, "admin", "sync-wecom", "--create", "--role", "巫师") == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == "officebot: unknown role: 巫师"


async def test_wecom_menu_publishes_the_app_menu(
    wecom: WeComStandIn, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await cli("--database", database_url, "admin", "wecom-menu") == 0
    assert wecom.menus == [menu_body()]
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0] == "考勤日志: 签到 /checkin, 签退 /checkout, 周报 /weekly, 月报 /monthly"
    assert len(out) == len(APP_MENU)


async def test_a_wrong_secret_is_one_line_and_exit_code_1(
    wecom: WeComStandIn, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WECOM_SECRET", "not-the-secret")
    assert await cli("--database", database_url, "admin", "wecom-menu") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["officebot: WeCom 40001: invalid credential"]
    assert wecom.menus == []


def test_without_wecom_settings_the_commands_say_so(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in wecom_env("http://127.0.0.1:1"):
        monkeypatch.delenv(name, raising=False)
    assert main(["--database", database_url, "admin", "sync-wecom"]) == 2
    assert capsys.readouterr().err.strip().startswith("officebot: WeCom is not configured")


def test_every_menu_key_is_a_registered_command() -> None:
    registered = set(build_router().commands)
    assert [c for c in menu_commands() if c not in registered] == []


def test_the_menu_fits_wecoms_limits() -> None:
    body = menu_body()
    assert 1 <= len(body["button"]) <= 3
    assert all(1 <= len(b["sub_button"]) <= 5 for b in body["button"])
    with pytest.raises(ValueError, match="1-3 buttons"):
        menu_body((*APP_MENU, ("更多", (("帮助", "/help"),))))
