"""Registering a grievance received in person, at a meeting or on a visit (Art. 6) for a member of the directory."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from helpdesk.domain.errors import HelpdeskError
from helpdesk.services.registration import OFFLINE_CHANNELS, register
from helpdesk.store.schema import Member
from helpdesk.web.auth import guarded
from helpdesk.web.page import render


async def directory(request: Request) -> list[Member]:
    """Active members for the picker."""
    async with request.app.state.ctx.sessions() as session:
        return list((await session.scalars(select(Member).where(Member.active.is_(True)).order_by(Member.member_no))).all())


@guarded("register")
async def register_page(request: Request, form: FormData | None = None) -> Response:
    """GET shows the form; POST registers as the logged-in staff member and opens the new ticket."""
    members = await directory(request)
    if form is None:
        return render(request, "register.html", members=members, channels=list(OFFLINE_CHANNELS), form={"member_no": request.query_params.get("member", "")})
    ctx = request.app.state.ctx
    received = str(form.get("received_at", "")).strip()
    try:
        when = datetime.fromisoformat(received).replace(tzinfo=ctx.calendar.zone) if received else None
        if when is not None and when > ctx.now():
            raise HelpdeskError("the time received cannot be in the future")
        result = await register(
            ctx, request.state.visitor.actor,
            member_no=str(form.get("member_no", "")).strip(),
            channel=str(form.get("channel", "in_person")),
            text=str(form.get("text", "")),
            subject=str(form.get("subject", "")).strip() or None,
            received_at=when,
        )
    except (HelpdeskError, ValueError) as exc:
        return render(request, "register.html", status=400, members=members, channels=list(OFFLINE_CHANNELS), error=str(exc), form=form)
    return RedirectResponse(f"/t/{result.ticket_number}?done=register", status_code=303)
