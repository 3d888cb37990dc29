"""IMAP intake with imap-tools: IDLE where offered, polling otherwise, flagging only after commit."""

from __future__ import annotations

import asyncio
import contextlib
import imaplib
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from imap_tools import BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted

from channels.email.config import EmailConfig
from channels.email.pipeline import EmailIntake
from helpdesk.domain.inbound import Intake, IntakeResult, Skip

log = logging.getLogger(__name__)

# How long one IMAP IDLE round lasts before the poller looks at its stop flag again.
IDLE_SLICE_S = 2.0
_FETCH_HEAD = re.compile(rb"UID (\d+)")
_INTERNALDATE = re.compile(rb'INTERNALDATE "([^"]+)"')


def open_mailbox(config: EmailConfig) -> BaseMailBox:
    """Connect and log in as the config says (TLS, STARTTLS or plain on trusted networks)."""
    kinds = {"tls": MailBox, "starttls": MailBoxStartTls, "plain": MailBoxUnencrypted}
    mailbox = kinds[config.imap_security](config.imap_host, config.imap_port)
    return mailbox.login(config.imap_user, config.imap_password, initial_folder=config.imap_folder)


class ImapPoller:
    """Reads new mail from one folder and hands it to intake, one committed message at a time.

    A message is marked processed (\\Seen + keyword, or moved) only after intake returned; a crash
    in between means it is read again, and intake's dedupe on external_id keeps it single.
    """

    def __init__(
        self, config: EmailConfig, intake: Intake,
        connect: Callable[[EmailConfig], BaseMailBox] = open_mailbox,
        on_poll: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.config = config
        self.on_poll = on_poll  # told after each successful poll (the desk's health page shows it)
        self.pipeline = EmailIntake.from_config(config, intake)
        self._connect = connect
        self._mailbox: BaseMailBox | None = None

    async def _box(self) -> BaseMailBox:
        """The open mailbox, connecting on first use or after a failure."""
        if self._mailbox is None:
            self._mailbox = await asyncio.to_thread(self._connect, self.config)
        return self._mailbox

    def _criteria(self) -> str:
        """Everything not yet processed: with a move_to folder that is the whole folder."""
        return "ALL" if self.config.move_to else f"NOT KEYWORD {self.config.processed_keyword}"

    @staticmethod
    def _fetch(box: BaseMailBox, uids: list[str]) -> list[tuple[str, bytes, datetime | None]]:
        """UID, raw bytes and INTERNALDATE of some messages, without setting \\Seen (BODY.PEEK)."""
        typ, data = box.client.uid("FETCH", ",".join(uids), "(UID INTERNALDATE BODY.PEEK[])")
        if typ != "OK":
            raise imaplib.IMAP4.error(f"FETCH failed: {data!r}")
        out = []
        for item in data:
            if not isinstance(item, tuple):
                continue
            uid = _FETCH_HEAD.search(item[0])
            date = _INTERNALDATE.search(item[0])
            when = None
            if date:
                parsed = imaplib.Internaldate2tuple(b'INTERNALDATE "' + date.group(1) + b'"')
                when = datetime(*parsed[:6], tzinfo=UTC) if parsed else None
            if uid:
                out.append((uid.group(1).decode(), item[1], when))
        return out

    def _mark_done(self, box: BaseMailBox, uid: str) -> None:
        """\\Seen + keyword, or move to the configured folder (RFC 6851 MOVE or COPY+EXPUNGE)."""
        if self.config.move_to:
            box.move(uid, self.config.move_to)
        else:
            # A plain UID STORE: imap-tools' flag() also EXPUNGEs, which is not ours to do.
            typ, data = box.client.uid("STORE", uid, "+FLAGS", f"(\\Seen {self.config.processed_keyword})")
            if typ != "OK":
                raise imaplib.IMAP4.error(f"STORE failed: {data!r}")

    async def poll_once(self) -> list[IntakeResult]:
        """Process every unprocessed message now in the folder; intake errors propagate (nothing flagged)."""
        box = await self._box()
        # A long-lived session may not see mail another client appended until the server syncs its
        # view; NOOP is the RFC 3501 (6.1.2) way to ask for that, and Dovecot needs it before SEARCH.
        await asyncio.to_thread(box.client.noop)
        uids = await asyncio.to_thread(box.uids, self._criteria())
        results: list[IntakeResult] = []
        batch = max(1, self.config.fetch_batch)
        for start in range(0, len(uids), batch):
            fetched = await asyncio.to_thread(self._fetch, box, uids[start : start + batch])
            for uid, raw, when in fetched:
                try:
                    parsed = await self.pipeline.parse(raw, when)
                except Exception:  # our bug, not the sender's: log, leave unflagged for a retry
                    log.exception("email: could not parse uid %s; left unprocessed", uid)
                    continue
                decided = self.pipeline.decide(parsed)
                intake = self.pipeline.intake
                if isinstance(decided, Skip):
                    result = await intake.skip(decided)
                else:
                    result = await intake.receive(decided)
                await asyncio.to_thread(self._mark_done, box, uid)  # only now: intake has committed
                results.append(result)
        return results

    def _supports_idle(self, box: BaseMailBox) -> bool:
        """RFC 2177 IDLE is usable when the server lists it and the config allows it."""
        return self.config.idle and "IDLE" in box.client.capabilities

    async def wait_for_mail(self, stop: asyncio.Event | None = None) -> None:
        """Block until the server reports new mail (IDLE), the poll interval passes, or `stop` is set."""
        box = await self._box()
        stop = stop or asyncio.Event()
        if not self._supports_idle(box):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.config.poll_interval)
            return
        # IDLE runs in a thread that cannot be cancelled, so it waits in short slices: a stop request
        # is then honoured within one slice instead of holding the process for the whole IDLE timeout.
        waited, limit = 0.0, min(self.config.idle_timeout, 29 * 60)
        while waited < limit and not stop.is_set():
            if await asyncio.to_thread(box.idle.wait, IDLE_SLICE_S):
                return
            waited += IDLE_SLICE_S

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Poll and wait until `stop` is set; connection failures reconnect with a growing pause."""
        stop = stop or asyncio.Event()
        try:
            await self._serve(stop)
        finally:
            await self.close()  # log out, so the server does not keep a dead session

    async def _serve(self, stop: asyncio.Event) -> None:
        pause = 1.0
        while not stop.is_set():
            try:
                await self.poll_once()
                if self.on_poll is not None:
                    await self.on_poll()
                await self.wait_for_mail(stop)
                pause = 1.0
            except (OSError, imaplib.IMAP4.error, EOFError) as exc:
                log.warning("email: IMAP trouble (%s); reconnecting in %.0fs", exc, pause)
                await self.close()
                try:
                    await asyncio.wait_for(stop.wait(), pause)
                except TimeoutError:
                    pass
                pause = min(pause * 2, 300.0)

    async def close(self) -> None:
        """Log out (best effort) and forget the connection."""
        box, self._mailbox = self._mailbox, None
        if box is not None:
            try:
                await asyncio.to_thread(box.logout)
            except Exception:  # already broken: nothing to log out of
                log.debug("email: logout failed", exc_info=True)
