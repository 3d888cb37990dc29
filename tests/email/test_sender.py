"""SMTP replies through aiosmtplib to an aiosmtpd capture: headers, Chinese text, failures mapped."""

from __future__ import annotations

from dataclasses import replace

import pytest

from channels.email import EmailConfig, SmtpSender
from helpdesk.domain.errors import PermanentFailure, TemporaryFailure
from helpdesk.domain.outbound import OutboundMessage
from tests.email.servers import SmtpCapture, spare_port


def sender_for(smtp: SmtpCapture) -> SmtpSender:
    """A sender pointed at the capture server, plain SMTP on loopback."""
    return SmtpSender(EmailConfig(
        from_address="desk@chamber.test", from_name="某某商会秘书处", smtp_host="127.0.0.1",
        smtp_port=smtp.port, smtp_security="plain", smtp_timeout=5,
    ))


def outbound(**changes: object) -> OutboundMessage:
    """A receipt for ticket T-2026-000123."""
    base = OutboundMessage(
        outbox_id=1, channel="email", kind="receipt", recipient="liming@qq.com",
        subject="[T-2026-000123] 已收到您的诉求", body="李明您好：\n您的诉求已登记，我们将在5个工作日内答复。\n",
        message_id="receipt-123@chamber.test", ticket_number="T-2026-000123",
        in_reply_to="tencent_1A2B3C@qq.com", references=("first@qq.com", "tencent_1A2B3C@qq.com"), automatic=True,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


async def test_an_automatic_receipt_carries_threading_and_rfc3834_headers_in_utf8(smtp: SmtpCapture) -> None:
    returned = await sender_for(smtp).send(outbound())
    [(envelope, mail)] = smtp.handler.messages
    assert returned == "receipt-123@chamber.test" and envelope.rcpt_tos == ["liming@qq.com"]
    assert mail["Message-ID"] == "<receipt-123@chamber.test>"
    assert mail["In-Reply-To"] == "<tencent_1A2B3C@qq.com>"
    assert mail["References"] == "<first@qq.com> <tencent_1A2B3C@qq.com>"
    assert mail["Auto-Submitted"] == "auto-replied" and mail["X-Auto-Response-Suppress"] == "All"
    assert str(mail["Subject"]) == "[T-2026-000123] 已收到您的诉求"
    assert mail["From"].addresses[0].display_name == "某某商会秘书处" and mail["Date"]
    assert mail.get_content_charset() == "utf-8" and mail["Content-Transfer-Encoding"] in ("base64", "quoted-printable")
    assert "5个工作日内答复" in mail.get_content()
    assert envelope.original_content.isascii()  # 7-bit safe for any relay


async def test_a_staff_reply_is_not_marked_automatic(smtp: SmtpCapture) -> None:
    await sender_for(smtp).send(outbound(automatic=False, kind="reply"))
    [(_, mail)] = smtp.handler.messages
    assert mail["Auto-Submitted"] is None and mail["X-Auto-Response-Suppress"] is None


async def test_a_5xx_refused_recipient_is_a_permanent_failure(smtp: SmtpCapture) -> None:
    smtp.handler.refuse.add("gone@qq.com")
    with pytest.raises(PermanentFailure, match="550"):
        await sender_for(smtp).send(outbound(recipient="gone@qq.com"))


async def test_a_4xx_deferred_recipient_is_a_temporary_failure(smtp: SmtpCapture) -> None:
    smtp.handler.temporary.add("busy@qq.com")
    with pytest.raises(TemporaryFailure, match="451"):
        await sender_for(smtp).send(outbound(recipient="busy@qq.com"))


async def test_no_server_listening_is_a_temporary_failure() -> None:
    config = EmailConfig(from_address="d@x", smtp_host="127.0.0.1", smtp_port=spare_port(), smtp_security="plain", smtp_timeout=2)
    with pytest.raises(TemporaryFailure, match="connection"):
        await SmtpSender(config).send(outbound())
