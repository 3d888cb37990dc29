"""The member directory: lookup by contact, and CSV import that keeps good rows and reports bad ones."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk.services.context import DeskContext
from helpdesk.store.schema import Member, MemberContact

CONTACT_KIND = {"email": "email", "telegram": "telegram"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[\d\- ]{6,20}$")
COLUMNS = ("member_no", "kind", "organisation", "contact_name", "phones", "emails", "telegram_id", "language")


def normalise_contact(kind: str, value: str) -> str:
    """Contacts compared case- and space-insensitively (emails lower-cased, phones digits only)."""
    value = value.strip()
    if kind == "email":
        return value.lower()
    if kind == "phone":
        return re.sub(r"[^\d+]", "", value)
    return value


async def find_member_by_contact(session: AsyncSession, channel: str, address: str) -> Member | None:
    """The member a sender address belongs to, if the directory knows it."""
    kind = CONTACT_KIND.get(channel)
    if kind is None or not address:
        return None
    contact = await session.scalar(
        select(MemberContact).where(MemberContact.kind == kind, MemberContact.value == normalise_contact(kind, address))
    )
    return await session.get(Member, contact.member_id) if contact else None


@dataclass
class ImportReport:
    """What a CSV import did: rows added or updated, and each bad row with its line and reason."""

    added: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class MemberRow:
    """One valid row of the directory CSV."""

    member_no: str
    kind: str
    organisation: str | None
    contact_name: str | None
    phones: tuple[str, ...]
    emails: tuple[str, ...]
    telegram_id: str | None
    language: str


def parse_row(row: dict[str, str | None]) -> MemberRow:
    """A CSV row as a MemberRow, or ValueError naming the field that is wrong."""
    get = {k: (row.get(k) or "").strip() for k in COLUMNS}
    if not get["member_no"]:
        raise ValueError("member_no: empty")
    kind = get["kind"] or "unit"
    if kind not in ("unit", "individual"):
        raise ValueError(f"kind: {kind!r} is neither unit nor individual")
    if kind == "unit" and not get["organisation"]:
        raise ValueError("organisation: a unit member needs its organisation's name")
    emails = tuple(e.strip().lower() for e in re.split(r"[;,；，\s]+", get["emails"]) if e.strip())
    for email in emails:
        if not EMAIL.match(email):
            raise ValueError(f"emails: {email!r} is not an e-mail address")
    phones = tuple(p.strip() for p in re.split(r"[;,；，]+", get["phones"]) if p.strip())
    for phone in phones:
        if not PHONE.match(phone):
            raise ValueError(f"phones: {phone!r} is not a phone number")
    telegram = get["telegram_id"] or None
    if telegram is not None and not telegram.lstrip("-").isdigit():
        raise ValueError(f"telegram_id: {telegram!r} is not a numeric Telegram user id")
    return MemberRow(
        member_no=get["member_no"],
        kind=kind,
        organisation=get["organisation"] or None,
        contact_name=get["contact_name"] or None,
        phones=phones,
        emails=emails,
        telegram_id=telegram,
        language=get["language"] or "zh",
    )


def read_csv(data: bytes) -> Iterable[tuple[int, dict[str, str | None]]]:
    """Rows of a directory CSV with their line numbers; UTF-8 (with or without BOM) or GB18030 (Excel in China)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("member_no",) if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"header: missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}")
    for row in reader:
        yield reader.line_num, row


async def import_members(ctx: DeskContext, data: bytes, progress: Callable[[int], None] | None = None) -> ImportReport:
    """Add or update members from CSV; each bad row is reported by line and reason, the good rows kept."""
    report = ImportReport()
    for line, raw in read_csv(data):
        try:
            row = parse_row(raw)
            async with ctx.sessions.begin() as session:
                added = await upsert_member(session, ctx, row)
            report.added += added
            report.updated += not added
        except ValueError as exc:
            report.errors.append((line, str(exc)))
        except Exception as exc:  # e.g. a contact already used by another member
            report.errors.append((line, f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"))
        if progress:
            progress(line)
    return report


async def upsert_member(session: AsyncSession, ctx: DeskContext, row: MemberRow) -> bool:
    """Insert or update one member and its contacts; True if it was new."""
    member = await session.scalar(select(Member).where(Member.member_no == row.member_no))
    added = member is None
    if member is None:
        member = Member(member_no=row.member_no, created_at=ctx.now(), contacts=[])
        session.add(member)
    member.kind, member.organisation, member.contact_name, member.language = row.kind, row.organisation, row.contact_name, row.language
    await session.flush()
    wanted = {("email", e) for e in row.emails} | {("phone", normalise_contact("phone", p)) for p in row.phones}
    if row.telegram_id:
        wanted.add(("telegram", row.telegram_id))
    existing = {(c.kind, c.value): c for c in await session.scalars(select(MemberContact).where(MemberContact.member_id == member.id))}
    for key, contact in existing.items():
        if key not in wanted:
            await session.delete(contact)
    for kind, value in wanted - set(existing):
        session.add(MemberContact(member_id=member.id, kind=kind, value=value))
    await session.flush()
    return added
