"""Settings: read once by the composition root from HELPDESK_CONFIG and the environment, then passed in."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any

from helpdesk.domain.errors import ConfigError

DEFAULT_CONFIG = Path("config/helpdesk.toml")
PACKAGE_CONFIG = Path(__file__).resolve().parent.parent / "config"


@dataclass(frozen=True)
class CalendarSettings:
    """Which country's statutory calendar, in which timezone and business hours."""

    country: str = "CN"
    timezone: str = "Asia/Shanghai"
    opens: time = time(9, 0)
    closes: time = time(18, 0)
    overrides: Path | None = None


@dataclass(frozen=True)
class OutboxSettings:
    """How the dispatcher retries: exponential backoff from `base_delay_s`, up to `max_attempts`."""

    max_attempts: int = 12
    base_delay_s: float = 30.0
    max_delay_s: float = 3600.0
    lease_s: float = 120.0
    poll_interval_s: float = 2.0


@dataclass(frozen=True)
class Settings:
    """Everything the desk is configured with; channel sections are kept raw for their adapters."""

    database_url: str
    var_dir: Path
    policy_path: Path
    desk_name_zh: str = "商会秘书处"
    desk_name_en: str = "Chamber Secretariat"
    language: str = "zh"
    calendar: CalendarSettings = CalendarSettings()
    outbox: OutboxSettings = OutboxSettings()
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    source: str = "(defaults)"

    def section(self, name: str) -> Mapping[str, Any]:
        """A raw section ([email], [telegram], [triage], [timer], [web]) or an empty one."""
        value = self.sections.get(name, {})
        return value if isinstance(value, Mapping) else {}


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from the file HELPDESK_CONFIG names (or config/helpdesk.toml, or defaults) and the environment."""
    env = os.environ if env is None else env
    named = env.get("HELPDESK_CONFIG")
    path = Path(named) if named else (DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None)
    data: Mapping[str, Any] = {}
    if path is not None:
        try:
            with path.open("rb") as handle:
                data = tomllib.load(handle)
        except FileNotFoundError as exc:
            raise ConfigError(f"{path}: HELPDESK_CONFIG names a file that does not exist") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    return settings_from_mapping(data, env, path)


def settings_from_mapping(data: Mapping[str, Any], env: Mapping[str, str], path: Path | None) -> Settings:
    """Typed settings from the TOML mapping; relative paths in it are taken from the file's own folder."""
    source = str(path) if path else "(defaults)"
    base = path.resolve().parent if path else Path.cwd() / "config"
    desk = _table(data, "desk", source)
    var_dir = _path(desk["var_dir"], base) if "var_dir" in desk else Path.cwd() / "var"
    database_url = env.get("HELPDESK_DATABASE_URL") or desk.get("database_url") or f"sqlite+aiosqlite:///{var_dir / 'helpdesk.db'}"
    policy = desk.get("policy")
    policy_path = _path(policy, base) if policy else _default_file(base, "policy.toml")
    cal = _table(data, "calendar", source)
    overrides = cal.get("overrides")
    calendar = CalendarSettings(
        country=str(cal.get("country", "CN")),
        timezone=str(cal.get("timezone", "Asia/Shanghai")),
        opens=_time(cal.get("opens", "09:00"), f"{source}: calendar.opens"),
        closes=_time(cal.get("closes", "18:00"), f"{source}: calendar.closes"),
        overrides=_path(overrides, base) if overrides else _optional_default(base, "calendar-overrides.toml"),
    )
    box = _table(data, "outbox", source)
    outbox = OutboxSettings(**{k: box[k] for k in OutboxSettings.__dataclass_fields__ if k in box})
    return Settings(
        database_url=str(database_url),
        var_dir=var_dir,
        policy_path=policy_path,
        desk_name_zh=str(desk.get("name_zh", "商会秘书处")),
        desk_name_en=str(desk.get("name_en", "Chamber Secretariat")),
        language=str(desk.get("language", "zh")),
        calendar=calendar,
        outbox=outbox,
        sections={k: v for k, v in data.items() if isinstance(v, Mapping)},
        source=source,
    )


def _table(data: Mapping[str, Any], key: str, source: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"{source}: [{key}] must be a table")
    return value


def _path(value: Any, base: Path) -> Path:
    candidate = Path(str(value)).expanduser()
    return candidate if candidate.is_absolute() else base / candidate


def _default_file(base: Path, name: str) -> Path:
    for folder in (base, Path.cwd() / "config"):
        if (folder / name).exists():
            return folder / name
    return PACKAGE_CONFIG / name


def _optional_default(base: Path, name: str) -> Path | None:
    path = _default_file(base, name)
    return path if path.exists() else None


def _time(value: Any, where: str) -> time:
    try:
        return time.fromisoformat(str(value))
    except ValueError as exc:
        raise ConfigError(f"{where}: {value!r} is not a time like 09:00") from exc
