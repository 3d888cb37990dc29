"""The timer's settings from the `[timer]` section (and the chat ids of `[telegram]`): who is told what, when."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from helpdesk.domain.errors import ConfigError
from helpdesk.domain.escalation import Level, Rules

# [timer]
# staff_chat_id = "-1001111"            # or [telegram] staff_chat_id
# leadership_chat_id = "-1002222"       # or [telegram] leadership_chat_id
# leadership_emails = ["office@chamber.example.cn"]
# staff_emails = []
# reminder_working_days_left = 1
# digest_hour = 9
# interval_s = 60
# language = "zh"
# [[timer.levels]]
# after_working_days = 0
# to = "presidents_office"
# [[timer.levels]]
# after_working_days = 2
# to = "president"
# chat_id = "5001"
# emails = ["president@chamber.example.cn"]

TARGET_NAMES = {
    "presidents_office": ("会长办公会", "the president's office"),
    "president": ("会长本人", "the president in person"),
    "council": ("理事会", "the council"),
    "secretariat": ("秘书处", "the secretariat"),
}


@dataclass(frozen=True)
class Recipient:
    """Where a staff or leadership message goes: a Telegram chat id or an e-mail address."""

    channel: str
    address: str

    def __str__(self) -> str:
        return f"{self.channel}:{self.address}"


@dataclass(frozen=True)
class LevelConfig:
    """An escalation level with its own chat and addresses (the leadership's when it names none)."""

    number: int
    after_working_days: int
    to: str = "presidents_office"
    chat_id: str | None = None
    emails: tuple[str, ...] = ()

    def target(self, language: str) -> str:
        """Whom the level goes to, by name."""
        zh, en = TARGET_NAMES.get(self.to, (self.to, self.to))
        return en if language.startswith("en") else zh


@dataclass(frozen=True)
class TimerConfig:
    """Reminders, escalation levels and the daily digest, and where each goes."""

    staff_chat_id: str | None = None
    leadership_chat_id: str | None = None
    staff_emails: tuple[str, ...] = ()
    leadership_emails: tuple[str, ...] = ()
    levels: tuple[LevelConfig, ...] = (LevelConfig(1, 0),)
    reminder_working_days_left: int = 1
    halftime: bool = True
    remind_assignee: bool = True
    digest_hour: int = 9
    digest_working_days_only: bool = True
    interval_s: float = 60.0
    language: str = "zh"

    @classmethod
    def from_section(cls, section: Mapping[str, Any], telegram: Mapping[str, Any] | None = None) -> TimerConfig:
        """The `[timer]` table; chat ids it lacks are taken from the `[telegram]` table if given."""
        telegram = telegram or {}
        levels = section.get("levels")
        if levels is None:
            parsed: tuple[LevelConfig, ...] = (LevelConfig(1, 0),)
        elif isinstance(levels, Sequence) and not isinstance(levels, str) and levels:
            parsed = tuple(_level(i, entry) for i, entry in enumerate(levels))
        else:
            raise ConfigError("[timer] levels: a non-empty list of tables like { after_working_days = 0, to = \"presidents_office\" }")
        steps = [lv.after_working_days for lv in parsed]
        if steps != sorted(steps) or len(set(steps)) != len(steps):
            raise ConfigError("[timer] levels: after_working_days must rise from one level to the next")
        hour = _int(section, "digest_hour", 9)
        if not 0 <= hour <= 23:
            raise ConfigError("[timer] digest_hour: an hour from 0 to 23")
        return cls(
            staff_chat_id=_chat(section.get("staff_chat_id", telegram.get("staff_chat_id"))),
            leadership_chat_id=_chat(section.get("leadership_chat_id", telegram.get("leadership_chat_id"))),
            staff_emails=_emails(section, "staff_emails"),
            leadership_emails=_emails(section, "leadership_emails"),
            levels=parsed,
            reminder_working_days_left=_int(section, "reminder_working_days_left", 1),
            halftime=bool(section.get("halftime", True)),
            remind_assignee=bool(section.get("remind_assignee", True)),
            digest_hour=hour,
            digest_working_days_only=bool(section.get("digest_working_days_only", True)),
            interval_s=float(section.get("interval_s", 60.0)),
            language=str(section.get("language", "zh")),
        )

    @classmethod
    def from_settings(cls, settings: Any) -> TimerConfig:
        """From the desk's settings: `[timer]`, with `[telegram]`'s chat ids as the fallback."""
        return cls.from_section(settings.section("timer"), settings.section("telegram"))

    def rules(self) -> Rules:
        """The pure rules the decisions use."""
        return Rules(
            levels=tuple(Level(lv.number, lv.after_working_days, lv.to) for lv in self.levels),
            reminder_working_days=self.reminder_working_days_left,
            halftime=self.halftime,
        )

    def level(self, number: int) -> LevelConfig:
        """A configured level by its number."""
        return next(lv for lv in self.levels if lv.number == number)

    def staff(self) -> list[Recipient]:
        """The staff chat and the staff addresses."""
        return _recipients(self.staff_chat_id, self.staff_emails)

    def leadership(self) -> list[Recipient]:
        """The leadership chat and list (the president's office)."""
        return _recipients(self.leadership_chat_id, self.leadership_emails)

    def escalation_recipients(self, number: int) -> list[Recipient]:
        """A level's own chat and addresses, or the leadership's when it names none."""
        level = self.level(number)
        if level.chat_id or level.emails:
            return _recipients(level.chat_id, level.emails)
        return self.leadership()


def _recipients(chat_id: str | None, emails: Sequence[str]) -> list[Recipient]:
    found = [Recipient("telegram", chat_id)] if chat_id else []
    return found + [Recipient("email", address) for address in emails]


def _level(i: int, entry: Any) -> LevelConfig:
    where = f"[timer] levels[{i}]"
    if not isinstance(entry, Mapping):
        raise ConfigError(f"{where}: a table like {{ after_working_days = 2, to = \"president\" }}")
    days = entry.get("after_working_days", 0)
    if not isinstance(days, int) or days < 0:
        raise ConfigError(f"{where}.after_working_days: a whole number of working days, 0 or more")
    return LevelConfig(
        number=i + 1,
        after_working_days=days,
        to=str(entry.get("to", "presidents_office")),
        chat_id=_chat(entry.get("chat_id")),
        emails=_emails(entry, "emails", where),
    )


def _chat(value: Any) -> str | None:
    text = "" if value is None else str(value).strip()
    return text or None


def _emails(table: Mapping[str, Any], key: str, where: str = "[timer]") -> tuple[str, ...]:
    value = table.get(key, ())
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence) or not all(isinstance(v, str) and "@" in v for v in value):
        raise ConfigError(f"{where} {key}: a list of e-mail addresses")
    return tuple(v.strip() for v in value)


def _int(table: Mapping[str, Any], key: str, default: int) -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"[timer] {key}: a whole number, 0 or more")
    return value
