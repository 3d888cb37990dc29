"""`helpdesk web`: only the staff console (`helpdesk run` serves it with every other service)."""

from __future__ import annotations

import asyncio
import contextlib
import signal

import click

from helpdesk.app import open_desk
from helpdesk.domain.errors import HelpdeskError
from helpdesk.settings import load_settings


@click.command()
@click.option("--host", default=None, help="Listen address (default [web] host, 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default [web] port, 8080).")
def web(host: str | None, port: int | None) -> None:
    """Serve the staff console alone until Ctrl-C."""
    from dataclasses import replace

    from helpdesk.web import WebConfig, run_web

    async def main() -> None:
        settings = load_settings()
        config = WebConfig.from_section(settings.section("web"), var_dir=settings.var_dir)
        config = replace(config, host=host or config.host, port=port or config.port)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        async with open_desk(settings) as desk:
            click.echo(f"staff console on {config.address}")
            await run_web(desk.ctx, config, stop)

    try:
        asyncio.run(main())
    except HelpdeskError as exc:
        raise click.ClickException(str(exc)) from exc
