"""`helpdesk init`, `helpdesk run` and `helpdesk sla due`."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from datetime import datetime

import click

from helpdesk.app import Desk, check_config, serve
from helpdesk.calendars import build_calendar
from helpdesk.cli.common import console, with_desk
from helpdesk.domain.errors import HelpdeskError
from helpdesk.settings import load_settings


@click.command()
def init() -> None:
    """Create or migrate the database and check the configuration."""
    settings = load_settings()
    problems = check_config(settings)
    if problems:
        raise click.ClickException("\n".join(problems))

    async def done(desk: Desk) -> str:
        return desk.settings.database_url

    url = with_desk(done)
    console.print(f"database ready: {url.split('@')[-1]}")
    console.print(f"policy: {settings.policy_path}  calendar: {settings.calendar.country} {settings.calendar.timezone}")


@click.command()
@click.option("--demo", "with_demo", is_flag=True, help="Fill an empty desk with sample members and grievances first.")
def run(with_demo: bool) -> None:
    """Run every service (outbox, triage, timer, console, configured channels) in one process; Ctrl-C stops cleanly."""
    if with_demo:
        from helpdesk.cli.demo import fill_demo_desk

        fill_demo_desk(hint_run=False)
    try:
        settings = load_settings()
    except HelpdeskError as exc:
        raise click.ClickException(str(exc)) from exc
    problems = check_config(settings)
    if problems:
        raise click.ClickException("\n".join(problems))

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        await serve(settings, stop)

    try:
        asyncio.run(main())
    except HelpdeskError as exc:
        raise click.ClickException(str(exc)) from exc
    console.print("stopped")


@click.group()
def sla() -> None:
    """Working-day time limits on the configured calendar."""


@sla.command("due")
@click.option("--received", required=True, help="When the period starts, ISO 8601 with offset, e.g. 2026-09-30T10:00+08:00.")
@click.option("--working-days", "days", required=True, type=click.IntRange(min=1), help="Length of the period in working days.")
def sla_due(received: str, days: int) -> None:
    """Print when N working days from RECEIVED end (Civil Code Art. 201); the last line is the ISO 8601 due time."""
    try:
        start = datetime.fromisoformat(received)
    except ValueError as exc:
        raise click.BadParameter(f"{received!r} is not ISO 8601", param_hint="--received") from exc
    settings = load_settings()
    calendar = build_calendar(settings.calendar)
    if start.tzinfo is None:
        start = start.replace(tzinfo=calendar.zone)
    due = calendar.due_after(start, days)
    for warning in due.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(due.at.isoformat())
