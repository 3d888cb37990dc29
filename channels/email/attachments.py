"""Attachment names made safe and content types sniffed from the bytes, not trusted from the sender."""

from __future__ import annotations

import io
import mimetypes
import re
import unicodedata
import zipfile

# Magic numbers (first bytes) of the files members actually send.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"Rar!\x1a\x07", "application/vnd.rar"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"\x1f\x8b", "application/gzip"),
    (b"\x78\x9f\x3e\x22", "application/ms-tnef"),  # Outlook winmail.dat
    (b"{\\rtf", "application/rtf"),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc/.xls/.ppt/.msg container
_OLE_TYPES = {
    ".doc": "application/msword", ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint", ".msg": "application/vnd.ms-outlook",
    ".wps": "application/vnd.ms-works", ".et": "application/vnd.ms-excel",  # WPS Office (common in China)
}
_OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_UNSAFE = re.compile(r'[\\/:*?"<>|]')
_MAX_NAME_BYTES = 200


def sniff(content: bytes, filename: str = "", declared: str = "") -> str:
    """The content type from magic bytes; the declared type only when the bytes say nothing."""
    head = content[:16]
    for magic, ctype in _MAGIC:
        if head.startswith(magic):
            return ctype
    if head.startswith(b"RIFF") and content[8:12] == b"WEBP":
        return "image/webp"
    ext = _extension(filename)
    if head.startswith(_OLE2):
        return _OLE_TYPES.get(ext, "application/x-ole-storage")
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(content)
    declared = (declared or "").lower().strip()
    if declared and declared != "application/octet-stream":
        return declared
    return mimetypes.guess_type(f"x{ext}")[0] or "application/octet-stream" if ext else "application/octet-stream"


def _zip_kind(content: bytes) -> str:
    """Office Open XML documents are zip files; tell them apart by their top folder."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()[:200]
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return "application/zip"
    for prefix, ctype in _OOXML.items():
        if any(n.startswith(prefix) for n in names):
            return ctype
    return "application/zip"


def _extension(filename: str) -> str:
    """Lower-cased extension including the dot, or ''."""
    dot = filename.rfind(".")
    return filename[dot:].lower() if 0 <= dot and len(filename) - dot <= 8 else ""


def safe_filename(name: str | None, content_type: str = "application/octet-stream", index: int = 1) -> str:
    """A file name safe to store and offer for download: no paths, no control chars, Chinese kept."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]  # a path from the sender's disk (Outlook, old Foxmail)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")  # control, format, surrogates
    name = _UNSAFE.sub("_", name).strip(" .")
    if not name:
        ext = mimetypes.guess_extension(content_type or "") or ".bin"
        name = f"attachment-{index}{ext}"
    while len(name.encode("utf-8")) > _MAX_NAME_BYTES:
        stem, ext = (name[: -len(_extension(name))], _extension(name)) if _extension(name) else (name, "")
        name = stem[:-1] + ext
    return name
