"""Raw RFC 822 bytes to an InboundMessage or a Skip: the pure `parse` entry point of the channel."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import Message
from email.utils import parsedate_to_datetime

from channels.email import body, charsets, headers
from channels.email.attachments import safe_filename, sniff
from channels.email.rules import MailFacts, first_reason
from helpdesk.domain.inbound import InboundAttachment, InboundMessage, Skip

CHANNEL = "email"
_RULE_HEADERS = (
    "auto-submitted", "precedence", "x-autoreply", "x-autorespond", "x-autoresponder",
    "x-auto-response-suppress", "x-failed-recipients", "return-path", "list-id", "list-unsubscribe",
)
_MAX_DEPTH = 8  # message/rfc822 inside message/rfc822 ...: enough for real forwards, not for bombs


@dataclass(frozen=True)
class ParseOptions:
    """Per-desk parsing settings (from EmailConfig)."""

    ours: frozenset[str] = frozenset()
    max_attachment_bytes: int = 20 * 1024 * 1024


@dataclass
class _Content:
    """Text and files collected while walking the MIME tree."""

    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    forwarded: list[str] = field(default_factory=list)
    files: list[InboundAttachment] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)


def parse(raw: bytes, options: ParseOptions | None = None, received_at: datetime | None = None) -> InboundMessage | Skip:
    """Parse one message; loop/noise rules decide Skip. Raises only on our bugs, never on bad mail."""
    options = options or ParseOptions()
    msg = message_from_bytes(repair_headers(raw), policy=headers.RAW)
    external_id = external_id_of(msg, raw)
    hints = _hints(msg)
    sender_name, sender = _sender(msg, hints)
    subject = headers.decode_text(msg.get("Subject"), hints)
    facts = MailFacts(
        headers={h: tuple(charsets.clean(headers.unfold(str(v))) for v in msg.get_all(h, [])) for h in _RULE_HEADERS},
        sender=sender, subject=subject, content_type=msg.get_content_type(), ours=options.ours,
    )
    reason = first_reason(facts)
    if reason:
        return Skip(CHANNEL, external_id, reason, sender_address=sender, subject=subject or None, original=raw)
    content = _Content()
    _walk(msg, content, options, depth=0)
    text = _text_of(content, subject)
    replies = headers.message_ids(msg.get("In-Reply-To"))
    for mid in reversed(headers.message_ids(msg.get("References"))):
        if mid not in replies:
            replies.append(mid)  # nearest ancestor first (RFC 5322 3.6.4: References is oldest first)
    meta = {"message_id": external_id}
    if content.dropped:
        meta["dropped_attachments"] = "; ".join(content.dropped)
    return InboundMessage(
        channel=CHANNEL, external_id=external_id, received_at=received_at or _date(msg),
        text=text, sender_address=sender, sender_name=sender_name, subject=subject or None,
        original=raw, attachments=tuple(content.files), replies_to=tuple(replies),
        ticket_number=headers.ticket_number(subject) or None, meta=meta,
    )


_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_HEADER_LINE = re.compile(rb"^([!-9;-~]+[ \t]*:|[ \t]|From )")


def repair_headers(raw: bytes) -> bytes:
    """Make stray unindented lines in the header block continuations, for parsing only.

    Some MTAs/filters fold without leading whitespace (zammad mail054/mail068); the stdlib then
    ends the headers early and From/Subject land in the body. The original bytes stay untouched.
    """
    blank = _BLANK_LINE.search(raw)
    if not blank:
        return raw
    end = blank.start()
    lines = raw[:end].split(b"\n")
    if all(_HEADER_LINE.match(line) for line in lines):
        return raw
    if len(lines) > 1 and not _HEADER_LINE.match(lines[0]) and _HEADER_LINE.match(lines[1]):
        lines = lines[1:]  # a banner line above the headers ("---- Original email message ----")
    fixed = [ln if (i == 0 or _HEADER_LINE.match(ln)) else b" " + ln for i, ln in enumerate(lines)]
    return b"\n".join(fixed) + raw[end:]


def _hints(msg: Message) -> tuple[str, ...]:
    """Charsets the message declares (body parts, encoded-words): hints for its raw 8-bit headers."""
    labels = [c for c in msg.get_charsets() if c]
    for name in ("From", "Subject", "To"):
        labels += headers.declared_charsets(str(msg.get(name, "")))
    return charsets.hints_of(labels)


def _sender(msg: Message, hints: tuple[str, ...]) -> tuple[str | None, str]:
    """Display name and address: the first From with an address, else Sender, else Reply-To.

    Spam and broken clients send two From lines or an empty one (zammad mail017, mail019).
    """
    first_name: str | None = None
    first_addr = ""
    for name in ("From", "Sender", "Reply-To"):
        for value in msg.get_all(name, []):
            display, addr = headers.address(value, hints)
            first_name, first_addr = first_name or display, first_addr or addr
            if "@" in addr:
                return display or first_name, addr
    return first_name, first_addr  # "MAILER-DAEMON", "no_host": the rules decide


def external_id_of(msg: Message, raw: bytes) -> str:
    """The dedupe key: Message-ID without brackets, else a hash of what identifies the content."""
    ids = headers.message_ids(msg.get("Message-ID"))
    if ids:
        return ids[0][:250]
    digest = hashlib.sha256()
    for name in ("From", "To", "Date", "Subject"):
        digest.update(headers.raw_bytes(str(msg.get(name, ""))) + b"\0")
    split = raw.find(b"\r\n\r\n")
    split = raw.find(b"\n\n") if split < 0 else split
    digest.update(raw[split:] if split >= 0 else raw)  # the body: not Received/delivery headers
    return "sha256:" + digest.hexdigest()


def _date(msg: Message) -> datetime:
    """The Date header as an aware datetime, or now when absent or unreadable."""
    try:
        value = parsedate_to_datetime(charsets.clean(str(msg.get("Date", ""))))
    except (TypeError, ValueError, IndexError, OverflowError):
        value = None
    if value is None:
        return datetime.now(UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _payload(part: Message) -> bytes:
    """Decoded bytes of a leaf part (base64/qp/uuencode), tolerant of broken encodings."""
    try:
        data = part.get_payload(decode=True)
    except Exception:  # broken transfer encoding is the sender's fault: keep what is there
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def _walk(part: Message, content: _Content, options: ParseOptions, depth: int) -> None:
    """Collect body text, forwarded messages and attachments from the MIME tree."""
    ctype = part.get_content_type()
    if depth > _MAX_DEPTH:
        return
    if ctype == "message/rfc822" or (ctype.startswith("message/") and part.is_multipart()):
        inner = part.get_payload()
        for sub in inner if isinstance(inner, list) else [inner]:
            if isinstance(sub, Message):
                _forwarded(sub, content, options, depth)
        return
    if part.is_multipart():
        children = [c for c in (part.get_payload() or []) if isinstance(c, Message)]
        if ctype == "multipart/alternative":
            # RFC 2046 5.1.4: alternatives, best last; take plain text when offered, else the richest.
            plain = [c for c in children if c.get_content_type() == "text/plain" and not _is_file(c)]
            children = plain[-1:] or children[-1:]
        for child in children:
            _walk(child, content, options, depth + 1)
        return
    if ctype in ("text/plain", "text/html") and not _is_file(part):
        text = charsets.decode(_payload(part), _charset_param(part))
        (content.plain if ctype == "text/plain" else content.html).append(charsets.normalize(text))
        return
    if ctype == "application/pgp-signature" or ctype == "application/pkcs7-signature":
        return  # signature blobs are no files a member meant to send
    _attachment(part, content, options)


def _charset_param(part: Message) -> str | None:
    """The raw charset label of a part (get_content_charset() lower-cases and may fail on junk)."""
    try:
        return part.get_content_charset()
    except Exception:  # a malformed RFC 2231 charset parameter
        return None


def _is_file(part: Message) -> bool:
    """A text part the sender meant as a file (Content-Disposition: attachment or a file name)."""
    disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
    return disposition == "attachment" or bool(headers.param(part, "filename", "content-disposition"))


def _attachment(part: Message, content: _Content, options: ParseOptions) -> None:
    """Keep one file part: name decoded and made safe, type sniffed, size capped."""
    data = _payload(part)
    name = headers.param(part, "filename", "content-disposition") or headers.param(part, "name")
    ctype = sniff(data, name or "", part.get_content_type())
    filename = safe_filename(name, ctype, len(content.files) + 1)
    if len(data) > options.max_attachment_bytes:
        content.dropped.append(f"{filename} ({len(data)} bytes)")
        return
    disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
    inline = disposition == "inline" or (not disposition and bool(part.get("Content-ID")))
    content.files.append(InboundAttachment(filename=filename, content_type=ctype, content=data, inline=inline))


def _forwarded(sub: Message, content: _Content, options: ParseOptions, depth: int) -> None:
    """A message/rfc822 part: its text goes into the ticket, labelled; its files are kept."""
    inner = _Content()
    _walk(sub, inner, options, depth + 1)
    name, addr = headers.address(sub.get("From"))
    label = [
        "---------- 转发的邮件 / Forwarded message ----------",
        f"发件人 / From: {name + ' ' if name else ''}<{addr}>",
        f"主题 / Subject: {headers.decode_text(sub.get('Subject'))}",
        f"日期 / Date: {charsets.clean(headers.unfold(str(sub.get('Date', ''))))}",
    ]
    content.forwarded.append("\n".join(label) + "\n\n" + _join(inner))
    content.files.extend(inner.files)
    content.dropped.extend(inner.dropped)


def _join(content: _Content) -> str:
    """All text of a content tree, plain preferred over HTML, forwarded parts after."""
    texts = [body.tidy(t) for t in content.plain] or [body.html_to_text(h) for h in content.html]
    return "\n\n".join(t for t in [*texts, *content.forwarded] if t.strip())


def _text_of(content: _Content, subject: str) -> str:
    """The ticket text: the member's new words, forwarded messages appended and labelled."""
    texts = [body.tidy(t) for t in content.plain] or [body.html_to_text(h) for h in content.html]
    own = body.new_words("\n\n".join(texts), keep_quote=headers.is_forward(subject)) if texts else ""
    parts = [own, *content.forwarded]
    if content.dropped:
        parts.append("[附件过大未保存 / attachment too large: " + "; ".join(content.dropped) + "]")
    return charsets.normalize("\n\n".join(p for p in parts if p.strip()))
