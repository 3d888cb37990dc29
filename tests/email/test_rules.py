"""Loop and noise rules: auto-replies, bounces, lists, our own address, rate limits; each a reason."""

from __future__ import annotations

import pytest

from channels.email import ParseOptions, parse
from channels.email.rules import SenderRateLimit
from helpdesk.domain.inbound import InboundMessage, Skip

BASE = "From: 李 <li@qq.com>\r\nTo: desk@chamber.test\r\nSubject: {subject}\r\nMessage-ID: <r@qq.com>\r\n{extra}\r\n正文\r\n"


def verdict(extra: str = "", subject: str = "请求协助", sender: str | None = None) -> InboundMessage | Skip:
    """Parse a small message with the given extra header lines."""
    raw = BASE.format(subject=subject, extra=extra)
    if sender:
        raw = raw.replace("李 <li@qq.com>", sender)
    return parse(raw.encode("utf-8"), ParseOptions(ours=frozenset({"desk@chamber.test"})))


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ("Auto-Submitted: auto-replied\r\n", "auto-submitted: auto-replied"),
        ("Precedence: bulk\r\n", "precedence: bulk"),
        ("Precedence: junk\r\n", "precedence: junk"),
        ("X-Autoreply: yes\r\n", "auto-reply header: x-autoreply"),
        ("X-Autorespond: yes\r\n", "auto-reply header: x-autorespond"),
        ("X-Auto-Response-Suppress: All\r\n", "auto-reply header: x-auto-response-suppress"),
        ("Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n", "bounce or report: multipart/report"),
        ("List-Id: <news.example.com>\r\n", "mailing list: list-id"),
        ("List-Unsubscribe: <mailto:u@example.com>\r\n", "mailing list: list-unsubscribe"),
        ("Return-Path: <>\r\n", "null return-path"),
    ],
)
def test_automatic_and_bulk_headers_become_skips_with_their_reason(extra: str, reason: str) -> None:
    result = verdict(extra)
    assert isinstance(result, Skip) and result.reason == reason


@pytest.mark.parametrize("subject", ["自动回复: 请求协助", "自动答复：您好", "系统退信", "退信通知", "休假：11月30日返回", "Automatic reply: x", "Undeliverable: x"])
def test_chinese_and_english_automatic_subjects_are_skipped(subject: str) -> None:
    assert isinstance(verdict(subject=subject), Skip)


@pytest.mark.parametrize("subject", ["退信用保证金的申请", "员工休假工资纠纷", "Auto-Submitted: no 的问题"])
def test_members_writing_about_refunds_or_leave_are_not_mistaken_for_automatic_mail(subject: str) -> None:
    assert isinstance(verdict(subject=subject), InboundMessage)


def test_auto_submitted_no_is_a_person() -> None:
    assert isinstance(verdict("Auto-Submitted: no\r\n"), InboundMessage)


def test_mailer_daemon_postmaster_and_our_own_address_are_skipped() -> None:
    assert verdict(sender="MAILER-DAEMON@qq.com").reason.startswith("daemon sender")  # type: ignore[union-attr]
    assert verdict(sender="Postmaster <postmaster@163.com>").reason.startswith("daemon sender")  # type: ignore[union-attr]
    assert verdict(sender="秘书处 <Desk@Chamber.test>").reason == "own address"  # type: ignore[union-attr]


def test_mail_without_any_sender_address_is_a_skip_not_an_error() -> None:
    result = parse(b"Subject: x\r\n\r\nbody\r\n")
    assert isinstance(result, Skip) and result.reason == "no sender address"


def test_the_rate_limit_skips_a_storm_from_one_sender_and_forgets_after_the_window() -> None:
    limit = SenderRateLimit(count=3, window=600)
    verdicts = [limit.check("a@qq.com", f"m{i}", now=float(i)) for i in range(5)]
    assert verdicts == [None, None, None, "rate limit", "rate limit"]
    assert limit.check("b@qq.com", "other", now=5.0) is None
    assert limit.check("A@QQ.com", "later", now=700.0) is None


def test_the_rate_limit_does_not_count_the_same_message_read_twice() -> None:
    limit = SenderRateLimit(count=1, window=600)
    assert [limit.check("a@qq.com", "same", now=t) for t in (1.0, 2.0, 3.0)] == [None, None, None]
