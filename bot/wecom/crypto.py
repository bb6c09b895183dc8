"""WeCom callback crypto (企业微信 加解密方案), written from WeCom's published scheme.

WeCom signs and encrypts every callback it posts to us, and expects the same of our passive replies:

- signature: ``sha1("".join(sorted([token, timestamp, nonce, ciphertext])))`` in lowercase hex;
- key: ``base64(EncodingAESKey + "=")`` (32 bytes), AES-256-CBC with IV = the key's first 16 bytes;
- plaintext: 16 random bytes + 4-byte big-endian message length + message + receiveid (the corp id),
  PKCS#7-padded to a multiple of **32** bytes (not the AES block size: WeCom's SDKs all do this).

Everything that can fail raises `WeComCryptoError` with a short reason code. We check the signature
before decrypting anything, so a forged body never reaches the padding or length checks, and the reason
never says which byte was wrong.
"""

import base64
import binascii
import hashlib
import hmac
import os
import xml.etree.ElementTree as ET
from enum import StrEnum

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK_SIZE = 32  # WeCom pads to 32 bytes, which is a multiple of AES's 16-byte block
RANDOM_PREFIX = 16
LENGTH_FIELD = 4
DEFAULT_TOLERANCE_SECONDS = 300.0
DEFAULT_MAX_BODY_BYTES = 256 * 1024  # callbacks are a few KB; a huge body is an attack, not a message
_FORBIDDEN_MARKUP = ("<!doctype", "<!entity")


class Reason(StrEnum):
    """Why a callback was refused: short, stable codes for logs and tests."""

    TOO_LARGE = "too_large"
    BAD_XML = "bad_xml"
    NO_ENCRYPT = "no_encrypt"
    BAD_TIMESTAMP = "bad_timestamp"
    STALE_TIMESTAMP = "stale_timestamp"
    BAD_SIGNATURE = "bad_signature"
    BAD_BASE64 = "bad_base64"
    BAD_CIPHERTEXT = "bad_ciphertext"
    BAD_PADDING = "bad_padding"
    BAD_LENGTH = "bad_length"
    BAD_RECEIVE_ID = "bad_receive_id"
    BAD_TEXT = "bad_text"


class WeComCryptoError(Exception):
    """A callback or echostr we refuse; `reason` says why in one code, nothing more."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(str(reason))
        self.reason = reason


def sign(token: str, timestamp: str, nonce: str, ciphertext: str) -> str:
    """WeCom's msg_signature: sha1 over the four values sorted as strings, lowercase hex."""
    joined = "".join(sorted([token, timestamp, nonce, ciphertext]))
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()


def decode_aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte AES key behind a 43-character EncodingAESKey; ValueError for anything else."""
    if len(encoding_aes_key) != 43:
        raise ValueError(f"EncodingAESKey must be exactly 43 characters, got {len(encoding_aes_key)}")
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except binascii.Error as exc:
        raise ValueError("EncodingAESKey is not base64") from exc
    if len(key) != 32:
        raise ValueError(f"EncodingAESKey must decode to 32 bytes, got {len(key)}")
    return key


def pkcs7_pad(data: bytes) -> bytes:
    """Pad to a multiple of 32 bytes, always adding 1..32 bytes of the pad length."""
    pad = BLOCK_SIZE - len(data) % BLOCK_SIZE
    return data + bytes([pad]) * pad


def pkcs7_unpad(data: bytes) -> bytes:
    """Strip WeCom's padding, refusing a pad value outside 1..32 or pad bytes that differ."""
    if not data:
        raise WeComCryptoError(Reason.BAD_PADDING)
    pad = data[-1]
    if not 1 <= pad <= BLOCK_SIZE or pad > len(data):
        raise WeComCryptoError(Reason.BAD_PADDING)
    if not hmac.compare_digest(data[-pad:], bytes([pad]) * pad):
        raise WeComCryptoError(Reason.BAD_PADDING)
    return data[:-pad]


