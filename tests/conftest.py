"""Shared fixtures: a desk on SQLite and on the PostgreSQL at 127.0.0.1:5432, a settable clock, fake ports."""

from __future__ import annotations

import asyncio
import itertools
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from helpdesk.app import Desk, open_desk
from helpdesk.settings import OutboxSettings, Settings, settings_from_mapping
from tests.email.servers import Dovecot, SmtpCapture, ensure_dovecot
from tests.fakes import FakeClock

PG_ADMIN_DSN = os.environ.get("HELPDESK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def _pg_available() -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A throwaway PostgreSQL database for this test run, dropped at the end."""
    if not _pg_available():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    import asyncpg

    name = f"helpdesk_test_{uuid.uuid4().hex[:10]}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(PG_ADMIN_DSN)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    base = PG_ADMIN_DSN.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _truncate_pg(url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        tables = [r["tablename"] for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")]
        if tables:
            await conn.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
    finally:
        await conn.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store and service test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
    url = request.getfixturevalue("pg_database")
    return url


@pytest.fixture
def clock() -> FakeClock:
    """A settable clock: Monday 2026-11-23 10:00 in Shanghai unless a test moves it."""
    return FakeClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings for a test desk: its own var folder and database, fast outbox retries."""
    base = settings_from_mapping({}, {}, None)
    return replace(
        base,
        database_url=database_url,
        var_dir=tmp_path / "var",
        policy_path=REPO / "config" / "policy.toml",
        outbox=OutboxSettings(max_attempts=4, base_delay_s=1, max_delay_s=5, lease_s=60, poll_interval_s=0.05),
    )


@pytest.fixture
async def desk(settings: Settings, clock: FakeClock) -> AsyncIterator[Desk]:
    """An open desk on a fresh store."""
    if settings.database_url.startswith("postgresql"):
        async with open_desk(settings, now=clock) as migrated:
            pass
        del migrated
        await _truncate_pg(settings.database_url)
    async with open_desk(settings, now=clock) as opened:
        yield opened


_users = itertools.count(1)


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """One throwaway Dovecot for the whole run (installed with apt-get when missing and root)."""
    binary = ensure_dovecot()
    if binary is None:
        pytest.skip("dovecot is not installed and cannot be installed here (needs root and apt-get)")
    server = Dovecot(binary).start()
    yield server
    server.stop()


@pytest.fixture
def imap_user(dovecot: Dovecot) -> str:
    """A fresh mailbox per test: the static passdb accepts any user name, each gets its own Maildir."""
    return f"member{next(_users)}@chamber.test"


@pytest.fixture
def smtp() -> Iterator[SmtpCapture]:
    """An aiosmtpd server on a spare loopback port keeping what it receives."""
    server = SmtpCapture().start()
    yield server
    server.stop()
