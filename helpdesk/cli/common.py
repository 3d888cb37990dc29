"""What every command shares: settings, the desk, the acting user, and output as tables or JSON."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click
from rich.console import Console
from sqlalchemy import select

from helpdesk.app import Desk, open_desk
from helpdesk.domain.errors import HelpdeskError
from helpdesk.domain.roles import Actor
from helpdesk.settings import load_settings
from helpdesk.store.schema import User

T = TypeVar("T")
console = Console()
errors = Console(stderr=True)


def setup_logging(verbose: bool) -> None:
    """Log lines on stderr; INFO by default."""
    # Plain lines, one per event: they go to journald or a log file as often as to a terminal.
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%Y-%m-%d %H:%M:%S",
    )
    for noisy in ("aiosqlite", "sqlalchemy.engine", "alembic.runtime.migration", "httpx", "jieba"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def with_desk(work: Callable[[Desk], Awaitable[T]]) -> T:
    """Run `work` with an open desk; a desk error becomes a clear message and exit code 1."""

    async def main() -> T:
        async with open_desk(load_settings()) as desk:
            return await work(desk)

    try:
        return asyncio.run(main())
    except HelpdeskError as exc:
        raise click.ClickException(str(exc)) from exc


async def acting_user(desk: Desk, name: str | None) -> Actor:
    """The actor of a terminal command: --as NAME, else $HELPDESK_USER, checked against the users table."""
    name = name or os.environ.get("HELPDESK_USER")
    if not name:
        raise click.UsageError("say who acts: --as NAME or HELPDESK_USER=NAME (a user from `helpdesk users add`)")
    async with desk.ctx.sessions() as session:
        user = await session.scalar(select(User).where(User.name == name, User.active.is_(True)))
    if user is None:
        raise click.ClickException(f"no active user {name!r}: add one with `helpdesk users add {name} --role staff`")
    return Actor(name=user.name, role=user.role, user_id=user.id)


def emit_json(value: Any) -> None:
    """One JSON document on stdout, Chinese kept readable."""
    click.echo(json.dumps(value, ensure_ascii=False, default=str))


as_option = click.option("--as", "as_user", metavar="NAME", help="The staff user acting (default $HELPDESK_USER).")
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
