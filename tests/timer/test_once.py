"""Exactly once: timers racing (in one process and in two) and a timer killed mid-sweep never double or skip a message."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from helpdesk.app import open_desk
from helpdesk.services.timer import Timer
from helpdesk.store.schema import OutboxRow
from tests.timer.helpers import CONFIG, LEADERSHIP, SECTION, events, outbox, receive, sh

WORKER = Path(__file__).with_name("sweep_worker.py")
REPO = Path(__file__).resolve().parents[2]
OVERDUE_AT = "2026-11-26T18:30:00+08:00"  # three grievances of 23 November: their review answers were due on the 25th


def _toml(value: object) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    return json.dumps(value)


def write_config(settings, tmp_path: Path) -> Path:
    config = tmp_path / "helpdesk.toml"
    timer = "\n".join(f"{k} = {_toml(v) if k != 'levels' else '[' + ', '.join(map(_toml, v)) + ']'}" for k, v in SECTION.items())
    config.write_text(f'[desk]\nvar_dir = "{settings.var_dir}"\n[timer]\n{timer}\n', encoding="utf-8")
    return config


def worker(settings, tmp_path: Path, now: str, kill_at: int = 0) -> subprocess.Popen[bytes]:
    env = {**os.environ, "HELPDESK_CONFIG": str(write_config(settings, tmp_path)), "HELPDESK_DATABASE_URL": settings.database_url, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, str(WORKER), now, str(kill_at)], env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


async def three_overdue(desk, clock) -> list[str]:
    return [await receive(desk, clock, f"2026-11-23 1{i}:00", i) for i in range(3)]


def assert_each_escalation_once(rows: list[OutboxRow]) -> None:
    per_event = Counter((r.meta or {}).get("timer_event") for r in rows)
    assert len(per_event) == 3 and set(per_event.values()) == {len(LEADERSHIP)}
    assert Counter((r.ticket_id, r.recipient) for r in rows).most_common(1)[0][1] == 1


async def test_two_timers_on_the_same_store_sweeping_at_once_send_each_escalation_once(desk, clock, settings):
    await three_overdue(desk, clock)
    clock.set(sh("2026-11-26 18:30"))
    async with open_desk(settings, now=clock) as other:
        reports = await asyncio.gather(Timer(desk.ctx, CONFIG).sweep(), Timer(other.ctx, CONFIG).sweep(), Timer(desk.ctx, CONFIG).sweep())
    assert sum(len(r.actions) for r in reports) == 3
    assert sum(1 for r in reports if r.digest is not None) == 1
    assert len(await outbox(desk, "digest")) == len(LEADERSHIP)
    assert_each_escalation_once(await outbox(desk, "escalation"))
    assert await events(desk) == [("escalation", 1)] * 3


async def test_two_timer_processes_racing_send_each_escalation_and_the_digest_once(desk, clock, settings, tmp_path):
    await three_overdue(desk, clock)
    procs = [worker(settings, tmp_path, OVERDUE_AT) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e.decode()[-2000:] for _, e in outputs]
    lines = [line for out, _ in outputs for line in out.decode().splitlines()]
    assert sum(line.startswith("escalation") for line in lines) == 3
    assert_each_escalation_once(await outbox(desk, "escalation"))
    assert len(await outbox(desk, "digest")) == len(LEADERSHIP)


@pytest.mark.parametrize("kill_at", [2, 4])
async def test_a_timer_killed_mid_sweep_neither_doubles_nor_skips_after_a_restart(desk, clock, settings, tmp_path, kill_at):
    # Commit k would record the k-th escalation (the 4th, the digest): the worker dies just before it.
    await three_overdue(desk, clock)
    killed = worker(settings, tmp_path, OVERDUE_AT, kill_at)
    killed.communicate(timeout=120)
    assert killed.returncode == -signal.SIGKILL
    committed = min(kill_at - 1, 3)
    assert len(await events(desk)) == committed
    restarted = worker(settings, tmp_path, OVERDUE_AT)
    out, err = restarted.communicate(timeout=120)
    assert restarted.returncode == 0, err.decode()[-2000:]
    assert sum(line.startswith("escalation") for line in out.decode().splitlines()) == 3 - committed
    assert_each_escalation_once(await outbox(desk, "escalation"))
    assert len(await outbox(desk, "digest")) == len(LEADERSHIP)
    async with desk.ctx.sessions() as session:
        orphans = await session.scalars(select(OutboxRow).where(OutboxRow.kind == "escalation", OutboxRow.meta.is_(None)))
        assert list(orphans) == []


async def test_helpdesk_timer_tick_prints_what_it_sent_and_timer_overdue_says_why(desk, clock, settings, tmp_path):
    numbers = await three_overdue(desk, clock)
    env = {**os.environ, "HELPDESK_CONFIG": str(write_config(settings, tmp_path)), "HELPDESK_DATABASE_URL": settings.database_url, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "helpdesk.cli.timer"]

    def run(*args: str) -> str:
        done = subprocess.run([*command, *args], env=env, cwd=REPO, capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr.decode()[-2000:]
        return done.stdout.decode()

    out = run("tick", "--now", "2026-11-26T18:30+08:00")
    assert sum(line.startswith("escalation L1") for line in out.splitlines()) == 3
    assert "telegram:-100222" in out and "email:office@chamber.example.cn" in out
    assert "3 escalation" in out.splitlines()[-1]
    again = run("tick", "--now", "2026-11-26T18:40+08:00")
    assert "nothing due" in again and "escalation L1" not in again
    data = json.loads(run("overdue", "--json", "--now", "2026-11-27T10:00+08:00"))
    assert {d["number"] for d in data} == set(numbers) and all(d["late"] == 2 for d in data)
    assert {(d["article"], d["holder"], d["escalation_level"]) for d in data} == {("第九条", "未分配", 1)}
