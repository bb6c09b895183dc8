"""One typed Settings object, read from the environment and `.env`, validated at start-up."""

from __future__ import annotations

import os
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SUPPORTED_LOCALES = ("zh_CN", "en")
LOOPBACK_URLS = ("http://127.0.0.1:", "http://localhost:")  # a local deploy behind nginx, a stand-in
WECOM_REQUIRED = {  # field name -> setting name: the five values one WeCom app needs, all or none
    "wecom_corp_id": "WECOM_CORP_ID",
    "wecom_agent_id": "WECOM_AGENT_ID",
    "wecom_secret": "WECOM_SECRET",
    "wecom_token": "WECOM_TOKEN",
    "wecom_encoding_aes_key": "WECOM_ENCODING_AES_KEY",
}


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it in one line."""


def default_workers() -> int:
    """Update threads on PostgreSQL unless OFFICEBOT_WORKERS says: the machine's cores and one more.

    A handler is CPU-bound Python (2–4 ms an update); threads beyond the cores only queue for the GIL,
    and on 2 cores 8 of them left a fifth of the CPU idle: bench/throughput.py at 50 ms per Bot API call,
    PostgreSQL, four alternating runs each, did 161–168 /help and 145–149 answers per s with 8 (the
    process at 77–82 % of a core), 158–185 and 145–190 with 3 (92–102 %; means 176 and 169 against 166
    and 147); 2 and 4 were not better.
    The one more covers a thread waiting on the database. Raise it for a remote database, where a
    thread mostly waits.
    """
    return (os.cpu_count() or 1) + 1


class Settings(BaseSettings):
    """Every knob of the bot; `.env.example` documents each one."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: str | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str = Field(default="https://api.telegram.org/bot", alias="TELEGRAM_API_BASE_URL")
    database_url: str = Field(default="sqlite:///officebot.sqlite3", alias="DATABASE_URL")
    timezone: str = Field(default="Asia/Shanghai", alias="OFFICEBOT_TIMEZONE")
    locale: str = Field(default="zh_CN", alias="OFFICEBOT_LOCALE")
    company_name: str = Field(default="", max_length=60, alias="OFFICEBOT_COMPANY_NAME")  # titles of printed sheets
    webhook_url: str | None = Field(default=None, alias="OFFICEBOT_WEBHOOK_URL")
    webhook_listen: str = Field(default="127.0.0.1", alias="OFFICEBOT_WEBHOOK_LISTEN")
    webhook_port: int = Field(default=8443, ge=0, le=65535, alias="OFFICEBOT_WEBHOOK_PORT")  # 0: any free port
    webhook_secret: str | None = Field(default=None, alias="OFFICEBOT_WEBHOOK_SECRET")
    approvals_file: str | None = Field(default=None, alias="OFFICEBOT_APPROVALS_FILE")
    reports_file: str | None = Field(default=None, alias="OFFICEBOT_REPORTS_FILE")
    people_file: str | None = Field(default=None, alias="OFFICEBOT_PEOPLE_FILE")
    holidays_file: str | None = Field(default=None, alias="OFFICEBOT_HOLIDAYS_FILE")
    leave_file: str | None = Field(default=None, alias="OFFICEBOT_LEAVE_FILE")
    products: str = Field(default="枪柜,弹柜,枪弹一体柜", alias="OFFICEBOT_PRODUCTS")
    checkin_grace_minutes: int = Field(default=5, ge=0, le=240, alias="OFFICEBOT_CHECKIN_GRACE_MINUTES")
    location_max_age_minutes: int = Field(default=5, ge=1, le=120, alias="OFFICEBOT_LOCATION_MAX_AGE_MINUTES")
    sandbox_port: int = Field(default=8080, ge=0, le=65535, alias="OFFICEBOT_SANDBOX_PORT")
    scheduler_enabled: bool = Field(default=True, alias="OFFICEBOT_SCHEDULER")
    log_level: str = Field(default="INFO", alias="OFFICEBOT_LOG_LEVEL")
    workers: int = Field(default_factory=default_workers, ge=1, le=256, alias="OFFICEBOT_WORKERS")
    send_rate: float = Field(default=30.0, gt=0, le=30, alias="OFFICEBOT_SEND_RATE")
    chat_send_interval: float = Field(default=1.0, ge=0, le=60, alias="OFFICEBOT_CHAT_SEND_INTERVAL")
    wecom_corp_id: str | None = Field(default=None, alias="WECOM_CORP_ID")
    wecom_agent_id: int | None = Field(default=None, ge=1, alias="WECOM_AGENT_ID")
    wecom_secret: str | None = Field(default=None, alias="WECOM_SECRET")
    wecom_token: str | None = Field(default=None, alias="WECOM_TOKEN")
    wecom_encoding_aes_key: str | None = Field(default=None, alias="WECOM_ENCODING_AES_KEY")
    wecom_api_base_url: str = Field(default="https://qyapi.weixin.qq.com", alias="WECOM_API_BASE_URL")
    wecom_daily_limit: int = Field(default=0, ge=0, alias="WECOM_APP_DAILY_LIMIT")

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: str | None) -> str | None:
        """A token looks like `123456:ABC...`; placeholders are refused rather than tried."""
        if value in (None, ""):
            return None
        assert value is not None
        head, _, tail = value.partition(":")
        if not head.isdigit() or len(tail) < 5 or "changeme" in value.lower():
            raise ValueError("expected the token BotFather gave, like 123456789:AAH...")
        return value

    @field_validator("telegram_api_base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        """PTB appends the token to this URL, so it must be an http(s) URL."""
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        """Only the two databases we test on are accepted."""
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must be a sqlite:/// or postgresql+psycopg:// URL")
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            return "postgresql+psycopg://" + value.split("://", 1)[1]
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        """An IANA zone name such as Asia/Shanghai."""
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        """Only locales we ship catalogs for."""
        normalized = value.replace("-", "_")
        if normalized not in SUPPORTED_LOCALES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LOCALES)}")
        return normalized

    @field_validator("webhook_secret")
    @classmethod
    def _secret(cls, value: str | None) -> str | None:
        """Telegram allows 1-256 characters of A-Z, a-z, 0-9, _ and -."""
        if value in (None, ""):
            return None
        assert value is not None
        if not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", value):
            raise ValueError("use 16-256 characters of letters, digits, _ and -")
        return value

    @field_validator("wecom_corp_id", "wecom_secret", "wecom_token", "wecom_encoding_aes_key", mode="before")
    @classmethod
    def _wecom_blank_is_unset(cls, value: object) -> object:
        """`.env.example` ships the WeCom keys empty: an empty value means "not configured"."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("wecom_agent_id", mode="before")
    @classmethod
    def _wecom_agent_blank(cls, value: object) -> object:
        """An empty WECOM_AGENT_ID is unset, not a failed integer parse."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("wecom_encoding_aes_key")
    @classmethod
    def _wecom_aes_key(cls, value: str | None) -> str | None:
        """WeCom's EncodingAESKey is 43 characters (base64 of 32 bytes without the '='); a typo fails here."""
        if value is not None and len(value) != 43:
            raise ValueError(f"must be exactly 43 characters, got {len(value)}")
        return value

    @field_validator("wecom_api_base_url")
    @classmethod
    def _wecom_base_url(cls, value: str) -> str:
        """The secret travels in the query string of gettoken, so plain http:// only on loopback (the stand-in)."""
        if not value.startswith(("https://", *LOOPBACK_URLS)):
            raise ValueError("must be an https:// URL (http:// only on loopback)")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _wecom_all_or_nothing(self) -> Settings:
        """Half a WeCom app fails later and obscurely (bad signatures, 40001); say what is missing now."""
        missing = [alias for name, alias in WECOM_REQUIRED.items() if getattr(self, name) is None]
        if missing and len(missing) < len(WECOM_REQUIRED):
            raise ValueError(f"WeCom is partly configured: {', '.join(missing)} missing")
        return self

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        """A public webhook without the secret header check would accept forged updates."""
        if self.webhook_url and not self.webhook_secret:
            raise ValueError("OFFICEBOT_WEBHOOK_SECRET is required when OFFICEBOT_WEBHOOK_URL is set")
        if self.webhook_url and not self.webhook_url.startswith(("https://", *LOOPBACK_URLS)):
            raise ValueError("OFFICEBOT_WEBHOOK_URL must be an https:// URL (http:// only on loopback)")
        return self

    @property
    def telegram_file_base_url(self) -> str:
        """The file URL that matches the API base URL (`.../bot` → `.../file/bot`)."""
        base = self.telegram_api_base_url.rstrip("/")
        head, _, last = base.rpartition("/")
        return f"{head}/file/{last}"

    @property
    def wecom_configured(self) -> bool:
        """Whether a WeCom app is set up (the validator makes it all five values or none)."""
        return all(getattr(self, name) is not None for name in WECOM_REQUIRED)

    @property
    def product_catalog(self) -> tuple[str, ...]:
        """Installed-product names offered in the customer archive."""
        return tuple(p.strip() for p in self.products.replace("，", ",").split(",") if p.strip())


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning a validation failure into one line that names the setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        if not first["loc"]:
            raise SettingsError(f"Settings are inconsistent: {first['msg'].removeprefix('Value error, ')}") from exc
        name = str(first["loc"][0])
        alias = Settings.model_fields[name].alias if name in Settings.model_fields else name
        raise SettingsError(f"Setting {alias or name} is invalid: {first['msg']}") from exc
