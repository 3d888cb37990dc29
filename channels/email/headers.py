"""Header decoding that survives real mail: RFC 2047 words, raw 8-bit bytes, RFC 2231 parameters."""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from email.message import Message
from email.policy import Compat32
from email.utils import getaddresses

from channels.email import charsets


class RawHeaders(Compat32):
    """compat32 parsing, but header values come back as the raw folded strings.

    compat32 would otherwise wrap 8-bit values in Header(unknown-8bit) objects; we decode them ourselves.
    """

    def header_fetch_parse(self, name: str, value: str) -> str:
        """Return the stored value untouched (surrogate-escaped bytes included)."""
        return value


RAW = RawHeaders(linesep="\r\n")

_ENCODED_WORD = re.compile(r"=\?([^?\s]+?)\?([QqBb])\?([^?]*?)\?=")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_BETWEEN_WORDS = re.compile(r"(\?=)[ \t\r\n]+(=\?)")
_MSG_ID = re.compile(r"<([^<>\s]+)>")
_TICKET = re.compile(r"[\[【(（]\s*(T-\d{4}-\d{4,})\s*[\]】)）]|\b(T-\d{4}-\d{6})\b")
_REPLY_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|wg|sv|回复|答复|回覆|转发|轉寄|转寄)\s*(\[\d+\])?\s*[:：]\s*)+", re.I)


def raw_bytes(value: str) -> bytes:
    """The original bytes of a header value the bytes parser kept with surrogateescape."""
    return value.encode("utf-8", "surrogateescape")


def unfold(value: str) -> str:
    """RFC 5322 2.2.3: folding is CRLF + WSP; remove the CRLF."""
    return _FOLD.sub("", value).replace("\r", "").replace("\n", " ")


def decode_text(value: str | None, hints: tuple[str, ...] = ()) -> str:
    """A header value as text: raw 8-bit guessed (utf-8, hints, gb18030, big5), RFC 2047 words decoded."""
    if not value:
        return ""
    value = unfold(str(value))
    if not value.isascii():
        # Raw 8-bit header with no declared charset (RFC 6532 says UTF-8; QQ/old Foxmail send GBK).
        value = charsets.guess(raw_bytes(value), hints)
    return charsets.normalize(decode_words(value, hints)).strip()


def declared_charsets(value: str) -> list[str]:
    """Charset labels of the encoded-words in a header value (hints for its raw 8-bit neighbours)."""
    return [m.group(1).split("*", 1)[0] for m in _ENCODED_WORD.finditer(value)]


def decode_words(value: str, hints: tuple[str, ...] = ()) -> str:
    """Decode RFC 2047 encoded-words, joining adjacent words of one charset before decoding.

    RFC 2047 6.2 drops whitespace between adjacent words; clients (Outlook, 163) split one
    multi-byte character across two words, so bytes are concatenated first (kopano encoded-word-split).
    """
    if "=?" not in value:
        return value
    value = _BETWEEN_WORDS.sub(r"\1\2", value)
    out: list[str] = []
    pending: list[bytes] = []
    pending_charset: str | None = None
    pos = 0

    def flush() -> None:
        nonlocal pending, pending_charset
        if pending:
            out.append(charsets.decode(b"".join(pending), pending_charset, hints))
        pending, pending_charset = [], None

    for match in _ENCODED_WORD.finditer(value):
        if match.start() > pos:
            flush()
            out.append(value[pos : match.start()])
        charset = match.group(1).split("*", 1)[0]  # RFC 2231 5: charset*language
        data = _word_bytes(match.group(2), match.group(3))
        if pending and charset.lower() != (pending_charset or "").lower():
            flush()
        pending.append(data)
        pending_charset = charset
        pos = match.end()
    flush()
    out.append(value[pos:])
    return "".join(out)


def _word_bytes(encoding: str, text: str) -> bytes:
    """The bytes of one encoded-word's payload, tolerating bad padding and stray characters."""
    if encoding in "Bb":
        cleaned = re.sub(r"[^A-Za-z0-9+/]", "", text)
        cleaned += "=" * (-len(cleaned) % 4)
        try:
            return base64.b64decode(cleaned)
        except (binascii.Error, ValueError):
            return text.encode("ascii", "replace")
    return quopri.decodestring(text.replace("_", " ").encode("ascii", "surrogateescape"), header=False)


def address(value: str | None, hints: tuple[str, ...] = ()) -> tuple[str | None, str]:
    """(display name, address) of the first mailbox in From/Sender/Reply-To; address may be ''."""
    if not value:
        return None, ""
    text = unfold(str(value))
    if not text.isascii():
        text = charsets.guess(raw_bytes(text), hints)
    pairs = [(n, a) for n, a in getaddresses([text]) if a or n]
    name, addr = pairs[0] if pairs else ("", "")
    if "@" not in addr:
        # Broken From lines ("Clement.Si" <x@y.com.>, bare words): take any address-like token.
        found = re.search(r"[\w.+=-]+@[\w-]+(\.[\w-]+)*", text)
        addr = found.group(0) if found else addr
        if found and name in ("", addr):
            name = text[: found.start()].strip(" <\"'")
    name = decode_text(decode_words(name, hints), hints).strip(" \"'") or None
    return name, charsets.clean(addr).strip().strip(".")


def message_ids(value: str | None) -> list[str]:
    """Message-IDs in In-Reply-To/References, without angle brackets, in order, no duplicates."""
    if not value:
        return []
    text = charsets.clean(unfold(str(value)))
    found = _MSG_ID.findall(text) or [w for w in text.split() if "@" in w]
    seen: dict[str, None] = {}
    for mid in found:
        seen.setdefault(mid.strip("<>"), None)
    return list(seen)


def ticket_number(subject: str) -> str | None:
    """`T-2026-000123` from a subject like `回复: [T-2026-000123] ...`; the core does the lookup."""
    match = _TICKET.search(subject or "")
    return (match.group(1) or match.group(2)) if match else None


def strip_reply_prefixes(subject: str) -> str:
    """The subject without Re:/回复:/转发:/FW: chains (for rules that look at the original subject)."""
    return _REPLY_PREFIX.sub("", subject or "")


def is_forward(subject: str) -> bool:
    """True when the subject says the member forwards something (Fwd:/FW:/转发:)."""
    match = _REPLY_PREFIX.match(subject or "")
    return bool(match) and bool(re.search(r"fw|转发|轉寄|转寄|wg", match.group(0), re.I))


def param(part: Message, name: str, header: str = "content-type") -> str | None:
    """A MIME parameter decoded: RFC 2231 (charset'lang'value), RFC 2047 inside quotes, raw 8-bit."""
    try:
        value = part.get_param(name, header=header)
    except Exception:  # malformed parameter syntax is the sender's fault: treat as absent
        return None
    if value is None:
        return None
    if isinstance(value, tuple):
        label, _lang, text = value
        # The stdlib percent-decodes RFC 2231 values as latin-1: each char stands for one byte.
        try:
            data = text.encode("latin-1")
        except UnicodeEncodeError:
            data = text.encode("utf-8", "surrogateescape")
        return charsets.normalize(charsets.decode(data, label)).strip()
    return decode_text(str(value).strip('"'))
