"""Reading a member's view of a result (Art. 15-16) from their own words."""

from __future__ import annotations

import re

# Dissatisfaction is checked first: "不满意" contains "满意".
DISSATISFIED = re.compile(
    r"不满意|不太满意|不认可|不接受|没有解决|未解决|没解决|仍未|还是没有|dissatisfied|not satisfied|unsatisfied|not resolved|unresolved",
    re.IGNORECASE,
)
SATISFIED = re.compile(r"满意|认可|问题已解决|已经解决|非常感谢|谢谢|satisfied|resolved|thank", re.IGNORECASE)

# Only the member's first lines count: quoted history below may repeat our own "满意/不满意" prompt.
HEAD_CHARS = 200


def read(text: str) -> bool | None:
    """True if the member says they are satisfied, False if not, None if the words do not say."""
    head = text.strip()[:HEAD_CHARS]
    if DISSATISFIED.search(head):
        return False
    if SATISFIED.search(head):
        return True
    return None
