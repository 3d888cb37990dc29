"""The member directory: list and search, CSV import with a per-row report, Telegram invite links."""

from __future__ import annotations

from sqlalchemy import or_, select
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from helpdesk.domain.errors import NotFound
from helpdesk.services.invites import issue_invite
from helpdesk.services.members import import_members
from helpdesk.store.schema import Member, MemberContact
from helpdesk.web.auth import guarded
from helpdesk.web.page import render

MAX_CSV = 5 * 1024 * 1024


async def _list(request: Request, query: str) -> list[Member]:
    statement = select(Member).order_by(Member.member_no).limit(500)
    if query:
        like = f"%{query}%"
        statement = statement.where(
            or_(
                Member.member_no.ilike(like), Member.organisation.ilike(like), Member.contact_name.ilike(like),
                Member.id.in_(select(MemberContact.member_id).where(MemberContact.value.ilike(like))),
            )
        )
    async with request.app.state.ctx.sessions() as session:
        members = list((await session.scalars(statement)).all())
        for member in members:
            await session.refresh(member, ["contacts"])
    return members


async def _page(request: Request, status: int = 200, **extra: object) -> Response:
    query = request.query_params.get("q", "").strip()
    return render(request, "members.html", status=status, members=await _list(request, query), q=query, **extra)


@guarded("members")
async def members_page(request: Request) -> Response:
    """The directory."""
    return await _page(request)


@guarded("members")
async def import_csv(request: Request, form: FormData | None = None) -> Response:
    """Import a CSV: good rows kept, each bad row reported with its line and reason."""
    assert form is not None
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        return await _page(request, status=400, error="no file")
    data = await upload.read(MAX_CSV + 1)
    if len(data) > MAX_CSV:
        return await _page(request, status=400, error="file larger than 5 MB")
    try:
        report = await import_members(request.app.state.ctx, data)
    except (ValueError, UnicodeDecodeError) as exc:
        return await _page(request, status=400, error=str(exc))
    return await _page(request, report=report)


@guarded("members")
async def invite(request: Request, form: FormData | None = None) -> Response:
    """Make a Telegram invite link for a member."""
    member_no = request.path_params["member_no"]
    try:
        token = await issue_invite(request.app.state.ctx, member_no)
    except NotFound as exc:
        return await _page(request, status=404, error=str(exc))
    bot = request.app.state.config.telegram_bot
    link = f"https://t.me/{bot}?start={token}" if bot else f"/start {token}"
    return await _page(request, invite={"member_no": member_no, "link": link})
