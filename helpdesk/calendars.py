"""Builds the pure WorkingCalendar from the `holidays` package and the local override file."""

from __future__ import annotations

import logging
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import holidays

from helpdesk.domain.calendar import WorkingCalendar
from helpdesk.domain.errors import ConfigError
from helpdesk.settings import CalendarSettings

log = logging.getLogger(__name__)

YEARS = range(2015, 2041)


def build_calendar(settings: CalendarSettings, years: range = YEARS) -> WorkingCalendar:
    """The chamber's working calendar: statutory days off and on, then the local overrides."""
    country = settings.country.upper()
    try:
        table = holidays.country_holidays(country, years=years)
    except NotImplementedError as exc:
        raise ConfigError(f"calendar.country: the holidays package has no calendar for {country!r}") from exc
    days_off = set(table.keys())
    names = {day: str(name) for day, name in table.items()}
    days_on: set[date] = set()
    official: set[int] | None = None
    if country in {"CN", "CHN"}:
        days_on, official = _china_working_weekends(table)
    calendar = WorkingCalendar(
        timezone=settings.timezone,
        opens=settings.opens,
        closes=settings.closes,
        days_off=frozenset(days_off),
        days_on=frozenset(days_on),
        official_years=frozenset(official) if official is not None else None,
        names=names,
    )
    if settings.overrides is not None:
        calendar = apply_overrides(calendar, settings.overrides)
    return calendar


def _china_working_weekends(table: holidays.HolidayBase) -> tuple[set[date], set[int]]:
    """The adjusted working weekends (调休) and the years with a published schedule.

    The package records the weekend days worked in exchange for a day off (`weekend_workdays`);
    the years whose State Council notice it carries are those with such exchanges listed. Later
    years are computed from the lunar calendar with no 调休, so they warn rather than guess.
    """
    special: dict[int, Any] = getattr(table, "special_public_holidays", {})
    official = {year for year, rows in special.items() if any(isinstance(r, tuple) and len(r) >= 4 for r in rows)}
    return set(getattr(table, "weekend_workdays", set())), official


def apply_overrides(calendar: WorkingCalendar, path: Path) -> WorkingCalendar:
    """The calendar with the override file's days on top; a bad entry names the file and the line's key."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: calendar override file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    off: list[date] = []
    on: list[date] = []
    names: dict[date, str] = {}
    for i, entry in enumerate(data.get("days", [])):
        where = f"{path}: days[{i}]"
        raw = entry.get("date") if isinstance(entry, dict) else None
        day = raw if isinstance(raw, date) else _parse_date(raw, where)
        working = entry.get("working")
        if not isinstance(working, bool):
            raise ConfigError(f"{where}.working: must be true or false")
        (on if working else off).append(day)
        names[day] = str(entry.get("note", "local override"))
    years = data.get("official_years", [])
    if not isinstance(years, list) or not all(isinstance(y, int) for y in years):
        raise ConfigError(f"{path}: official_years: must be a list of years")
    merged = calendar.with_overrides(off, on, names)
    if merged.official_years is not None and years:
        merged = WorkingCalendar(**{**merged.__dict__, "official_years": merged.official_years | frozenset(years)})
    log.debug("calendar overrides from %s: %d days off, %d days on", path, len(off), len(on))
    return merged


def _parse_date(raw: Any, where: str) -> date:
    try:
        return date.fromisoformat(str(raw))
    except ValueError as exc:
        raise ConfigError(f"{where}.date: {raw!r} is not a date like 2027-02-20") from exc
