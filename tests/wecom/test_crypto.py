"""WeCom callback crypto against the published vectors (shared/wecom/test-vectors.md) and tampered copies."""

import base64
from dataclasses import dataclass, replace

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from bot.wecom.crypto import Reason, WeComCrypto, WeComCryptoError, parse_flat_xml, sign


@dataclass(frozen=True)
class Vector:
    name: str
    token: str
    key: str
    corp_id: str
    signature: str
    timestamp: str
    nonce: str
    ciphertext: str


A = {"token": "123456", "key": "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", "corp_id": "wx49f0ab532d5d035a"}
B = {"token": "QDG6eK", "key": "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "corp_id": "wx5823bf96d3bd56c7"}
C = {
    "token": "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo",
    "key": "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
    "corp_id": "ww1436e0e65a779aee",
}

URL_VECTORS = [
    (
        Vector(
            "A-url",
            **A,
            signature="dd6b9c95b495b3f7e2901bfbc76c664930ffdb96",
            timestamp="1411443780",
            nonce="437374425",
            ciphertext="4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==",
        ),
        "5927782489442352469",
    ),
    (
        Vector(
            "B-url",
            **B,
            signature="5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
            timestamp="1409659589",
            nonce="263014780",
            ciphertext="P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==",
        ),
        "1616140317555161061",
    ),
    (
        Vector(
            "C-url",
            **C,
            signature="012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb",
            timestamp="1476416373",
            nonce="47744683",
            ciphertext="fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==",
        ),
        "1288432023552776189",
    ),
]

MSG_VECTORS = [
    (
        Vector(
            "A-msg",
            **A,
            signature="74d92dfeb87ba7c714f89d98870ae5eb62dff26d",
            timestamp="1411525903",
            nonce="461056294",
            ciphertext=(
                "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv"
                "283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvk"
                "KR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdg"
                "pkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnT"
                "bcX2e8K9QaNWHp91eBdCRxthuL0="
            ),
        ),
        {"Content": "test", "FromUserName": "messense", "MsgId": "4363689963896700987", "AgentID": "1"},
    ),
    (
        Vector(
            "B-msg",
            **B,
            signature="477715d11cdb4164915debcba66cb864d751f3e6",
            timestamp="1409659813",
            nonce="1372623149",
            ciphertext=(
                "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg"
                "3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+k"
                "DZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6ti"
                "WSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p"
                "8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
            ),
        ),
        {"Content": "hello", "FromUserName": "mycreate", "MsgId": "4561255354251345929", "AgentID": "218"},
    ),
    (
        Vector(
            "C-msg",
            **C,
            signature="0c3914025cb4b4d68103f6bfc8db550f79dcf48e",
            timestamp="1476422779",
            nonce="1597212914",
            ciphertext=(
                "Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLN"
                "shw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh"
                "010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNf"
                "SsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+"
            ),
        ),
        {"Content": "你好", "FromUserName": "ChenJiaShun", "MsgId": "1456453720", "AgentID": "1000002"},
    ),
]

ALL_VECTORS = [v for v, _ in URL_VECTORS] + [v for v, _ in MSG_VECTORS]

A_ENCRYPT_PLAINTEXT = (
    "<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n"
    "<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n"
    "<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>"
)
A_ENCRYPT_CIPHERTEXT = (
    "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtOb"
    "vesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8"
    "NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O"
    "5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3"
)


def crypto_for(vector: Vector, *, tolerance_seconds: float = 300.0, max_body_bytes: int = 256 * 1024) -> WeComCrypto:
    return WeComCrypto(
        vector.token, vector.key, vector.corp_id, tolerance_seconds=tolerance_seconds, max_body_bytes=max_body_bytes
    )


def open_vector(vector: Vector, *, now: float | None = None) -> str:
    """Run a vector through the GET or POST path its name says."""
    crypto = crypto_for(vector)
    moment = float(vector.timestamp) if now is None else now
    if vector.name.endswith("-url"):
        return crypto.verify_url(vector.signature, vector.timestamp, vector.nonce, vector.ciphertext, now=moment)
    return crypto.decrypt_message(vector.signature, vector.timestamp, vector.nonce, vector.ciphertext, now=moment)


def refused(vector: Vector, *, now: float | None = None) -> Reason:
    with pytest.raises(WeComCryptoError) as caught:
        open_vector(vector, now=now)
    return caught.value.reason


# -- independent AES helpers, so tampered plaintexts can be re-encrypted and re-signed -------------


def aes_key(vector: Vector) -> bytes:
    return base64.b64decode(vector.key + "=")


def raw_decrypt(vector: Vector) -> bytes:
    key = aes_key(vector)
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    return decryptor.update(base64.b64decode(vector.ciphertext)) + decryptor.finalize()


def with_raw_plaintext(vector: Vector, padded: bytes) -> Vector:
    """The vector carrying `padded` (already a multiple of 16) as its ciphertext, correctly signed."""
    key = aes_key(vector)
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    ciphertext = base64.b64encode(encryptor.update(padded) + encryptor.finalize()).decode()
    return replace(
        vector, ciphertext=ciphertext, signature=sign(vector.token, vector.timestamp, vector.nonce, ciphertext)
    )


def repad(content: bytes) -> bytes:
    pad = 32 - len(content) % 32
    return content + bytes([pad]) * pad


def unpadded(vector: Vector) -> bytes:
    plain = raw_decrypt(vector)
    return plain[: -plain[-1]]


# -- published vectors -----------------------------------------------------------------------------


@pytest.mark.parametrize(("vector", "plaintext"), URL_VECTORS, ids=lambda v: getattr(v, "name", ""))
def test_url_verification_vectors_decrypt_to_the_echostr(vector: Vector, plaintext: str) -> None:
    assert open_vector(vector) == plaintext


@pytest.mark.parametrize(("vector", "fields"), MSG_VECTORS, ids=lambda v: getattr(v, "name", ""))
def test_message_vectors_decrypt_to_the_published_fields(vector: Vector, fields: dict[str, str]) -> None:
    inner = parse_flat_xml(open_vector(vector))
    assert {name: inner[name] for name in fields} == fields
    assert inner["ToUserName"] == vector.corp_id


@pytest.mark.parametrize(("vector", "fields"), MSG_VECTORS, ids=lambda v: getattr(v, "name", ""))
def test_message_vectors_decrypt_from_the_whole_post_body(vector: Vector, fields: dict[str, str]) -> None:
    body = f"<xml><ToUserName><![CDATA[{vector.corp_id}]]></ToUserName><Encrypt><![CDATA[{vector.ciphertext}]]>"
    body += "</Encrypt><AgentID><![CDATA[1]]></AgentID></xml>"
    crypto = crypto_for(vector)
    inner = crypto.decrypt_message(vector.signature, vector.timestamp, vector.nonce, body, now=float(vector.timestamp))
    assert parse_flat_xml(inner)["Content"] == fields["Content"]


def test_a_encrypt_vector_is_reproduced_exactly() -> None:
    crypto = WeComCrypto(A["token"], A["key"], A["corp_id"])
    encrypt_b64, signature = crypto.encrypt(
        A_ENCRYPT_PLAINTEXT, nonce="461056294", timestamp="1411525903", random16=b"1234567890123456"
    )
    assert (encrypt_b64, signature) == (A_ENCRYPT_CIPHERTEXT, "407518b7649e86ef23978113f92d27afa9296533")


# -- tampered variants -----------------------------------------------------------------------------


@pytest.mark.parametrize("vector", ALL_VECTORS, ids=lambda v: v.name)
def test_changed_nonce_is_refused(vector: Vector) -> None:
    assert refused(replace(vector, nonce=vector.nonce + "1")) == Reason.BAD_SIGNATURE


@pytest.mark.parametrize("vector", ALL_VECTORS, ids=lambda v: v.name)
def test_changed_timestamp_is_refused(vector: Vector) -> None:
    changed = str(int(vector.timestamp) + 1)
    assert refused(replace(vector, timestamp=changed), now=float(changed)) == Reason.BAD_SIGNATURE


@pytest.mark.parametrize("vector", ALL_VECTORS, ids=lambda v: v.name)
def test_changed_signature_is_refused(vector: Vector) -> None:
    last = "0" if vector.signature[-1] != "0" else "1"
    assert refused(replace(vector, signature=vector.signature[:-1] + last)) == Reason.BAD_SIGNATURE


@pytest.mark.parametrize("vector", ALL_VECTORS, ids=lambda v: v.name)
def test_one_changed_ciphertext_byte_is_refused(vector: Vector) -> None:
    raw = bytearray(base64.b64decode(vector.ciphertext))
    raw[5] ^= 0x01
    ciphertext = base64.b64encode(bytes(raw)).decode()
    assert refused(replace(vector, ciphertext=ciphertext)) == Reason.BAD_SIGNATURE


@pytest.mark.parametrize("vector", ALL_VECTORS, ids=lambda v: v.name)
def test_changed_ciphertext_byte_is_refused_even_when_re_signed(vector: Vector) -> None:
    """An attacker who knew the token still cannot make a flipped byte decrypt cleanly (here: the last block)."""
    raw = bytearray(base64.b64decode(vector.ciphertext))
    raw[-1] ^= 0x01
    ciphertext = base64.b64encode(bytes(raw)).decode()
    signed = replace(
        vector, ciphertext=ciphertext, signature=sign(vector.token, vector.timestamp, vector.nonce, ciphertext)
    )
    assert refused(signed) in {Reason.BAD_PADDING, Reason.BAD_LENGTH, Reason.BAD_RECEIVE_ID}


@pytest.mark.parametrize("vector", ALL_VECTORS, ids=lambda v: v.name)
def test_inconsistent_padding_byte_is_refused(vector: Vector) -> None:
    plain = bytearray(raw_decrypt(vector))
    pad = plain[-1]
    if pad >= 2:
        plain[-2] = pad ^ 0x01  # one pad byte differs from the others
    else:
        plain[-1] = 3  # claims three pad bytes where the two before it are message text
        assert plain[-3:-1] != b"\x03\x03"
    assert refused(with_raw_plaintext(vector, bytes(plain))) == Reason.BAD_PADDING


@pytest.mark.parametrize("pad_value", [0, 33, 255])
def test_pad_value_outside_1_to_32_is_refused(pad_value: int) -> None:
    vector = URL_VECTORS[0][0]
    plain = bytearray(raw_decrypt(vector))
    plain[-1] = pad_value
    assert refused(with_raw_plaintext(vector, bytes(plain))) == Reason.BAD_PADDING


@pytest.mark.parametrize("vector", ALL_VECTORS, ids=lambda v: v.name)
def test_length_longer_than_the_content_is_refused(vector: Vector) -> None:
    content = bytearray(unpadded(vector))
    content[16:20] = (len(content)).to_bytes(4, "big")
    assert refused(with_raw_plaintext(vector, repad(bytes(content)))) == Reason.BAD_LENGTH


@pytest.mark.parametrize("vector", ALL_VECTORS, ids=lambda v: v.name)
def test_length_shorter_than_the_message_is_refused(vector: Vector) -> None:
    content = bytearray(unpadded(vector))
    length = int.from_bytes(content[16:20], "big")
    content[16:20] = (length - 1).to_bytes(4, "big")
    assert refused(with_raw_plaintext(vector, repad(bytes(content)))) == Reason.BAD_RECEIVE_ID


@pytest.mark.parametrize("vector", ALL_VECTORS, ids=lambda v: v.name)
def test_other_receive_id_is_refused(vector: Vector) -> None:
    content = unpadded(vector)
    other = content[: -len(vector.corp_id)] + b"ww0000000000000000"
    assert refused(with_raw_plaintext(vector, repad(other))) == Reason.BAD_RECEIVE_ID


@pytest.mark.parametrize("vector", ALL_VECTORS, ids=lambda v: v.name)
def test_a_different_corp_id_refuses_the_vector(vector: Vector) -> None:
    crypto = WeComCrypto(vector.token, vector.key, vector.corp_id + "x")
    with pytest.raises(WeComCryptoError) as caught:
        crypto.verify_url(
            vector.signature, vector.timestamp, vector.nonce, vector.ciphertext, now=float(vector.timestamp)
        )
    assert caught.value.reason == Reason.BAD_RECEIVE_ID


@pytest.mark.parametrize("vector", ALL_VECTORS, ids=lambda v: v.name)
def test_stale_and_future_timestamps_are_refused(vector: Vector) -> None:
    sent = float(vector.timestamp)
    assert open_vector(vector, now=sent + 300) != ""
    assert refused(vector, now=sent + 301) == Reason.STALE_TIMESTAMP
    assert refused(vector, now=sent - 301) == Reason.STALE_TIMESTAMP


def test_the_tolerance_is_a_constructor_parameter() -> None:
    vector = URL_VECTORS[0][0]
    crypto = crypto_for(vector, tolerance_seconds=10.0)
    with pytest.raises(WeComCryptoError) as caught:
        crypto.verify_url(
            vector.signature, vector.timestamp, vector.nonce, vector.ciphertext, now=float(vector.timestamp) + 11
        )
    assert caught.value.reason == Reason.STALE_TIMESTAMP


@pytest.mark.parametrize("timestamp", ["", "abc", "-5", "1e9", "１２３"])
def test_malformed_timestamp_is_refused(timestamp: str) -> None:
    vector = replace(URL_VECTORS[0][0], timestamp=timestamp)
    assert refused(vector, now=0.0) == Reason.BAD_TIMESTAMP


@pytest.mark.parametrize(
    "ciphertext",
    ["", "not base64!", base64.b64encode(b"short").decode(), base64.b64encode(b"x" * 17).decode()],
)
def test_ciphertext_that_is_not_whole_aes_blocks_is_refused(ciphertext: str) -> None:
    vector = URL_VECTORS[0][0]
    signed = replace(
        vector, ciphertext=ciphertext, signature=sign(vector.token, vector.timestamp, vector.nonce, ciphertext)
    )
    assert refused(signed) in {Reason.BAD_BASE64, Reason.BAD_CIPHERTEXT}


@pytest.mark.parametrize("key", ["", "a" * 42, "a" * 44, "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1a!"])
def test_wrong_encoding_aes_key_fails_at_construction(key: str) -> None:
    with pytest.raises(ValueError, match="EncodingAESKey"):
        WeComCrypto("token", key, "corp")


# -- XML envelope guards ---------------------------------------------------------------------------


def test_doctype_and_entity_bodies_are_refused() -> None:
    vector = MSG_VECTORS[0][0]
    crypto = crypto_for(vector)
    bomb = '<!DOCTYPE xml [<!ENTITY a "aaaa">]><xml><Encrypt>&a;</Encrypt></xml>'
    for body in (bomb, '<xml><!ENTITY x "y"><Encrypt>x</Encrypt></xml>', "<!doctype xml><xml/>"):
        with pytest.raises(WeComCryptoError) as caught:
            crypto.decrypt_message(vector.signature, vector.timestamp, vector.nonce, body, now=float(vector.timestamp))
        assert caught.value.reason == Reason.BAD_XML


def test_oversized_body_is_refused() -> None:
    vector = MSG_VECTORS[0][0]
    crypto = crypto_for(vector, max_body_bytes=1024)
    body = "<xml><Encrypt>" + "A" * 2000 + "</Encrypt></xml>"
    with pytest.raises(WeComCryptoError) as caught:
        crypto.decrypt_message(vector.signature, vector.timestamp, vector.nonce, body, now=float(vector.timestamp))
    assert caught.value.reason == Reason.TOO_LARGE


def test_body_without_encrypt_and_broken_xml_are_refused() -> None:
    vector = MSG_VECTORS[0][0]
    crypto = crypto_for(vector)
    now = float(vector.timestamp)
    for body, reason in (
        ("<xml><ToUserName>x</ToUserName></xml>", Reason.NO_ENCRYPT),
        ("<xml><Encrypt>", Reason.BAD_XML),
    ):
        with pytest.raises(WeComCryptoError) as caught:
            crypto.decrypt_message(vector.signature, vector.timestamp, vector.nonce, body, now=now)
        assert caught.value.reason == reason


# -- round trips -----------------------------------------------------------------------------------


CROSS_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


@pytest.mark.parametrize(
    "message",
    ["<xml><Content><![CDATA[请假申请：明天上午 9:00–12:00，已批准 ✅]]></Content></xml>", "办" * 2000, "x" * 2000, ""],
    ids=["chinese-xml", "2000-chinese-chars", "2000-bytes", "empty"],
)
def test_encrypt_then_decrypt_round_trips(message: str) -> None:
    crypto = WeComCrypto("tok", CROSS_KEY, "ww1234567890abcdef")
    encrypt_b64, signature = crypto.encrypt(message, nonce="n1", timestamp=1_700_000_000)
    assert crypto.decrypt_message(signature, "1700000000", "n1", encrypt_b64, now=1_700_000_000.0) == message


def test_a_2000_byte_message_fills_whole_32_byte_blocks() -> None:
    crypto = WeComCrypto("tok", CROSS_KEY, "corp")
    encrypt_b64, _ = crypto.encrypt("y" * 2000, nonce="n", timestamp=1)
    assert len(base64.b64decode(encrypt_b64)) % 32 == 0


def test_callback_envelope_decrypts_with_the_whole_body() -> None:
    crypto = WeComCrypto("tok", CROSS_KEY, "ww1234567890abcdef")
    body, signature = crypto.callback_envelope(
        "<xml><Content>嗨</Content></xml>", agent_id=1000002, nonce="n", timestamp=5
    )
    outer = parse_flat_xml(body)
    assert (outer["ToUserName"], outer["AgentID"]) == ("ww1234567890abcdef", "1000002")
    assert crypto.decrypt_message(signature, "5", "n", body, now=5.0) == "<xml><Content>嗨</Content></xml>"


def test_reply_envelope_carries_its_own_signature() -> None:
    crypto = WeComCrypto("tok", CROSS_KEY, "corp")
    reply = parse_flat_xml(crypto.reply_envelope("好的", nonce="abc", timestamp=99))
    assert (reply["TimeStamp"], reply["Nonce"]) == ("99", "abc")
    assert crypto.decrypt_message(reply["MsgSignature"], "99", "abc", reply["Encrypt"], now=99.0) == "好的"


def test_random_prefix_makes_each_encryption_different() -> None:
    crypto = WeComCrypto("tok", CROSS_KEY, "corp")
    first = crypto.encrypt("same", nonce="n", timestamp=1)
    second = crypto.encrypt("same", nonce="n", timestamp=1)
    assert first != second


def test_body_as_bytes_is_accepted_and_invalid_utf8_refused() -> None:
    vector, fields = MSG_VECTORS[2]
    crypto = crypto_for(vector)
    body = f"<xml><Encrypt><![CDATA[{vector.ciphertext}]]></Encrypt></xml>".encode()
    now = float(vector.timestamp)
    inner = crypto.decrypt_message(vector.signature, vector.timestamp, vector.nonce, body, now=now)
    assert parse_flat_xml(inner)["Content"] == fields["Content"]
    with pytest.raises(WeComCryptoError) as caught:
        crypto.decrypt_message(vector.signature, vector.timestamp, vector.nonce, b"<xml>\xff</xml>", now=now)
    assert caught.value.reason == Reason.BAD_XML
