"""The WeCom (企业微信) channel: callback crypto now; the adapter that renders neutral messages comes next."""

from bot.wecom.crypto import Reason, WeComCrypto, WeComCryptoError, parse_flat_xml

__all__ = ["Reason", "WeComCrypto", "WeComCryptoError", "parse_flat_xml"]
