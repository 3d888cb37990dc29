"""Benchmark (a script, not a test): an idle timer sweep over a large store, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/timer_sweep.py                      # 1,000,000 tickets, 50,000 open, both stores
    .venv/bin/python benchmarks/timer_sweep.py --tickets 100000 --open 5000 --backend sqlite

For each store it loads the open tickets and a tenth of the closed ones, times the sweep (the
baseline), loads the other nine tenths of the closed tickets and times it again. Nothing is due
at the sweep's moment, so each sweep is the timer's steady cost; the target is under 50 ms, and
the two columns should match: the sweep reads an index range of running clocks, never the closed.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from helpdesk.app import open_desk
from helpdesk.services.timer import Timer
from helpdesk.services.timer_config import TimerConfig
from helpdesk.settings import settings_from_mapping

REPO = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai: before the digest hour, so only clocks are swept
OPEN_DUE = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)  # far past the sweep's horizon: nothing is due
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
TICKET_COLUMNS = (
    "id", "number", "channel", "sender_address", "verified", "language", "subject", "text", "status",
    "extensions", "escalation_level", "next_due_at", "received_at", "created_at", "updated_at",
)
CLOCK_COLUMNS = ("ticket_id", "kind", "started_at", "due_at", "working_days", "stopped_at")


def tickets(first: int, count: int, is_open: bool) -> Iterator[tuple]:
    """Ticket rows: open ones accepted with a processing clock far ahead, closed ones archived."""
    received = datetime(2025, 1, 6, 2, 0, tzinfo=UTC)
    for i in range(first, first + count):
        at = received + timedelta(minutes=i % 500_000)
        status, due = ("accepted", OPEN_DUE + timedelta(minutes=i % 10_000)) if is_open else ("closed", None)
        yield (i, f"T-B-{i:08d}", "email", f"m{i}@example.cn", True, "zh", "请求协助", "诉求内容", status, 0, 0, due, at, at, at)


def clocks(first: int, count: int, is_open: bool) -> Iterator[tuple]:
    """Each ticket's clocks: a stopped review clock, and a processing clock (running if the ticket is open)."""
    for i in range(first, first + count):
        start = datetime(2025, 1, 6, 2, 0, tzinfo=UTC) + timedelta(minutes=i % 500_000)
        yield (i, "review", start, start + timedelta(days=2), 2, start + timedelta(hours=5))
        if is_open:
            yield (i, "processing", start, OPEN_DUE + timedelta(minutes=i % 10_000), 7, None)
        else:
            yield (i, "processing", start, start + timedelta(days=9), 7, start + timedelta(days=8))


def _sqlite_value(value: object) -> object:
    # How SQLAlchemy stores the desk's UTC datetimes on SQLite (naive, microseconds).
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def load_sqlite(path: Path, first: int, count: int, is_open: bool) -> None:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA synchronous=OFF")
        marks = ", ".join("?" * len(TICKET_COLUMNS))
        db.executemany(f"INSERT INTO tickets ({', '.join(TICKET_COLUMNS)}) VALUES ({marks})", (tuple(map(_sqlite_value, r)) for r in tickets(first, count, is_open)))
        marks = ", ".join("?" * len(CLOCK_COLUMNS))
        db.executemany(f"INSERT INTO clocks ({', '.join(CLOCK_COLUMNS)}) VALUES ({marks})", (tuple(map(_sqlite_value, r)) for r in clocks(first, count, is_open)))


async def load_postgres(url: str, first: int, count: int, is_open: bool) -> None:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.copy_records_to_table("tickets", records=tickets(first, count, is_open), columns=TICKET_COLUMNS)
        await conn.copy_records_to_table("clocks", records=clocks(first, count, is_open), columns=CLOCK_COLUMNS)
        await conn.execute("ANALYZE tickets; ANALYZE clocks")
    finally:
        await conn.close()


async def time_sweeps(url: str, var: Path, repeat: int) -> tuple[float, float, int]:
    """Median and worst of `repeat` idle sweeps (after two warm-ups), and how many clocks the sweep read."""
    settings = replace(settings_from_mapping({}, {}, None), database_url=url, var_dir=var, policy_path=REPO / "config" / "policy.toml")
    async with open_desk(settings, now=lambda: NOW) as desk:
        timer = Timer(desk.ctx, TimerConfig.from_section({"leadership_chat_id": "-1"}))
        for _ in range(2):
            await timer.sweep()
        times, clocks_read = [], 0
        for _ in range(repeat):
            started = time.perf_counter()
            report = await timer.sweep()
            times.append((time.perf_counter() - started) * 1000)
            clocks_read = report.clocks
            assert not report.actions and report.digest is None, "the benchmark's sweep must find nothing due"
    return statistics.median(times), max(times), clocks_read


async def prepare(url: str, var: Path) -> None:
    settings = replace(settings_from_mapping({}, {}, None), database_url=url, var_dir=var, policy_path=REPO / "config" / "policy.toml")
    async with open_desk(settings):
        pass  # migrates the scratch store


async def bench(backend: str, total: int, open_: int, repeat: int) -> list[tuple]:
    closed = total - open_
    base_closed = closed // 10
    with tempfile.TemporaryDirectory(prefix="timer-bench-") as tmp:
        var = Path(tmp)
        admin = None
        if backend == "sqlite":
            path = var / "bench.db"
            url = f"sqlite+aiosqlite:///{path}"
        else:
            import asyncpg

            name = f"timer_bench_{uuid.uuid4().hex[:8]}"
            admin = await asyncpg.connect(PG_ADMIN)
            await admin.execute(f'CREATE DATABASE "{name}"')
            url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
        try:
            await prepare(url, var)
            rows = []
            for closed_now, first, count, label in ((base_closed, 1 + open_, base_closed, "baseline (1/10 closed)"), (closed, 1 + open_ + base_closed, closed - base_closed, "full")):
                started = time.perf_counter()
                if backend == "sqlite":
                    if label.startswith("baseline"):
                        load_sqlite(path, 1, open_, True)
                    load_sqlite(path, first, count, False)
                else:
                    if label.startswith("baseline"):
                        await load_postgres(url, 1, open_, True)
                    await load_postgres(url, first, count, False)
                loaded = time.perf_counter() - started
                median, worst, read = await time_sweeps(url, var, repeat)
                rows.append((backend, label, open_ + closed_now, open_, read, median, worst, loaded))
            return rows
        finally:
            if admin is not None:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=1_000_000, help="all tickets (default 1,000,000)")
    parser.add_argument("--open", type=int, default=50_000, help="of which open (default 50,000)")
    parser.add_argument("--repeat", type=int, default=15, help="timed sweeps per measurement (median reported)")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args()
    backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    rows = []
    for backend in backends:
        rows += asyncio.run(bench(backend, args.tickets, args.open, args.repeat))
    print(f"\n{'store':<9} {'load':<24} {'tickets':>10} {'open':>7} {'clocks read':>11} {'median ms':>10} {'worst ms':>9} {'load s':>7}")
    for backend, label, total, open_, read, median, worst, loaded in rows:
        verdict = "ok" if median < 50 else "SLOW"
        print(f"{backend:<9} {label:<24} {total:>10,} {open_:>7,} {read:>11} {median:>10.2f} {worst:>9.2f} {loaded:>7.1f}  {verdict}")
    print("\ntarget: an idle sweep under 50 ms, the same with 10x the closed tickets")


if __name__ == "__main__":
    main()
