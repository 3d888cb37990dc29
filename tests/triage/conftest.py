"""Fixtures for the triage tests: the chamber's policy, the rules engine and the OpenAI stand-in."""

from __future__ import annotations

import tomllib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from helpdesk.domain.policy import Policy, parse_policy
from helpdesk.domain.proposal import TriageRequest
from tests.triage.openai_standin import StandIn
from triage.rules.engine import RulesEngine

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def policy() -> Policy:
    path = REPO / "config" / "policy.toml"
    with path.open("rb") as handle:
        return parse_policy(tomllib.load(handle), str(path))


@pytest.fixture(scope="session")
def rules(policy: Policy) -> RulesEngine:
    return RulesEngine(policy)


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    server = StandIn()
    await server.start()
    yield server
    await server.stop()


def ticket(
    text: str, subject: str | None = None, channel: str = "telegram", **extra: object
) -> TriageRequest:
    """A request as the desk would build it."""
    return TriageRequest(channel=channel, text=text, subject=subject, **extra)  # type: ignore[arg-type]
