"""The WeCom app's menu (应用菜单): the everyday commands one tap away, each click sending its command.

A click arrives as a ``click`` event whose EventKey is the key below, so the keys are exactly the
command strings (``/checkin``) and the WeCom channel can treat a click as if the member had typed it.
WeCom allows at most 3 top-level buttons with at most 5 sub-buttons each, so attendance and reports
share the first button.
"""

from __future__ import annotations

from typing import Any

MAX_TOP_LEVEL = 3
MAX_SUB_BUTTONS = 5

# (top-level name, [(sub-button name, command)]); commands as registered in handlers/*.py
APP_MENU: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("考勤日志", (("签到", "/checkin"), ("签退", "/checkout"), ("周报", "/weekly"), ("月报", "/monthly"))),
    ("审批", (("请假", "/leave"), ("报销", "/expense"), ("待我审批", "/pending"), ("我的申请", "/requests"))),
    ("客户", (("客户", "/customer"), ("拜访", "/visit"), ("维修", "/repair"))),
)


def menu_body(menu: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = APP_MENU) -> dict[str, Any]:
    """The menu/create JSON body for `menu`; ValueError when it breaks WeCom's size limits."""
    if not 1 <= len(menu) <= MAX_TOP_LEVEL or any(not 1 <= len(subs) <= MAX_SUB_BUTTONS for _, subs in menu):
        raise ValueError(f"a WeCom menu has 1-{MAX_TOP_LEVEL} buttons of 1-{MAX_SUB_BUTTONS} sub-buttons")
    return {
        "button": [
            {"name": name, "sub_button": [{"type": "click", "name": label, "key": key} for label, key in subs]}
            for name, subs in menu
        ]
    }


def menu_commands(menu: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = APP_MENU) -> list[str]:
    """The command names the menu sends, without the slash (to check them against the router)."""
    return [key.removeprefix("/") for _, subs in menu for _, key in subs]
