"""Small pure rules for member text the store keeps."""

from __future__ import annotations

SUBJECT_CHARS = 120


def clean_text(text: str) -> str:
    """Text the database accepts: lone surrogates (from mis-decoded 8-bit headers) and NULs replaced."""
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "\ufffd")


def subject_from(subject: str | None, text: str) -> str:
    """A ticket subject: the message's subject, else the start of its first non-empty line."""
    subject = (subject or "").strip()
    if subject:
        return clean_text(subject)[:500]
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return clean_text(first)[:SUBJECT_CHARS] or "（无主题）"
