"""`helpdesk run`'s web part: the console served by uvicorn until the stop event, the first admin printed once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator

import uvicorn

from helpdesk.services.accounts import FIRST_ADMIN, ensure_first_admin
from helpdesk.services.context import DeskContext
from helpdesk.web.app import build_web_app
from helpdesk.web.config import WebConfig

log = logging.getLogger(__name__)


class QuietServer(uvicorn.Server):
    """A uvicorn server that leaves the signals to `helpdesk run`, which stops it through the stop event."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def first_admin_banner(password: str, config: WebConfig) -> str:
    """What the first start prints, once: where to go and the one-time password."""
    return (
        f"\n  商会诉求处理台 staff console: {config.address}\n"
        f"  首次登录 first login:  用户名 user {FIRST_ADMIN}   一次性密码 one-time password {password}\n"
        f"  （仅显示这一次，登录后需修改密码 / shown only this once; you set a new one at login）\n"
    )


async def run_web(ctx: DeskContext, config: WebConfig, stop: asyncio.Event) -> None:
    """Serve the console on config.host:port until `stop` is set; with no account yet, create and print an admin."""
    password = await ensure_first_admin(ctx)
    if password:
        print(first_admin_banner(password, config), flush=True)
    app = build_web_app(ctx, config)
    server = QuietServer(uvicorn.Config(app, host=config.host, port=config.port, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve(), name="web")
    log.info("staff console on %s", config.address)
    waiting = asyncio.create_task(stop.wait())
    await asyncio.wait({serving, waiting}, return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    waiting.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await serving
