"""Parsing real-world Chinese mail: charsets, headers, quotes, attachments, threading hints."""

from __future__ import annotations

import base64

import pytest

from channels.email import ParseOptions, parse
from channels.email.attachments import safe_filename, sniff
from channels.email.body import html_to_text, new_words
from channels.email.charsets import clean, decode
from channels.email.headers import decode_text, ticket_number
from helpdesk.domain.inbound import InboundMessage, Skip
from tests.email.fake_intake import sample


def inbound(raw: bytes | str, **options: object) -> InboundMessage:
    """Parse and insist on a message (not a skip)."""
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    result = parse(data, ParseOptions(**options))  # type: ignore[arg-type]
    assert isinstance(result, InboundMessage), getattr(result, "reason", result)
    return result


def test_qq_mail_reply_in_gb18030_keeps_only_the_new_words_and_the_ticket_number() -> None:
    msg = inbound(sample("qq-gb18030-reply.eml"))
    assert msg.sender_name == "李明" and msg.sender_address == "liming@qq.com"
    assert msg.ticket_number == "T-2026-000123"
    assert "请商会帮忙协调" in msg.text and "原始邮件" not in msg.text and "已登记" not in msg.text
    assert msg.replies_to == ("receipt-123@chamber.test", "first-123@qq.com")
    assert msg.external_id == "tencent_1A2B3C@qq.com"
    assert msg.original == sample("qq-gb18030-reply.eml")


def test_163_quoted_printable_gbk_cuts_the_xie_dao_quote() -> None:
    msg = inbound(sample("163-gbk-qp.eml"))
    assert msg.subject == "Re:[T-2026-000124] 出口退税迟迟未到"
    assert msg.ticket_number == "T-2026-000124"
    assert msg.text.endswith("请问商会能否出面了解情况？")


def test_gb2312_label_on_gbk_bytes_keeps_characters_outside_gb2312() -> None:
    msg = inbound(sample("foxmail-gb2312-label-gbk-bytes.eml"))
    assert msg.subject == "朱镕基路店铺被强拆" and msg.sender_name == "陶喆"
    assert "朱镕基路" in msg.text and "陶喆经理" in msg.text
    assert "深圳市" not in msg.text  # signature after "--" is cut
    [pdf] = msg.attachments
    assert pdf.filename == "强拆现场照片说明.pdf" and pdf.content_type == "application/pdf"


def test_outlook_chinese_header_block_is_cut_and_inline_image_and_winmail_are_kept() -> None:
    msg = inbound(sample("outlook-zh-winmail.eml"))
    assert "未经业主大会表决" in msg.text and "旧的内容" not in msg.text and "发件人" not in msg.text
    kinds = {a.filename: (a.content_type, a.inline) for a in msg.attachments}
    assert kinds == {"image001.png": ("image/png", True), "winmail.dat": ("application/ms-tnef", False)}


def test_big5_from_taiwan_decodes_traditional_characters() -> None:
    msg = inbound(sample("big5-taiwan.eml"))
    assert msg.subject == "台商投資糾紛請求協助" and msg.sender_name == "陳志明"
    assert "懇請商會協助調解" in msg.text


def test_hz_encoded_subject_and_body_decode() -> None:
    msg = inbound(sample("hz-gb-2312.eml"))
    assert msg.subject == "货款被拖欠" and msg.text == "您好，货款被拖欠半年。"


def test_raw_8bit_gbk_headers_without_any_charset_are_guessed() -> None:
    msg = inbound(sample("raw-8bit-gbk-headers.eml"))
    assert (msg.sender_name, msg.subject) == ("刘洋", "关于园区用电限额的投诉")
    assert "\udc80" not in msg.subject and "拉闸限电" in msg.text


def test_html_only_mail_becomes_text_without_script_or_style() -> None:
    msg = inbound(sample("html-only.eml"))
    assert msg.text == "我们的商标被抢注了。\n\n请问商会 能否提供法律援助？\n\n孙丽"


def test_forwarded_rfc822_message_text_is_included_and_labelled() -> None:
    msg = inbound(sample("gmail-forward-rfc822.eml"))
    assert "请看海关的通知" in msg.text
    assert "转发的邮件 / Forwarded message" in msg.text and "贵司货物因单证不符被暂扣" in msg.text
    assert "主题 / Subject: 扣货通知书" in msg.text


def test_iphone_tagline_is_cut_and_a_missing_message_id_gives_a_stable_content_hash() -> None:
    raw = sample("iphone-no-message-id.eml")
    first, again = inbound(raw), inbound(b"Received: from relay\r\n" + raw)
    assert first.text == "展会取消了，但摊位费一直不退。"
    assert first.external_id.startswith("sha256:") and first.external_id == again.external_id


