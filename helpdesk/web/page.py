"""Rendering a page: jinja2 with autoescape, the visitor's language and the helpers every template uses."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from helpdesk.services.context import DeskContext
from helpdesk.web.i18n import label, translator

TEMPLATES = Path(__file__).resolve().parent / "templates"


def environment() -> jinja2.Environment:
    """The template environment; autoescape is on for every template."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["urlencode_query"] = lambda values: urlencode({k: v for k, v in values.items() if v})
    return env


def local_time(ctx: DeskContext, value: datetime | str | None, with_time: bool = True) -> str:
    """A moment in the desk's time zone, as staff read it."""
    if value is None or value == "":
        return "—"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = moment.astimezone(ctx.calendar.zone)
    return local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def policy_name(ctx: DeskContext, language: str, what: str, key: str | None) -> str:
    """The regulation's name of a category, tier or decline reason in the language."""
    if not key:
        return "—"
    finder = {"category": ctx.policy.category, "tier": ctx.policy.tier, "reason": ctx.policy.decline_reason, "method": ctx.policy.handling_method}[what]
    try:
        return finder(key).name(language)
    except Exception:
        return key


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a template with the visitor, language, CSRF token and name helpers."""
    app = request.app
    ctx: DeskContext = app.state.ctx
    visitor = request.state.visitor
    language = visitor.language
    values = {
        "request": request,
        "visitor": visitor,
        "user": visitor.user,
        "lang": language,
        "t": translator(language),
        "label": lambda table, key: label(language, table, key),
        "pname": lambda what, key: policy_name(ctx, language, what, key),
        "local": lambda value, with_time=True: local_time(ctx, value, with_time),
        "csrf_token": visitor.csrf,
        "policy": ctx.policy,
        "desk_name": ctx.desk_name(language),
        "path": request.url.path,
    }
    values.update(context)
    html = app.state.templates.get_template(template).render(values)
    return HTMLResponse(html, status_code=status)
