"""The member-facing draft and the staff-facing summary, rendered from jinja2 templates per category and decision."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from helpdesk.domain.policy import Policy
from helpdesk.domain.proposal import TriageRequest
from triage.redaction import redact

TEMPLATES = Path(__file__).with_name("templates")
_GREETING = re.compile(
    r"^\s*(尊敬的|亲爱的)?[^\n，,:：]{0,16}(秘书处|秘书长|会长|领导|老师|secretariat|team)[^\n]{0,12}[:：,，!！]?\s*$|^\s*(dear|hi|hello)\b[^\n]*$|^\s*(您好|你好)[!！,，。]?\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_SENTENCE_END = re.compile(r"[。！？!?\n]|(?<=[a-z])\.\s")


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # Plain text for e-mail and Telegram: no HTML escaping, but undefined names fail loudly.
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=False,
        undefined=StrictUndefined,
        trim_blocks=True,
        keep_trailing_newline=False,
    )


def render_draft(
    policy: Policy,
    request: TriageRequest,
    *,
    language: str,
    category: str,
    tier: str,
    decline_reason: str | None,
    joint: bool,
) -> str:
    """The reply the chamber would send: acknowledges, names the next step and time limit, promises nothing."""
    lang = "en" if language.startswith("en") else "zh"
    cat, tier_ = policy.category(category), policy.tier(tier)
    context: dict[str, object] = {
        "salutation": _salutation(request, lang),
        "signature": "The Chamber Secretariat" if lang == "en" else "商会秘书处",
        "ticket_number": request.ticket_number,
        "regulation": policy.name_en if lang == "en" else policy.name_zh,
        "category_name": cat.name(lang),
        "category_article": cat.article,
        "tier_key": tier_.key,
        "tier_name": tier_.name(lang),
        "tier_owner": tier_.owner_en if lang == "en" else tier_.owner_zh,
        "tier_days": tier_.working_days,
        "progress_updates": tier_.progress_updates,
        "review_days": policy.review.working_days,
        "review_due": request.review_due,
        "joint": joint,
    }
    if decline_reason is not None:
        reason = policy.decline_reason(decline_reason)
        context |= {
            "reason_name": reason.name(lang),
            "reason_article": reason.article,
            "reason_guidance": reason.guidance(lang),
        }
        name = f"{lang}/declined.j2"
    else:
        name = f"{lang}/{category}.j2"
    text = _environment().get_template(name).render(context)
    # Template blocks leave uneven blank lines; a reply has exactly one between paragraphs.
    return re.sub(r"\n\s*\n+", "\n\n", text).strip() + "\n"


def summarise(
    request: TriageRequest, category_name: str, language: str, skip: Callable[[str], bool] = lambda _: False
) -> str:
    """One sentence for staff: the category and the gist (subject, else the first real sentence), redacted."""
    gist = (request.subject or "").strip()
    if not gist or skip(gist):
        body = _GREETING.sub("", request.text).strip()
        parts = [p.strip() for p in _SENTENCE_END.split(body) if p and len(p.strip()) > 4 and not skip(p)]
        gist = parts[0] if parts else body
    gist = redact(" ".join(gist.split())).text
    limit = 90 if language.startswith("en") else 48
    if len(gist) > limit:
        gist = gist[: limit - 1].rstrip() + "…"
    separator = ": " if language.startswith("en") else "："
    return f"{category_name}{separator}{gist}"


def _salutation(request: TriageRequest, lang: str) -> str:
    name = (request.sender_name or "").strip()
    if lang == "en":
        return f"Dear {name}," if name else "Dear Member,"
    return f"{name}您好：" if name else "尊敬的会员，您好："
