"""A desk process for the crash tests: it ingests or dispatches, and kills itself with SIGKILL where told."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import event

from helpdesk.app import open_desk
from helpdesk.domain.inbound import InboundMessage
from helpdesk.domain.outbound import OutboundMessage
from helpdesk.settings import load_settings


def message(i: int) -> InboundMessage:
    """The i-th grievance of the test mailbox; the same on every run, as a redelivery would be."""
    return InboundMessage(
        channel="email",
        external_id=f"<crash-{i}@members.example.cn>",
        received_at=datetime(2026, 11, 23, 2, 0, tzinfo=UTC),
        text=f"第{i}号诉求：请协助协调用地问题。",
        sender_address=f"member{i}@example.cn",
        subject=f"诉求 {i}",
    )


class WireSender:
    """Appends each message id to a file (the wire), then dies before it is recorded as sent when told."""

    channel = "email"

    def __init__(self, wire: Path, die_after: int) -> None:
        self.wire, self.die_after, self.count = wire, die_after, 0

    async def send(self, message: OutboundMessage) -> str:
        with self.wire.open("a") as handle:
            handle.write(message.message_id + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self.count += 1
        if self.count == self.die_after:
            os.kill(os.getpid(), signal.SIGKILL)
        return message.message_id


async def main(mode: str, n: int, kill_at: int, wire: str) -> None:
    async with open_desk(load_settings()) as desk:
        if mode == "intake":
            commits = 0

            @event.listens_for(desk.engine.sync_engine, "commit")
            def _die_before_commit(_conn: object) -> None:
                nonlocal commits
                commits += 1
                if commits == kill_at:
                    os.kill(os.getpid(), signal.SIGKILL)  # received and flushed, not committed

            for i in range(n):
                await desk.intake.receive(message(i))
        else:
            dispatcher = desk.dispatcher({"email": WireSender(Path(wire), kill_at)})
            while await dispatcher.run_once():
                pass


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else ""))
