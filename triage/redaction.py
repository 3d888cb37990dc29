"""Personal data (phones, 身份证 numbers, bank cards, e-mail) removed before text leaves the machine."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Order matters: an 18-digit ID would otherwise be read as a bank card or a phone number.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # Local parts may use any RFC 5322 atext character, not just letters and dots.
    ("EMAIL", re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")),
    (
        "ID",
        re.compile(
            r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])"
        ),
    ),
    ("CARD", re.compile(r"(?<!\d)(?:\d{4}[ \-]?){3}\d{4}(?:[ \-]?\d{1,3})?(?!\d)")),
    # Mobile numbers, also with +86, separators, or digits masked with x as members often do.
    (
        "PHONE",
        re.compile(
            r"(?<![\dA-Za-z])(?:\+?86[ \-]?)?1[3-9][\dxX*]{1}[ \-]?[\dxX*]{4}[ \-]?[\dxX*]{4}(?![\dA-Za-z])"
        ),
    ),
    # Landlines: area code 0xx(x), optional brackets, then 7-8 digits (possibly masked).
    (
        "PHONE",
        re.compile(r"(?<![\dA-Za-z])(?:\(?0\d{2,3}\)?[ \-]?)[\dxX*]{3,4}[ \-]?[\dxX*]{4}(?![\dA-Za-z])"),
    ),
    # International numbers such as +852 9xxx 6628 or +86 580 xxx xxxx.
    ("PHONE", re.compile(r"\+\d{2,3}[ \-]?(?:[\dxX*]{2,4}[ \-]?){2,4}[\dxX*]{2,4}")),
)

_MARK = {"EMAIL": "[邮箱]", "ID": "[身份证号]", "CARD": "[银行卡号]", "PHONE": "[电话]"}


@dataclass(frozen=True)
class Redaction:
    """Redacted text and what was taken out (kept locally, never sent)."""

    text: str
    found: tuple[tuple[str, str], ...]


def redact(text: str) -> Redaction:
    """Replace personal data by a neutral placeholder such as [电话]."""
    found: list[tuple[str, str]] = []
    for kind, pattern in _PATTERNS:

        def _swap(match: re.Match[str], kind: str = kind) -> str:
            found.append((kind, match.group(0)))
            return _MARK[kind]

        text = pattern.sub(_swap, text)
    return Redaction(text=text, found=tuple(found))


def contact_data(text: str) -> set[str]:
    """Phone numbers and e-mail addresses in a text, normalised for comparison."""
    values: set[str] = set()
    for kind, pattern in _PATTERNS:
        if kind in ("EMAIL", "PHONE"):
            for match in pattern.finditer(text):
                values.add(_normalise(match.group(0)))
    return values


def foreign_contact_data(draft: str, member_text: str) -> set[str]:
    """Contacts in a draft that the member did not write themselves (a possible leak)."""
    return contact_data(draft) - contact_data(member_text)


def _normalise(value: str) -> str:
    return re.sub(r"[\s\-()+]", "", value).lower()
