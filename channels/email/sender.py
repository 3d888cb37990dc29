"""SMTP delivery of outbound messages with aiosmtplib: the email implementation of the Sender port."""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, localtime

import aiosmtplib

from channels.email.config import EmailConfig
from helpdesk.domain.errors import PermanentFailure, TemporaryFailure
from helpdesk.domain.outbound import OutboundMessage


def bracketed(message_id: str) -> str:
    """RFC 5322 3.6.4 msg-id with angle brackets (the desk stores ids without them)."""
    message_id = message_id.strip()
    return message_id if message_id.startswith("<") else f"<{message_id}>"


def build(message: OutboundMessage, config: EmailConfig) -> EmailMessage:
    """The MIME message: UTF-8 text (base64 for Chinese), threading and RFC 3834 headers."""
    mail = EmailMessage(policy=SMTP)
    mail["Message-ID"] = bracketed(message.message_id)
    mail["Date"] = format_datetime(localtime())
    mail["From"] = Address(display_name=config.from_name, addr_spec=config.from_address)
    mail["To"] = message.recipient
    mail["Subject"] = message.subject  # already carries [T-2026-000123]; the core builds it
    references = [bracketed(r) for r in message.references if r.strip()]
    if message.in_reply_to:
        mail["In-Reply-To"] = bracketed(message.in_reply_to)
        if bracketed(message.in_reply_to) not in references:
            references.append(bracketed(message.in_reply_to))
    if references:
        mail["References"] = " ".join(references)
    if message.automatic:
        # RFC 3834 5: mark the receipt so other responders stay quiet; Exchange/Outlook read
        # X-Auto-Response-Suppress instead (no out-of-office or read receipts back to us).
        mail["Auto-Submitted"] = "auto-replied"
        mail["X-Auto-Response-Suppress"] = "All"
    if message.ticket_number:
        mail["X-Helpdesk-Ticket"] = message.ticket_number
    # Base64 for Chinese (a third smaller than quoted-printable's =E5=95=86...), 7-bit safe for any
    # relay; quoted-printable keeps plain ASCII replies readable.
    cte = "quoted-printable" if message.body.isascii() else "base64"
    mail.set_content(message.body, charset="utf-8", cte=cte)
    return mail


class SmtpSender:
    """Sender port for channel "email"; errors become TemporaryFailure or PermanentFailure."""

    channel = "email"

    def __init__(self, config: EmailConfig) -> None:
        self.config = config

    async def send(self, message: OutboundMessage) -> str | None:
        """Deliver one message; return its Message-ID (without brackets) for threading."""
        mail = build(message, self.config)
        cfg = self.config
        try:
            await aiosmtplib.send(
                mail,
                hostname=cfg.smtp_host,
                port=cfg.smtp_port,
                username=cfg.smtp_user or None,
                password=cfg.smtp_password or None,
                use_tls=cfg.smtp_security == "tls",
                start_tls=True if cfg.smtp_security == "starttls" else False,
                timeout=cfg.smtp_timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            text = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in exc.recipients)
            if codes and all(500 <= c < 600 for c in codes):
                raise PermanentFailure(f"recipient refused: {text}") from exc
            raise TemporaryFailure(f"recipient deferred: {text}") from exc
        except aiosmtplib.SMTPDataError as exc:
            # RFC 5321 4.2.1: 5yz is permanent (content rejected), 4yz transient.
            if 500 <= exc.code < 600:
                raise PermanentFailure(f"message refused: {exc.code} {exc.message}") from exc
            raise TemporaryFailure(f"message deferred: {exc.code} {exc.message}") from exc
        except aiosmtplib.SMTPResponseException as exc:
            # Sender refused, auth failed, HELO refused: our configuration, fixable; keep retrying.
            raise TemporaryFailure(f"SMTP {exc.code} {exc.message}") from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise TemporaryFailure(f"SMTP connection failed: {exc}") from exc
        return bracketed(message.message_id)[1:-1]
