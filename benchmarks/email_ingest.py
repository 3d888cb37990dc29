"""Benchmark: ingest N mixed messages from a throwaway local Dovecot through the email pipeline.

    python benchmarks/email_ingest.py            # N=1000 throughput + ceiling, and peak RSS N=500 vs 1000
    python benchmarks/email_ingest.py --n 500 --rss-only

Reports messages/s of ImapPoller → parse → rules → a fake Intake, beside the ceiling measured in the
same run (imap-tools fetch + stdlib email.message_from_bytes(policy=default), nothing stored).
"""

from __future__ import annotations

import argparse
import asyncio
import email
import json
import resource
import subprocess
import sys
import time
from dataclasses import replace
from email import policy
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from imap_tools import MailBoxUnencrypted  # noqa: E402

from channels.email import EmailConfig, ImapPoller  # noqa: E402
from tests.email.fake_intake import SAMPLES, FakeIntake  # noqa: E402
from tests.email.servers import Dovecot, ensure_dovecot  # noqa: E402


def corpus_mix() -> list[bytes]:
    """Our Chinese samples plus the shared corpus (when present): the mix that gets appended."""
    raws = [p.read_bytes() for p in sorted(SAMPLES.glob("*.eml"))]
    shared = REPO.parent / "shared" / "mail-corpus"
    if (shared / "INDEX.tsv").is_file():
        for line in (shared / "INDEX.tsv").read_text(encoding="utf-8").splitlines()[1:]:
            raws.append((shared / line.split("\t", 1)[0]).read_bytes())
    return raws


def unique(raw: bytes, i: int) -> bytes:
    """Give each copy its own Message-ID so intake sees N distinct messages."""
    return f"Message-ID: <bench-{i}@bench.test>\r\n".encode() + raw


def fill(server: Dovecot, user: str, n: int) -> None:
    """Append n messages (cycling through the mix) to the user's INBOX."""
    mix = corpus_mix()
    with MailBoxUnencrypted("127.0.0.1", server.port).login(user, server.password) as box:
        for i in range(n):
            box.append(unique(mix[i % len(mix)], i), "INBOX")


def ceiling(server: Dovecot, user: str) -> tuple[int, float]:
    """imap-tools fetch + stdlib parse of the same mailbox, nothing stored: the upper bound."""
    start = time.perf_counter()
    count = 0
    with MailBoxUnencrypted("127.0.0.1", server.port).login(user, server.password) as box:
        for msg in box.fetch(mark_seen=False, bulk=50):
            email.message_from_bytes(msg.obj.as_bytes(), policy=policy.default)
            count += 1
    return count, time.perf_counter() - start


async def ours(server: Dovecot, user: str, intake: FakeIntake | None = None) -> tuple[int, float, FakeIntake]:
    """The real poller over the same messages into the fake intake."""
    config = EmailConfig(
        from_address="desk@chamber.test", imap_host="127.0.0.1", imap_port=server.port, imap_security="plain",
        imap_user=user, imap_password=server.password, rate_limit_count=0, fetch_batch=50,
    )
    intake = intake or FakeIntake()
    poller = ImapPoller(config, intake)
    start = time.perf_counter()
    results = await poller.poll_once()
    elapsed = time.perf_counter() - start
    await poller.close()
    return len(results), elapsed, intake


class CountingIntake(FakeIntake):
    """The fake intake, keeping ids and counts only: the real one stores to disk, not in our memory."""

    tickets: int = 0
    skipped: int = 0

    async def receive(self, message):  # type: ignore[no-untyped-def]
        """Count and forget."""
        self.tickets += 1
        return await super().receive(replace(message, original=None, attachments=(), text=""))

    async def skip(self, skip):  # type: ignore[no-untyped-def]
        """Count and forget."""
        self.skipped += 1
        return await super().skip(replace(skip, original=None))


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MiB: VmHWM, since ru_maxrss survives fork+exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def start_server() -> Dovecot:
    """A throwaway Dovecot, spawned the same way as in the tests."""
    binary = ensure_dovecot()
    if binary is None:
        raise SystemExit("dovecot is not installed (apt-get install dovecot-imapd)")
    return Dovecot(binary).start()


def child_rss(port: int, user: str) -> dict[str, float]:
    """(in a fresh process) Ingest one mailbox and report peak RSS: only ingestion is in the figure."""
    server = Dovecot("dovecot", port=port)
    before = peak_rss_mb()
    count, seconds, _ = asyncio.run(ours(server, user, CountingIntake()))
    return {"ingested": count, "peak_rss_mb": round(peak_rss_mb(), 1), "rss_before_mb": round(before, 1)}


def main() -> None:
    """Throughput at N beside the ceiling, then peak RSS at N/2 and N each in a fresh process."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--child", nargs=2, metavar=("PORT", "USER"), help="(internal) one RSS measurement")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child_rss(int(args.child[0]), args.child[1])))
        return
    server = start_server()
    try:
        for user, n in (("ceiling@bench.test", args.n), ("desk@bench.test", args.n),
                        ("half@bench.test", args.n // 2), ("full@bench.test", args.n)):
            fill(server, user, n)
        count, seconds = ceiling(server, "ceiling@bench.test")
        done, elapsed, intake = asyncio.run(ours(server, "desk@bench.test"))
        print(f"N={done}: ours {done / elapsed:.1f} msg/s (tickets {len(intake.messages)}, skips {len(intake.skips)}); "
              f"ceiling (imap-tools fetch + stdlib parse, policy=default) {count / seconds:.1f} msg/s")
        for user, n in (("half@bench.test", args.n // 2), ("full@bench.test", args.n)):
            out = subprocess.run([sys.executable, __file__, "--child", str(server.port), user],
                                 capture_output=True, text=True, check=True)
            rss = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"peak RSS N={n}: {rss['peak_rss_mb']} MiB (process after imports {rss['rss_before_mb']} MiB)")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
