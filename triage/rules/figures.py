"""Figures a member quotes: sums of money (元/万/亿, RMB/USD million), headcounts and member counts."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_EN_NUMBERS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "twenty": 20,
    "several": 3,
}
# Rough conversion to RMB; only the order of magnitude matters for the Art. 11 thresholds.
_TO_RMB = {
    "usd": 7.2,
    "美元": 7.2,
    "$": 7.2,
    "hkd": 0.92,
    "港币": 0.92,
    "港元": 0.92,
    "eur": 7.8,
    "欧元": 7.8,
    "新台币": 0.23,
    "台币": 0.23,
    "twd": 0.23,
    "日元": 0.048,
    "jpy": 0.048,
    "英镑": 9.1,
    "gbp": 9.1,
}

NUMBER = r"(?:\d+(?:[.,]\d+)*|[零〇一二两三四五六七八九十百千]+)"
_AMOUNT_CN = re.compile(
    rf"(?P<cur1>人民币|美元|港币|港元|欧元|新台币|台币|日元|英镑|rmb|usd|hkd|eur|twd|jpy|gbp|\$)?\s*(?P<num>{NUMBER})\s*(?P<plus>多|余|几|来)?"
    r"\s*(?P<unit>亿|千万|百万|万|千)?\s*(?P<cur2>元|块|美元|港币|港元|欧元|日元|英镑)?(?P<after>.?)"
)
_AMOUNT_EN = re.compile(
    r"(?P<cur>rmb|usd|hkd|eur|cny|twd|jpy|gbp|us\$|\$)\s*(?P<num>\d+(?:[.,]\d+)*)\s*(?P<unit>million|m\b|billion|bn|k\b)?"
)
# A 万 followed by these counts things, not money (10万件, 200万套).
_NOT_MONEY_AFTER = set("件套台个人户平亩吨次份箱株头字米只双张条辆")
_HEADCOUNT = re.compile(
    rf"(?:(?P<n1>{NUMBER})\s*(?:多|余|来)?\s*(?:名|个|位)?\s*(?:员工|工人|职工|农民工|工友|外地员工|技术人员)"
    rf"|(?:员工|工人|职工)(?:总数|人数)?(?:约|共|有)?\s*(?P<n2>{NUMBER})\s*(?:多|余)?\s*(?:人|名)"
    r"|(?P<n3>\d+)\s*(?:\+\s*)?(?:employees|workers|staff))"
)
_MEMBER_COUNT = re.compile(rf"(?P<num>{NUMBER}|[a-z]+)\s*(?:家|member)")


@dataclass(frozen=True)
class Figures:
    """The largest sum in RMB and the largest headcount found in a message."""

    max_amount_rmb: float | None
    max_headcount: int | None


def cn_number(text: str) -> float | None:
    """Parse Arabic or Chinese numerals (三百, 十五, 2,600) into a number."""
    text = text.replace(",", "")
    try:
        return float(text)
    except ValueError:
        pass
    total, current = 0, 0
    for char in text:
        if char in _CN_DIGITS:
            current = _CN_DIGITS[char]
        elif char in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[char]
            current = 0
        else:
            return None
    return float(total + current) if (total or current) else None


def word_number(text: str) -> float | None:
    """A number written as digits, Chinese numerals or an English word."""
    return _EN_NUMBERS.get(text.lower()) or cn_number(text)


def amounts_rmb(text: str, ignore_near: re.Pattern[str] | None = None) -> list[float]:
    """Every sum of money in the text, converted to RMB; figures near `ignore_near` (turnover) are skipped."""
    found: list[float] = []
    for match in _AMOUNT_CN.finditer(text):
        unit, cur = match.group("unit"), match.group("cur1") or match.group("cur2")
        if not unit and not cur:
            continue
        if unit and not match.group("cur2") and match.group("after") in _NOT_MONEY_AFTER:
            continue
        value = cn_number(match.group("num"))
        if value is None or _ignored(text, match.start(), ignore_near) or _quoted(text, match.start()):
            continue
        value *= {"亿": 1e8, "千万": 1e7, "百万": 1e6, "万": 1e4, "千": 1e3}.get(unit or "", 1)
        found.append(value * _TO_RMB.get((cur or "").lower(), 1.0))
    for match in _AMOUNT_EN.finditer(text):
        value = cn_number(match.group("num"))
        if value is None or _ignored(text, match.start(), ignore_near):
            continue
        value *= {"million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "k": 1e3}.get(
            match.group("unit") or "", 1
        )
        found.append(value * _TO_RMB.get(match.group("cur").replace("us$", "usd"), 1.0))
    return found


def headcounts(text: str) -> list[int]:
    """Employee numbers the member mentions (95人, 150多名员工, 140 employees)."""
    counts: list[int] = []
    for match in _HEADCOUNT.finditer(text):
        raw = match.group("n1") or match.group("n2") or match.group("n3")
        value = cn_number(raw) if raw else None
        if value:
            counts.append(int(value))
    return counts


def figures(text: str, ignore_near: re.Pattern[str] | None = None) -> Figures:
    """The largest sum and headcount of a message."""
    sums, heads = amounts_rmb(text, ignore_near), headcounts(text)
    return Figures(max(sums) if sums else None, max(heads) if heads else None)


def _ignored(text: str, start: int, near: re.Pattern[str] | None) -> bool:
    # Turnover, registered capital and the like describe the company, not what is at stake.
    return bool(near and near.search(text[max(0, start - 8) : start]))


def _quoted(text: str, start: int) -> bool:
    # A figure that opens a quoted name ("百亿补贴", 「千万工程」) is a label, not a sum at stake.
    return start > 0 and text[start - 1] in "“「『\"'"
