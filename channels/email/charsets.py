"""Bytes to text for the charsets members really send, never raising and never leaving surrogates."""

from __future__ import annotations

import codecs
import re
import unicodedata

# Chinese clients label text "gb2312" while writing GBK (or GB18030) bytes, so 镕/喆/祐 would be
# lost; GB18030 is a strict superset of both and decodes every GB2312/GBK byte sequence the same.
_ALIASES = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "ms936": "gb18030",
    "euc-cn": "gb18030", "x-euc-cn": "gb18030", "csgb2312": "gb18030", "chinese": "gb18030",
    "gb_2312-80": "gb18030", "iso-ir-58": "gb18030", "windows-936": "gb18030",
    # Taiwan/Hong Kong: Outlook writes "big5" for cp950 bytes; big5hkscs covers both plus HK chars.
    "big5": "big5hkscs", "x-big5": "big5hkscs", "cn-big5": "big5hkscs", "cp950": "big5hkscs",
    "hz-gb-2312": "hz", "x-hz": "hz",
    "ks_c_5601-1987": "cp949", "euc-kr": "cp949",
    "shift_jis": "cp932", "x-sjis": "cp932", "sjis": "cp932", "windows-31j": "cp932",
    "iso-8859-1": "cp1252", "latin1": "cp1252", "us-ascii": "utf-8", "ascii": "utf-8",
    "utf8": "utf-8", "unicode-1-1-utf-7": "utf-7", "unicodebig": "utf-16-be", "unicodelittle": "utf-16-le", "x-unknown": "", "unknown-8bit": "", "x-user-defined": "",
}

# Order tried for bytes with no (usable) label: members write from mainland China first.
GUESSES = ("utf-8", "gb18030", "big5hkscs")
# A label that fails often names the family the bytes really belong to (ISO-2022-JP label on
# Shift_JIS bytes, Big5 label on HKSCS bytes): try the family before the generic guesses.
_FAMILY = {
    "iso2022_jp": ("cp932", "euc_jp"), "euc_jp": ("cp932",), "cp932": ("euc_jp",),
    "big5hkscs": ("cp950",), "cp949": ("iso2022_kr",), "utf-8": ("gb18030",),
}
_MULTIBYTE = {"gb18030", "big5hkscs", "cp950", "hz", "cp932", "euc_jp", "iso2022_jp", "cp949", "utf-16-be", "utf-16-le"}
_LABEL_HEAD = re.compile(r"^(windows-\d+|iso[-_]?8859[-_]\d+|utf-?8|gb\d+|gbk|big5|koi8-?[ru]|shift_jis|euc-\w\w)", re.I)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]+")


def codec_for(label: str | None) -> str | None:
    """The Python codec to use for a MIME charset label, or None when unknown or absent."""
    if not label:
        return None
    name = label.strip().strip('"').lower()
    name = _ALIASES.get(name, name)
    if not name:
        return None
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        # Broken generators glue junk to the label ("windows-1252http-equivContent-Type").
        head = _LABEL_HEAD.match(name)
        return codec_for(head.group(1)) if head and head.group(1) != name else None
    return _ALIASES.get(codec, codec)


def decode(data: bytes, label: str | None = None, hints: tuple[str, ...] = ()) -> str:
    """Decode bytes with the declared charset, falling back to guesses; never raises."""
    codec = codec_for(label)
    if codec:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            pass  # mislabelled: 8-bit "us-ascii", GBK bytes in "utf-8", ... guess below
        hints = (*_FAMILY.get(codec, ()), *hints)
    return guess(data, hints, prefer=codec)


def guess(data: bytes, hints: tuple[str, ...] = (), prefer: str | None = None) -> str:
    """Decode unlabelled bytes: utf-8, the message's own declared charsets, gb18030, big5; never raises.

    hints are the charsets the same message declares elsewhere (body, other headers): a client
    that writes raw 8-bit headers writes them in the charset it uses for the body (kopano big5.eml).
    """
    if data.isascii():
        return data.decode("ascii")
    for codec in ("utf-8", *hints, *GUESSES[1:]):
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode(prefer or "gb18030", errors="replace")


def hints_of(labels: list[str]) -> tuple[str, ...]:
    """Distinct usable codecs of the charset labels a message declares, in order, utf-8 excluded."""
    out: dict[str, None] = {}
    for label in labels:
        codec = codec_for(label)
        if codec and codec not in ("utf-8", "ascii"):
            out.setdefault(codec, None)
            for extra in _FAMILY.get(codec, ()):
                out.setdefault(extra, None)
    # Members write Chinese: a CJK charset declared anywhere beats a single-byte one (zammad mail046
    # declares iso-8859-1 for one part and gb2312 for the next, with GBK bytes in the Subject).
    return tuple(sorted(out, key=lambda c: c not in _MULTIBYTE))


def clean(text: str) -> str:
    """Recover surrogate-escaped bytes the stdlib left behind and drop control characters.

    The stdlib parser keeps raw 8-bit header bytes as lone surrogates (surrogateescape);
    PostgreSQL and SQLite's UTF-8 refuse them, so every string leaving the channel goes through here.
    """
    if _SURROGATES.search(text):
        text = _SURROGATES.sub(_recover, text)
    text = text.replace("\x00", "")
    return _CONTROL.sub("", text)


def _recover(match: re.Match[str]) -> str:
    """Turn a run of escaped bytes back into text (or U+FFFD for real lone surrogates)."""
    run = match.group(0)
    if all("\udc80" <= ch <= "\udcff" for ch in run):
        return guess(run.encode("utf-8", "surrogateescape"))
    return "\ufffd" * len(run)


def normalize(text: str) -> str:
    """NFC-normalise and clean text for storage."""
    return unicodedata.normalize("NFC", clean(text))
