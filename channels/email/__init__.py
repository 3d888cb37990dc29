"""Email channel: IMAP intake and SMTP replies for members writing from QQ Mail, 163, Foxmail, Outlook.

    parse(raw, ParseOptions(...))            bytes → InboundMessage | Skip (pure)
    EmailIntake.from_config(config, intake)  parse → rules → intake.receive / intake.skip
    ImapPoller(config, intake).run(stop)     IDLE or polling, flags only after intake returned
    SmtpSender(config)                       the Sender port for channel "email"
"""

from channels.email.config import EmailConfig
from channels.email.imap import ImapPoller
from channels.email.message import ParseOptions, parse
from channels.email.pipeline import EmailIntake
from channels.email.sender import SmtpSender

__all__ = ["EmailConfig", "EmailIntake", "ImapPoller", "ParseOptions", "SmtpSender", "parse"]
