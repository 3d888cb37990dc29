"""A member's message made comparable: simplified, Cantonese evened out, lower-cased, injections set aside."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from opencc import OpenCC

from triage.rules.rulebook import Rulebook, first_match

_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?|\n")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Reading:
    """The normalised text the rules look at, and the sentences that tried to instruct the assistant."""

    text: str
    injections: tuple[str, ...]


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def simplify(text: str, rulebook: Rulebook) -> str:
    """Traditional to simplified, Cantonese to Mandarin, full-width to ASCII, lower case."""
    text = _t2s().convert(text)
    for old, new in rulebook.replacements:
        text = text.replace(old, new)
    # Full-width digits and punctuation as members type them on phones.
    text = text.translate(
        {0xFF10 + i: ord("0") + i for i in range(10)} | {0xFF0C: ord(","), 0xFF08: ord("("), 0xFF09: ord(")")}
    )
    return text.lower()


def read(text: str, subject: str | None, rulebook: Rulebook) -> Reading:
    """Normalise the subject and text and drop sentences that address the assistant (rubric rule 10)."""
    whole = simplify(f"{subject}\n{text}" if subject else text, rulebook)
    kept: list[str] = []
    injections: list[str] = []
    for sentence in _SENTENCE.findall(whole):
        if first_match(rulebook.injection, sentence):
            injections.append(sentence.strip())
        else:
            kept.append(sentence)
    return Reading(text="".join(kept), injections=tuple(injections))


def language_of(text: str, hint: str = "zh") -> str:
    """'en' when the member wrote in English (next to no Chinese characters), else 'zh'."""
    cjk, latin = len(_CJK.findall(text)), len(_LATIN.findall(text))
    if cjk == 0 and latin == 0:
        return "en" if hint.startswith("en") else "zh"
    return "en" if cjk * 8 < latin else "zh"
