"""Who is at the browser: a signed session cookie, the user reloaded on every request, roles checked on the server."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from helpdesk.domain.errors import DomainError
from helpdesk.domain.roles import PERMISSIONS, Actor
from helpdesk.services.accounts import authenticate, change_password
from helpdesk.store.schema import User
from helpdesk.web import csrf
from helpdesk.web.i18n import pick_language
from helpdesk.web.page import render

COOKIE = "hd_session"
LANG_COOKIE = "lang"
Handler = Callable[[Request], Awaitable[Response]]


@dataclass
class Visitor:
    """The person at the browser this request: a user or nobody, their CSRF token and language."""

    user: User | None
    csrf: str
    language: str
    dirty: bool = False  # the session cookie must be (re)written
    lang_cookie: str | None = None

    @property
    def actor(self) -> Actor:
        """The user as the core's Actor: identity comes from the session, never from a form."""
        assert self.user is not None
        return Actor(name=self.user.name, role=self.user.role, user_id=self.user.id)

    def may(self, action: str) -> bool:
        """True if the user's role may take the action (for showing buttons; handlers check again)."""
        return self.user is not None and self.user.role in PERMISSIONS.get(action, frozenset())


def fingerprint(user: User) -> str:
    """Changes when the password does, so a password change ends the other sessions."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


@dataclass
class LoginLimiter:
    """At most `attempts` failed logins per IP and name within `window_s` seconds."""

    attempts: int
    window_s: float
    clock: Callable[[], float] = time.monotonic
    failures: dict[tuple[str, str], list[float]] = field(default_factory=dict)

    def _recent(self, key: tuple[str, str]) -> list[float]:
        cutoff = self.clock() - self.window_s
        kept = [t for t in self.failures.get(key, []) if t > cutoff]
        if kept:
            self.failures[key] = kept
        else:
            self.failures.pop(key, None)
        return kept

    def blocked(self, key: tuple[str, str]) -> bool:
        return len(self._recent(key)) >= self.attempts

    def failed(self, key: tuple[str, str]) -> None:
        self.failures.setdefault(key, []).append(self.clock())

    def reset(self, key: tuple[str, str]) -> None:
        self.failures.pop(key, None)


def codec(secret: str) -> URLSafeTimedSerializer:
    """Signs and checks the session cookie."""
    return URLSafeTimedSerializer(secret, salt="helpdesk-session")


async def load_visitor(request: Request) -> Visitor:
    """Read the session cookie and reload its user from the store (a deactivated user is out at once)."""
    state = request.app.state
    language = pick_language(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))
    lang_cookie = request.query_params.get("lang") if request.query_params.get("lang") == language else None
    data: dict[str, Any] = {}
    raw = request.cookies.get(COOKIE)
    if raw:
        try:
            data = state.codec.loads(raw, max_age=int(state.config.session_hours * 3600))
        except BadSignature:
            data = {}
    token = data.get("c")
    visitor = Visitor(user=None, csrf=token or csrf.new_token(), language=language, dirty=not token, lang_cookie=lang_cookie)
    if data.get("u") is not None:
        async with state.ctx.sessions() as session:
            user = await session.scalar(select(User).where(User.id == int(data["u"]), User.active.is_(True)))
        if user is not None and data.get("f") == fingerprint(user):
            visitor.user = user
        else:
            visitor.dirty = True
    return visitor


def finish(request: Request, response: Response) -> Response:
    """Write the session (and language) cookies if they changed: HttpOnly, SameSite=Lax, Secure if configured."""
    visitor: Visitor = request.state.visitor
    config = request.app.state.config
    if visitor.dirty:
        payload = {"c": visitor.csrf, "u": visitor.user.id if visitor.user else None, "f": fingerprint(visitor.user) if visitor.user else None}
        response.set_cookie(
            COOKIE, request.app.state.codec.dumps(payload), max_age=int(config.session_hours * 3600),
            httponly=True, samesite="lax", secure=config.cookie_secure, path="/",
        )
    if visitor.lang_cookie:
        response.set_cookie(LANG_COOKIE, visitor.lang_cookie, max_age=365 * 86400, httponly=True, samesite="lax", secure=config.cookie_secure, path="/")
    return response


def forbidden(request: Request) -> Response:
    """The 403 page."""
    return render(request, "error.html", status=403, message="common.forbidden")


def guarded(action: str | None, *, anonymous: bool = False) -> Callable[[Callable[..., Awaitable[Response]]], Handler]:
    """Wrap a handler: load the visitor, demand a login and the role for `action`, and a CSRF token on every POST."""

    def wrap(handler: Callable[..., Awaitable[Response]]) -> Handler:
        async def endpoint(request: Request) -> Response:
            visitor = await load_visitor(request)
            request.state.visitor = visitor
            form: FormData | None = None
            if request.method == "POST":
                form = await request.form()
                submitted = form.get(csrf.FIELD) or request.headers.get(csrf.HEADER)
                # A visitor without a session cookie holds a token minted just now that no form can carry.
                if not csrf.valid(visitor.csrf, str(submitted or "")):
                    return finish(request, PlainTextResponse("CSRF token missing or invalid", status_code=403))
            if not anonymous:
                if visitor.user is None:
                    if request.method == "GET":
                        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                        return finish(request, RedirectResponse(f"/login?next={_quote(target)}", status_code=303))
                    return finish(request, PlainTextResponse("login required", status_code=401))
                if visitor.user.must_change_password and request.url.path != "/password":
                    return finish(request, RedirectResponse("/password", status_code=303))
                if action is not None and not visitor.may(action):
                    return finish(request, forbidden(request))
            response = await (handler(request, form) if request.method == "POST" else handler(request))
            return finish(request, response)

        endpoint.__name__ = handler.__name__
        endpoint.__doc__ = handler.__doc__
        return endpoint

    return wrap


def _quote(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")


def safe_next(target: str | None) -> str:
    """Only a local path may follow a login (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@guarded(None, anonymous=True)
async def login(request: Request, form: FormData | None = None) -> Response:
    """GET shows the form; POST checks the password, rate-limited per IP and name, and rotates the session."""
    visitor: Visitor = request.state.visitor
    state = request.app.state
    target = safe_next(request.query_params.get("next") or (str(form.get("next", "")) if form else None))
    if form is None:
        if visitor.user is not None:
            return RedirectResponse(target, status_code=303)
        return render(request, "login.html", next=target)
    name = str(form.get("name", "")).strip()
    key = (request.client.host if request.client else "-", name.lower())
    if state.limiter.blocked(key):
        return render(request, "login.html", status=429, next=target, error="login.limited", name=name)
    user = await authenticate(state.ctx, name, str(form.get("password", "")))
    if user is None:
        state.limiter.failed(key)
        return render(request, "login.html", status=401, next=target, error="login.failed", name=name)
    state.limiter.reset(key)
    visitor.user, visitor.csrf, visitor.dirty = user, csrf.new_token(), True  # a new token after login: no fixation
    return RedirectResponse("/password" if user.must_change_password else target, status_code=303)


@guarded(None, anonymous=True)
async def logout(request: Request, form: FormData | None = None) -> Response:
    """End the session (POST only, with the CSRF token)."""
    visitor: Visitor = request.state.visitor
    visitor.user, visitor.csrf, visitor.dirty = None, csrf.new_token(), True
    return RedirectResponse("/login", status_code=303)


@guarded(None)
async def password(request: Request, form: FormData | None = None) -> Response:
    """Change one's own password; forced on the first login with a one-time password."""
    visitor: Visitor = request.state.visitor
    assert visitor.user is not None
    if form is None:
        return render(request, "password.html")
    new, repeat = str(form.get("new", "")), str(form.get("repeat", ""))
    if new != repeat or len(new) < 10:
        return render(request, "password.html", status=400, error="password.mismatch")
    try:
        await change_password(request.app.state.ctx, visitor.user.id, str(form.get("current", "")), new)
    except DomainError:
        return render(request, "password.html", status=400, error="password.wrong")
    async with request.app.state.ctx.sessions() as session:
        visitor.user = await session.get(User, visitor.user.id)
    visitor.dirty = True
    return RedirectResponse("/?done=password", status_code=303)
