"""The WeCom stand-in started for one app, shared by the API, directory and CLI tests."""

from __future__ import annotations

from bot.wecom.crypto import WeComCrypto
from standins.wecom import Department, Member, WeComStandIn

TOKEN = "QDG6eK"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
CORP_ID = "ww1436e0e65a779aee"
SECRET = "s3cret"
AGENT_ID = 1000002


def make_standin() -> WeComStandIn:
    """An unstarted stand-in for our test app (real clock: the client computes expiry from it)."""
    return WeComStandIn(
        crypto=WeComCrypto(TOKEN, AES_KEY, CORP_ID), corp_id=CORP_ID, corp_secret=SECRET, agent_id=AGENT_ID
    )


def wecom_env(base_url: str) -> dict[str, str]:
    """The WECOM_* settings that point the bot at the stand-in."""
    return {
        "WECOM_CORP_ID": CORP_ID,
        "WECOM_AGENT_ID": str(AGENT_ID),
        "WECOM_SECRET": SECRET,
        "WECOM_TOKEN": TOKEN,
        "WECOM_ENCODING_AES_KEY": AES_KEY,
        "WECOM_API_BASE_URL": base_url,
    }


def load_company(standin: WeComStandIn) -> None:
    """A small address book: HQ, two branch offices (one with a sub-team), a department with no office."""
    standin.load_directory(
        [
            Department(1, "总公司"),
            Department(2, "上海办事处", parentid=1, order=1),
            Department(3, "上海维修组", parentid=2),
            Department(4, "成都办事处", parentid=1, order=2),
            Department(5, "财务部", parentid=1, order=3),
        ],
        [
            Member("zhangsan", "张三", department=(2,)),
            Member("lisi", "李四", department=(2,)),
            Member("wangwu", "王五", department=(3,)),
            Member("zhaoliu", "赵六", department=(4,)),
            Member("qianqi", "钱七", department=(5,)),
        ],
    )
