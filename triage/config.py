"""How the triage assistant is configured: which engine, which endpoint, how cautious."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from urllib.parse import urlsplit

ENGINES = ("rules", "openai")


@dataclass(frozen=True)
class TriageConfig:
    """Engine choice and the OpenAI-compatible endpoint's settings; the key comes from the environment."""

    engine: str = "rules"
    base_url: str | None = None
    model: str | None = None
    api_key: str | None = None
    timeout_s: float = 30
    concurrency: int = 4
    # None means automatic: redact whenever the endpoint is not on this machine.
    redact: bool | None = None
    max_retries: int = 2
    # The key is read from this variable when api_key is not given; never from a file.
    api_key_env: str = "HELPDESK_OPENAI_API_KEY"
    temperature: float = 0.0

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"unknown triage engine {self.engine!r}; choose one of {', '.join(ENGINES)}")
        if self.concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        if self.timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        if self.max_retries < 0:
            raise ValueError("max_retries must be 0 or more")

    @property
    def resolved_api_key(self) -> str | None:
        """The key given directly, else the one in the configured environment variable."""
        return self.api_key or os.environ.get(self.api_key_env) or None

    @property
    def redacts(self) -> bool:
        """Whether personal data is removed before text leaves the machine."""
        if self.redact is not None:
            return self.redact
        return not is_loopback(self.base_url)

    @classmethod
    def from_env(cls, engine: str = "rules", **overrides: object) -> TriageConfig:
        """A configuration from HELPDESK_OPENAI_* variables, explicit overrides winning."""
        values: dict[str, object] = {
            "engine": engine,
            "base_url": os.environ.get("HELPDESK_OPENAI_BASE_URL") or None,
            "model": os.environ.get("HELPDESK_OPENAI_MODEL") or None,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


def is_loopback(url: str | None) -> bool:
    """True when the URL's host is this machine (localhost, 127.0.0.0/8, ::1)."""
    if not url:
        # No base URL means the public OpenAI API, which is remote.
        return False
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
