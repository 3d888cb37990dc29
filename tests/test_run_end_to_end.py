"""`helpdesk run` as a real process: Dovecot, aiosmtpd and the Bot API stand-in on loopback, one mail and one chat grievance."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from email.header import Header
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.email.servers import Dovecot, SmtpCapture, spare_port
from tests.email.test_imap import append
from tests.telegram.botapi_standin import TOKEN, BotApiStandIn

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
HELPDESK = REPO / ".venv" / "bin" / "helpdesk"
STAFF_CHAT, LEADERSHIP_CHAT = -1001001, -1002002
MEMBER = {"id": 555001, "is_bot": False, "first_name": "张", "last_name": "经理", "language_code": "zh-hans"}
STAFF = {"id": 8001, "is_bot": False, "first_name": "Li", "language_code": "zh-hans"}
NUMBER = re.compile(r"T-\d{4}-\d{6}")
PASSWORD = re.compile(r"one-time password (\S+)")
_mailboxes = itertools.count(1)


@dataclass
class Desk:
    """The running `helpdesk run` process with everything it printed so far."""

    process: asyncio.subprocess.Process
    env: dict[str, str]
    port: int
    mailbox: str
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)

    def output(self) -> str:
        """What the process printed, for failure messages (the log tail is what helps)."""
        return "".join(self.stdout)[-2000:] + "\n--- stderr ---\n" + "".join(self.stderr)[-6000:]


@pytest.fixture
async def api() -> AsyncIterator[BotApiStandIn]:
    """The Bot API stand-in; it serves from this test's event loop, so the test only ever waits asynchronously."""
    standin = await BotApiStandIn().start()
    yield standin
    await standin.stop()


def config_toml(tmp: Path, dovecot: Dovecot, mailbox: str, idle: bool, smtp: SmtpCapture, api: BotApiStandIn, web_port: int) -> str:
    """The desk's config: every channel pointed at the loopback servers, short intervals so the test is quick."""
    return f"""
[desk]
var_dir = "{tmp / 'var'}"
policy = "{REPO / 'config' / 'policy.toml'}"

[outbox]
poll_interval_s = 0.2
base_delay_s = 1

[web]
host = "127.0.0.1"
port = {web_port}

[timer]
interval_s = 1

[email]
from_address = "desk@chamber.test"
from_name = "XX商会秘书处"
imap_host = "127.0.0.1"
imap_port = {dovecot.port}
imap_security = "plain"
imap_user = "{mailbox}"
poll_interval = 0.5
idle = {str(idle).lower()}
smtp_host = "127.0.0.1"
smtp_port = {smtp.port}
smtp_security = "plain"

[telegram]
api_base = "{api.base}"
staff_chat_id = {STAFF_CHAT}
leadership_chat_id = "{LEADERSHIP_CHAT}"
bot_username = "chamber_desk_bot"
staff = {{ "{STAFF['id']}" = "staff" }}
polling_timeout_s = 1
grouping_window_s = 0.3
card_interval_s = 0.1
"""


def gbk_mail(subject: str, body: str) -> bytes:
    """A grievance as QQ Mail sends it: GBK, base64 body, RFC 2047 subject and sender name."""
    message = EmailMessage()
    message["From"] = f"{Header('张经理', 'gbk').encode()} <zhang@qq.com>"
    message["To"] = "desk@chamber.test"
    message["Subject"] = Header(subject, "gbk").encode()
    message["Message-ID"] = make_msgid(domain="qq.com")
    message.set_content(body, charset="gbk", cte="base64")
    return message.as_bytes().replace(b"\n", b"\r\n")


