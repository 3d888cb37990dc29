"""What is overdue and why: the list leadership reads, and its daily digest, sent once per day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk.domain.escalation import digest_day
from helpdesk.notices import format_due
from helpdesk.services.context import DeskContext
from helpdesk.services.holdings import describe, running_until, with_summaries
from helpdesk.services.outbox import enqueue
from helpdesk.services.timer_config import Recipient, TimerConfig
from helpdesk.store.schema import TimerDigest


async def overdue_items(session: AsyncSession, ctx: DeskContext, now: datetime, language: str = "zh") -> list[dict[str, Any]]:
    """Every running clock past its due time (one per joint group), the latest first among equals, with the reasons."""
    holdings = [h for h in await running_until(session, ctx, now) if h.due_at < now]
    holdings = await with_summaries(session, holdings)
    items = [describe(ctx, h, now, language) for h in holdings]
    items.sort(key=lambda item: (-item["late"], item["number"]))
    return items


async def overdue(ctx: DeskContext, language: str = "zh") -> list[dict[str, Any]]:
    """What is overdue now and why, for `helpdesk timer overdue` and the leadership's pages."""
    async with ctx.sessions() as session:
        return await overdue_items(session, ctx, ctx.now(), language)


@dataclass(frozen=True)
class DigestSent:
    """A digest the sweep sent (or recorded with nothing to send)."""

    day: date
    overdue: int
    recipients: tuple[Recipient, ...]

    def line(self) -> str:
        to = " ".join(map(str, self.recipients)) or "(nobody: nothing overdue or no leadership recipients configured)"
        return f"digest {self.day.isoformat()}: {self.overdue} overdue -> {to}"


async def send_digest(ctx: DeskContext, config: TimerConfig) -> DigestSent | None:
    """Today's digest, if its hour has come and no timer has sent it yet (the day's row is the proof)."""
    now = ctx.now()
    day = digest_day(ctx.calendar, now, config.digest_hour, config.digest_working_days_only)
    if day is None:
        return None
    async with ctx.sessions.begin() as session:
        dialect = session.bind.dialect.name if session.bind else "sqlite"
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        claimed = await session.scalar(
            insert(TimerDigest).values(day=day.isoformat(), created_at=now, overdue=0).on_conflict_do_nothing().returning(TimerDigest.day)
        )
        if claimed is None:
            return None  # sent already today, by this timer or another
        language = config.language
        items = await overdue_items(session, ctx, now, language)
        recipients = tuple(config.leadership()) if items else ()
        if items:
            text = ctx.notices.render("digest", language, day=day.isoformat(), now=format_due(now, ctx.calendar.zone, language), items=items)
            for to in recipients:
                enqueue(session, ctx, channel=to.channel, kind="digest", recipient=to.address, subject=text.subject, body=text.body, ticket_id=None, language=language, meta={"digest": day.isoformat()})
        row = await session.get(TimerDigest, day.isoformat())
        if row is not None:
            row.overdue = len(items)
    return DigestSent(day, len(items), recipients)
