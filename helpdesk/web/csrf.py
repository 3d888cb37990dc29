"""CSRF tokens: one per session, sent back in every form (or the X-CSRF-Token header) and compared in constant time."""

from __future__ import annotations

import hmac
import secrets

FIELD = "csrf"
HEADER = "x-csrf-token"


def new_token() -> str:
    """A fresh token for a new or rotated session."""
    return secrets.token_urlsafe(32)


def valid(expected: str | None, submitted: str | None) -> bool:
    """True only if both are present and equal."""
    if not expected or not submitted:
        return False
    return hmac.compare_digest(expected.encode(), submitted.encode())
