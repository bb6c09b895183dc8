"""A local stand-in for WeCom's server side (企业微信), for tests and the sandbox.

async with WeComStandIn(crypto=WeComCrypto(token, aes_key, corp_id), corp_id=corp_id) as wecom:
    wecom.load_directory([Department(1, "总部")], [Member("zhangsan", "张三")])
    wecom.callback_url = "http://127.0.0.1:8080/wecom/callback"
    ...point the bot at wecom.api_base with wecom.corp_secret...
    await wecom.post_text("zhangsan", "请假")
    assert wecom.texts("zhangsan") == [...]
"""

from standins.wecom.directory import Department, Member
from standins.wecom.member_side import Callback, CallbackCrypto, Delivery, UrlCheck
from standins.wecom.outbox import SentMessage, Undelivered
from standins.wecom.server import WeComStandIn

__all__ = [
    "Callback",
    "CallbackCrypto",
    "Delivery",
    "Department",
    "Member",
    "SentMessage",
    "Undelivered",
    "UrlCheck",
    "WeComStandIn",
]
