"""The working-day clock: pure, given its days off and on; the current time is always an argument."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SATURDAY, SUNDAY = 5, 6


@dataclass(frozen=True)
class Due:
    """A due time, with the warnings the calendar had while counting (e.g. an unofficial year)."""

    at: datetime
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days are working days, and the business hours that end them.

    `days_off` are holidays that fall on weekdays or weekends; `days_on` are the adjusted
    working weekends (调休) that must be worked. `official_years` lists the years whose
    schedule was published; counting through another year warns instead of guessing silently.
    """

    timezone: str = "Asia/Shanghai"
    opens: time = time(9, 0)
    closes: time = time(18, 0)
    weekend: frozenset[int] = frozenset({SATURDAY, SUNDAY})
    days_off: frozenset[date] = frozenset()
    days_on: frozenset[date] = frozenset()
    official_years: frozenset[int] | None = None
    names: dict[date, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_working_day(self, day: date) -> bool:
        """True on a weekday that is no holiday, and on an adjusted working weekend."""
        if day in self.days_on:
            return True
        if day in self.days_off:
            return False
        return day.weekday() not in self.weekend

    def local_date(self, moment: datetime) -> date:
        """The calendar day of an aware moment in the chamber's timezone."""
        if moment.tzinfo is None:
            raise ValueError("the clock needs an aware datetime (with a UTC offset)")
        return moment.astimezone(self.zone).date()

    def close_of_business(self, day: date) -> datetime:
        """The end of business hours on a day, as an aware datetime."""
        return datetime.combine(day, self.closes, tzinfo=self.zone)

    def add_working_days(self, day: date, n: int) -> date:
        """The Nth working day after `day`; `day` itself is never counted (Civil Code Art. 201)."""
        if n < 1:
            raise ValueError("a period is at least one working day")
        current, counted = day, 0
        while counted < n:
            current += timedelta(days=1)
            if self.is_working_day(current):
                counted += 1
        return current

    def due_after(self, start: datetime, working_days: int) -> Due:
        """When a period of N working days that starts at `start` ends.

        Civil Code Art. 201: the day the period starts is not counted, whatever the hour, so the
        period ends at close of business on the Nth working day after that day. A message received
        on a holiday or at night follows the same rule: nothing shifts twice.
        """
        first = self.local_date(start)
        last = self.add_working_days(first, working_days)
        return Due(self.close_of_business(last), self.unofficial_warnings(first, last))

    def unofficial_warnings(self, first: date, last: date) -> tuple[str, ...]:
        """Warnings for every year between two days whose schedule is not official yet."""
        if self.official_years is None:
            return ()
        return tuple(
            f"no official holiday schedule for {year} yet: counted with the calendar's rules, check the due date"
            for year in range(first.year, last.year + 1)
            if year not in self.official_years
        )

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days lie after `start` up to and including `end` (0 if end <= start)."""
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count

    def working_days_left(self, now: datetime, due: datetime) -> int:
        """Whole working days from today until the due day: 0 on the due day, negative when late."""
        today, due_day = self.local_date(now), self.local_date(due)
        if due_day >= today:
            return self.working_days_between(today, due_day)
        return -self.working_days_between(due_day, today)

    def with_overrides(self, days_off: Iterable[date], days_on: Iterable[date], names: dict[date, str]) -> WorkingCalendar:
        """A copy with a local override file's days applied on top (they win over the package)."""
        off, on = set(days_off), set(days_on)
        return WorkingCalendar(
            timezone=self.timezone,
            opens=self.opens,
            closes=self.closes,
            weekend=self.weekend,
            days_off=frozenset((self.days_off - on) | off),
            days_on=frozenset((self.days_on - off) | on),
            official_years=self.official_years,
            names={**self.names, **names},
        )
