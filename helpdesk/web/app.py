"""The console's ASGI application: routes, static files and the shared state they read."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from helpdesk.services.context import DeskContext
from helpdesk.web import auth, board, health, members, queue, register, reports, ticket
from helpdesk.web.config import WebConfig
from helpdesk.web.page import environment

STATIC = Path(__file__).resolve().parent / "static"
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    # Everything is served from here; inline SVG needs no script, the small script is a file of ours.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
}


class SecurityHeaders:
    """Adds the security headers to every response, and no-store to every page (they show members' data)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if not path.startswith("/static"):
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, sending)


async def home(request: Request) -> Response:
    """The queue is the desk's front page."""
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(f"/queue{query}", status_code=303)


def build_web_app(ctx: DeskContext, config: WebConfig, secret: str | None = None) -> Starlette:
    """The console over a desk context; the signing secret from the config, the argument, or var_dir."""
    key = secret or config.resolve_secret(ctx.attachments.root.parent)
    routes = [
        Route("/", home),
        Route("/healthz", health.healthz),
        Route("/login", auth.login, methods=["GET", "POST"]),
        Route("/logout", auth.logout, methods=["POST"]),
        Route("/password", auth.password, methods=["GET", "POST"]),
        Route("/queue", queue.queue),
        Route("/t/{number}", ticket.ticket),
        Route("/t/{number}/attachments/{sha256}", ticket.attachment),
        Route("/t/{number}/{action}", ticket.act, methods=["POST"]),
        Route("/register", register.register_page, methods=["GET", "POST"]),
        Route("/members", members.members_page),
        Route("/members/import", members.import_csv, methods=["POST"]),
        Route("/members/{member_no}/invite", members.invite, methods=["POST"]),
        Route("/board", board.board),
        Route("/board/escalations/{event_id:int}/acknowledge", board.acknowledge, methods=["POST"]),
        Route("/reports", reports.reports_page),
        Route("/reports/{month}.html", reports.report_file),
        Route("/reports/{month}/{chart}.csv", reports.chart_csv),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)])
    app.state.ctx = ctx
    app.state.config = config
    app.state.codec = auth.codec(key)
    app.state.limiter = auth.LoginLimiter(config.login_attempts, config.login_window_s)
    app.state.templates = environment()

    return app
