"""Message text: HTML made readable, and the member's new words cut from quoted history and signatures."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK = {
    "p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "pre", "hr", "section", "article", "header", "footer", "dt", "dd", "address", "center", "form",
}
_HIDDEN = {"script", "style", "head", "title", "noscript", "template", "svg", "object", "xml"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr"}


class _TextExtractor(HTMLParser):
    """Collects visible text; block elements become line breaks, script/style content is dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN and tag not in _VOID:
            self.hidden += 1
        elif tag == "pre":
            self.pre += 1
        if tag in _BLOCK:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")
        elif tag in ("td", "th"):
            self.parts.append("\t")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN and self.hidden:
            self.hidden -= 1
        elif tag == "pre" and self.pre:
            self.pre -= 1
        if tag in _BLOCK and tag != "br":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        # HTML collapses whitespace outside <pre>; the source's line breaks are not text.
        self.parts.append(data if self.pre else re.sub(r"[ \t\r\n\f]+", " ", data))


def html_to_text(html: str) -> str:
    """Readable plain text from an HTML body (stdlib html.parser; no script or style content)."""
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient, but a broken declaration can still raise
        return tidy(re.sub(r"<[^>]*>", " ", html))
    return tidy("".join(parser.parts))


def tidy(text: str) -> str:
    """Normalise line ends and spaces; at most one blank line in a row."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ").replace("\u3000", " ")
    lines = [line.rstrip(" \t") for line in text.split("\n")]
    lines = [re.sub(r"^[ \t]+(?=\S)", lambda m: m.group(0) if "\t" not in m.group(0) else "", ln) for ln in lines]
    out = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return out.strip("\n ")


# Lines that open quoted history, as the clients members use write them.
_QUOTE_HEADERS = [
    re.compile(r"^-{3,}\s*(原始邮件|原始郵件|Original( Message)?|转发邮件信息|轉寄郵件|Forwarded message)\s*-{3,}", re.I),  # QQ, Foxmail, Outlook Express
    re.compile(r"^_{10,}\s*$"),  # Outlook (Web) puts a rule of underscores above "From:/发件人:"
    re.compile(r"^\s*在\s*\d{4}[-/年].{0,120}写道\s*[:：]?\s*$"),  # 163/126/yeah: 在 2026-11-20 10:00:00，"x" <x@163.com> 写道：
    re.compile(r"^.{0,160}于\s*\d{4}\s*年\s*\d{1,2}\s*月.{0,60}写道\s*[:：]?\s*$"),  # Gmail zh: …于2026年11月20日周五 10:00写道：
    re.compile(r"^.{0,160}\d{4}\s*年\s*\d{1,2}\s*月.{0,80}写道\s*[:：]\s*$"),  # Apple Mail zh: 2026年11月20日 10:00，x 写道：
    re.compile(r"^On\b.{0,200}\bwrote\s*:\s*$", re.I),  # Gmail/Apple/Thunderbird English
    re.compile(r"^Am\b.{0,200}\bschrieb.{0,80}:\s*$"),  # German clients (corpus)
]
# Outlook/Foxmail header block: "发件人: …" then "发送时间:/Sent:/Date:" within a few lines.
_FROM_LINE = re.compile(r"^\s*\*?\s*(发件人|寄件者|From)\s*\*?\s*[:：]", re.I)
_DATE_LINE = re.compile(r"^\s*\*?\s*(发送时间|发送日期|寄件日期|时间|日期|Sent|Date)\s*\*?\s*[:：]", re.I)
# Signature delimiter (RFC 3676 4.3 "-- ") and the phone-client taglines.
_SIG_DELIM = re.compile(r"^--\s?$")
_TAGLINE = re.compile(
    r"^\s*(发自|来自|寄自|Sent from|Get Outlook for)\s*(我的)?\s*[\w\s.'-]{0,30}"
    r"(iPhone|iPad|Android|手机|邮箱|郵箱|客户端|Mail|Outlook|大师|HarmonyOS|設備|设备|华为|小米)[\w\s.'-]{0,20}$",
    re.I,
)


def quote_start(lines: list[str]) -> int | None:
    """Index of the first line of quoted history, or None."""
    for i, line in enumerate(lines):
        stripped = line.strip().replace("\xa0", " ")
        joined = f"{stripped} {lines[i + 1].strip()}" if i + 1 < len(lines) else stripped
        if any(p.search(stripped) for p in _QUOTE_HEADERS):
            return i
        # A 163/Gmail/"On … wrote:" line wrapped in two by the client.
        if stripped and any(p.search(joined) for p in _QUOTE_HEADERS[2:]):
            return i
        if _FROM_LINE.match(stripped) and any(_DATE_LINE.match(n) for n in lines[i + 1 : i + 5]):
            return i
    return None


def new_words(text: str, *, keep_quote: bool = False) -> str:
    """The member's own words: quoted history, '> ' lines, signature and phone taglines removed.

    With keep_quote (a forward) the quoted part stays, labelled, since it is what the member sends us.
    Falls back to the whole text when cutting would leave nothing.
    """
    lines = tidy(text).split("\n")
    start = quote_start(lines)
    quoted: list[str] = []
    if start is not None:
        lines, quoted = lines[:start], lines[start:]
    while lines and (lines[-1].startswith(">") or not lines[-1].strip()):
        lines.pop()  # bottom-quoting: a trailing block of "> " lines is history too
    for i, line in enumerate(lines):
        if _SIG_DELIM.match(line) or _TAGLINE.match(line):
            lines = lines[:i]
            break
    mine = "\n".join(lines).strip()
    if keep_quote and quoted:
        return f"{mine}\n\n[转发内容 / Forwarded]\n" + "\n".join(quoted).strip() if mine else "\n".join(quoted).strip()
    return mine or tidy(text)
