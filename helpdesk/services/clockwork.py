"""Starting and stopping a ticket's clocks in the store, from the pure working-day clock."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk.domain import clocks
from helpdesk.domain.clocks import ClockKind
from helpdesk.services.context import DeskContext
from helpdesk.store.schema import Clock, Ticket

log = logging.getLogger(__name__)


async def start_clock(
    session: AsyncSession, ctx: DeskContext, ticket: Ticket, kind: ClockKind, start: datetime, tier: str | None = None
) -> Clock:
    """Start a clock of the regulation on a ticket; its due time is counted in working days."""
    due = clocks.due(ctx.calendar, ctx.policy, kind, start, tier)
    clock = Clock(
        ticket_id=ticket.id,
        kind=kind.value,
        started_at=start,
        due_at=due.at,
        working_days=clocks.limit_days(ctx.policy, kind, tier),
    )
    session.add(clock)
    if due.warnings:
        ticket.calendar_warning = "; ".join(due.warnings)
        log.warning("%s %s clock: %s", ticket.number, kind.value, ticket.calendar_warning)
    await session.flush()
    await refresh_next_due(session, ticket.id)
    return clock


async def stop_clocks(session: AsyncSession, ticket_id: int, kinds: tuple[ClockKind, ...], at: datetime) -> None:
    """Stop the running clocks of these kinds: their step is done."""
    await session.execute(
        update(Clock)
        .where(Clock.ticket_id == ticket_id, Clock.kind.in_([k.value for k in kinds]), Clock.stopped_at.is_(None))
        .values(stopped_at=at)
    )
    await refresh_next_due(session, ticket_id)


async def running_clock(session: AsyncSession, ticket_id: int, kind: ClockKind) -> Clock | None:
    """The running clock of a kind on a ticket, if any."""
    return await session.scalar(
        select(Clock).where(Clock.ticket_id == ticket_id, Clock.kind == kind.value, Clock.stopped_at.is_(None)).order_by(Clock.id.desc())
    )


async def refresh_next_due(session: AsyncSession, ticket_id: int | None) -> None:
    """Keep the ticket's `next_due_at` equal to its earliest running clock (the timer reads only that)."""
    if ticket_id is None:
        return
    await session.flush()
    earliest = select(func.min(Clock.due_at)).where(Clock.ticket_id == ticket_id, Clock.stopped_at.is_(None)).scalar_subquery()
    await session.execute(
        update(Ticket).where(Ticket.id == ticket_id).values(next_due_at=earliest).execution_options(synchronize_session="fetch")
    )


async def stop_clock_by_id(session: AsyncSession, clock_id: int, at: datetime) -> None:
    """Stop one clock (its answer went out, or was handed over in person)."""
    ticket_id = await session.scalar(select(Clock.ticket_id).where(Clock.id == clock_id))
    await session.execute(update(Clock).where(Clock.id == clock_id, Clock.stopped_at.is_(None)).values(stopped_at=at))
    await refresh_next_due(session, ticket_id)