def check_markup(body: str | bytes, max_bytes: int) -> None:
    """Refuse an oversized body and any DOCTYPE or ENTITY (entity expansion, external entities)."""
    if len(body) > max_bytes:
        raise WeComCryptoError(Reason.TOO_LARGE)
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    lowered = text.lower()
    if any(marker in lowered for marker in _FORBIDDEN_MARKUP):
        raise WeComCryptoError(Reason.BAD_XML)


def parse_flat_xml(body: str | bytes, *, max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> dict[str, str]:
    """A WeCom ``<xml>`` document as {child tag: text}, after the size and DOCTYPE/ENTITY checks.

    WeCom's callback and message XML is flat (one level of children), except a select card's answer:
    the ``OptionId`` values nested in ``SelectedItems`` are gathered into ``OptionIds`` ("a|b").
    """
    check_markup(body, max_bytes)
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise WeComCryptoError(Reason.BAD_XML) from exc
    fields = {child.tag: (child.text or "") for child in root}
    options = [(item.text or "") for item in root.iter("OptionId")]  # a select card's choice, nested
    if options:
        fields["OptionIds"] = "|".join(options)
    return fields


def cdata(text: str) -> str:
    """`text` as CDATA; a ``]]>`` inside is split over two sections so it cannot end the section early."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


class WeComCrypto:
    """One WeCom app's callback crypto: verify and decrypt what WeCom posts, encrypt what we send back."""

    def __init__(
        self,
        token: str,
        encoding_aes_key: str,
        receive_id: str,
        *,
        tolerance_seconds: float = DEFAULT_TOLERANCE_SECONDS,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        if not token:
            raise ValueError("token must not be empty")
        if not receive_id:
            raise ValueError("receive_id (the corp id) must not be empty")
        self.token = token
        self.receive_id = receive_id
        self.tolerance_seconds = tolerance_seconds
        self.max_body_bytes = max_body_bytes
        self._key = decode_aes_key(encoding_aes_key)
        self._iv = self._key[:16]

    # -- receiving --------------------------------------------------------------------------

    def verify_url(self, msg_signature: str, timestamp: str, nonce: str, echostr: str, *, now: float) -> str:
        """The plaintext to answer WeCom's GET URL check with, after checking the signature and time."""
        if len(echostr) > self.max_body_bytes:
            raise WeComCryptoError(Reason.TOO_LARGE)
        return self._open(msg_signature, timestamp, nonce, echostr, now=now)

    def decrypt_message(
        self, msg_signature: str, timestamp: str, nonce: str, body_xml_or_encrypt: str | bytes, *, now: float
    ) -> str:
        """The inner XML of a POSTed callback; accepts the whole ``<xml>`` body or just its Encrypt value."""
        check_markup(body_xml_or_encrypt, self.max_body_bytes)
        try:
            text = (
                body_xml_or_encrypt.decode("utf-8") if isinstance(body_xml_or_encrypt, bytes) else body_xml_or_encrypt
            )
        except UnicodeDecodeError as exc:
            raise WeComCryptoError(Reason.BAD_XML) from exc
        if text.lstrip().startswith("<"):
            encrypt = parse_flat_xml(text, max_bytes=self.max_body_bytes).get("Encrypt", "")
            if not encrypt:
                raise WeComCryptoError(Reason.NO_ENCRYPT)
        else:
            encrypt = text.strip()
        return self._open(msg_signature, timestamp, nonce, encrypt, now=now)

    def _open(self, msg_signature: str, timestamp: str, nonce: str, ciphertext: str, *, now: float) -> str:
        moment = _parse_timestamp(timestamp)
        expected = sign(self.token, timestamp, nonce, ciphertext)
        if not hmac.compare_digest(expected.encode("ascii"), msg_signature.lower().encode("utf-8")):
            raise WeComCryptoError(Reason.BAD_SIGNATURE)
        if abs(now - moment) > self.tolerance_seconds:
            raise WeComCryptoError(Reason.STALE_TIMESTAMP)
        return self._decrypt(ciphertext)

    def _decrypt(self, ciphertext: str) -> str:
        try:
            raw = base64.b64decode(ciphertext, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise WeComCryptoError(Reason.BAD_BASE64) from exc
        if not raw or len(raw) % 16:
            raise WeComCryptoError(Reason.BAD_CIPHERTEXT)
        decryptor = Cipher(algorithms.AES(self._key), modes.CBC(self._iv)).decryptor()
        content = pkcs7_unpad(decryptor.update(raw) + decryptor.finalize())
        header = RANDOM_PREFIX + LENGTH_FIELD
        if len(content) < header:
            raise WeComCryptoError(Reason.BAD_LENGTH)
        length = int.from_bytes(content[RANDOM_PREFIX:header], "big")
        if length > len(content) - header:
            raise WeComCryptoError(Reason.BAD_LENGTH)
        message, receive_id = content[header : header + length], content[header + length :]
        if not hmac.compare_digest(receive_id, self.receive_id.encode("utf-8")):
            raise WeComCryptoError(Reason.BAD_RECEIVE_ID)
        try:
            return message.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise WeComCryptoError(Reason.BAD_TEXT) from exc

    # -- sending ----------------------------------------------------------------------------

    def encrypt(
        self, plaintext: str, *, nonce: str, timestamp: str | int, random16: bytes | None = None
    ) -> tuple[str, str]:
        """(Encrypt value in base64, msg_signature) for `plaintext`; `random16` fixes the prefix for tests."""
        prefix = os.urandom(RANDOM_PREFIX) if random16 is None else random16
        if len(prefix) != RANDOM_PREFIX:
            raise ValueError("random16 must be exactly 16 bytes")
        message = plaintext.encode("utf-8")
        packed = prefix + len(message).to_bytes(LENGTH_FIELD, "big") + message + self.receive_id.encode("utf-8")
        encryptor = Cipher(algorithms.AES(self._key), modes.CBC(self._iv)).encryptor()
        ciphertext = encryptor.update(pkcs7_pad(packed)) + encryptor.finalize()
        encrypt_b64 = base64.b64encode(ciphertext).decode("ascii")
        return encrypt_b64, sign(self.token, str(timestamp), nonce, encrypt_b64)

    def reply_envelope(self, plaintext: str, *, nonce: str, timestamp: str | int, random16: bytes | None = None) -> str:
        """The encrypted passive-reply XML we answer a callback with (Encrypt, MsgSignature, TimeStamp, Nonce)."""
        encrypt_b64, signature = self.encrypt(plaintext, nonce=nonce, timestamp=timestamp, random16=random16)
        return (
            f"<xml><Encrypt>{cdata(encrypt_b64)}</Encrypt><MsgSignature>{cdata(signature)}</MsgSignature>"
            f"<TimeStamp>{int(timestamp)}</TimeStamp><Nonce>{cdata(nonce)}</Nonce></xml>"
        )

    def callback_envelope(
        self, plaintext: str, *, agent_id: str | int, nonce: str, timestamp: str | int, random16: bytes | None = None
    ) -> tuple[str, str]:
        """(POST body, msg_signature) of a callback as WeCom posts it: ToUserName, Encrypt, AgentID."""
        encrypt_b64, signature = self.encrypt(plaintext, nonce=nonce, timestamp=timestamp, random16=random16)
        body = (
            f"<xml><ToUserName>{cdata(self.receive_id)}</ToUserName><Encrypt>{cdata(encrypt_b64)}</Encrypt>"
            f"<AgentID>{cdata(str(agent_id))}</AgentID></xml>"
        )
        return body, signature


def _parse_timestamp(timestamp: str) -> int:
    """Unix seconds from WeCom's decimal timestamp string."""
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        raise WeComCryptoError(Reason.BAD_TIMESTAMP)
    return int(timestamp)
