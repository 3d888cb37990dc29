"""`helpdesk timer`: one sweep of the regulation's clocks (for cron and tests), and what is overdue and why."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

import click

from helpdesk.app import Desk, open_desk
from helpdesk.cli.common import emit_json
from helpdesk.domain.errors import HelpdeskError
from helpdesk.services.digest import overdue
from helpdesk.services.joint import suggest_groups
from helpdesk.services.timer import Timer
from helpdesk.services.timer_config import TimerConfig
from helpdesk.settings import load_settings

T = TypeVar("T")


def _moment(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not ISO 8601 like 2026-10-12T09:30+08:00") from exc
    if moment.tzinfo is None:
        raise click.BadParameter("give the UTC offset, e.g. 2026-10-12T09:30+08:00")
    return moment


def _with_desk_at(now: datetime | None, work: Callable[[Desk], Awaitable[T]]) -> T:
    """Like `with_desk`, but the desk's clock stands still at `now` when one is given."""

    async def main() -> T:
        settings = load_settings()
        if now is None:
            async with open_desk(settings) as desk:
                return await work(desk)
        async with open_desk(settings, now=lambda: now) as desk:
            return await work(desk)

    try:
        return asyncio.run(main())
    except HelpdeskError as exc:
        raise click.ClickException(str(exc)) from exc


now_option = click.option("--now", "now", metavar="ISO8601", help="Act as if it were this moment (default: the real time).")


@click.group()
def timer() -> None:
    """The regulation's clocks: reminders, escalations to the president's office, the daily digest."""


@timer.command("tick")
@now_option
def tick(now: str | None) -> None:
    """Run one sweep: print each reminder, escalation and digest it queued, then a summary."""

    async def work(desk: Desk):
        return await Timer(desk.ctx, TimerConfig.from_settings(desk.settings)).sweep()

    report = _with_desk_at(_moment(now), work)
    for line in report.lines():
        click.echo(line)
    click.echo(report.summary())


@timer.command("overdue")
@now_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of lines.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Language of clock names (default: [timer] language).")
def overdue_command(now: str | None, as_json: bool, lang: str | None) -> None:
    """What is overdue and why: the clock, its article, due time, how late and who holds it."""

    async def work(desk: Desk):
        language = lang or TimerConfig.from_settings(desk.settings).language
        return await overdue(desk.ctx, language)

    items = _with_desk_at(_moment(now), work)
    if as_json:
        emit_json(items)
        return
    if not items:
        click.echo("nothing overdue")
        return
    for item in items:
        numbers = "+".join(item["numbers"])
        late = f"{item['late']} working day(s) late" if item["late"] else "late today"
        click.echo(
            f"{numbers}\t{item['clock']} ({item['article']})\tdue {item['due']}\t{late}\t"
            f"held by {item['holder']}\tlevel {item['escalation_level']}\t{item['member']}: {item['subject']}"
        )
    click.echo(f"{len(items)} overdue")


@timer.command("joint")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of lines.")
def joint_command(as_json: bool) -> None:
    """Joint grievances to link (Art. 14): open tickets the assistant flagged joint, grouped by subject."""
    suggestions = _with_desk_at(None, lambda desk: suggest_groups(desk.ctx))
    if as_json:
        emit_json([s.as_dict() for s in suggestions])
        return
    for s in suggestions:
        click.echo(f"helpdesk tickets link {' '.join(s.numbers)} --title {s.title!r}\t# {s.reason}")
    click.echo(f"{len(suggestions)} suggested group(s)")


if __name__ == "__main__":  # `python -m helpdesk.cli.timer` until the group is registered in helpdesk.cli
    timer()
