"""Personal data is taken out before text leaves the machine, and only personal data."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from triage.redaction import foreign_contact_data, redact


def test_phones_ids_cards_and_emails_are_replaced_by_placeholders() -> None:
    text = "手机 13812345678，座机 0571-87654321，身份证 11010119900307123X，卡号 6222 0212 3456 7890 123，邮箱 li@example.com"
    result = redact(text)
    for secret in ("13812345678", "87654321", "11010119900307123X", "6222 0212", "li@example.com"):
        assert secret not in result.text
    assert {kind for kind, _ in result.found} == {"PHONE", "ID", "CARD", "EMAIL"}
    assert "[身份证号]" in result.text and "[银行卡号]" in result.text


def test_masked_and_international_numbers_are_redacted_too() -> None:
    text = "电话:139xxxx7508 / +86 139 xxxx 4412 / +852 9xxx 6628 / 025-8xxx xxxx"
    assert redact(text).text.count("[电话]") == 4


def test_sums_dates_and_headcounts_survive() -> None:
    text = "合同价410万元，2023年1月竣工，员工150人，12月5日开标，约RMB 20 million"
    assert redact(text).text == text


def test_a_draft_repeating_the_members_own_number_is_not_a_leak() -> None:
    member = "我的电话是 13812345678"
    assert not foreign_contact_data("我们会致电 138-1234-5678 与您联系", member)
    assert foreign_contact_data("请联系张总 13912345678", member)


@given(st.from_regex(r"1[3-9]\d{9}", fullmatch=True), st.text(alphabet="商会诉求拖欠货款 ，。", max_size=20))
def test_no_mobile_number_survives_redaction(number: str, context: str) -> None:
    assert number not in redact(f"{context}{number}{context}").text


@given(st.emails())
def test_no_email_address_survives_redaction(address: str) -> None:
    assert address not in redact(f"请回复到 {address} 谢谢").text
