"""Per-user flood control for the member bot: a sliding window, one polite answer, then silence until it clears."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Message, TelegramObject

from channels.telegram.member_desk import message_key
from channels.telegram.texts import language_of, text
from helpdesk.domain.inbound import Skip


class FloodGate:
    """Allows `limit` messages per user in `window_s` seconds; says so once when a user goes over."""

    def __init__(self, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window_s, self.clock = limit, window_s, clock
        self.seen: dict[int, deque[float]] = {}
        self.warned: set[int] = set()

    def admit(self, user_id: int) -> str:
        """`ok` to go on, `warn` for the first message over the limit, `drop` for the rest."""
        now = self.clock()
        times = self.seen.setdefault(user_id, deque())
        while times and times[0] <= now - self.window_s:
            times.popleft()
        if len(times) < self.limit:
            times.append(now)
            self.warned.discard(user_id)
            return "ok"
        if user_id in self.warned:
            return "drop"
        self.warned.add(user_id)
        return "warn"


class FloodMiddleware(BaseMiddleware):
    """Stops a flooding member's messages before any handler; the first one over gets a polite answer."""

    def __init__(self, gate: FloodGate) -> None:
        self.gate = gate

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Message) or event.from_user is None:
            return await handler(event, data)
        verdict = self.gate.admit(event.from_user.id)
        if verdict == "ok":
            return await handler(event, data)
        if verdict == "warn":
            await event.answer(text("flood", language_of(event.from_user.language_code)))
        tg = data.get("tg")
        if tg is not None:
            # Nothing is dropped silently: the held-back message is kept as a skip with its reason.
            await tg.intake.skip(
                Skip(
                    channel="telegram",
                    external_id=message_key(event.chat.id, event.message_id),
                    reason=f"flood control: more than {self.gate.limit} messages in {self.gate.window_s:.0f}s",
                    sender_address=str(event.from_user.id),
                    subject=(event.text or event.caption or "")[:80] or None,
                    original=event.model_dump_json(exclude_none=True).encode(),
                )
            )
        return None
