"""A timer process for the race and crash tests: one sweep at a fixed moment, killed with SIGKILL at the k-th commit if told."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import datetime

from sqlalchemy import event

from helpdesk.app import open_desk
from helpdesk.services.timer import Timer
from helpdesk.services.timer_config import TimerConfig
from helpdesk.settings import load_settings


async def main(now: datetime, kill_at: int) -> None:
    async with open_desk(load_settings(), now=lambda: now) as desk:
        commits = 0

        @event.listens_for(desk.engine.sync_engine, "commit")
        def _die_before_commit(_conn: object) -> None:
            nonlocal commits
            commits += 1
            if commits == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)  # the event's row and messages flushed, not committed

        report = await Timer(desk.ctx, TimerConfig.from_settings(desk.settings)).sweep()
        print("\n".join(report.lines()), flush=True)


if __name__ == "__main__":
    asyncio.run(main(datetime.fromisoformat(sys.argv[1]), int(sys.argv[2])))
