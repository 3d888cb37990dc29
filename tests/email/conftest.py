"""Fixtures of the e-mail tests: the fake intake (Dovecot and aiosmtpd live in tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.email.fake_intake import FakeIntake


@pytest.fixture
def intake() -> FakeIntake:
    """The in-memory fake of the Intake port."""
    return FakeIntake()
