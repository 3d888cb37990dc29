"""Telegram HTML: escaping member and staff words, and splitting texts over Telegram's 4,096-character limit."""

from __future__ import annotations

from html import escape

LIMIT = 4096


def esc(value: object) -> str:
    """Text safe inside Telegram HTML (only <, > and & matter there)."""
    return escape(str(value), quote=False)


def split_escaped(plain: str, limit: int = LIMIT, head: str = "") -> list[str]:
    """Escape `plain` and cut it into HTML chunks of at most `limit` characters, at line ends where possible.

    `head` (already HTML) opens the first chunk. Cuts never fall inside an entity like `&amp;`,
    since each piece is escaped on its own.
    """
    chunks: list[str] = []
    current = head
    for line in plain.splitlines(keepends=True):
        piece = esc(line)
        if len(current) + len(piece) <= limit:
            current += piece
            continue
        if current:
            chunks.append(current)
            current = ""
        for part in _hard_split(line, limit):
            if len(current) + len(esc(part)) > limit:
                chunks.append(current)
                current = ""
            current += esc(part)
    if current.strip() or not chunks:
        chunks.append(current)
    return [c.rstrip("\n") or "…" for c in chunks]


def _hard_split(line: str, limit: int) -> list[str]:
    """A line longer than a chunk, cut by characters so every escaped part fits."""
    parts: list[str] = []
    part = ""
    for char in line:
        if len(esc(part + char)) > limit:
            parts.append(part)
            part = ""
        part += char
    if part:
        parts.append(part)
    return parts
