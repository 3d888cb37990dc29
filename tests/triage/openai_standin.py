"""An OpenAI-compatible stand-in on 127.0.0.1: POST /v1/chat/completions, scripted per test, recording requests."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Reply:
    """One scripted answer: a chat completion with `content`, or an error status, optionally after a delay."""

    content: str | None = None
    status: int = 200
    error: str = "scripted error"
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    prompt_tokens: int = 120
    completion_tokens: int = 40


Script = Reply | Callable[[dict[str, Any]], Reply]


class StandIn:
    """Serves scripted replies in order (the last one repeats) and keeps every request body and raw bytes."""

    def __init__(self) -> None:
        self.script: list[Script] = []
        self.requests: list[dict[str, Any]] = []
        self.raw: list[bytes] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._release = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    def then(self, *replies: Script) -> StandIn:
        """Append replies to the script."""
        self.script.extend(replies)
        return self

    async def start(self) -> str:
        """Listen on a spare loopback port; returns the base URL for the client."""
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat)
        self._runner = web.AppRunner(app, shutdown_timeout=0.2)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}/v1"
        return self.base_url

    async def stop(self) -> None:
        """Let any hanging handler go and shut down."""
        self._release.set()
        if self._runner is not None:
            await self._runner.cleanup()

    def messages(self, index: int = -1) -> list[dict[str, str]]:
        """The chat messages of one recorded request."""
        return self.requests[index]["messages"]

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        self.raw.append(raw)
        body = json.loads(raw)
        self.requests.append(body)
        step = self.script[min(len(self.requests) - 1, len(self.script) - 1)] if self.script else Reply("{}")
        reply = step(body) if callable(step) else step
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if reply.delay:
                try:
                    await asyncio.wait_for(self._release.wait(), reply.delay)
                except TimeoutError:
                    pass
        finally:
            self.in_flight -= 1
        if reply.status != 200:
            error = {"error": {"message": reply.error, "type": "invalid_request_error", "code": None}}
            return web.json_response(error, status=reply.status, headers=reply.headers)
        return web.json_response(
            {
                "id": f"chatcmpl-{len(self.requests)}",
                "object": "chat.completion",
                "created": 1_700_000_000,
                "model": body.get("model", "stand-in"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": reply.content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": reply.prompt_tokens,
                    "completion_tokens": reply.completion_tokens,
                    "total_tokens": reply.prompt_tokens + reply.completion_tokens,
                },
            },
            headers=reply.headers,
        )


def rejects_json_schema(ok: Reply) -> Callable[[dict[str, Any]], Reply]:
    """A server that answers 400 to response_format json_schema and `ok` to anything else."""

    def reply(body: dict[str, Any]) -> Reply:
        if body.get("response_format", {}).get("type") == "json_schema":
            return Reply(status=400, error="response_format json_schema is not supported by this server")
        return ok

    return reply