def test_qq_out_of_office_and_163_bounce_are_skips_with_reasons() -> None:
    auto, bounce = parse(sample("qq-autoreply.eml")), parse(sample("163-bounce.eml"))
    assert isinstance(auto, Skip) and "自动回复" in auto.reason
    assert isinstance(bounce, Skip) and bounce.reason.startswith("daemon sender")
    assert auto.original == sample("qq-autoreply.eml")


def test_adjacent_encoded_words_splitting_one_character_are_joined() -> None:
    word = "投诉".encode()
    split = f"=?utf-8?B?{base64.b64encode(word[:2]).decode()}?= =?utf-8?B?{base64.b64encode(word[2:]).decode()}?="
    assert decode_text(split) == "投诉"


def test_lone_surrogates_from_8bit_headers_never_leave_the_parser() -> None:
    assert clean("a\udcc4\udce3\udcba\udcc3b") == "a你好b"
    assert clean("x\ud800y") == "x\ufffdy"


def test_mislabelled_utf8_text_falls_back_to_gb18030() -> None:
    assert decode("商会".encode("gbk"), "utf-8") == "商会"
    assert decode("商会".encode("gbk"), "x-unknown") == "商会"


def test_rfc2231_gbk_attachment_name_with_a_path_becomes_a_safe_chinese_name() -> None:
    name = "".join(f"%{b:02X}" for b in "C:\\资料\\合同.docx".encode("gbk"))
    raw = (
        "From: a@qq.com\r\nTo: desk@chamber.test\r\nSubject: x\r\nMessage-ID: <m1@qq.com>\r\n"
        "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n见附件\r\n"
        f"--B\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename*=gbk''{name}\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(b"PK\x03\x04junk").decode() + "\r\n--B--\r\n"
    )
    [att] = inbound(raw).attachments
    assert att.filename == "合同.docx" and att.content_type == "application/zip"


def test_an_oversized_attachment_is_dropped_and_said_in_the_text() -> None:
    raw = (
        "From: a@qq.com\r\nSubject: big\r\nMessage-ID: <m2@qq.com>\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
        "--B\r\nContent-Type: text/plain\r\n\r\nhere\r\n--B\r\nContent-Type: image/jpeg; name=\"big.jpg\"\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(b"\xff\xd8\xff" + b"0" * 2000).decode() + "\r\n--B--\r\n"
    )
    msg = inbound(raw, max_attachment_bytes=1000)
    assert msg.attachments == () and "big.jpg" in msg.text and "big.jpg" in msg.meta["dropped_attachments"]


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (b"%PDF-1.7", "x.exe", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n", "", "image/png"),
        (b"GIF89a", "a.jpg", "image/gif"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "报价.xls", "application/vnd.ms-excel"),
    ],
)
def test_content_type_is_sniffed_from_magic_bytes(content: bytes, name: str, expected: str) -> None:
    assert sniff(content, name, "application/octet-stream") == expected


def test_file_names_lose_paths_and_control_characters_but_keep_chinese() -> None:
    assert safe_filename("../../etc/报告\x00\u202e.pdf") == "报告.pdf"
    assert safe_filename("", "image/png") == "attachment-1.png"


def test_ticket_numbers_are_found_behind_any_reply_prefix() -> None:
    for subject in ("回复：[T-2026-000123] x", "答复: 【T-2026-000123】", "RE: Fwd: 转发: [T-2026-000123]", "FW: T-2026-000123"):
        assert ticket_number(subject) == "T-2026-000123"
    assert ticket_number("订单号 T-2026-12") is None


@pytest.mark.parametrize(
    "quote",
    [
        "------------------ 原始邮件 ------------------\n发件人: x",
        '在 2026-11-20 10:00:00，"x" <x@163.com> 写道：\n> old',
        "发件人: 秘书处 <d@x>\n发送时间: 2026年11月20日 10:00\n收件人: a\n主题: b",
        "From: Desk <d@x>\nSent: Friday, November 20, 2026 10:00 AM\nTo: a",
        "张三 <z@gmail.com> 于2026年11月20日周五 10:00写道：\n> old",
        "On Fri, Nov 20, 2026 at 10:00 AM Desk <d@x> wrote:\n> old",
        "-- \nsignature",
        "发自我的iPhone",
    ],
)
def test_quoted_history_and_signatures_of_each_client_are_cut(quote: str) -> None:
    assert new_words(f"请尽快处理。\n\n{quote}\n旧内容") == "请尽快处理。"


def test_html_paragraphs_and_breaks_become_lines() -> None:
    assert html_to_text("<p>一</p><p>二<br>三</p><style>p{}</style>") == "一\n\n二\n三"
