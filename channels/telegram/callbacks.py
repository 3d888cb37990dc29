"""Typed button data, signed so that a tampered or invented callback is refused before anything runs."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import TypeVar

from aiogram.filters.callback_data import CallbackData

SIG_CHARS = 8


class StaffAction(CallbackData, prefix="s"):
    """A button on a staff card: action, ticket number, card version (last audit id) and an argument."""

    a: str
    n: str
    v: int
    x: str = ""
    sig: str = ""


class LeaderAck(CallbackData, prefix="l"):
    """The acknowledge button in the leadership chat: a ticket (`t`) or a timer escalation (`e`)."""

    k: str
    ref: str
    v: int
    sig: str = ""


class MemberFeedback(CallbackData, prefix="f"):
    """满意 / 不满意 under a result sent to a member."""

    n: str
    ok: int
    sig: str = ""


Signed = TypeVar("Signed", StaffAction, LeaderAck, MemberFeedback)


class Signer:
    """HMAC over the packed data without its signature; short, since Telegram allows 64 bytes."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def _mac(self, data: CallbackData) -> str:
        unsigned = data.model_copy(update={"sig": ""}).pack()
        digest = hmac.new(self.secret, unsigned.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode()[:SIG_CHARS]

    def pack(self, data: Signed) -> str:
        """The callback string with its signature."""
        return data.model_copy(update={"sig": self._mac(data)}).pack()

    def valid(self, data: Signed) -> bool:
        """True if the signature matches the rest of the data."""
        return hmac.compare_digest(data.sig, self._mac(data))
