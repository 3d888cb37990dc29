"""A member's mail through the whole desk: real Dovecot, real aiosmtpd, the real store (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from email.header import Header
from email.utils import make_msgid

from sqlalchemy import select

from channels.email import EmailConfig, ImapPoller
from channels.email.sender import SmtpSender
from helpdesk.services.queries import ticket_record
from helpdesk.store.schema import OutboxRow
from tests.core.helpers import staff
from tests.email.servers import Dovecot, SmtpCapture
from tests.email.test_imap import append


def member_mail(subject: str, body: str, *, message_id: str, in_reply_to: str | None = None, extra: str = "") -> bytes:
    """A reply as QQ Mail writes it: GBK, base64, the subject RFC 2047-encoded."""
    headers = [
        f"From: =?gbk?B?{Header('张经理', 'gbk').encode().split('?')[3]}?= <zhang@qq.com>",
        "To: desk@chamber.test",
        f"Subject: {Header(subject, 'gbk').encode()}",
        f"Message-ID: {message_id}",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=gbk",
        "Content-Transfer-Encoding: base64",
    ]
    if in_reply_to:
        headers += [f"In-Reply-To: {in_reply_to}", f"References: {in_reply_to}"]
    import base64

    return ("\r\n".join(headers) + extra + "\r\n\r\n").encode() + base64.encodebytes(body.encode("gbk")).replace(b"\n", b"\r\n")


def configure(dovecot: Dovecot, user: str, smtp: SmtpCapture) -> EmailConfig:
    return EmailConfig(
        from_address="desk@chamber.test", from_name="XX商会秘书处", imap_host="127.0.0.1", imap_port=dovecot.port,
        imap_security="plain", imap_user=user, imap_password=dovecot.password, smtp_host="127.0.0.1",
        smtp_port=smtp.port, smtp_security="plain",
    )


async def test_a_gbk_grievance_gets_a_threaded_receipt_an_approved_reply_and_the_members_answer_joins(desk, dovecot, imap_user, smtp):
    config = configure(dovecot, imap_user, smtp)
    poller = ImapPoller(config, desk.intake)
    dispatcher = desk.dispatcher({"email": SmtpSender(config)})
    first_id = make_msgid(domain="qq.com")
    append(dovecot, imap_user, member_mail("请求协助追讨货款", "我司被拖欠货款三十万元，请商会协助。\r\n", message_id=first_id))
    await poller.poll_once()
    await dispatcher.run_once()
    (envelope, receipt), = smtp.handler.messages
    number = receipt["Subject"].split("[")[1].split("]")[0]
    record = await ticket_record(desk.ctx, number)
    assert record["sender"] == "zhang@qq.com" and record["sender_name"] == "张经理"
    assert record["subject"] == "请求协助追讨货款" and "三十万元" in record["text"]
    assert envelope.rcpt_tos == ["zhang@qq.com"]
    assert receipt["In-Reply-To"] == first_id and receipt["Auto-Submitted"] == "auto-replied"
    assert number in receipt.get_content()

    actor = await staff(desk)
    await desk.staff.accept(actor, number, "rights_protection", "general")
    await desk.staff.approve_reply(actor, number, "张经理您好：我们已联系对方企业，请提供合同复印件。")
    await dispatcher.run_once()
    reply = smtp.handler.messages[-1][1]
    assert "合同复印件" in reply.get_content()
    assert first_id in reply["References"] and receipt["Message-ID"] in reply["References"]

    answer_id = make_msgid(domain="qq.com")
    append(dovecot, imap_user, member_mail(f"回复：{reply['Subject']}", "合同见附件说明。\r\n", message_id=answer_id, in_reply_to=reply["Message-ID"]))
    results = await poller.poll_once()
    assert [(r.result, r.ticket_number) for r in results] == [("append", number)], results
    record = await ticket_record(desk.ctx, number)
    assert [m["kind"] for m in record["messages"] if m["direction"] == "in"] == ["grievance", "followup"]

    await desk.staff.resolve(actor, number, "对方已承诺月底前付款。")
    await dispatcher.run_once()
    result = smtp.handler.messages[-1][1]
    append(dovecot, imap_user, member_mail("回复：处理结果", "不满意，对方至今没有付款。\r\n", message_id=make_msgid(domain="qq.com"), in_reply_to=result["Message-ID"]))
    await poller.poll_once()
    assert (await ticket_record(desk.ctx, number))["status"] == "reopened"


async def test_an_out_of_office_answer_to_our_receipt_gets_no_answer_and_is_recorded(desk, dovecot, imap_user, smtp):
    config = configure(dovecot, imap_user, smtp)
    poller = ImapPoller(config, desk.intake)
    append(dovecot, imap_user, member_mail("诉求", "请协助。\r\n", message_id=make_msgid(domain="qq.com")))
    await poller.poll_once()
    async with desk.ctx.sessions() as session:
        receipt_id = await session.scalar(select(OutboxRow.message_id))
    ooo = member_mail("自动回复: 诉求已收到", "您好，我正在休假。\r\n", message_id=make_msgid(domain="qq.com"), in_reply_to=f"<{receipt_id}>", extra="\r\nAuto-Submitted: auto-replied")
    append(dovecot, imap_user, ooo)
    await poller.poll_once()
    async with desk.ctx.sessions() as session:
        assert list(await session.scalars(select(OutboxRow.kind))) == ["receipt"]
    from helpdesk.services.queries import list_skips

    skips = await list_skips(desk.ctx)
    assert len(skips) == 1 and "auto" in skips[0]["reason"].lower()


async def test_smtp_down_keeps_the_receipt_until_it_can_be_sent(desk, dovecot, imap_user, smtp, clock):
    config = configure(dovecot, imap_user, smtp)
    await ImapPoller(config, desk.intake).poll_once()
    append(dovecot, imap_user, member_mail("诉求", "请协助。\r\n", message_id=make_msgid(domain="qq.com")))
    await ImapPoller(config, desk.intake).poll_once()
    down = desk.dispatcher({"email": SmtpSender(replace(config, smtp_port=1))})
    await down.run_once()
    async with desk.ctx.sessions() as session:
        assert await session.scalar(select(OutboxRow.status)) == "pending"
    clock.advance(minutes=10)
    await desk.dispatcher({"email": SmtpSender(config)}).run_once()
    assert len(smtp.handler.messages) == 1
