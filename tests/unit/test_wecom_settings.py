"""WeCom settings: all five values or none, a 43-character AES key, one line naming what is missing."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.settings import WECOM_REQUIRED, SettingsError, load_settings

FULL = {
    "WECOM_CORP_ID": "ww1436e0e65a779aee",
    "WECOM_AGENT_ID": "1000002",
    "WECOM_SECRET": "s3cret",
    "WECOM_TOKEN": "QDG6eK",
    "WECOM_ENCODING_AES_KEY": "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
}


@pytest.fixture(autouse=True)
def _no_wecom_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [*FULL, "WECOM_API_BASE_URL"]:
        monkeypatch.delenv(name, raising=False)


def _set(monkeypatch: pytest.MonkeyPatch, values: dict[str, str]) -> None:
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def test_unset_means_not_configured_with_the_public_api_by_default() -> None:
    settings = load_settings()
    assert settings.wecom_configured is False
    assert settings.wecom_api_base_url == "https://qyapi.weixin.qq.com"


def test_empty_values_as_in_env_example_mean_not_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    _set(monkeypatch, {name: "" for name in FULL})
    assert load_settings().wecom_configured is False


def test_all_five_make_it_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    _set(monkeypatch, FULL)
    settings = load_settings()
    assert settings.wecom_configured is True
    assert (settings.wecom_corp_id, settings.wecom_agent_id) == ("ww1436e0e65a779aee", 1000002)


def test_a_partial_configuration_names_what_is_missing_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    _set(monkeypatch, {k: v for k, v in FULL.items() if k not in {"WECOM_TOKEN", "WECOM_ENCODING_AES_KEY"}})
    with pytest.raises(SettingsError) as error:
        load_settings()
    message = str(error.value)
    assert "WeCom is partly configured: WECOM_TOKEN, WECOM_ENCODING_AES_KEY missing" in message
    assert "\n" not in message


@pytest.mark.parametrize("only", list(FULL))
def test_any_single_value_alone_is_partial(monkeypatch: pytest.MonkeyPatch, only: str) -> None:
    _set(monkeypatch, {only: FULL[only]})
    with pytest.raises(SettingsError) as error:
        load_settings()
    missing = [name for name in WECOM_REQUIRED.values() if name != only]
    assert f"{', '.join(missing)} missing" in str(error.value)


@pytest.mark.parametrize("key", ["short", FULL["WECOM_ENCODING_AES_KEY"] + "x"])
def test_the_aes_key_must_be_43_characters(monkeypatch: pytest.MonkeyPatch, key: str) -> None:
    _set(monkeypatch, {**FULL, "WECOM_ENCODING_AES_KEY": key})
    with pytest.raises(SettingsError, match=r"WECOM_ENCODING_AES_KEY.*43 characters"):
        load_settings()


@pytest.mark.parametrize(
    ("name", "value"),
    [("WECOM_AGENT_ID", "app"), ("WECOM_AGENT_ID", "0"), ("WECOM_API_BASE_URL", "http://qyapi.weixin.qq.com"),
     ("WECOM_API_BASE_URL", "ftp://x")],
)
def test_bad_values_name_themselves(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    _set(monkeypatch, {**FULL, name: value})
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert name in str(error.value) and "\n" not in str(error.value)


def test_loopback_base_url_is_allowed_for_the_standin(monkeypatch: pytest.MonkeyPatch) -> None:
    _set(monkeypatch, {**FULL, "WECOM_API_BASE_URL": "http://127.0.0.1:9000/"})
    assert load_settings().wecom_api_base_url == "http://127.0.0.1:9000"


def test_cli_stops_on_a_partial_configuration_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _set(monkeypatch, {"WECOM_CORP_ID": FULL["WECOM_CORP_ID"]})
    assert main(["db", "upgrade"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "WECOM_AGENT_ID" in err[0]
