"""Ticket numbers members can quote: T-2026-000123 (year of registration + sequence)."""

from __future__ import annotations

import re

NUMBER_PATTERN = re.compile(r"\bT-(\d{4})-(\d{6})\b")


def format_number(year: int, sequence: int) -> str:
    """The ticket number for the Nth ticket registered in a year."""
    return f"T-{year:04d}-{sequence:06d}"


def find_number(text: str | None) -> str | None:
    """The first ticket number quoted in a subject or text, if any."""
    if not text:
        return None
    match = NUMBER_PATTERN.search(text.upper())
    return f"T-{match.group(1)}-{match.group(2)}" if match else None
