"""Leadership's board: escalations and their acknowledgement, major grievances, joint groups."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from helpdesk.domain.errors import HelpdeskError, PermissionDenied
from helpdesk.services import board as service
from helpdesk.web.auth import forbidden, guarded
from helpdesk.web.page import render


async def _page(request: Request, status: int = 200, error: str | None = None) -> Response:
    ctx = request.app.state.ctx
    return render(
        request, "board.html", status=status, error=error, done=request.query_params.get("done"),
        escalations=await service.escalations(ctx), major=await service.major_open(ctx), groups=await service.joint_groups(ctx),
    )


@guarded("view")
async def board(request: Request) -> Response:
    """The board page (every role may look; only leadership and admin acknowledge)."""
    return await _page(request)


@guarded("acknowledge")
async def acknowledge(request: Request, form: FormData | None = None) -> Response:
    """Acknowledge one escalation as the logged-in leader."""
    try:
        await service.acknowledge(request.app.state.ctx, request.state.visitor.actor, int(request.path_params["event_id"]))
    except PermissionDenied:
        return forbidden(request)
    except HelpdeskError as exc:
        return await _page(request, status=409, error=str(exc))
    return RedirectResponse("/board?done=acknowledge", status_code=303)
