"""`helpdesk demo`: fill an empty desk with sample members and grievances, so a newcomer sees it working."""

from __future__ import annotations

import click

from helpdesk.app import Desk
from helpdesk.cli.common import console, with_desk
from helpdesk.services.accounts import ensure_first_admin
from helpdesk.web.config import WebConfig
from helpdesk.web.server import first_admin_banner


@click.command()
def demo() -> None:
    """Fill an EMPTY desk with 8 sample members and a dozen Chinese grievances run through triage and the clocks."""
    fill_demo_desk(hint_run=True)


def fill_demo_desk(hint_run: bool) -> None:
    """The demo's work, also run by `helpdesk run --demo` (which needs no hint to start the desk)."""

    async def work(desk: Desk) -> None:
        try:
            from triage import TriageConfig, build_engine
        except ImportError as exc:
            raise click.ClickException(f"the demo needs the triage package (rules engine): {exc}") from exc
        from helpdesk.services.demo import fill_demo, is_empty

        if not await is_empty(desk.ctx):
            console.print("the desk already has members or tickets: the demo only fills an empty desk; nothing changed")
            return
        password = await ensure_first_admin(desk.ctx)  # before the demo's own users, so the desk's admin exists
        result = await fill_demo(desk.ctx, build_engine(TriageConfig(), desk.ctx.policy), log=console.print)
        config = WebConfig.from_section(desk.settings.section("web"), var_dir=desk.settings.var_dir)
        console.print(f"demo desk ready: {len(result.tickets)} grievances ({', '.join(result.tickets.values())})")
        if password:
            click.echo(first_admin_banner(password, config))
        if hint_run:
            console.print(f"now start the desk with `helpdesk run` and open {config.address}")

    with_desk(work)
