"""Every staff tap is checked on the server: who pressed, whether the button is genuine, on its card, and current."""

from __future__ import annotations

from sqlalchemy import func, select

from channels.telegram.callbacks import StaffAction
from helpdesk.store.schema import AuditEvent, OutboxRow
from tests.telegram.conftest import LEADER, MEMBER, STAFF, STRANGER, eventually


async def _card_ready(h):
    ticket = await h.submit(MEMBER, "我司被拖欠货款三十万元，请商会协助。")
    await h.triage.run_once()

    async def with_proposal():
        card = await h.card(ticket.number)
        return card if "置信度" in card.text else None

    return ticket, await eventually(with_proposal)


async def _actions(h, action: str) -> int:
    async with h.desk.ctx.sessions() as session:
        return await session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


async def test_someone_not_on_the_staff_list_pressing_approve_is_told_so_and_nothing_changes(harness):
    ticket, card = await _card_ready(harness)
    answer = await harness.tap(STRANGER, card, card.button("批准"))
    assert answer["show_alert"] == "true" and "不在秘书处名单" in answer["text"]
    assert (await harness.ticket(ticket.number)).status == "received"
    assert await _actions(harness, "accept") == 0


async def test_a_leadership_member_may_not_approve_a_reply_whatever_the_button_says(harness):
    ticket, card = await _card_ready(harness)
    answer = await harness.tap(LEADER, card, card.button("批准"))
    assert answer["show_alert"] == "true" and "无权" in answer["text"]
    assert (await harness.ticket(ticket.number)).status == "received"


async def test_a_forged_callback_is_refused_whether_tampered_or_invented(harness):
    ticket, card = await _card_ready(harness)
    genuine = StaffAction.unpack(card.button("批准"))
    # The signature no longer matches once the data is changed (here: the action).
    tampered = genuine.model_copy(update={"a": "d", "x": "0"}).pack()
    answer = await harness.tap(STAFF, card, tampered)
    assert answer["show_alert"] == "true" and "无效" in answer["text"]
    # Data that is not even ours gets an answer too.
    answer = await harness.tap(STAFF, card, "s:nonsense")
    assert answer["show_alert"] == "true" and "无效" in answer["text"]
    # A genuine button of another ticket pressed on this card is refused as well.
    other, other_card = await _card_ready(harness)
    answer = await harness.tap(STAFF, card, other_card.button("批准"))
    assert answer["show_alert"] == "true" and "不符" in answer["text"]
    assert (await harness.ticket(ticket.number)).status == "received"
    assert (await harness.ticket(other.number)).status == "received"
    assert await _actions(harness, "decline") == 0


async def test_a_double_tap_approves_once_and_the_second_tap_is_refused(harness):
    ticket, card = await _card_ready(harness)
    data = card.button("批准")
    first = harness.api.press(STAFF, card, data)
    second = harness.api.press(STAFF, card, data)
    ids = {first["callback_query"]["id"], second["callback_query"]["id"]}
    answers = await eventually(lambda: [a for a in harness.api.answers() if a["callback_query_id"] in ids] if len(
        [a for a in harness.api.answers() if a["callback_query_id"] in ids]) == 2 else None)
    refused = [a for a in answers if a.get("show_alert") == "true"]
    assert len(refused) == 1 and "过期" in refused[0]["text"]
    assert (await harness.ticket(ticket.number)).status == "accepted"
    assert await _actions(harness, "accept") == 1
    async with harness.desk.ctx.sessions() as session:
        assert await session.scalar(select(func.count(OutboxRow.id)).where(OutboxRow.kind == "accepted")) == 1


async def test_changing_category_and_tier_then_approving_uses_the_staff_choice(harness):
    ticket, card = await _card_ready(harness)
    await harness.tap(STAFF, card, card.button("改级别"))
    picker = await _picker(harness, card, "重大")
    await harness.tap(STAFF, picker, picker.button("重大"))

    async def major_card():
        current = await harness.card(ticket.number)
        return current if "重大" in current.text and "批准" in str(current.buttons()) else None

    card = await eventually(major_card)
    await harness.tap(STAFF, card, card.button("批准"))
    await eventually(lambda: _status(harness, ticket.number, "accepted"))
    assert (await harness.ticket(ticket.number)).tier == "major"


async def test_assign_to_me_and_decline_with_a_reason_picked_on_the_card(harness):
    ticket, card = await _card_ready(harness)
    await harness.tap(STAFF, card, card.button("我来办"))

    async def assigned():
        current = await harness.card(ticket.number)
        return current if "承办：li" in current.text else None

    card = await eventually(assigned)
    await harness.tap(STAFF, card, card.button("不予受理"))
    picker = await _picker(harness, card, "司法")
    await harness.tap(STAFF, picker, picker.button("司法"))
    await eventually(lambda: _status(harness, ticket.number, "declined"))
    assert (await harness.ticket(ticket.number)).decline_reason == "in_legal_proceedings"
    final = await eventually(lambda: _no_buttons(harness, ticket.number))
    assert "不予受理" in final.text


async def _status(h, number, status):
    ticket = await h.ticket(number)
    return ticket is not None and ticket.status == status


async def _no_buttons(h, number):
    card = await h.card(number)
    return card if not card.buttons() else None


async def _picker(h, card, label):
    sent = h.api.messages[(card.chat_id, card.message_id)]
    return await eventually(lambda: sent if label in str(sent.buttons()) else None)
