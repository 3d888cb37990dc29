"""Settings of the email channel: one mailbox to read, one SMTP relay to send through."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from helpdesk.domain.errors import ConfigError

SECURITIES = ("tls", "starttls", "plain")


@dataclass(frozen=True)
class EmailConfig:
    """Everything the email channel needs; passwords come from the environment, never a file."""

    from_address: str
    from_name: str = ""
    # IMAP intake
    imap_host: str = ""
    imap_port: int = 993
    imap_security: str = "tls"  # tls | starttls | plain
    imap_user: str = ""
    imap_password: str = ""
    imap_folder: str = "INBOX"
    # Processed mail gets \Seen + this keyword, or is moved to move_to when that is set.
    processed_keyword: str = "$HelpdeskDone"
    move_to: str | None = None
    poll_interval: float = 60.0
    idle: bool = True
    idle_timeout: float = 300.0  # RFC 2177: re-issue IDLE well before 29 minutes
    fetch_batch: int = 50
    # SMTP replies
    smtp_host: str = ""
    smtp_port: int = 465
    smtp_security: str = "tls"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_timeout: float = 30.0
    # Intake policy
    own_addresses: tuple[str, ...] = ()
    max_attachment_bytes: int = 20 * 1024 * 1024
    rate_limit_count: int = 20
    rate_limit_window: float = 600.0

    def __post_init__(self) -> None:
        for key in ("imap_security", "smtp_security"):
            if getattr(self, key) not in SECURITIES:
                raise ConfigError(f"email config: {key} must be one of {SECURITIES}, not {getattr(self, key)!r}")

    @property
    def ours(self) -> frozenset[str]:
        """Every address that is the desk itself (lower-cased), for loop protection."""
        return frozenset(a.strip().lower() for a in (self.from_address, *self.own_addresses) if a.strip())

    @classmethod
    def from_section(cls, section: Mapping[str, Any], env: Mapping[str, str] | None = None) -> EmailConfig:
        """From the [email] table of the desk's config; passwords from HELPDESK_IMAP_PASSWORD / _SMTP_PASSWORD."""
        env = os.environ if env is None else env
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(section) - set(known))
        if unknown:
            raise ConfigError(f"[email]: unknown key(s) {', '.join(unknown)}")
        values: dict[str, Any] = {}
        for key, value in section.items():
            default = known[key].default
            try:
                if isinstance(default, bool):
                    values[key] = bool(value)
                elif isinstance(default, int | float) and not isinstance(value, bool):
                    values[key] = type(default)(value)
                elif key == "own_addresses":
                    values[key] = tuple([value] if isinstance(value, str) else value)
                else:
                    values[key] = None if value in ("", None) and key == "move_to" else str(value)
            except (TypeError, ValueError):
                raise ConfigError(f"[email] {key}: {value!r} is not a valid {type(default).__name__}") from None
        values.setdefault("from_address", "desk@localhost")
        # Secrets only from the environment: a password in the TOML file is ignored, never used.
        values["imap_password"] = env.get("HELPDESK_IMAP_PASSWORD", "")
        values["smtp_password"] = env.get("HELPDESK_SMTP_PASSWORD", "")
        return cls(**values)
