"""Loop and noise rules (Mailman rules/ style): each pure function returns a skip reason or None."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class MailFacts:
    """What the rules look at: decoded headers (lower-case names), sender, subject, top content type."""

    headers: Mapping[str, tuple[str, ...]]
    sender: str
    subject: str
    content_type: str
    ours: frozenset[str] = field(default_factory=frozenset)

    def first(self, name: str) -> str | None:
        """The first value of a header, or None."""
        values = self.headers.get(name.lower())
        return values[0] if values else None


Rule = Callable[[MailFacts], "str | None"]


def auto_submitted(facts: MailFacts) -> str | None:
    """RFC 3834 5: anything but Auto-Submitted: no is automatic."""
    value = (facts.first("auto-submitted") or "").strip().lower()
    return f"auto-submitted: {value.split(';')[0]}" if value and not value.startswith("no") else None


def precedence(facts: MailFacts) -> str | None:
    """Precedence: bulk/junk/list (de-facto, RFC 2076) marks mass and automatic mail."""
    value = (facts.first("precedence") or "").strip().lower()
    return f"precedence: {value}" if value in ("bulk", "junk", "list", "auto_reply") else None


def autoreply_headers(facts: MailFacts) -> str | None:
    """X-Autoreply / X-Autorespond (Exim, vacation, QQ) and Exchange's X-Auto-Response-Suppress."""
    for name in ("x-autoreply", "x-autorespond", "x-autoresponder", "x-auto-response-suppress"):
        value = (facts.first(name) or "").strip().lower()
        if value and value not in ("no", "none", "false"):
            return f"auto-reply header: {name}"
    return None


def delivery_report(facts: MailFacts) -> str | None:
    """RFC 6522 multipart/report: bounces (DSN), read receipts (MDN), abuse reports."""
    if facts.content_type == "multipart/report":
        return "bounce or report: multipart/report"
    if facts.first("x-failed-recipients"):
        return "bounce: x-failed-recipients"
    return None


_DAEMONS = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|mailerdaemon|bounces?|no-?reply-bounce)([+-].*)?@", re.I)


def daemon_sender(facts: MailFacts) -> str | None:
    """MAILER-DAEMON/postmaster senders, and the null reverse-path of RFC 5321 4.5.5 (bounces)."""
    if _DAEMONS.match(facts.sender) or facts.sender.lower() in ("mailer-daemon", "postmaster", "mailer_daemon"):
        return f"daemon sender: {facts.sender}"
    if (facts.first("return-path") or "").strip() == "<>":
        return "null return-path"
    return None


def mailing_list(facts: MailFacts) -> str | None:
    """RFC 2919 List-Id and RFC 2369 List-Unsubscribe: list and newsletter mail."""
    for name in ("list-id", "list-unsubscribe"):
        if facts.first(name):
            return f"mailing list: {name}"
    return None


def own_address(facts: MailFacts) -> str | None:
    """Our own mail coming back (copies, forwards to ourselves) must not open tickets."""
    return "own address" if facts.sender.lower() in facts.ours else None


_AUTO_SUBJECT = re.compile(
    r"^\s*(自动回复|自動回覆|自动答复|自動答覆|自动回覆|休假|外出|Auto(matic)?[ -]?(reply|response)|Out of (the )?Office|"
    r"Abwesenheitsnotiz|Undeliverable|Undelivered Mail|Delivery Status Notification|Mail delivery failed|"
    r"Returned mail|Delivery Failure|Non[- ]?delivery|Mail System Error)",
    re.I,
)
# 退信 but not 退信用/退信息/信访: a member may well write about refunding a credit deposit.
_BOUNCE_ANYWHERE = re.compile(r"系统退信|退信(?![用息誉托贷访号心任])|投递失败|无法投递|休假中|正在休假")


def auto_subject(facts: MailFacts) -> str | None:
    """Chinese and English auto-reply/bounce subjects (自动回复, 退信, 休假, Undeliverable, ...)."""
    subject = facts.subject or ""
    match = _AUTO_SUBJECT.search(subject) or _BOUNCE_ANYWHERE.search(subject)
    return f"automatic subject: {match.group(0).strip()}" if match else None


def no_sender(facts: MailFacts) -> str | None:
    """Without a From address there is nobody to answer: record it, make no ticket."""
    return None if "@" in facts.sender else "no sender address"


RULES: tuple[Rule, ...] = (
    own_address, auto_submitted, autoreply_headers, delivery_report, daemon_sender,
    precedence, mailing_list, auto_subject, no_sender,
)


def first_reason(facts: MailFacts, rules: tuple[Rule, ...] = RULES) -> str | None:
    """The reason of the first rule that fires, or None for mail that should become a ticket."""
    for rule in rules:
        reason = rule(facts)
        if reason:
            return reason
    return None


class SenderRateLimit:
    """More than `count` messages in `window` seconds from one address: the rest are skipped.

    Stops an auto-responder ping-pong or a script from turning a mail storm into a ticket storm.
    The clock is passed in, so this stays testable without sleeping.
    """

    def __init__(self, count: int, window: float) -> None:
        self.count = count
        self.window = window
        self._seen: dict[str, deque[tuple[float, str]]] = {}

    def check(self, sender: str, key: str, now: float) -> str | None:
        """Record one message (key = its external id, counted once) and return 'rate limit' if over."""
        if self.count <= 0:
            return None
        times = self._seen.setdefault(sender.lower(), deque())
        while times and times[0][0] <= now - self.window:
            times.popleft()
        if any(k == key for _, k in times):
            return None  # the same message read again after a crash is not a new one
        times.append((now, key))
        return "rate limit" if len(times) > self.count else None
