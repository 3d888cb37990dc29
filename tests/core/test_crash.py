"""Kill the process anywhere and restart: nothing missing, nothing doubled, nothing re-sent once marked sent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from helpdesk.app import open_desk
from helpdesk.settings import Settings
from helpdesk.store.schema import Message, OutboxRow, Ticket
from tests.core.crash_worker import message

WORKER = Path(__file__).with_name("crash_worker.py")
REPO = Path(__file__).resolve().parents[2]


def run_worker(settings: Settings, tmp_path: Path, *args: str) -> int:
    config = tmp_path / "helpdesk.toml"
    config.write_text(f'[desk]\nvar_dir = "{settings.var_dir}"\n[outbox]\nlease_s = 0.2\nbase_delay_s = 0.1\n', encoding="utf-8")
    env = {**os.environ, "HELPDESK_CONFIG": str(config), "HELPDESK_DATABASE_URL": settings.database_url, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, str(WORKER), *args], env=env, cwd=REPO, capture_output=True, timeout=120)
    return done.returncode


async def counts(settings: Settings) -> tuple[int, int, int]:
    async with open_desk(settings) as desk, desk.ctx.sessions() as session:
        tickets = await session.scalar(select(func.count()).select_from(Ticket))
        inbound = await session.scalar(select(func.count(func.distinct(Message.external_id))).where(Message.direction == "in"))
        receipts = await session.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.kind == "receipt"))
    return tickets, inbound, receipts


@pytest.mark.parametrize("kill_at", [1, 4, 9])
async def test_a_process_killed_between_receiving_and_committing_loses_and_doubles_nothing_after_restart(desk, settings, tmp_path, kill_at):
    # Each receive is one transaction after the migration's; killing at commit k leaves message k-1 uncommitted.
    assert run_worker(settings, tmp_path, "intake", "10", str(kill_at)) == -signal.SIGKILL
    partial = await counts(settings)
    assert partial[0] < 10
    # The channel redelivers everything not acknowledged (IMAP: not flagged), i.e. all of it here.
    assert run_worker(settings, tmp_path, "intake", "10", "0") == 0
    assert await counts(settings) == (10, 10, 10)


async def test_a_dispatcher_killed_mid_send_loses_nothing_and_never_resends_what_was_marked_sent(desk, settings, tmp_path):
    for i in range(6):
        await desk.intake.receive(message(i))
    wire = tmp_path / "wire.txt"
    assert run_worker(settings, tmp_path, "dispatch", "0", "3", str(wire)) == -signal.SIGKILL
    async with desk.ctx.sessions() as session:
        marked_sent = set(await session.scalars(select(OutboxRow.message_id).where(OutboxRow.status == "sent")))
    assert len(marked_sent) == 2
    time.sleep(0.3)  # the dead dispatcher's lease on the row it was sending runs out
    assert run_worker(settings, tmp_path, "dispatch", "0", "0", str(wire)) == 0
    sent = Counter(wire.read_text().split())
    async with desk.ctx.sessions() as session:
        rows = list(await session.scalars(select(OutboxRow)))
    assert {r.status for r in rows} == {"sent"} and len(rows) == 6
    assert set(sent) == {r.message_id for r in rows}  # nothing lost
    assert all(sent[m] == 1 for m in marked_sent)  # nothing sent again once marked sent
    # Only the message in flight at the kill may go twice, with the same Message-ID for the client to fold.
    assert sum(sent.values()) <= 7
