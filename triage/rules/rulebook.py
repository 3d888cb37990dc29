"""The rules engine's keyword families and patterns, loaded from rules.toml (data, not code)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

RULES_PATH = Path(__file__).with_name("rules.toml")


@dataclass(frozen=True)
class Family:
    """A keyword family that votes for one category with a weight."""

    category: str
    name: str
    weight: float
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class DeclineRule:
    """Patterns that point to one reason of Art. 8, with words that cancel a match (未起诉)."""

    reason: str
    name: str
    weight: float
    patterns: tuple[re.Pattern[str], ...]
    unless: tuple[str, ...]


@dataclass(frozen=True)
class TierRules:
    """Signals of Art. 11 and the rubric's thresholds."""

    major_amount_rmb: float
    minor_fee_rmb: float
    major_headcount: int
    survival: tuple[re.Pattern[str], ...]
    cross_department: tuple[re.Pattern[str], ...]
    case_ruling: tuple[re.Pattern[str], ...]
    investigation: tuple[re.Pattern[str], ...]
    government: tuple[re.Pattern[str], ...]
    government_not_after: re.Pattern[str]
    fee_or_fine: tuple[re.Pattern[str], ...]
    stake: tuple[re.Pattern[str], ...]
    ignore_amount_after: re.Pattern[str]


@dataclass(frozen=True)
class Rulebook:
    """Everything the rules engine knows, as compiled data."""

    replacements: tuple[tuple[str, str], ...]
    families: tuple[Family, ...]
    declines: tuple[DeclineRule, ...]
    decline_thresholds: Mapping[str, float]
    decline_category: Mapping[str, str]
    joint: tuple[re.Pattern[str], ...]
    joint_unless: tuple[re.Pattern[str], ...]
    joint_min_members: int
    tier: TierRules
    injection: tuple[re.Pattern[str], ...]
    # Rubric rule 10, "label the main ask": sentences said in passing (顺便问一下) do not vote,
    # and the families of a sentence the member marks as the main request (主要是想…) count again.
    aside: tuple[re.Pattern[str], ...] = ()
    main_ask: tuple[re.Pattern[str], ...] = ()
    main_ask_bonus: float = 0.0


def compile_all(patterns: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    """Compile a list of regexes from the data file."""
    return tuple(re.compile(p) for p in patterns)


def first_match(patterns: Sequence[re.Pattern[str]], text: str) -> re.Match[str] | None:
    """The first pattern that matches anywhere in the text."""
    for pattern in patterns:
        match = pattern.search(text)
        if match:
            return match
    return None


def parse_rulebook(data: Mapping[str, Any]) -> Rulebook:
    """Build a Rulebook from the TOML mapping."""
    tier = data["tier"]
    return Rulebook(
        replacements=tuple((a, b) for a, b in data["normalise"]["replace"]),
        families=tuple(
            Family(f["category"], f["name"], float(f["weight"]), compile_all(f["patterns"]))
            for f in data["families"]
        ),
        declines=tuple(
            DeclineRule(
                d["reason"],
                d["name"],
                float(d.get("weight", 10.0)),
                compile_all(d["patterns"]),
                tuple(d.get("unless", ())),
            )
            for d in data["declines"]
        ),
        decline_thresholds=dict(data.get("decline_thresholds", {})),
        decline_category=dict(data.get("decline_category", {})),
        joint=compile_all(data["joint"]["patterns"]),
        joint_unless=compile_all(data["joint"].get("unless", ())),
        joint_min_members=int(data["joint"].get("min_members", 2)),
        tier=TierRules(
            major_amount_rmb=float(tier["major_amount_rmb"]),
            minor_fee_rmb=float(tier["minor_fee_rmb"]),
            major_headcount=int(tier["major_headcount"]),
            survival=compile_all(tier["survival"]),
            cross_department=compile_all(tier["cross_department"]),
            case_ruling=compile_all(tier["case_ruling"]),
            investigation=compile_all(tier["investigation"]),
            government=compile_all(tier["government"]),
            government_not_after=re.compile(tier["government_not_after"]),
            fee_or_fine=compile_all(tier["fee_or_fine"]),
            stake=compile_all(tier["stake"]),
            ignore_amount_after=re.compile(tier["ignore_amount_after"]),
        ),
        injection=compile_all(data["injection"]["patterns"]),
        aside=compile_all(data.get("focus", {}).get("aside", ())),
        main_ask=compile_all(data.get("focus", {}).get("main_ask", ())),
        main_ask_bonus=float(data.get("focus", {}).get("main_ask_bonus", 0.0)),
    )


@lru_cache(maxsize=4)
def load_rulebook(path: Path = RULES_PATH) -> Rulebook:
    """Read and compile a rules file (cached: the file is read once per process)."""
    with path.open("rb") as handle:
        return parse_rulebook(tomllib.load(handle))
