"""Joins a member's burst of messages (text, then photos, then "also...") into one grievance."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

log = logging.getLogger(__name__)
Item = TypeVar("Item")


@dataclass
class _Burst(Generic[Item]):
    items: list[Item] = field(default_factory=list)
    started: float = 0.0
    timer: asyncio.Task[None] | None = None


class GroupingBuffer(Generic[Item]):
    """Holds each chat's messages until `window_s` passes without a new one (at most `max_s`), then flushes them."""

    def __init__(self, window_s: float, max_s: float, flush: Callable[[list[Item]], Awaitable[None]]) -> None:
        self.window_s, self.max_s, self.flush = window_s, max(max_s, window_s), flush
        self.bursts: dict[int, _Burst[Item]] = {}
        self.running: set[asyncio.Task[None]] = set()

    def add(self, key: int, item: Item) -> None:
        """Add a message to its chat's burst and (re)start the quiet-period timer."""
        loop = asyncio.get_running_loop()
        burst = self.bursts.get(key)
        if burst is None:
            burst = self.bursts[key] = _Burst(started=loop.time())
        burst.items.append(item)
        if burst.timer is not None:
            burst.timer.cancel()
        wait = min(self.window_s, burst.started + self.max_s - loop.time())
        burst.timer = asyncio.create_task(self._later(key, burst, max(wait, 0.0)))

    async def _later(self, key: int, burst: _Burst[Item], wait: float) -> None:
        await asyncio.sleep(wait)
        if self.bursts.get(key) is burst:
            del self.bursts[key]
            await self._flush(burst.items)

    async def _flush(self, items: list[Item]) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.running.add(task)
        try:
            await self.flush(items)
        except Exception:
            log.exception("a grouped Telegram message could not be handed to intake")
        finally:
            self.running.discard(task)

    async def drain(self) -> None:
        """Flush every waiting burst now (on shutdown) and wait for flushes under way."""
        bursts, self.bursts = list(self.bursts.values()), {}
        for burst in bursts:
            if burst.timer is not None:
                burst.timer.cancel()
        for burst in bursts:
            await self.flush(burst.items)
        if self.running:
            await asyncio.gather(*self.running, return_exceptions=True)
