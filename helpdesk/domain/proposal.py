"""The triage port: a ticket in, a proposal out. Staff decide; the assistant only proposes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class TriageRequest:
    """What the assistant may see of a ticket: the member's words are data, never instructions."""

    channel: str
    text: str
    subject: str | None = None
    sender_name: str | None = None
    sender_org: str | None = None
    language: str = "zh"
    ticket_number: str | None = None
    verified_member: bool = False
    # Working-day due time of the review answer (Art. 9), for the draft to quote.
    review_due: str | None = None


@dataclass(frozen=True)
class Proposal:
    """The assistant's proposal (category, tier, admissibility, joint, draft), recorded with its provenance."""

    category: str
    tier: str
    admissible: bool
    decline_reason: str | None
    joint: bool
    summary: str
    handling_method: str
    draft_reply: str
    confidence: float
    rationale: str
    engine: str
    language: str = "zh"
    model: str | None = None
    latency_ms: int | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    fallback: bool = False
    fallback_reason: str | None = None
    signals: tuple[str, ...] = field(default=())


class Triage(Protocol):
    """An engine that proposes; it never decides, sends or changes a ticket."""

    name: str

    async def propose(self, request: TriageRequest) -> Proposal:
        """Propose category, tier, admissibility, joint flag and a draft reply."""
        ...
