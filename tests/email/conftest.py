"""Fixtures: a session-wide Dovecot on loopback, an aiosmtpd capture, the fake intake, the samples."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from tests.email.fake_intake import FakeIntake
from tests.email.servers import Dovecot, SmtpCapture, ensure_dovecot

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


@pytest.fixture
def intake() -> FakeIntake:
    """The in-memory fake of the Intake port."""
    return FakeIntake()
