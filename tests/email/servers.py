"""Throwaway mail servers on loopback for the email tests: Dovecot IMAP and an aiosmtpd capture."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

IMAP_USER = "desk@chamber.test"
IMAP_PASSWORD = "desk-secret"

_CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
login_trusted_networks = 127.0.0.0/8
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = {uid}
last_valid_uid = {uid}
mail_location = maildir:{root}/mail/%u
mail_privileged_group =
protocol imap {{
  mail_max_userip_connections = 50
}}
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
service pop3-login {{
  chroot =
}}
"""


def spare_port() -> int:
    """A free TCP port on 127.0.0.1 (racy by nature, good enough for tests)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_dovecot() -> str | None:
    """Path of the dovecot binary, installing Debian's dovecot-imapd when missing (root only)."""
    found = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", "dovecot-imapd"]
    if subprocess.run(install, env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True)
        subprocess.run(install, env=env, capture_output=True)
    return shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)


@dataclass
class Dovecot:
    """One Dovecot instance with its own config, base_dir and Maildir under a temp folder."""

    binary: str
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="helpdesk-dovecot-")))
    port: int = field(default_factory=spare_port)
    user: str = IMAP_USER
    password: str = IMAP_PASSWORD

    @property
    def config_path(self) -> Path:
        """The instance's own dovecot.conf."""
        return self.root / "dovecot.conf"

    def start(self) -> Dovecot:
        """Write the config and start the daemon; wait until it accepts connections."""
        # Dovecot refuses to run mail processes as root: use an unprivileged account then.
        account = pwd.getpwnam("nobody") if os.geteuid() == 0 else pwd.getpwuid(os.getuid())
        for sub in ("run", "state", "mail", "home"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(
            _CONFIG.format(
                root=self.root, port=self.port, password=self.password, user=account.pw_name,
                group=_group_name(account.pw_gid), uid=account.pw_uid, gid=account.pw_gid,
            )
        )
        for sub in ("mail", "home"):
            os.chown(self.root / sub, account.pw_uid, account.pw_gid) if os.geteuid() == 0 else None
        os.chmod(self.root, 0o755)
        # dovecot forks a daemon that inherits our stdio: pipes would never close, so no capture here.
        subprocess.run([self.binary, "-c", str(self.config_path)], check=True,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    if sock.recv(100).startswith(b"* OK"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"dovecot did not start: {self.log()}")

    def log(self) -> str:
        """The instance's log, for failure messages."""
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def stop(self) -> None:
        """Stop the daemon and remove its folder."""
        subprocess.run([self.binary, "-c", str(self.config_path), "stop"],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.2)
        shutil.rmtree(self.root, ignore_errors=True)


def _group_name(gid: int) -> str:
    import grp

    return grp.getgrgid(gid).gr_name


class _Capture:
    """aiosmtpd handler keeping what it is given; recipients in `refuse` get a 550."""

    def __init__(self) -> None:
        self.messages: list[tuple[Envelope, EmailMessage]] = []
        self.refuse: set[str] = set()
        self.temporary: set[str] = set()

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str, options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        if address in self.temporary:
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        self.messages.append((envelope, message_from_bytes(envelope.original_content or b"", policy=policy.default)))
        return "250 Message accepted"


@dataclass
class SmtpCapture:
    """An aiosmtpd Controller on a spare loopback port that keeps every message sent to it."""

    port: int = field(default_factory=spare_port)
    handler: _Capture = field(default_factory=_Capture)
    controller: Controller | None = None

    def start(self) -> SmtpCapture:
        """Start the server thread."""
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        """Stop the server thread."""
        if self.controller is not None:
            self.controller.stop()
