"""The `[web]` section: where the console listens and how its cookies are signed."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpdesk.domain.errors import ConfigError

SECRET_ENV = "HELPDESK_SECRET_KEY"
SECRET_FILE = "web-secret.key"


@dataclass(frozen=True)
class WebConfig:
    """Address, cookie flags and limits of the console; the secret only from the environment or var_dir."""

    host: str = "127.0.0.1"
    port: int = 8080
    cookie_secure: bool = False
    secret_key: str | None = None
    session_hours: float = 12.0
    login_attempts: int = 5
    login_window_s: float = 900.0
    telegram_bot: str | None = None
    var_dir: Path | None = None

    @classmethod
    def from_section(cls, section: Mapping[str, Any], env: Mapping[str, str] | None = None, var_dir: Path | None = None) -> WebConfig:
        """Read the raw `[web]` TOML section; the signing key comes from HELPDESK_SECRET_KEY, never the file."""
        env = os.environ if env is None else env
        try:
            port = int(section.get("port", 8080))
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"web.port: {section.get('port')!r} is not a port number") from exc
        if not 0 <= port < 65536:
            raise ConfigError(f"web.port: {port} is out of range")
        return cls(
            host=str(section.get("host", "127.0.0.1")),
            port=port,
            cookie_secure=bool(section.get("cookie_secure", False)),
            secret_key=env.get(SECRET_ENV) or None,
            session_hours=float(section.get("session_hours", 12.0)),
            login_attempts=int(section.get("login_attempts", 5)),
            login_window_s=float(section.get("login_window_s", 900.0)),
            telegram_bot=str(section["telegram_bot"]).lstrip("@") if section.get("telegram_bot") else None,
            var_dir=var_dir,
        )

    def resolve_secret(self, fallback_dir: Path) -> str:
        """The key that signs session cookies: from the environment, else generated once and kept under var_dir."""
        if self.secret_key:
            return self.secret_key
        path = (self.var_dir or fallback_dir) / SECRET_FILE
        if path.exists():
            return path.read_text().strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        tmp = path.with_suffix(".part")
        tmp.write_text(key)
        tmp.chmod(0o600)
        tmp.replace(path)
        return key

    @property
    def address(self) -> str:
        """The URL to open in a browser."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{self.port}/"
