"""Fakes that implement the core's ports (never mocks of our own code)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from helpdesk.domain.errors import PermanentFailure, TemporaryFailure
from helpdesk.domain.outbound import OutboundMessage
from helpdesk.domain.proposal import Proposal, TriageRequest


class FakeClock:
    """A clock the test moves by hand; callable like `utc_now`."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)

    def set(self, moment: datetime) -> None:
        self.current = moment


@dataclass
class RecordingSender:
    """A Sender for one channel that records what it was given and can be told to fail."""

    channel: str = "email"
    sent: list[OutboundMessage] = field(default_factory=list)
    fail_next: list[Exception] = field(default_factory=list)
    crash_after_send: bool = False

    async def send(self, message: OutboundMessage) -> str | None:
        if self.fail_next:
            raise self.fail_next.pop(0)
        self.sent.append(message)
        if self.crash_after_send:
            # The message left, then the process died before recording it as sent.
            raise asyncio.CancelledError("simulated crash after the send")
        return message.message_id


@dataclass
class FixedTriage:
    """A Triage engine that always proposes the same thing (or fails), for queue tests."""

    proposal: Proposal | None = None
    fail: Exception | None = None
    name: str = "fixed"
    seen: list[TriageRequest] = field(default_factory=list)

    async def propose(self, request: TriageRequest) -> Proposal:
        self.seen.append(request)
        if self.fail is not None:
            raise self.fail
        assert self.proposal is not None
        return self.proposal


__all__ = ["PermanentFailure", "TemporaryFailure"]
