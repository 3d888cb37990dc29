"""Reads ../shared/mail-corpus: its index and each source's expected results, as plain records."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "mail-corpus"

# Where the upstream suite's "expected" value is the upstream parser's own slip, not the truth.
# Each entry says why our (differing) answer is the right one for a helpdesk.
UPSTREAM_SLIPS: dict[str, str] = {
    "imap_tools/messages/error_emails/invalid_subject_characters.eml":
        "upstream drops the undecodable 8-bit letters (Formao/Vero); we decode them as cp1252",
    "zammad/mail/mail018.box": "the subject is labelled utf-7: we decode +ANw- to Ü, zammad keeps it raw",
    "kopano/mails/encoded-word-split.eml":
        "the last character is a broken UTF-8 sequence: kopano shows '?', we show U+FFFD",
    "imap_tools/messages/plain_emails/mix_caps_content_type.eml":
        "From: Big Bug bb@bug.com has no angle brackets: upstream keeps the words, the address is bb@bug.com",
    "zammad/mail/mail087.box": "From: Test test@example.com without brackets: the address is test@example.com",
    "kopano/mails/zcp-11699-p.eml": "UTF-16 subject with a NUL inside: kopano stops at the NUL, we drop it and keep all",
    "kopano/mails/zcp-11699-ub.eml": "UTF-16 subject with a NUL inside: kopano stops at the NUL, we drop it and keep all",
    "kopano/mails/zcp-11699-utf8.eml": "UTF-8 subject with a NUL inside: kopano stops at the NUL, we drop it and keep all",
    "imap_tools/messages/rfc2822/example14.eml":
        "a tab between two encoded-words' neighbours: upstream removes it, we keep it as space",
    "imap_tools/messages/plain_emails/raw_email_incorrect_header.eml":
        "a junk line inside the header block: upstream loses every header after it, we read them",
    "zammad/mail/mail035.box": "upstream keeps the quotes of a quoted addr-spec; the address has none",
    "zammad/mail/mail044.box": "a trailing dot on the domain (Claudia.Shu@yahoo.com.) is dropped by us",
    "zammad/mail/mail046.box": "raw GBK From name: zammad shows mojibake, we decode it (武兰成)",
    "zammad/mail/mail059.box": "two From mailboxes: zammad names the last, we take the first",
    "zammad/mail/mail065.box": "zammad splits the encoded-word at its comma; we decode 'Bürling, Andreas'",
    "zammad/mail/mail076.box": "broken From with a stray '>': upstream keeps it, we take the addr-spec",
}


@dataclass(frozen=True)
class Expected:
    """What one corpus message should give, where the source says so."""

    path: str
    source: str
    subject: str | None
    address: str | None
    display_name: str | None
    text_contains: tuple[str, ...]


def _unescape(value: str) -> str:
    """INDEX.tsv writes tabs, newlines and backslashes escaped."""
    return re.sub(r"\\([tnr\\])", lambda m: {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}[m.group(1)], value)


def squash(value: str | None) -> str:
    """Whitespace-insensitive form for comparing subjects and names."""
    return re.sub(r"\s+", " ", value or "").strip()


def load() -> list[Expected]:
    """Every message of INDEX.tsv with its expected subject/sender/text, merged from expected.json files."""
    with (CORPUS / "INDEX.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    per_source: dict[str, dict] = {}
    for folder in CORPUS.iterdir():
        if (folder / "expected.json").is_file():
            per_source[folder.name] = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    out = []
    for row in rows:
        source = row["source"]
        extra = per_source.get(source, {}).get(row["path"].split("/", 1)[1], {})
        extra = extra if isinstance(extra, dict) else {}
        subject = extra.get("subject", _unescape(row["expected_subject"]) or None)
        if source == "imap_tools":
            address = extra.get("from") or None
        else:
            address = extra.get("from_email") or None
        name = extra.get("from_display_name") or None
        texts = [extra["text_contains"]] if "text_contains" in extra else []
        if isinstance(extra.get("text"), str) and len(extra["text"]) < 200:
            texts.append(extra["text"])
        out.append(Expected(row["path"], source, subject, address, name, tuple(texts)))
    return out
