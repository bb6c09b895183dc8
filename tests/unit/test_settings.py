"""Settings: the contract names, derived URLs, and one clear line for a bad value."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.settings import SettingsError, load_settings


def test_defaults_and_file_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081/bot")
    settings = load_settings()
    assert settings.telegram_file_base_url == "http://127.0.0.1:8081/file/bot"
    assert settings.timezone == "Asia/Shanghai"
    assert settings.locale == "zh_CN"
    assert settings.database_url.startswith("sqlite")


@pytest.mark.parametrize(
    ("name", "value"),
    [("OFFICEBOT_TIMEZONE", "Mars/Base"), ("TELEGRAM_BOT_TOKEN", "changeme"), ("DATABASE_URL", "mysql://x"),
     ("OFFICEBOT_LOCALE", "fr"), ("TELEGRAM_API_BASE_URL", "ftp://x"), ("OFFICEBOT_WEBHOOK_PORT", "99999")],
)
def test_bad_setting_names_itself(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert name in str(error.value)
    assert "\n" not in str(error.value)


def test_cli_stops_with_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("OFFICEBOT_TIMEZONE", "Nowhere/City")
    assert main(["db", "upgrade"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "OFFICEBOT_TIMEZONE" in err[0]


def test_postgres_url_gets_the_psycopg_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@127.0.0.1/db")
    assert load_settings().database_url == "postgresql+psycopg://u@127.0.0.1/db"


def test_webhook_requires_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OFFICEBOT_WEBHOOK_URL", "https://bot.example.com")
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert "OFFICEBOT_WEBHOOK_SECRET" in str(error.value)
    monkeypatch.setenv("OFFICEBOT_WEBHOOK_SECRET", "s3cret-token-of-20-chars")
    assert load_settings().webhook_secret == "s3cret-token-of-20-chars"


@pytest.mark.parametrize(("url", "ok"), [("https://bot.example.com", True), ("http://127.0.0.1:8080", True),
                                         ("http://localhost:8080", True), ("http://bot.example.com", False),
                                         ("http://127.0.0.1.example.com", False)])
def test_a_plain_http_webhook_only_on_loopback(monkeypatch: pytest.MonkeyPatch, url: str, ok: bool) -> None:
    monkeypatch.setenv("OFFICEBOT_WEBHOOK_URL", url)
    monkeypatch.setenv("OFFICEBOT_WEBHOOK_SECRET", "s3cret-token-of-20-chars")
    if ok:
        assert load_settings().webhook_url == url
    else:
        with pytest.raises(SettingsError, match="loopback"):
            load_settings()