async def eventually(check: Callable[[], Any], what: str, desk: Desk, timeout: float = 10.0) -> Any:
    """Poll `check()` (sync or async) until it is truthy, sleeping asynchronously so the stand-in keeps serving."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = check()
        if isinstance(value, Awaitable):
            value = await value
        if value:
            return value
        if desk.process.returncode is not None:
            raise AssertionError(f"helpdesk run exited ({desk.process.returncode}) while waiting for {what}\n{desk.output()}")
        if loop.time() > deadline:
            raise AssertionError(f"no {what} within {timeout}s\n{desk.output()}")
        await asyncio.sleep(0.1)


async def drain(stream: asyncio.StreamReader, into: list[str]) -> None:
    """Keep reading a pipe of the child so it never blocks on a full buffer."""
    while line := await stream.readline():
        into.append(line.decode(errors="replace"))


@pytest.fixture
async def desk_process(tmp_path: Path, dovecot: Dovecot, smtp: SmtpCapture, api: BotApiStandIn, idle: bool) -> AsyncIterator[Desk]:
    """`helpdesk run` started as a subprocess on a fresh SQLite file and mailbox; killed at the end if the test left it running."""
    port, mailbox = spare_port(), f"desk{next(_mailboxes)}@chamber.test"
    config = tmp_path / "helpdesk.toml"
    config.write_text(config_toml(tmp_path, dovecot, mailbox, idle, smtp, api, port))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")},
        "HELPDESK_CONFIG": str(config),
        "HELPDESK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}",
        # The stand-in answers only its own token (a made-up "123:TEST" gets 401 there).
        "HELPDESK_TELEGRAM_TOKEN": TOKEN,
        "HELPDESK_IMAP_PASSWORD": dovecot.password,
        "PYTHONUNBUFFERED": "1",
    }
    process = await asyncio.create_subprocess_exec(
        str(HELPDESK), "run", cwd=tmp_path, env=env,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    running = Desk(process, env, port, mailbox)
    assert process.stdout is not None and process.stderr is not None
    readers = [asyncio.create_task(drain(process.stdout, running.stdout)), asyncio.create_task(drain(process.stderr, running.stderr))]
    try:
        yield running
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await asyncio.gather(*readers, return_exceptions=True)


async def healthy(desk: Desk) -> dict[str, Any] | None:
    """The /healthz report once the console answers 200, else None."""
    try:
        async with httpx.AsyncClient(timeout=1) as client:
            answer = await client.get(f"http://127.0.0.1:{desk.port}/healthz")
    except httpx.TransportError:
        return None
    return answer.json() if answer.status_code == 200 else None


async def logs_in(desk: Desk, password: str) -> httpx.Response:
    """Log in to the console as the first admin with the printed password."""
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{desk.port}", timeout=5) as client:
        form = await client.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert token, form.text[:500]
        return await client.post("/login", data={"name": "admin", "password": password, "csrf": token.group(1)})


async def tickets_json(env: dict[str, str]) -> list[dict[str, Any]]:
    """`helpdesk tickets list --json` against the same store, run the way an operator would."""
    process = await asyncio.create_subprocess_exec(
        str(HELPDESK), "tickets", "list", "--json", env=env, cwd=Path(env["HELPDESK_CONFIG"]).parent,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 0, err.decode(errors="replace")
    return json.loads(out.decode())


def receipt_from(smtp: SmtpCapture) -> EmailMessage | None:
    """The first message the desk sent to the member by SMTP, if any."""
    return next((m for envelope, m in smtp.handler.messages if envelope.rcpt_tos == ["zhang@qq.com"]), None)




@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
@pytest.mark.parametrize("idle", [
    pytest.param(False, id="imap-poll"),
    pytest.param(True, id="imap-idle"),  # the default; only its known shutdown hang is an expected failure
])
async def test_helpdesk_run_takes_a_mail_and_a_chat_grievance_and_stops_cleanly_on_ctrl_c(desk_process, dovecot, smtp, api, idle):
    desk = desk_process
    report = await eventually(lambda: healthy(desk), "answer from /healthz", desk, timeout=20)
    assert report["database"] == "ok", report
    password = await eventually(lambda: PASSWORD.search("".join(desk.stdout)), "one-time admin password on stdout", desk)
    login = await logs_in(desk, password.group(1))
    assert login.status_code == 303 and login.headers["location"].endswith("/password"), login.text[:300]

    # A member mails the desk (QQ Mail style GBK); the IMAP poller takes it, the outbox mails a receipt by SMTP.
    mail = gbk_mail("请求协助追讨货款", "我司被拖欠货款三十万元，请商会协助追讨。\n")
    await asyncio.to_thread(append, dovecot, desk.mailbox, mail)
    receipt = await eventually(lambda: receipt_from(smtp), "mailed receipt", desk, timeout=15)
    mail_number = NUMBER.search(str(receipt["Subject"]))
    assert mail_number, receipt["Subject"]
    assert receipt["Auto-Submitted"] == "auto-replied"
    assert mail_number.group(0) in receipt.get_content()

    # A member writes the bot privately; the bot answers with a receipt and the staff chat gets the ticket's card.
    api.message(MEMBER, text="会员企业反映：园区停电三天，生产受损，请商会协调供电公司。")
    chat_receipt = await eventually(
        lambda: next((m for m in api.sent_to(MEMBER["id"]) if NUMBER.search(m.text)), None), "Telegram receipt", desk, timeout=15,
    )
    chat_number = NUMBER.search(chat_receipt.text).group(0)
    assert chat_number != mail_number.group(0)
    card = await eventually(
        lambda: next((m for m in api.sent_to(STAFF_CHAT) if chat_number in m.text), None), "card in the staff chat", desk, timeout=15,
    )
    assert card.buttons(), card.text
    report = await eventually(
        lambda: _sent_on_both(healthy(desk)), "/healthz reporting sends on both channels", desk,
    )
    assert report["outbox"] == {"pending": 0, "dead": 0, "oldest_pending_age_s": None}, report
    assert report["channels"]["email"]["last_poll"], report  # the IMAP poller's heartbeat
    assert report["channels"]["telegram"]["last_poll"], report  # the Bot API answered getMe

    # Ctrl-C: every service stops and the process exits 0.
    desk.process.send_signal(signal.SIGINT)
    try:
        code = await asyncio.wait_for(desk.process.wait(), timeout=10)
    except TimeoutError:
        raise AssertionError(f"helpdesk run did not stop within 10 s of SIGINT\n{desk.output()}") from None
    assert code == 0, desk.output()

    tickets = {row["number"]: row for row in await tickets_json(desk.env)}
    assert tickets[mail_number.group(0)]["channel"] == "email"
    assert tickets[chat_number]["channel"] == "telegram"


async def _sent_on_both(report: Awaitable[dict[str, Any] | None]) -> dict[str, Any] | None:
    """The health report once the outbox has sent something by email and by Telegram."""
    body = await report
    channels = (body or {}).get("channels", {})
    return body if all(channels.get(name, {}).get("last_sent") for name in ("email", "telegram")) else None
