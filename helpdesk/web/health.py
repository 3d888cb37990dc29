"""`/healthz` for whoever runs the desk: database reachable, outbox backlog, each channel's last send and poll.

Channels report a successful poll by upserting a ChannelCursor row named `poll:<channel>` (its `updated_at`);
the last successful send per channel is the newest `sent_at` in the outbox.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, text
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from helpdesk.services.context import DeskContext
from helpdesk.store.schema import ChannelCursor, OutboxRow

CHANNELS = ("email", "telegram")


async def health(ctx: DeskContext) -> dict[str, Any]:
    """The desk's health as a JSON-ready dict; `database` is "ok" or the error."""
    now = ctx.now()
    try:
        async with ctx.sessions() as session:
            await session.execute(text("SELECT 1"))
            pending, oldest = (await session.execute(
                select(func.count(OutboxRow.id), func.min(OutboxRow.created_at)).where(OutboxRow.status.in_(["pending", "sending"]))
            )).one()
            dead = await session.scalar(select(func.count(OutboxRow.id)).where(OutboxRow.status == "dead"))
            sent = dict((await session.execute(
                select(OutboxRow.channel, func.max(OutboxRow.sent_at)).where(OutboxRow.status == "sent").group_by(OutboxRow.channel)
            )).all())
            polls = {
                row.name.removeprefix("poll:"): row.updated_at
                for row in await session.scalars(select(ChannelCursor).where(ChannelCursor.name.like("poll:%")))
            }
    except Exception as exc:  # the endpoint's whole job is to report this, not to fail
        return {"status": "error", "database": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"}
    if oldest is not None and oldest.tzinfo is None:
        from datetime import UTC

        oldest = oldest.replace(tzinfo=UTC)
    channels = {
        name: {
            "last_sent": sent[name].isoformat() if sent.get(name) else None,
            "last_poll": polls[name].isoformat() if polls.get(name) else None,
        }
        for name in sorted(set(CHANNELS) | set(sent) | set(polls))
    }
    return {
        "status": "ok" if not dead else "degraded",
        "database": "ok",
        "outbox": {"pending": int(pending), "dead": int(dead or 0), "oldest_pending_age_s": round((now - oldest).total_seconds()) if oldest else None},
        "channels": channels,
        "checked_at": now.isoformat(),
    }


async def healthz(request: Request) -> Response:
    """200 while the database answers, 503 when it does not."""
    report = await health(request.app.state.ctx)
    return JSONResponse(report, status_code=200 if report["database"] == "ok" else 503)
