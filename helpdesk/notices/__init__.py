"""Member-facing texts (zh-CN first, English available), rendered from jinja2 templates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

FOLDER = Path(__file__).resolve().parent
WEEKDAYS_ZH = "一二三四五六日"


@dataclass(frozen=True)
class Notice:
    """A rendered text: subject line and body."""

    subject: str
    body: str


class Notices:
    """Renders `<language>/<kind>.txt.j2`; a template's first line is `Subject: ...`."""

    def __init__(self, folder: Path = FOLDER) -> None:
        self.env = Environment(
            loader=FileSystemLoader(str(folder)),
            undefined=StrictUndefined,
            keep_trailing_newline=False,
            autoescape=False,  # plain text for mail and chat; chat adapters escape their own markup
        )

    def render(self, kind: str, language: str, **values: Any) -> Notice:
        """The notice of this kind in the member's language (English for `en*`, else Chinese)."""
        folder = "en" if language.startswith("en") else "zh"
        text = self.env.get_template(f"{folder}/{kind}.txt.j2").render(**values)
        first, _, rest = text.partition("\n")
        if not first.startswith("Subject: "):
            raise ValueError(f"notice template {folder}/{kind}.txt.j2 must start with 'Subject: '")
        return Notice(subject=first.removeprefix("Subject: ").strip(), body=rest.strip() + "\n")


def format_due(moment: datetime, timezone: Any, language: str) -> str:
    """A due time as members read it: 2026年10月10日（周六）18:00, or 2026-10-10 (Sat) 18:00."""
    local = moment.astimezone(timezone)
    if language.startswith("en"):
        return local.strftime("%Y-%m-%d (%a) %H:%M")
    return f"{local.year}年{local.month}月{local.day}日（周{WEEKDAYS_ZH[local.weekday()]}）{local:%H:%M}"
