"""The [telegram] section of the desk's config, typed; secrets come only from the environment."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from helpdesk.domain.errors import ConfigError
from helpdesk.domain.roles import ROLES

PRODUCTION_API = "https://api.telegram.org"
MODES = ("polling", "webhook")


@dataclass(frozen=True)
class TelegramConfig:
    """How the Telegram channel reaches the Bot API, which chats it serves and who may act in them."""

    token: str
    staff_chat_id: int
    leadership_chat_id: int | None = None
    api_base: str = PRODUCTION_API
    bot_username: str | None = None
    # Telegram user id -> role (staff | leadership | admin); the users table's telegram_user_id counts too.
    staff: Mapping[int, str] = field(default_factory=dict)
    mode: str = "polling"
    polling_timeout_s: int = 25
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = 8081
    webhook_path: str = "/telegram/webhook"
    grouping_window_s: float = 60.0  # messages within this time of a new ticket join it
    flood_messages: int = 12
    flood_window_s: float = 60.0
    card_interval_s: float = 2.0
    request_timeout_s: float = 30.0

    @classmethod
    def from_section(cls, section: Mapping[str, Any], env: Mapping[str, str]) -> TelegramConfig:
        """Read the raw [telegram] table; the token and webhook secret are named env variables, never values."""
        where = "[telegram]"
        token_env = str(section.get("token_env", "HELPDESK_TELEGRAM_TOKEN"))
        token = env.get(token_env, "").strip()
        if not token:
            raise ConfigError(f"{where}: the bot token is read from ${token_env}, which is empty")
        if "staff_chat_id" not in section:
            raise ConfigError(f"{where} staff_chat_id: the secretariat's group chat id is required")
        mode = str(section.get("mode", "polling"))
        if mode not in MODES:
            raise ConfigError(f"{where} mode: {mode!r} is neither polling nor webhook")
        secret_env = str(section.get("webhook_secret_env", "HELPDESK_TELEGRAM_WEBHOOK_SECRET"))
        secret = env.get(secret_env) or None
        if mode == "webhook" and (not section.get("webhook_url") or not secret):
            raise ConfigError(f"{where}: webhook mode needs webhook_url and a secret token in ${secret_env}")
        leadership = section.get("leadership_chat_id")
        return cls(
            token=token,
            staff_chat_id=_int(section["staff_chat_id"], f"{where} staff_chat_id"),
            leadership_chat_id=_int(leadership, f"{where} leadership_chat_id") if leadership not in (None, "") else None,
            api_base=str(section.get("api_base", PRODUCTION_API)).rstrip("/"),
            bot_username=str(section["bot_username"]).lstrip("@") if section.get("bot_username") else None,
            staff=_staff(section.get("staff", {}), f"{where} staff"),
            mode=mode,
            polling_timeout_s=int(section.get("polling_timeout_s", 25)),
            webhook_url=str(section["webhook_url"]) if section.get("webhook_url") else None,
            webhook_secret=secret,
            webhook_host=str(section.get("webhook_host", "127.0.0.1")),
            webhook_port=int(section.get("webhook_port", 8081)),
            webhook_path=str(section.get("webhook_path", "/telegram/webhook")),
            grouping_window_s=float(section.get("grouping_window_s", 60.0)),
            flood_messages=int(section.get("flood_messages", 12)),
            flood_window_s=float(section.get("flood_window_s", 60.0)),
            card_interval_s=float(section.get("card_interval_s", 2.0)),
            request_timeout_s=float(section.get("request_timeout_s", 30.0)),
        )

    @property
    def callback_secret(self) -> bytes:
        """The key that signs button data, derived from the token so a forged button fails the check."""
        return hashlib.sha256(b"helpdesk-telegram-callbacks:" + self.token.encode()).digest()

    def chat_for(self, recipient: str) -> int:
        """A recipient as a chat id: a member's user id, a chat id, or the names `staff` / `leadership`."""
        if recipient == "staff":
            return self.staff_chat_id
        if recipient == "leadership":
            if self.leadership_chat_id is None:
                raise ConfigError("[telegram] leadership_chat_id: not configured, yet a message is addressed to leadership")
            return self.leadership_chat_id
        return int(recipient)


def _int(value: Any, where: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError as exc:
        raise ConfigError(f"{where}: {value!r} is not a numeric chat id (groups are negative, e.g. -1001234567890)") from exc


def _staff(table: Any, where: str) -> dict[int, str]:
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: must be a table like {{ \"123456789\" = \"staff\" }}")
    staff: dict[int, str] = {}
    for key, role in table.items():
        if str(role) not in ROLES:
            raise ConfigError(f"{where}.{key}: role {role!r} is not one of {', '.join(ROLES)}")
        staff[_int(key, f"{where}.{key}")] = str(role)
    return staff
