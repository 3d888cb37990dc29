"""The queue: tickets filtered by status, category, tier, channel and assignee, the most urgent first."""

from __future__ import annotations

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response

from helpdesk.services.queries import TicketFilter, list_tickets
from helpdesk.store.schema import User
from helpdesk.web.auth import guarded
from helpdesk.web.i18n import CHANNEL, STATUS
from helpdesk.web.page import render

FILTERS = ("status", "category", "tier", "channel", "assignee")


def urgency(row: dict) -> str:
    """The colour class of a row's clock: overdue, due within a working day, soon, or calm."""
    if row["next_due_at"] is None:
        return "none"
    if row["overdue"]:
        return "overdue"
    left = row["working_days_left"]
    if left is not None and left <= 1:
        return "urgent"
    if left is not None and left <= 3:
        return "soon"
    return "calm"


async def active_users(request: Request) -> list[User]:
    """Users who can be assignees."""
    async with request.app.state.ctx.sessions() as session:
        return list((await session.scalars(select(User).where(User.active.is_(True)).order_by(User.name))).all())


@guarded("view")
async def queue(request: Request) -> Response:
    """The queue page."""
    chosen = {key: request.query_params.get(key) or None for key in FILTERS}
    # The form marks itself with f=1, so an unticked "open only" box means all; a bare /queue shows open ones.
    submitted = "f" in request.query_params
    open_only = request.query_params.get("open") == "1" if submitted else not any(chosen.values())
    rows = await list_tickets(request.app.state.ctx, TicketFilter(**chosen, open_only=open_only, limit=500))
    for row in rows:
        row["urgency"] = urgency(row)
    return render(
        request, "queue.html", rows=rows, chosen=chosen, open_only=open_only,
        statuses=list(STATUS), channels=list(CHANNEL), users=await active_users(request),
        done=request.query_params.get("done"),
    )
