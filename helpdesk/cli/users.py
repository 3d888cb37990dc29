"""`helpdesk users`: accounts of the secretariat and the leadership."""

from __future__ import annotations

import click
from rich.table import Table
from sqlalchemy import select

from helpdesk.app import Desk
from helpdesk.cli.common import console, with_desk
from helpdesk.domain.roles import ROLES
from helpdesk.services.accounts import add_user
from helpdesk.store.schema import User


@click.group()
def users() -> None:
    """Staff, leadership and admin accounts."""


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--display-name", default=None)
@click.option("--email", default=None)
@click.option("--telegram-id", type=int, default=None, help="Telegram user id, for staff buttons in the staff chat.")
@click.password_option(prompt="Password", help="Prompted for when not given.")
def add(name: str, role: str, display_name: str | None, email: str | None, telegram_id: int | None, password: str) -> None:
    """Add user NAME with a role; the password is asked for and stored as an argon2 hash."""

    async def work(desk: Desk) -> None:
        await add_user(desk.ctx, name, role, password, display_name=display_name, email=email, telegram_user_id=telegram_id)

    with_desk(work)
    console.print(f"user {name} added as {role}")


@users.command("list")
def list_users() -> None:
    """List accounts."""

    async def work(desk: Desk) -> list[User]:
        async with desk.ctx.sessions() as session:
            return list((await session.scalars(select(User).order_by(User.name))).all())

    table = Table("name", "role", "display name", "email", "telegram", "active")
    for user in with_desk(work):
        table.add_row(user.name, user.role, user.display_name or "", user.email or "", str(user.telegram_user_id or ""), "yes" if user.active else "no")
    console.print(table)
