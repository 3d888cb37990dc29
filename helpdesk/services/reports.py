"""Monthly figures for the council: counts, answers within the limit, the overdue trend and satisfaction."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select

from helpdesk.domain.errors import DomainError
from helpdesk.services.context import DeskContext
from helpdesk.store.schema import Clock, Ticket

CHARTS = ("category", "tier", "channel", "on_time", "overdue", "satisfaction")
CLOCK_ORDER = ("review", "processing", "result", "reprocessing")
UNSET = "unset"


@dataclass(frozen=True)
class ClockSpan:
    """What the figures need of one clock."""

    kind: str
    started_at: datetime
    due_at: datetime
    stopped_at: datetime | None


@dataclass(frozen=True)
class MonthReport:
    """One month's figures, keyed by the policy's and the desk's keys (pages translate them)."""

    month: str
    generated_at: datetime
    total: int
    by_category: list[tuple[str, int]]
    by_tier: list[tuple[str, int]]
    by_channel: list[tuple[str, int]]
    on_time: list[tuple[str, int, int]]  # clock kind, answered within the limit, decided
    overdue: list[tuple[str, int]]  # local day, clocks running past their limit at its end
    satisfaction: list[tuple[str, int]]  # satisfied / dissatisfied / none

    def share(self, kind: str) -> float | None:
        """The share of a clock kind answered within its limit, None if none was decided."""
        for key, within, decided in self.on_time:
            if key == kind:
                return within / decided if decided else None
        return None


def parse_month(text: str) -> tuple[int, int]:
    """`2026-11` as (2026, 11), or a DomainError saying what is expected."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise DomainError(f"month {text!r}: write it as YYYY-MM, e.g. 2026-11")
    return int(match.group(1)), int(match.group(2))


def month_days(year: int, month: int) -> list[date]:
    """Every day of a month."""
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return [first + timedelta(days=i) for i in range((following - first).days)]


def day_end(day: date, zone: ZoneInfo) -> datetime:
    """Midnight after a local day, in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)


def counted(keys: Iterable[str | None], order: Sequence[str] = ()) -> list[tuple[str, int]]:
    """Counts per key, the given order first (zeros kept), then others by count; None counted as `unset`."""
    counts = Counter(key or UNSET for key in keys)
    rows = [(key, counts.pop(key, 0)) for key in order]
    return rows + sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def on_time_shares(clocks: Iterable[ClockSpan], now: datetime) -> list[tuple[str, int, int]]:
    """Per clock kind: stopped on or before the limit vs decided (stopped, or still running past the limit)."""
    within: Counter[str] = Counter()
    decided: Counter[str] = Counter()
    for clock in clocks:
        if clock.stopped_at is not None:
            decided[clock.kind] += 1
            within[clock.kind] += clock.stopped_at <= clock.due_at
        elif clock.due_at < now:
            decided[clock.kind] += 1  # still running and already late: it cannot be on time any more
    return [(kind, within[kind], decided[kind]) for kind in CLOCK_ORDER]


def overdue_per_day(clocks: Sequence[ClockSpan], days: Sequence[date], zone: ZoneInfo, now: datetime) -> list[tuple[str, int]]:
    """For each day up to now: how many clocks were running past their limit at the day's end."""
    rows = []
    for day in days:
        end = day_end(day, zone)
        if end - timedelta(days=1) > now:
            break
        moment = min(end, now)
        late = sum(1 for c in clocks if c.started_at <= moment and c.due_at < moment and (c.stopped_at is None or c.stopped_at > moment))
        rows.append((day.isoformat(), late))
    return rows


async def month_report(ctx: DeskContext, month: str) -> MonthReport:
    """The month's figures from the store, months counted in the desk's time zone."""
    year, number = parse_month(month)
    zone = ctx.calendar.zone
    days = month_days(year, number)
    start, end = day_end(days[0] - timedelta(days=1), zone), day_end(days[-1], zone)
    now = ctx.now()
    async with ctx.sessions() as session:
        tickets = (await session.execute(
            select(Ticket.category, Ticket.tier, Ticket.channel).where(Ticket.received_at >= start, Ticket.received_at < end)
        )).all()
        resolved = (await session.scalars(
            select(Ticket.satisfaction).where(Ticket.resolved_at >= start, Ticket.resolved_at < end)
        )).all()
        rows = (await session.execute(
            select(Clock.kind, Clock.started_at, Clock.due_at, Clock.stopped_at).where(
                Clock.started_at < end, Clock.due_at < end, or_(Clock.stopped_at.is_(None), Clock.stopped_at >= start)
            )
        )).all()
        started = (await session.execute(
            select(Clock.kind, Clock.started_at, Clock.due_at, Clock.stopped_at).where(Clock.started_at >= start, Clock.started_at < end)
        )).all()
    spans = [ClockSpan(*row) for row in rows]
    return MonthReport(
        month=f"{year:04d}-{number:02d}",
        generated_at=now,
        total=len(tickets),
        by_category=counted((t.category for t in tickets), ctx.policy.category_keys),
        by_tier=counted((t.tier for t in tickets), ctx.policy.tier_keys),
        by_channel=counted((t.channel for t in tickets), ("email", "telegram", "in_person", "meeting", "visit")),
        on_time=on_time_shares((ClockSpan(*row) for row in started), now),
        overdue=overdue_per_day(spans, days, zone, now),
        satisfaction=counted((s or "none" for s in resolved), ("satisfied", "dissatisfied", "none")),
    )


def chart_rows(report: MonthReport, chart: str) -> tuple[list[str], list[list[object]]]:
    """The header and rows behind one chart, for its CSV export."""
    if chart == "on_time":
        return ["clock", "within_limit", "decided", "share"], [
            [k, w, d, f"{w / d:.4f}" if d else ""] for k, w, d in report.on_time
        ]
    if chart == "overdue":
        return ["day", "overdue"], [list(r) for r in report.overdue]
    source = {"category": report.by_category, "tier": report.by_tier, "channel": report.by_channel, "satisfaction": report.satisfaction}
    if chart not in source:
        raise DomainError(f"chart {chart!r}: choose one of {', '.join(CHARTS)}")
    return [chart, "count"], [list(r) for r in source[chart]]


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV text with a BOM so Excel opens the Chinese correctly."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
