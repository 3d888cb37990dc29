"""The IMAP poller against a real Dovecot on loopback: once each, crash-safe, flagged only after commit."""

from __future__ import annotations

from dataclasses import replace

import pytest
from imap_tools import MailBoxUnencrypted

from channels.email import EmailConfig, ImapPoller
from tests.email.fake_intake import FakeIntake, IntakeDown, sample
from tests.email.servers import Dovecot


def config(dovecot: Dovecot, user: str, **changes: object) -> EmailConfig:
    """An EmailConfig pointing at the test Dovecot with plain IMAP (loopback only)."""
    base = EmailConfig(
        from_address="desk@chamber.test", imap_host="127.0.0.1", imap_port=dovecot.port,
        imap_security="plain", imap_user=user, imap_password=dovecot.password, fetch_batch=2,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def mailbox(dovecot: Dovecot, user: str) -> MailBoxUnencrypted:
    """A separate client connection, to look at the folder as a person would."""
    return MailBoxUnencrypted("127.0.0.1", dovecot.port).login(user, dovecot.password)


def message(i: int) -> bytes:
    """A small member message number i."""
    return (
        f"From: 会员{i} <member{i}@qq.com>\r\nTo: desk@chamber.test\r\nSubject: 诉求 {i}\r\n"
        f"Message-ID: <m{i}@qq.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n第{i}个问题\r\n"
    ).encode()


def append(dovecot: Dovecot, user: str, *raws: bytes) -> None:
    """Put messages into INBOX with imap-tools append."""
    with mailbox(dovecot, user) as box:
        for raw in raws:
            box.append(raw, "INBOX")


async def test_messages_appended_to_dovecot_come_through_once(dovecot: Dovecot, imap_user: str, intake: FakeIntake) -> None:
    append(dovecot, imap_user, message(1), message(2), sample("qq-gb18030-reply.eml"), sample("qq-autoreply.eml"))
    poller = ImapPoller(config(dovecot, imap_user), intake)
    first = await poller.poll_once()
    second = await poller.poll_once()
    await poller.close()
    assert [r.result for r in first] == ["ticket", "ticket", "append", "skip"] and second == []
    assert intake.ids == ["m1@qq.com", "m2@qq.com", "tencent_1A2B3C@qq.com", "tencent_auto_9@qq.com"]
    assert intake.messages[2].original == sample("qq-gb18030-reply.eml")  # byte-exact through IMAP
    with mailbox(dovecot, imap_user) as box:
        assert all({"\\Seen", "$HelpdeskDone"} <= set(m.flags) for m in box.fetch(mark_seen=False))


async def test_a_crash_in_the_middle_then_a_rerun_gives_each_message_exactly_once(
    dovecot: Dovecot, imap_user: str
) -> None:
    append(dovecot, imap_user, *(message(i) for i in range(1, 6)))
    store = FakeIntake(fail_after=3)  # the core dies while committing the 4th message
    with pytest.raises(IntakeDown):
        await ImapPoller(config(dovecot, imap_user), store).poll_once()
    store.fail_after = None
    poller = ImapPoller(config(dovecot, imap_user), store)
    await poller.poll_once()
    await poller.close()
    assert sorted(store.ids) == [f"m{i}@qq.com" for i in range(1, 6)]


async def test_a_message_is_flagged_only_after_intake_returned(dovecot: Dovecot, imap_user: str) -> None:
    append(dovecot, imap_user, message(7))
    flags_seen_during_commit: list[set[str]] = []

    def look(_item: object) -> None:
        with mailbox(dovecot, imap_user) as box:
            flags_seen_during_commit.extend(set(m.flags) for m in box.fetch(mark_seen=False))

    poller = ImapPoller(config(dovecot, imap_user), FakeIntake(before_commit=look))
    await poller.poll_once()
    await poller.close()
    assert flags_seen_during_commit == [set()]  # unread and unflagged while intake was working
    with mailbox(dovecot, imap_user) as box:
        assert [set(m.flags) for m in box.fetch(mark_seen=False)] == [{"\\Seen", "$HelpdeskDone"}]


async def test_with_a_move_to_folder_processed_mail_leaves_the_inbox(dovecot: Dovecot, imap_user: str, intake: FakeIntake) -> None:
    with mailbox(dovecot, imap_user) as box:
        box.folder.create("Processed")
    append(dovecot, imap_user, message(8), message(9))
    poller = ImapPoller(config(dovecot, imap_user, move_to="Processed"), intake)
    await poller.poll_once()
    assert await poller.poll_once() == []
    await poller.close()
    with mailbox(dovecot, imap_user) as box:
        assert box.uids() == []
        box.folder.set("Processed")
        assert len(box.uids()) == 2


async def test_idle_wakes_the_poller_when_mail_arrives(dovecot: Dovecot, imap_user: str, intake: FakeIntake) -> None:
    import asyncio

    poller = ImapPoller(config(dovecot, imap_user, idle_timeout=10), intake)
    await poller.poll_once()
    waiting = asyncio.create_task(poller.wait_for_mail())
    await asyncio.sleep(0.3)
    append(dovecot, imap_user, message(10))
    await asyncio.wait_for(waiting, 5)
    await poller.poll_once()
    await poller.close()
    assert intake.ids == ["m10@qq.com"]
