"""One path for every inbound email (IMAP or .eml file): parse, rules, rate limit, then the Intake port."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from channels.email.config import EmailConfig
from channels.email.message import CHANNEL, ParseOptions, parse
from channels.email.rules import SenderRateLimit
from helpdesk.domain.inbound import InboundMessage, Intake, IntakeResult, Skip

# Below this size parsing stays on the loop; above it a thread keeps the loop responsive.
_THREAD_PARSE_BYTES = 256 * 1024


@dataclass
class EmailIntake:
    """Feeds raw messages to an Intake; committed when `deliver` returns (then the caller may flag)."""

    intake: Intake
    options: ParseOptions
    limiter: SenderRateLimit
    clock: Callable[[], float] = time.monotonic

    @classmethod
    def from_config(cls, config: EmailConfig, intake: Intake) -> EmailIntake:
        """Build the pipeline with the desk's own addresses, attachment cap and rate limit."""
        return cls(
            intake=intake,
            options=ParseOptions(ours=config.ours, max_attachment_bytes=config.max_attachment_bytes),
            limiter=SenderRateLimit(config.rate_limit_count, config.rate_limit_window),
        )

    async def parse(self, raw: bytes, received_at: datetime | None = None) -> InboundMessage | Skip:
        """Parse off the event loop when the message is large (attachments)."""
        if len(raw) > _THREAD_PARSE_BYTES:
            return await asyncio.to_thread(parse, raw, self.options, received_at)
        return parse(raw, self.options, received_at)

    def decide(self, parsed: InboundMessage | Skip) -> InboundMessage | Skip:
        """Apply the per-sender rate limit (the only stateful rule) to a parsed message."""
        if isinstance(parsed, Skip):
            return parsed
        reason = self.limiter.check(parsed.sender_address, parsed.external_id, self.clock())
        if reason is None:
            return parsed
        return Skip(CHANNEL, parsed.external_id, reason, parsed.sender_address, parsed.subject, parsed.original)

    async def deliver(self, raw: bytes, received_at: datetime | None = None) -> IntakeResult:
        """Parse → rules → intake.receive or intake.skip; returns what intake did (committed)."""
        decided = self.decide(await self.parse(raw, received_at))
        if isinstance(decided, Skip):
            return await self.intake.skip(decided)
        return await self.intake.receive(decided)
