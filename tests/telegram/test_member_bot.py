"""The member bot: binding by deep link or by phone, unverified submissions, attachments, /mytickets, flood control."""

from __future__ import annotations

from sqlalchemy import select

from channels.telegram.invites import same_phone
from helpdesk.services.invites import issue_invite
from helpdesk.services.queries import list_skips, ticket_record
from helpdesk.store.schema import MemberContact
from tests.telegram.conftest import ENGLISH, MEMBER, STRANGER, eventually


async def _last_reply(h, user, part):
    return await eventually(lambda: next((m for m in reversed(h.api.sent_to(user["id"])) if part in m.text), None))


async def test_a_deep_link_binds_the_account_once_and_later_grievances_are_verified(harness):
    token = await issue_invite(harness.desk.ctx, "M-001")
    harness.api.message(MEMBER, text=f"/start {token}", entities=[{"type": "bot_command", "offset": 0, "length": 6}])
    await _last_reply(harness, MEMBER, "已绑定会员：华兴贸易有限公司")
    ticket = await harness.submit(MEMBER, "会费发票尚未收到。")
    assert ticket.verified and ticket.member_id is not None
    # The same link again (here from someone else) is refused: invites are one-time.
    harness.api.message(STRANGER, text=f"/start {token}", entities=[{"type": "bot_command", "offset": 0, "length": 6}])
    await _last_reply(harness, STRANGER, "invalid, used or expired")


async def test_sharing_ones_own_phone_number_binds_to_the_directorys_member(harness):
    harness.api.message(MEMBER, text="/start", entities=[{"type": "bot_command", "offset": 0, "length": 6}])
    welcome = await _last_reply(harness, MEMBER, "分享手机号")
    assert welcome.reply_markup["keyboard"][0][0]["request_contact"] is True
    # Someone else's number is not accepted as proof.
    harness.api.message(MEMBER, contact={"phone_number": "8613800138000", "first_name": "x", "user_id": 42})
    await _last_reply(harness, MEMBER, "本人")
    harness.api.message(MEMBER, contact={"phone_number": "8613800138000", "first_name": "张", "user_id": MEMBER["id"]})
    await _last_reply(harness, MEMBER, "已绑定会员")
    async with harness.desk.ctx.sessions() as session:
        contact = await session.scalar(select(MemberContact).where(MemberContact.kind == "telegram"))
    assert contact is not None and contact.value == str(MEMBER["id"])


def test_phone_numbers_match_with_or_without_the_country_code():
    assert same_phone("+86 138 0013 8000", "8613800138000")
    assert same_phone("13800138000", "+86-138-0013-8000")
    assert not same_phone("13800138000", "13800138001")
    assert not same_phone("138", "86138")


async def test_an_unbound_user_can_still_submit_and_the_ticket_is_unverified_in_their_language(harness):
    ticket = await harness.submit(ENGLISH, "Our shipment is held at customs, please help.")
    assert not ticket.verified and ticket.member_id is None and ticket.language == "en"
    await harness.outbox.run_once()
    receipt = harness.api.sent_to(ENGLISH["id"])[-1]
    assert ticket.number in receipt.text and "received" in receipt.text.lower()


async def test_photos_and_documents_are_kept_as_attachments_of_one_grievance(harness):
    api = harness.api
    photo = api.add_file(b"\xff\xd8\xffJPEG-bytes", "photos/file_1.jpg")
    pdf = api.add_file(b"%PDF-1.7 contract", "documents/file_2.pdf")
    sizes = [{"file_id": "thumb", "file_unique_id": "t", "width": 90, "height": 90}, {"file_id": photo, "file_unique_id": "p", "width": 1280, "height": 960}]
    shot = api.message(MEMBER, photo=sizes, caption="对方仓库门口的照片")
    api.message(MEMBER, document={"file_id": pdf, "file_unique_id": "d", "file_name": "../../合同 2026.pdf", "mime_type": "application/pdf"})
    api.message(MEMBER, text="合同见附件。")

    async def joined():
        latest = await harness.ticket()
        return latest if latest is not None and "合同见附件" in latest.text else None

    ticket = await eventually(joined)  # three messages, one grievance: the text and files joined the first
    assert "对方仓库门口的照片" in ticket.text
    record = await eventually(lambda: _with_attachments(harness, ticket.number, 2))
    thread = await eventually(lambda: _thread_texts(harness, ticket.number, 3))
    assert any("合同见附件" in t for t in thread)  # the later messages joined the same grievance
    files = {a["filename"]: a for m in record["messages"] for a in m["attachments"]}
    assert set(files) == {f"photo_{shot['message_id']}.jpg", "合同_2026.pdf"}
    assert harness.desk.ctx.attachments.get(files["合同_2026.pdf"]["sha256"]) == b"%PDF-1.7 contract"
    assert [c.params["file_id"] for c in api.calls_of("getFile")] == [photo, pdf]


async def _thread_texts(harness, number: str, count: int) -> list[str] | None:
    record = await ticket_record(harness.desk.ctx, number)
    texts = [m["text"] for m in record["messages"] if m["direction"] == "in"]
    return texts if len(texts) >= count else None


async def _skips(harness, count: int) -> list[dict] | None:
    rows = await list_skips(harness.desk.ctx)
    return rows if len(rows) >= count else None


async def test_mytickets_lists_status_and_due_date(harness):
    ticket = await harness.submit(MEMBER, "物流园区道路长期拥堵，建议协调。")
    harness.api.message(MEMBER, text="/mytickets", entities=[{"type": "bot_command", "offset": 0, "length": 10}])
    listing = await _last_reply(harness, MEMBER, "您的诉求")
    assert ticket.number in listing.text and "已登记待审查" in listing.text and "期限" in listing.text


async def test_a_flooding_member_gets_one_polite_answer_and_the_rest_is_recorded_as_skipped(harness):
    for i in range(10):  # the fixture allows 6 messages a minute
        harness.api.message(STRANGER, text=f"消息 {i}")
    warning = await _last_reply(harness, STRANGER, "very quickly")
    ticket = await eventually(lambda: harness.ticket())
    thread = await eventually(lambda: _thread_texts(harness, ticket.number, 6))
    assert thread == [f"消息 {i}" for i in range(6)]
    skips = await eventually(lambda: _skips(harness, 4))
    assert all(s["reason"].startswith("flood control") for s in skips)
    assert sum("very quickly" in m.text for m in harness.api.sent_to(STRANGER["id"])) == 1
    assert warning is not None


async def _with_attachments(h, number, count):
    record = await ticket_record(h.desk.ctx, number)
    return record if len(record["attachments"]) >= count else None
