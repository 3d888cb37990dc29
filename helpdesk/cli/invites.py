"""`helpdesk members invite MEMBER`: a one-time Telegram deep link that binds a member's account."""

from __future__ import annotations

import os

import click

from helpdesk.app import Desk
from helpdesk.cli.common import emit_json, json_option, with_desk


async def _bot_username(desk: Desk) -> str | None:
    """The bot's @username: `[telegram] bot_username`, else asked of the Bot API with the configured token."""
    section = desk.settings.section("telegram")
    if section.get("bot_username"):
        return str(section["bot_username"]).lstrip("@")
    if not os.environ.get(str(section.get("token_env", "HELPDESK_TELEGRAM_TOKEN"))) or "staff_chat_id" not in section:
        return None
    from channels.telegram import TelegramConfig, make_bot

    bot = make_bot(TelegramConfig.from_section(section, os.environ))
    try:
        return (await bot.get_me()).username
    finally:
        await bot.session.close()


@click.command("invite")
@click.argument("member")
@click.option("--days", default=7, show_default=True, help="How long the link stays valid.")
@json_option
def invite(member: str, days: int, as_json: bool) -> None:
    """Print a one-time t.me link that binds a Telegram account to MEMBER (member number)."""
    from helpdesk.services.invites import invite_link, issue_invite

    async def work(desk: Desk) -> tuple[str, str | None]:
        token = await issue_invite(desk.ctx, member, days=days)
        return token, await _bot_username(desk)

    token, username = with_desk(work)
    link = invite_link(username, token) if username else None
    if as_json:
        emit_json({"member": member, "token": token, "link": link, "valid_days": days})
        return
    if link is None:
        click.echo(f"token: {token}")
        click.echo("set [telegram] bot_username (or the bot token) to print the t.me link; the member sends /start " + token)
        return
    click.echo(link)
