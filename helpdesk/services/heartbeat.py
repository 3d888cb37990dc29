"""Channel heartbeats: when a channel last polled successfully, for the health endpoint."""

from __future__ import annotations

from sqlalchemy import select

from helpdesk.services.context import DeskContext
from helpdesk.store.schema import ChannelCursor


async def record_poll(ctx: DeskContext, channel: str) -> None:
    """Note a successful poll of a channel (a `poll:<channel>` cursor row, read by /healthz)."""
    name = f"poll:{channel}"
    async with ctx.sessions.begin() as session:
        row = await session.scalar(select(ChannelCursor).where(ChannelCursor.name == name))
        if row is None:
            session.add(ChannelCursor(name=name, position=0, updated_at=ctx.now()))
        else:
            row.updated_at = ctx.now()
