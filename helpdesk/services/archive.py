"""Archiving (Art. 4: 归档): closed and declined grievances exported whole, one JSON record per line."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date, datetime, time

from sqlalchemy import select

from helpdesk.services.context import DeskContext
from helpdesk.services.queries import ticket_record
from helpdesk.store.schema import Ticket

FINISHED = ("closed", "declined")


async def finished_numbers(ctx: DeskContext, since: date, until: date) -> list[str]:
    """Numbers of tickets closed or declined with their last change between two local days (inclusive)."""
    zone = ctx.calendar.zone
    start = datetime.combine(since, time.min, tzinfo=zone)
    end = datetime.combine(until, time.max, tzinfo=zone)
    async with ctx.sessions() as session:
        rows = await session.scalars(
            select(Ticket.number)
            .where(Ticket.status.in_(FINISHED), Ticket.updated_at >= start, Ticket.updated_at <= end)
            .order_by(Ticket.id)
        )
        return list(rows)


async def archive_lines(ctx: DeskContext, since: date, until: date) -> AsyncIterator[str]:
    """Each finished ticket's whole record (thread, clocks, proposal, processing record) as one JSON line."""
    for number in await finished_numbers(ctx, since, until):
        record = await ticket_record(ctx, number)
        for message in record["messages"]:
            message.pop("original", None)
        yield json.dumps(record, ensure_ascii=False, default=str)
