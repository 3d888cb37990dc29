"""An in-memory fake of the Intake port: dedupes on channel + external_id like the real one must."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from helpdesk.domain.inbound import InboundMessage, IntakeResult, Skip


class IntakeDown(RuntimeError):
    """Raised by the fake to play a core that fails (database gone) mid-batch."""


@dataclass
class FakeIntake:
    """Keeps messages and skips in lists; `fail_after` makes the N+1th call raise."""

    fail_after: int | None = None
    before_commit: Callable[[InboundMessage | Skip], None] | None = None
    messages: list[InboundMessage] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    seen: dict[str, str] = field(default_factory=dict)
    calls: int = 0

    def _enter(self, item: InboundMessage | Skip) -> IntakeResult | None:
        self.calls += 1
        if self.fail_after is not None and self.calls > self.fail_after:
            raise IntakeDown(f"intake down after {self.fail_after} call(s)")
        if self.before_commit is not None:
            self.before_commit(item)
        if item.external_id in self.seen:
            return IntakeResult("duplicate", ticket_number=self.seen[item.external_id] or None)
        return None

    async def receive(self, message: InboundMessage) -> IntakeResult:
        """A new ticket, or 'append' when the subject names one."""
        dup = self._enter(message)
        if dup:
            return dup
        self.messages.append(message)
        number = message.ticket_number or f"T-2026-{len(self.messages):06d}"
        self.seen[message.external_id] = number
        return IntakeResult("append" if message.ticket_number else "ticket", ticket_number=number)

    async def skip(self, skip: Skip) -> IntakeResult:
        """Record the skip and its reason."""
        dup = self._enter(skip)
        if dup:
            return dup
        self.skips.append(skip)
        self.seen[skip.external_id] = ""
        return IntakeResult("skip", reason=skip.reason)

    @property
    def ids(self) -> list[str]:
        """external_ids of everything committed, in order."""
        return [m.external_id for m in self.messages] + [s.external_id for s in self.skips]


SAMPLES = Path(__file__).resolve().parent / "samples"


def sample(name: str) -> bytes:
    """Raw bytes of tests/email/samples/NAME."""
    return (SAMPLES / name).read_bytes()
