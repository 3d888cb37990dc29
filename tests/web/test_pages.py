"""Each page does its job: queue filters and urgency, every staff action, registration, members, board, reports, health."""

from __future__ import annotations

from sqlalchemy import func, select

from helpdesk.domain.inbound import InboundAttachment
from helpdesk.services.members import import_members
from helpdesk.services.queries import ticket_record
from helpdesk.store.schema import ChannelCursor, Member, MemberInvite, OutboxRow, TimerEvent
from tests.core.helpers import mail
from tests.web.conftest import DRAFT, ticket_with_proposal

DIRECTORY = (
    "member_no,kind,organisation,contact_name,phones,emails,telegram_id,language\n"
    "M-1,unit,华信精密机械有限公司,张经理,,zhang@example.cn,,zh\n"
    "M-2,unit,东方绿源食品有限公司,李女士,,li@example.cn,,zh\n"
).encode()


async def test_the_queue_filters_and_colours_rows_by_urgency_and_marks_unverified_senders(desk, people, browser, clock):
    first = await ticket_with_proposal(desk)
    await desk.intake.receive(mail(desk, external_id="<t2@x>", channel="telegram", sender_address="777", subject="电费太高"))
    await browser.login("li")
    page = await browser.get("/queue")
    assert first in page.text and "电费太高" in page.text
    assert "未核实" in page.text  # neither sender is in the directory
    only_email = await browser.get("/queue?channel=email")
    assert first in only_email.text and "电费太高" not in only_email.text
    clock.advance(days=5)
    late = await browser.get("/queue")
    assert 'class="u-overdue"' in late.text and "已超期" in late.text


async def test_a_draft_is_shown_beside_the_proposal_and_approved_as_the_logged_in_user(desk, people, browser):
    number = await ticket_with_proposal(desk)
    await browser.login("li")
    page = await browser.get(f"/t/{number}")
    assert "助手建议" in page.text and DRAFT in page.text and "权益保障类" in page.text
    edited = DRAFT + "\n（已核对合同）"
    response = await browser.post(f"/t/{number}/reply", {"text": edited})
    assert response.status_code == 303 and response.headers["location"] == f"/t/{number}?done=reply"
    record = await ticket_record(desk.ctx, number)
    assert record["audit"][-1]["actor"] == "staff:li" and record["audit"][-1]["detail"] == edited.strip()
    async with desk.ctx.sessions() as session:
        kinds = list(await session.scalars(select(OutboxRow.kind).order_by(OutboxRow.id)))
    assert kinds == ["receipt", "reply"]


async def test_the_whole_life_of_a_grievance_runs_from_the_ticket_page(desk, people, browser):
    number = await ticket_with_proposal(desk)
    other = await ticket_with_proposal(desk, external_id="<w2@qq.com>", sender_address="liu@example.cn", sender_name="刘总")
    await browser.login("li")
    steps = [
        ("accept", {"category": "rights_protection", "tier": "major", "text": "已受理"}),
        ("assign", {"assignee": "wang"}),
        ("note", {"text": "已联系对方企业", "notify": "1"}),
        ("extend", {"text": "需提交会长办公会研究"}),
        ("link", {"numbers": other, "title": "同一开发商欠款"}),
        ("resolve", {"text": "对方已承诺月底前付款。"}),
        ("close", {"text": "会员未再回复"}),
    ]
    for action, form in steps:
        response = await browser.post(f"/t/{number}/{action}", form)
        assert response.status_code == 303, (action, response.text[:500])
    record = await ticket_record(desk.ctx, number)
    assert record["status"] == "closed" and record["assignee"] == "wang" and record["extensions"] == 1
    assert record["joint_group"] is not None
    assert [e["action"] for e in record["audit"] if e["actor"] == "staff:li"] == [a for a, _ in steps]
    page = await browser.get(f"/t/{number}")
    assert "办理记录（第十三条）" in page.text and "对方已承诺月底前付款。" in page.text


async def test_decline_takes_a_reason_and_an_illegal_step_shows_an_error_without_changing_the_ticket(desk, people, browser):
    number = await ticket_with_proposal(desk)
    await browser.login("li")
    refused = await browser.post(f"/t/{number}/resolve", {"text": "直接办结"})
    assert refused.status_code == 409 and "未能完成" in refused.text
    assert (await ticket_record(desk.ctx, number))["status"] == "received"
    declined = await browser.post(f"/t/{number}/decline", {"reason": "in_legal_proceedings", "text": "已进入仲裁"})
    assert declined.status_code == 303
    record = await ticket_record(desk.ctx, number)
    assert record["status"] == "declined" and record["decline_reason"] == "in_legal_proceedings"
    assert number not in (await browser.get("/queue")).text  # the bare queue shows open grievances
    assert number in (await browser.get("/queue?f=1")).text  # the filter form with "open only" unticked shows all


