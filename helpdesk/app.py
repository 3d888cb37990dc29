"""The composition root: the only place that reads settings into objects and wires the parts together."""

from __future__ import annotations

import asyncio
import logging
import tomllib
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from helpdesk.calendars import build_calendar
from helpdesk.domain.errors import ConfigError, PolicyError
from helpdesk.domain.outbound import Sender
from helpdesk.domain.policy import Policy, parse_policy
from helpdesk.notices import Notices
from helpdesk.services.context import AttachmentStore, DeskContext, utc_now
from helpdesk.services.decisions import StaffDesk
from helpdesk.services.intake import IntakeService
from helpdesk.services.outbox import Dispatcher
from helpdesk.settings import Settings
from helpdesk.store.database import create_engine, migrate, session_factory

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_S = 5.0


def load_policy(path: Path) -> Policy:
    """The regulation from its TOML file; any error names the file and the key."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError as exc:
        raise PolicyError(f"{path}: policy file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path}: not valid TOML: {exc}") from exc
    return parse_policy(data, str(path))


def mail_domain(settings: Settings) -> str:
    """The domain of our Message-IDs: the desk's own address if configured."""
    address = str(settings.section("email").get("from_address", ""))
    return address.rpartition("@")[2] or "helpdesk.invalid"


@dataclass
class Desk:
    """Everything wired: the context, the core services and the engine behind them."""

    settings: Settings
    engine: AsyncEngine
    ctx: DeskContext
    intake: IntakeService
    staff: StaffDesk
    senders: dict[str, Sender] = field(default_factory=dict)

    def dispatcher(self, senders: Mapping[str, Sender] | None = None) -> Dispatcher:
        """An outbox dispatcher over the given senders (default: the configured channels')."""
        return Dispatcher(self.ctx, senders if senders is not None else self.senders)


@asynccontextmanager
async def open_desk(
    settings: Settings, *, now: Callable[[], datetime] = utc_now, apply_migrations: bool = True
) -> AsyncIterator[Desk]:
    """Open the store (migrating it) and build the core services; disposes the engine on exit."""
    policy = load_policy(settings.policy_path)
    calendar = build_calendar(settings.calendar)
    engine = create_engine(settings.database_url)
    try:
        if apply_migrations:
            await migrate(engine)
        ctx = DeskContext(
            sessions=session_factory(engine),
            policy=policy,
            calendar=calendar,
            notices=Notices(),
            attachments=AttachmentStore(settings.var_dir / "attachments"),
            outbox=settings.outbox,
            desk_name_zh=settings.desk_name_zh,
            desk_name_en=settings.desk_name_en,
            mail_domain=mail_domain(settings),
            now=now,
        )
        yield Desk(settings=settings, engine=engine, ctx=ctx, intake=IntakeService(ctx), staff=StaffDesk(ctx))
    finally:
        await engine.dispose()


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    """`helpdesk run`: every service in one asyncio process until `stop` is set."""
    from helpdesk import wiring

    async with open_desk(settings) as desk:
        tasks = await wiring.start_services(desk, stop)
        log.info("desk running with %d service(s); Ctrl-C stops it", len(tasks))
        await stop.wait()
        # Each service watches `stop` and finishes its step; one that does not within the grace is cancelled.
        _done, late = await asyncio.wait(tasks, timeout=SHUTDOWN_GRACE_S)
        for task in late:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def check_config(settings: Settings) -> list[str]:
    """Problems with the configuration, as lines naming file and key (empty if none)."""
    problems = []
    try:
        load_policy(settings.policy_path)
    except ConfigError as exc:
        problems.append(str(exc))
    try:
        build_calendar(settings.calendar)
    except ConfigError as exc:
        problems.append(str(exc))
    return problems
