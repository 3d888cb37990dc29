"""Which reminders and escalations a running clock owes: pure, given the calendar, the levels and what was sent."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from helpdesk.domain.calendar import WorkingCalendar

MAX_WALK_DAYS = 400  # no year has this many days off in a row: a guard against a calendar with no working days


class EventKind(StrEnum):
    """What the timer sends about a clock."""

    REMINDER = "reminder"  # one working day left: to the assignee and the staff chat
    HALFTIME = "halftime"  # half the processing time gone: time for a progress note (Art. 11)
    ESCALATION = "escalation"  # the limit passed: to the president's office, then higher


@dataclass(frozen=True)
class Level:
    """An escalation level: `after_working_days` past the due time, to whom (1 is the first level)."""

    number: int
    after_working_days: int
    to: str = "presidents_office"


@dataclass(frozen=True)
class Rules:
    """The timer's rules: how early to remind, the escalation levels, whether to nudge at half time."""

    levels: tuple[Level, ...] = (Level(1, 0),)
    reminder_working_days: int = 1
    halftime: bool = True


@dataclass(frozen=True)
class ClockState:
    """What the decisions need to know of one running clock."""

    kind: str
    started_at: datetime
    due_at: datetime
    working_days: int
    progress_updates: bool = False  # its tier asks for progress updates (Art. 11 (2), (3))


@dataclass(frozen=True)
class Owed:
    """A reminder or escalation that is due now and not yet sent."""

    kind: EventKind
    level: int
    at: datetime  # when it became due

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind.value, self.level)


def working_day_before(calendar: WorkingCalendar, day: date, n: int) -> date:
    """The Nth working day before `day` (`day` itself for n = 0)."""
    current, counted, walked = day, 0, 0
    while counted < n:
        current -= timedelta(days=1)
        walked += 1
        if walked > MAX_WALK_DAYS:
            raise ValueError("the calendar has no working days to count back through")
        if calendar.is_working_day(current):
            counted += 1
    return current


def opening(calendar: WorkingCalendar, day: date) -> datetime:
    """The start of business hours on a day."""
    return datetime.combine(day, calendar.opens, tzinfo=calendar.zone)


def reminder_at(calendar: WorkingCalendar, clock: ClockState, days_left: int) -> datetime | None:
    """The opening of the working day `days_left` working days before the due day; None if that is not after the start."""
    at = opening(calendar, working_day_before(calendar, calendar.local_date(clock.due_at), days_left))
    # A one-day clock (Art. 15) would be reminded before it started: its own start is reminder enough.
    return at if at > clock.started_at else None


def halftime_at(calendar: WorkingCalendar, clock: ClockState) -> datetime | None:
    """When half a processing clock's working days are gone (the day with half of them left), if its tier wants updates."""
    if clock.kind != "processing" or not clock.progress_updates or clock.working_days < 2:
        return None
    return reminder_at(calendar, clock, clock.working_days // 2)


def escalation_at(calendar: WorkingCalendar, due_at: datetime, after_working_days: int) -> datetime:
    """The due time itself for level 0 days, else close of business N working days after the due day."""
    if after_working_days <= 0:
        return due_at
    return calendar.close_of_business(calendar.add_working_days(calendar.local_date(due_at), after_working_days))


def owed(
    calendar: WorkingCalendar, rules: Rules, clock: ClockState, now: datetime, sent: Collection[tuple[str, int]]
) -> list[Owed]:
    """Everything this clock owes at `now` that is not in `sent`, oldest first.

    Reminders are owed only while the clock still runs on time (a reminder after the limit is
    noise: the escalation says more). Every escalation level whose moment has come is owed, so a
    timer that was down catches up without skipping one.
    """
    due: list[Owed] = []
    if now < clock.due_at:
        if rules.halftime:
            half = halftime_at(calendar, clock)
            if half is not None and half <= now:
                due.append(Owed(EventKind.HALFTIME, 0, half))
        if rules.reminder_working_days > 0:
            remind = reminder_at(calendar, clock, rules.reminder_working_days)
            if remind is not None and remind <= now:
                due.append(Owed(EventKind.REMINDER, 0, remind))
    for level in rules.levels:
        at = escalation_at(calendar, clock.due_at, level.after_working_days)
        if at <= now:
            due.append(Owed(EventKind.ESCALATION, level.number, at))
    return sorted((o for o in due if o.key not in sent), key=lambda o: (o.at, o.kind != EventKind.HALFTIME, o.level))


def late_working_days(calendar: WorkingCalendar, now: datetime, due_at: datetime) -> int:
    """Whole working days past the due day (0 on the due day itself, or when not late)."""
    return max(0, -calendar.working_days_left(now, due_at))


def horizon(calendar: WorkingCalendar, rules: Rules, now: datetime, working_days: Iterable[int]) -> datetime:
    """No clock due after this moment owes anything at `now`: the sweep reads only clocks due before it.

    `working_days` are the lengths of the clocks that nudge at half time; the furthest look-ahead
    is the larger of the reminder's and half of the longest of them, plus one day for safety.
    """
    ahead = max([rules.reminder_working_days, *(n // 2 for n in working_days if rules.halftime)], default=0)
    last = calendar.add_working_days(calendar.local_date(now), ahead + 1)
    return datetime.combine(last + timedelta(days=1), time(0), tzinfo=calendar.zone)


def digest_day(calendar: WorkingCalendar, now: datetime, hour: int, working_days_only: bool = True) -> date | None:
    """The local day whose digest is due at `now` (from `hour` o'clock on), or None before then or on a day off."""
    local = now.astimezone(calendar.zone)
    if local.hour < hour:
        return None
    if working_days_only and not calendar.is_working_day(local.date()):
        return None
    return local.date()
