"""A stand-in Telegram Bot API server on loopback: serves aiogram's real HTTP client, feeds updates, records every call.

It speaks the subset the channel uses (getMe, getUpdates, sendMessage, editMessageText,
editMessageReplyMarkup, answerCallbackQuery, getFile and file downloads, setWebhook,
deleteWebhook), keeps the messages it "delivered" per chat, and can be told to fail a method
with 429 retry_after or 403 "bot was blocked by the user".
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from aiohttp import web

BOT_ID = 7000001
TOKEN = f"{BOT_ID}:TEST-token-for-the-stand-in"
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Desk", "username": "chamber_desk_bot"}


@dataclass
class Call:
    """One request aiogram made: the method and its form fields (JSON fields decoded)."""

    method: str
    params: dict[str, Any]


@dataclass
class Failure:
    """A scripted error answer for the next call of a method (optionally only to one chat)."""

    method: str
    status: int
    description: str
    retry_after: int | None = None
    chat_id: int | None = None


@dataclass
class Sent:
    """A message as the stand-in holds it: what the bot sent (or edited it to), with its buttons."""

    chat_id: int
    message_id: int
    html: str
    reply_markup: dict[str, Any] | None = None
    history: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The text as a Telegram client shows it (tags gone, entities unescaped)."""
        return unescape(re.sub(r"<[^>]+>", "", self.html))

    def buttons(self) -> list[dict[str, Any]]:
        """The inline buttons, row by row flattened."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]

    def button(self, label_part: str) -> str:
        """The callback data of the button whose label contains `label_part`."""
        for button in self.buttons():
            if label_part in button["text"]:
                return button["callback_data"]
        raise AssertionError(f"no button {label_part!r} on message {self.message_id}: {[b['text'] for b in self.buttons()]}")


class BotApiStandIn:
    """The fake Bot API; start() binds a spare loopback port, `base` is what `telegram.api_base` gets."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.failures: list[Failure] = []
        self.messages: dict[tuple[int, int], Sent] = {}
        self.files: dict[str, tuple[str, bytes]] = {}
        self.ids = itertools.count(1000)
        self.update_ids = itertools.count(1)
        self.arrived = asyncio.Event()
        self.webhook: dict[str, Any] | None = None
        self.runner: web.AppRunner | None = None
        self.base = ""

    async def start(self) -> BotApiStandIn:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    # ---- scripting -------------------------------------------------------------------------

    def fail_next(self, method: str, status: int, description: str, retry_after: int | None = None, chat_id: int | None = None) -> None:
        """Answer the next `method` call (to `chat_id`, if given) with this error."""
        self.failures.append(Failure(method, status, description, retry_after, chat_id))

    def add_file(self, content: bytes, path: str) -> str:
        """Register a file the member "uploaded"; returns its file_id."""
        file_id = f"file{len(self.files) + 1}"
        self.files[file_id] = (path, content)
        return file_id

    def _push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self.update_ids), kind: payload}
        self.updates.append(update)
        self.arrived.set()
        return update

    def message(self, user: dict[str, Any], chat_id: int | None = None, **fields: Any) -> dict[str, Any]:
        """Queue a message update from a user (a private chat unless chat_id says a group); returns the message."""
        chat_id = user["id"] if chat_id is None else chat_id
        chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]} if chat_id > 0 else {"id": chat_id, "type": "supergroup", "title": "desk"}
        message = {"message_id": next(self.ids), "date": int(time.time()), "chat": chat, "from": user, **fields}
        self._push("message", message)
        return message

    def reply_to(self, sent: Sent) -> dict[str, Any]:
        """The reply_to_message field for a reply to something the bot sent."""
        chat = {"id": sent.chat_id, "type": "private" if sent.chat_id > 0 else "supergroup"}
        return {"message_id": sent.message_id, "date": int(time.time()), "chat": chat, "from": BOT_USER, "text": sent.text}

    def press(self, user: dict[str, Any], sent: Sent, data: str) -> dict[str, Any]:
        """Queue a callback query: `user` taps a button (carrying `data`) under a bot message."""
        chat = {"id": sent.chat_id, "type": "private" if sent.chat_id > 0 else "supergroup"}
        message = {"message_id": sent.message_id, "date": int(time.time()), "chat": chat, "from": BOT_USER, "text": sent.text}
        query = {"id": str(next(self.ids)), "from": user, "chat_instance": "ci", "data": data, "message": message}
        return self._push("callback_query", query)

    # ---- reading what happened ---------------------------------------------------------------

    def sent_to(self, chat_id: int) -> list[Sent]:
        """Messages in a chat, oldest first."""
        return sorted((m for (c, _), m in self.messages.items() if c == chat_id), key=lambda m: m.message_id)

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def answers(self) -> list[dict[str, Any]]:
        """Every answerCallbackQuery's parameters, in order."""
        return [c.params for c in self.calls_of("answerCallbackQuery")]

    # ---- the API ------------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            text = value if isinstance(value, str) else ""
            try:
                params[key] = json.loads(text) if key in ("reply_markup", "allowed_updates") else text
            except json.JSONDecodeError:
                params[key] = text
        self.calls.append(Call(method, params))
        for failure in self.failures:
            if failure.method == method and (failure.chat_id is None or str(failure.chat_id) == params.get("chat_id")):
                self.failures.remove(failure)
                return _error(failure.status, failure.description, failure.retry_after)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _error(404, f"Not Found: method {method} is not in the stand-in")
        return await handler(params)

    async def _m_getMe(self, params: dict[str, Any]) -> web.Response:
        return _ok(BOT_USER)

    async def _m_getUpdates(self, params: dict[str, Any]) -> web.Response:
        offset = int(params.get("offset") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if not self.updates:
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), timeout=min(float(params.get("timeout") or 0), 0.5))
            except TimeoutError:
                pass
        return _ok(self.updates[:100])

    async def _m_deleteWebhook(self, params: dict[str, Any]) -> web.Response:
        self.webhook = None
        return _ok(True)

    async def _m_setWebhook(self, params: dict[str, Any]) -> web.Response:
        self.webhook = params
        return _ok(True)

    async def _m_sendMessage(self, params: dict[str, Any]) -> web.Response:
        chat_id = int(params["chat_id"])
        if len(unescape(re.sub(r"<[^>]+>", "", params["text"]))) > 4096:
            return _error(400, "Bad Request: message is too long")
        sent = Sent(chat_id, next(self.ids), params["text"], params.get("reply_markup"))
        self.messages[(chat_id, sent.message_id)] = sent
        return _ok(self._as_message(sent))

    async def _m_editMessageText(self, params: dict[str, Any]) -> web.Response:
        sent = self.messages.get((int(params["chat_id"]), int(params["message_id"])))
        if sent is None:
            return _error(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        if sent.html == params["text"] and sent.reply_markup == markup:
            return _error(400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same")
        sent.history.append(sent.html)
        sent.html, sent.reply_markup = params["text"], markup
        return _ok(self._as_message(sent))

    async def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> web.Response:
        sent = self.messages.get((int(params["chat_id"]), int(params["message_id"])))
        if sent is None:
            return _error(400, "Bad Request: message to edit not found")
        sent.reply_markup = params.get("reply_markup")
        return _ok(self._as_message(sent))

    async def _m_answerCallbackQuery(self, params: dict[str, Any]) -> web.Response:
        return _ok(True)

    async def _m_getFile(self, params: dict[str, Any]) -> web.Response:
        path, content = self.files[params["file_id"]]
        return _ok({"file_id": params["file_id"], "file_unique_id": "u" + params["file_id"], "file_size": len(content), "file_path": path})

    async def _file(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        for stored, content in self.files.values():
            if stored == path:
                self.calls.append(Call("download", {"path": path}))
                return web.Response(body=content)
        return web.Response(status=404)

    def _as_message(self, sent: Sent) -> dict[str, Any]:
        chat = {"id": sent.chat_id, "type": "private" if sent.chat_id > 0 else "supergroup"}
        message: dict[str, Any] = {"message_id": sent.message_id, "date": int(time.time()), "chat": chat, "from": BOT_USER, "text": sent.text}
        if sent.reply_markup and "inline_keyboard" in sent.reply_markup:
            message["reply_markup"] = sent.reply_markup
        return message


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(status: int, description: str, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)
