"""One ticket: its thread, the assistant's proposal beside the draft, every staff action, and the audit trail."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from helpdesk.domain.errors import HelpdeskError, NotFound, PermissionDenied
from helpdesk.domain.lifecycle import allowed_actions
from helpdesk.domain.roles import Actor
from helpdesk.services.decisions import StaffDesk
from helpdesk.services.queries import ticket_record
from helpdesk.web.auth import forbidden, guarded
from helpdesk.web.page import render
from helpdesk.web.queue import active_users

Act = Callable[[StaffDesk, Actor, str, FormData], Awaitable[Any]]


def _text(form: FormData, key: str) -> str:
    return str(form.get(key, "")).strip()


def _numbers(text: str) -> list[str]:
    return [n.upper() for n in re.split(r"[\s,，;；]+", text) if n]


# Each web action calls the core's StaffDesk with the Actor of the session; form fields carry content only.
ACTIONS: dict[str, Act] = {
    "accept": lambda s, a, n, f: s.accept(a, n, _text(f, "category"), _text(f, "tier"), _text(f, "text") or None),
    "decline": lambda s, a, n, f: s.decline(a, n, _text(f, "reason"), _text(f, "text") or None),
    "reply": lambda s, a, n, f: s.approve_reply(a, n, _text(f, "text")),
    "answer": lambda s, a, n, f: s.answer(a, n, _text(f, "text"), _text(f, "category") or "policy_consultation"),
    "assign": lambda s, a, n, f: s.assign(a, n, _text(f, "assignee")),
    "note": lambda s, a, n, f: s.note(a, n, _text(f, "text"), notify_member=f.get("notify") == "1"),
    "resolve": lambda s, a, n, f: s.resolve(a, n, _text(f, "text")),
    "extend": lambda s, a, n, f: s.extend(a, n, _text(f, "text")),
    "link": lambda s, a, n, f: s.link(a, [n, *[x for x in _numbers(_text(f, "numbers")) if x != n]], _text(f, "title")),
    "close": lambda s, a, n, f: s.close(a, n, _text(f, "text")),
}
# The role each action needs (the core's permission names; `approve_reply` is "reply").
PERMISSION = {action: action for action in ACTIONS}


async def _page(request: Request, number: str, status: int = 200, error: str | None = None, form: FormData | None = None) -> Response:
    try:
        record = await ticket_record(request.app.state.ctx, number)
    except NotFound:
        return render(request, "error.html", status=404, message=f"{number}: not found")
    legal = {str(a) for a in allowed_actions(record["status"])}
    return render(
        request, "ticket.html", status=status, t_=record, record=record, legal=legal,
        users=await active_users(request), error=error, done=request.query_params.get("done"),
        form=form or {},
    )


@guarded("view")
async def ticket(request: Request) -> Response:
    """The ticket page."""
    return await _page(request, request.path_params["number"])


@guarded("view")
async def act(request: Request, form: FormData | None = None) -> Response:
    """Take one staff action as the logged-in user; an error shows on the page, the ticket unchanged."""
    assert form is not None
    number, action = request.path_params["number"].upper(), request.path_params["action"]
    visitor = request.state.visitor
    if action not in ACTIONS:
        return PlainTextResponse("unknown action", status_code=404)
    if not visitor.may(PERMISSION[action]):
        return forbidden(request)
    try:
        await ACTIONS[action](StaffDesk(request.app.state.ctx), visitor.actor, number, form)
    except PermissionDenied:
        return forbidden(request)
    except NotFound as exc:
        return render(request, "error.html", status=404, message=str(exc))
    except HelpdeskError as exc:
        return await _page(request, number, status=409, error=str(exc), form=form)
    return RedirectResponse(f"/t/{number}?done={action}", status_code=303)


@guarded("view")
async def attachment(request: Request) -> Response:
    """An attachment of this ticket, served as a download (never rendered inline)."""
    number, digest = request.path_params["number"], request.path_params["sha256"]
    ctx = request.app.state.ctx
    try:
        record = await ticket_record(ctx, number)
    except NotFound:
        return PlainTextResponse("not found", status_code=404)
    for message in record["messages"]:
        for item in message["attachments"]:
            if item["sha256"] == digest:
                try:
                    content = ctx.attachments.get(digest)
                except FileNotFoundError:
                    return PlainTextResponse("file missing from the attachment store", status_code=410)
                from urllib.parse import quote

                return Response(
                    content, media_type="application/octet-stream",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(item['filename'])}", "X-Content-Type-Options": "nosniff"},
                )
    return PlainTextResponse("not found", status_code=404)
