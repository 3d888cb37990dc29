"""Staff text prompts (ForceReply): the prompt names the ticket and the step, so a reply needs no server state."""

from __future__ import annotations

import re

from helpdesk.domain.numbering import find_number

# action -> the prompt's first line; a staff member's reply to it is the text of that step.
PROMPTS = {
    "ed": "✏️ {n} 修改答复",
    "rp": "✏️ {n} 回复会员",
    "nt": "📝 {n} 进展备注",
    "rs": "✔️ {n} 办结结果",
}
HINT = {
    "ed": "请回复本消息，输入修改后的答复；您发送的文字即为发给会员的答复。",
    "rp": "请回复本消息，输入发给会员的答复。",
    "nt": "请回复本消息，输入进展备注（记入办理记录，不发给会员）。",
    "rs": "请回复本消息，输入办理结果；结果将发给会员并请其评价。",
}
LINE = re.compile(r"^(\S+) (T-\d{4}-\d{6,}) (\S+)")


def prompt_text(action: str, number: str) -> str:
    """The prompt posted when staff press a button that needs their words."""
    return PROMPTS[action].format(n=number) + "\n" + HINT[action]


def parse_prompt(text: str | None) -> tuple[str, str] | None:
    """(action, ticket number) of one of our prompts, or None for any other text."""
    first = (text or "").split("\n", 1)[0]
    match = LINE.match(first)
    if match is None:
        return None
    for action, template in PROMPTS.items():
        if template.format(n=match.group(2)) == first:
            return action, match.group(2)
    return None


def comment_number(text: str | None) -> str | None:
    """The ticket number of a member's comment prompt (💬 T-...), or None."""
    if not text or not text.startswith("💬"):
        return None
    return find_number(text)