async def test_attachments_download_from_the_ticket_page(desk, people, browser):
    message = mail(desk, attachments=(InboundAttachment("合同.pdf", "application/pdf", b"%PDF-1.4 demo"),))
    number = (await desk.intake.receive(message)).ticket_number
    await browser.login("li")
    page = await browser.get(f"/t/{number}")
    assert "合同.pdf" in page.text
    sha = (await ticket_record(desk.ctx, number))["messages"][0]["attachments"][0]["sha256"]
    download = await browser.get(f"/t/{number}/attachments/{sha}")
    assert download.content == b"%PDF-1.4 demo" and "attachment" in download.headers["content-disposition"]
    assert (await browser.get(f"/t/{number}/attachments/{'0' * 64}")).status_code == 404


async def test_an_in_person_grievance_is_registered_for_a_member_from_the_directory(desk, people, browser):
    await import_members(desk.ctx, DIRECTORY)
    await browser.login("li")
    page = await browser.get("/register")
    assert "M-1 · 华信精密机械有限公司" in page.text
    response = await browser.post("/register", {"member_no": "M-1", "channel": "in_person", "subject": "厂区门前道路施工", "text": "施工影响货车进出，请协调。"})
    assert response.status_code == 303
    number = response.headers["location"].split("/t/")[1].split("?")[0]
    record = await ticket_record(desk.ctx, number)
    assert record["channel"] == "in_person" and record["member"] == "M-1" and record["verified"]
    empty = await browser.post("/register", {"member_no": "M-1", "channel": "in_person", "text": "  "})
    assert empty.status_code == 400


async def test_members_import_a_csv_with_a_report_per_row_and_get_telegram_invites(desk, people, browser, app):
    await browser.login("li")
    csv_text = DIRECTORY + "M-3,unit,,王五,,not-an-email,,zh\n".encode()
    response = await browser.client.post("/members/import", data={"csrf": browser.token}, files={"file": ("members.csv", csv_text, "text/csv")})
    assert response.status_code == 200
    assert "新增2，更新0，错误1" in response.text and "organisation" in response.text
    async with desk.ctx.sessions() as session:
        assert await session.scalar(select(func.count(Member.id))) == 2
    app.state.config = type(app.state.config)(secret_key="test-secret", telegram_bot="chamber_desk_bot")
    invite = await browser.post("/members/M-1/invite")
    assert "https://t.me/chamber_desk_bot?start=" in invite.text
    async with desk.ctx.sessions() as session:
        assert await session.scalar(select(func.count(MemberInvite.id))) == 1


async def test_leadership_sees_and_acknowledges_escalations_on_the_board(desk, people, browser_factory, clock):
    number = await ticket_with_proposal(desk)
    async with desk.ctx.sessions.begin() as session:
        session.add(TimerEvent(ticket_id=1, clock_id=1, kind="escalation", level=1, due_at=clock(), created_at=clock(), detail=f"{number} 受理审查超期"))
    leader = browser_factory()
    await leader.login("chen")
    board = await leader.get("/board")
    assert "受理审查超期" in board.text and "确认阅知" in board.text
    event_id = 1
    assert (await leader.post(f"/board/escalations/{event_id}/acknowledge")).status_code == 303
    async with desk.ctx.sessions() as session:
        event = await session.get(TimerEvent, event_id)
    assert event.acknowledged_by == "leadership:chen"
    again = await leader.post(f"/board/escalations/{event_id}/acknowledge")
    assert again.status_code == 409
    assert (await ticket_record(desk.ctx, number))["audit"][-1]["action"] == "acknowledge"


async def test_reports_draw_six_charts_with_a_csv_for_each(desk, people, browser, clock):
    number = await ticket_with_proposal(desk)
    await browser.login("li")
    await browser.post(f"/t/{number}/accept", {"category": "rights_protection", "tier": "general"})
    page = await browser.get("/reports?month=2026-11")
    assert page.text.count("<svg") == 6 and "权益保障类" in page.text
    csv = await browser.get("/reports/2026-11/category.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert "rights_protection,1" in csv.text
    assert (await browser.get("/reports?month=2026-13")).status_code == 400
    file = await browser.get("/reports/2026-11.html")
    assert file.text.count("<svg") == 6 and "<script" not in file.text


async def test_the_console_speaks_english_when_asked(desk, people, browser):
    await browser.login("li")
    page = await browser.get("/queue?lang=en")
    assert "Grievance queue" in page.text
    assert "Grievance queue" in (await browser.get("/queue")).text  # remembered in a cookie
    assert "诉求队列" in (await browser.get("/queue?lang=zh")).text


async def test_healthz_reports_the_database_the_outbox_and_each_channels_last_poll(desk, browser, clock):
    await desk.intake.receive(mail(desk))
    async with desk.ctx.sessions.begin() as session:
        session.add(ChannelCursor(name="poll:email", position=0, updated_at=clock()))
    clock.advance(minutes=10)
    body = (await browser.get("/healthz")).json()
    assert body["database"] == "ok"
    assert body["outbox"] == {"pending": 1, "dead": 0, "oldest_pending_age_s": 600}
    assert body["channels"]["email"]["last_poll"].startswith("2026-11-23T02:00")
    assert body["channels"]["telegram"] == {"last_sent": None, "last_poll": None}
