"""A first look: sample members and a dozen Chinese grievances, run through intake, triage and the clocks."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from helpdesk.domain.errors import DomainError
from helpdesk.domain.inbound import InboundMessage
from helpdesk.domain.outbound import OutboundMessage
from helpdesk.domain.proposal import Triage
from helpdesk.domain.roles import Actor
from helpdesk.services.accounts import add_user
from helpdesk.services.context import DeskContext
from helpdesk.services.decisions import StaffDesk
from helpdesk.services.intake import IntakeService
from helpdesk.services.members import MemberRow, upsert_member
from helpdesk.services.outbox import Dispatcher
from helpdesk.services.registration import register
from helpdesk.services.triage_queue import TriageQueue
from helpdesk.store.schema import Clock, Member, Ticket, TimerEvent, User

# member_no, organisation, contact, email, telegram id, language
MEMBERS = (
    ("M-001", "华信精密机械有限公司", "张建国", "zhang@huaxin-jx.example", "100000001", "zh"),
    ("M-002", "东方绿源食品有限公司", "李秀英", "li@dfly-food.example", None, "zh"),
    ("M-003", "申通达物流有限公司", "王磊", "wanglei@stdwl.example", "100000003", "zh"),
    ("M-004", "博远软件科技有限公司", "陈晓梅", "chenxm@boyuan-soft.example", None, "zh"),
    ("M-005", "恒丰建材贸易有限公司", "刘志强", "liu@hengfeng-jc.example", None, "zh"),
    ("M-006", "金穗农业发展有限公司", "赵红", "zhaohong@jinsui-ag.example", None, "zh"),
    ("M-007", "Northbridge Trading Ltd.", "Emma Clarke", "emma.clarke@northbridge.example", None, "en"),
    ("M-008", "锦绣纺织有限公司", "孙伟", "sunwei@jinxiu-fz.example", "100000008", "zh"),
)


@dataclass
class Sample:
    """One sample grievance: who, how, what, when (days ago, hour), and the staff steps after it."""

    key: str
    member: str | None
    channel: str
    subject: str
    text: str
    days_ago: int
    hour: int = 10
    steps: list[tuple[float, str, dict[str, Any]]] = field(default_factory=list)  # (days after receipt, action, args)
    sender: str | None = None  # an address not in the directory: an unverified sender


SAMPLES = (
    Sample("arrears", "M-001", "email", "请求协助追讨拖欠货款",
           "秘书处：我司去年向某建设集团供应机械设备，合同金额86万元，至今仍有32万元货款未付，多次催收无果。请商会协助协调，必要时推荐法律服务机构。附合同编号HX-2025-031。",
           13, steps=[(1, "accept", {"category": "rights_protection", "tier": "general"}), (2, "assign", {"assignee": "wang"}),
                      (3, "note", {"text": "已电话联系对方财务负责人，对方称资金紧张，承诺下周回复还款计划。"})]),
    Sample("hitech", "M-004", "email", "咨询高新技术企业认定政策",
           "您好，我司今年研发投入占比约8%，想了解高新技术企业认定的申报条件和时间安排，以及商会是否组织申报辅导。",
           6, steps=[(0.2, "answer", {"category": "policy_consultation", "text": "高新技术企业认定每年集中申报，研发费用占比、知识产权和科技人员比例是核心条件。秘书处已将市科技局最新申报指南发至您的邮箱，下月商会将举办申报辅导会，欢迎参加。"}),
                      (1, "feedback", {"satisfied": True})]),
    Sample("finance", "M-008", "telegram", "融资难：银行抽贷",
           "我们纺织厂今年订单下滑，原来合作的银行到期后不再续贷300万元，流动资金非常紧张，工人工资下个月可能发不出来。希望商会能帮忙对接其他银行或政府纾困资金。",
           0, hour=9),
    Sample("training", "M-006", "meeting", "建议组织数字化转型培训",
           "在本月会员座谈会上，赵红提出：很多中小会员企业想做数字化转型但不知道从哪里入手，建议商会组织系列培训并邀请服务商现场交流。",
           9, steps=[(0.5, "accept", {"category": "suggestion", "tier": "simple"}),
                     (2, "resolve", {"text": "建议已采纳，秘书处已将数字化转型系列培训列入明年一季度活动计划，届时另行通知。"}),
                     (3, "feedback", {"satisfied": False})]),
    Sample("parking", "M-003", "visit", "园区道路施工影响货车通行",
           "走访时王磊反映：物流园东门道路施工已两个月，货车只能绕行，每天多跑20公里，施工方没有公示工期。希望商会向园区管委会反映，尽快恢复通行或设置临时通道。",
           4, steps=[(0.3, "accept", {"category": "other", "tier": "general"})]),
    Sample("labour", "M-002", "email", "劳动仲裁案件请求商会出面",
           "我司与一名前员工的劳动争议已在区劳动人事争议仲裁委员会立案，下周开庭。希望商会出面与仲裁委沟通，帮我们争取有利结果。",
           5, steps=[(1, "decline", {"reason": "in_legal_proceedings"})]),
    Sample("joint-a", "M-005", "email", "开发商拖欠工程材料款",
           "我司为某地产公司的“滨江花园”项目供应建材，对方拖欠材料款约150万元已超过一年。听说还有其他会员企业也被拖欠，希望商会牵头集体协调。",
           8, steps=[(0.5, "accept", {"category": "rights_protection", "tier": "major"})]),
    Sample("joint-b", "M-001", "email", "滨江花园项目设备款被拖欠",
           "同样是滨江花园项目，我司供应的电梯配套设备款48万元至今未结。建议与其他受影响会员一起向开发商交涉。",
           8, hour=15, steps=[(0.5, "accept", {"category": "rights_protection", "tier": "major"}),
                              (1, "link", {"with": "joint-a", "title": "滨江花园项目联合追款"}),
                              (2, "extend", {"text": "涉及多家会员企业及开发商母公司，需提交会长办公会研究并与区住建局协调，依第十一条第（三）项延长一次。"})]),
    Sample("customs", "M-007", "email", "Customs clearance delays for our imports",
           "Dear Secretariat, our last three shipments of machine parts have been held at customs for more than ten days each for document checks. Could the chamber help us understand the new inspection requirements and raise the delays with the customs office?",
           1, hour=16),
    Sample("dues", "M-003", "telegram", "关于调整会费标准的意见",
           "建议商会对小微会员企业的会费实行分档收费，现在统一标准对我们这样的小企业负担偏重。",
           7, steps=[(0.5, "accept", {"category": "suggestion", "tier": "simple"})]),
    Sample("ip", "M-004", "in_person", "软件著作权被侵权",
           "陈晓梅来访反映：一家同行公司抄袭我司财务软件界面和核心代码并低价销售，已做证据保全。希望商会协调行业内调解，并推荐知识产权律师。",
           10, steps=[(0.5, "accept", {"category": "rights_protection", "tier": "major"}), (1, "assign", {"assignee": "zhao"}),
                      (4, "note", {"text": "已联系对方公司负责人，对方同意下周参加商会组织的调解会。", "notify": True})]),
    Sample("hiring", "M-002", "email", "招工难，旺季缺少熟练工人",
           "我司食品加工车间旺季缺工约40人，周边职业院校对接渠道有限。希望商会帮助对接人社部门的招聘会和职业技能培训补贴政策。",
           2, hour=14, steps=[(0.1, "accept", {"category": "development_difficulty", "tier": "general"}), (0.2, "assign", {"assignee": "zhao"})]),
    Sample("power", None, "email", "用电成本太高",
           "今年工业电价上涨，我们小厂每月电费多了两万多。希望商会能向有关部门反映，争取电价优惠或者节能改造补贴。",
           3, hour=11, sender="boss.zhou@mail.example"),
)

CLOCK_NAMES = {"review": "受理审查", "processing": "办理", "result": "结果反馈", "reprocessing": "重新办理"}
STAFF = (("wang", "staff", "王秘书"), ("zhao", "staff", "赵干事"), ("chen", "leadership", "陈会长"))


@dataclass
class DemoResult:
    """What the demo put on the desk."""

    members: int
    tickets: dict[str, str]
    escalations: int


def _at(ctx: DeskContext, moment: datetime) -> DeskContext:
    """The same desk with its clock stopped at `moment`: the demo replays a few weeks of history."""
    return replace(ctx, now=lambda: moment)


async def is_empty(ctx: DeskContext) -> bool:
    """No member and no ticket yet (accounts may exist: the first admin)."""
    async with ctx.sessions() as session:
        members = await session.scalar(select(func.count(Member.id)))
        tickets = await session.scalar(select(func.count(Ticket.id)))
    return not members and not tickets


async def fill_demo(ctx: DeskContext, engine: Triage, log: Callable[[str], None] = lambda _: None) -> DemoResult:
    """Fill an empty desk with samples; refuses a desk that already has members or tickets."""
    if not await is_empty(ctx):
        raise DomainError("the desk already has members or tickets: the demo only fills an empty desk")
    now = ctx.now()
    zone = ctx.calendar.zone
    today = now.astimezone(zone).date()

    def moment(days_ago: float, hour: int) -> datetime:
        whole = int(days_ago)
        at = datetime.combine(today - timedelta(days=whole), time(hour), zone) + timedelta(hours=(days_ago - whole) * 24)
        return min(at, now - timedelta(minutes=1))

    for no, org, contact, email, telegram, language in MEMBERS:
        async with ctx.sessions.begin() as session:
            await upsert_member(session, ctx, MemberRow(no, "unit", org, contact, (), (email,), telegram, language))
    actors: dict[str, Actor] = {}
    async with ctx.sessions() as session:
        existing = {u.name: u for u in await session.scalars(select(User))}
    for name, role, display in STAFF:
        user = existing.get(name) or await add_user(ctx, name, role, None, display_name=display)
        actors[name] = Actor(name=user.name, role=user.role, user_id=user.id)
    log(f"{len(MEMBERS)} members, users {', '.join(actors)} (no password: log in as admin, or set one)")

    numbers: dict[str, str] = {}
    timeline: list[tuple[datetime, int, Sample, str, dict[str, Any]]] = []
    for sample in SAMPLES:
        received = moment(sample.days_ago, sample.hour)
        timeline.append((received, 0, sample, "receive", {}))
        for after, action, args in sample.steps:
            timeline.append((min(received + timedelta(days=after), now - timedelta(minutes=1)), 1, sample, action, args))
    for at, _, sample, action, args in sorted(timeline, key=lambda e: (e[0], e[1])):
        if action == "receive":
            numbers[sample.key] = await _receive(_at(ctx, at), sample, actors["wang"])
            await TriageQueue(_at(ctx, at), engine).run_once()
        else:
            await _step(_at(ctx, at), sample, numbers, action, args, actors)
        await _deliver(_at(ctx, min(at + timedelta(minutes=5), now)))
    raised = await _escalate(ctx)
    log(f"{len(numbers)} grievances, {raised} escalation(s) to the president's office")
    return DemoResult(members=len(MEMBERS), tickets=numbers, escalations=raised)


async def _receive(ctx: DeskContext, sample: Sample, clerk: Actor) -> str:
    if sample.channel in ("in_person", "meeting", "visit"):
        result = await register(ctx, clerk, member_no=sample.member or "", channel=sample.channel, text=sample.text, subject=sample.subject)
    else:
        member = next(m for m in MEMBERS if m[0] == sample.member) if sample.member else None
        address = sample.sender or (member[4] if sample.channel == "telegram" and member else member[3] if member else "")
        result = await IntakeService(ctx).receive(
            InboundMessage(
                channel=sample.channel,
                external_id=f"<demo-{sample.key}-{uuid.uuid4().hex[:8]}@demo.invalid>",
                received_at=ctx.now(),
                text=sample.text,
                subject=sample.subject,
                sender_address=address,
                sender_name=member[2] if member else "周老板",
                language=member[5] if member else "zh",
            )
        )
    assert result.ticket_number is not None
    return result.ticket_number


async def _step(ctx: DeskContext, sample: Sample, numbers: dict[str, str], action: str, args: dict[str, Any], actors: dict[str, Actor]) -> None:
    desk, clerk, number = StaffDesk(ctx), actors["wang"], numbers[sample.key]
    if action == "accept":
        await desk.accept(clerk, number, args["category"], args["tier"])
    elif action == "answer":
        await desk.answer(clerk, number, args["text"], args["category"])
    elif action == "assign":
        await desk.assign(clerk, number, args["assignee"])
    elif action == "note":
        await desk.note(clerk, number, args["text"], notify_member=args.get("notify", False))
    elif action == "resolve":
        await desk.resolve(clerk, number, args["text"])
    elif action == "decline":
        await desk.decline(clerk, number, args["reason"])
    elif action == "link":
        await desk.link(clerk, [numbers[args["with"]], number], args["title"])
    elif action == "extend":
        await desk.extend(actors["chen"], number, args["text"])
    elif action == "feedback":
        async with ctx.sessions() as session:
            address = await session.scalar(select(Ticket.sender_address).where(Ticket.number == number))
        await desk.feedback(number, address or "", args["satisfied"], None, via="demo")


@dataclass
class DemoSender:
    """Stands in for a channel during the demo: every sample notice counts as delivered, nothing leaves."""

    channel: str

    async def send(self, message: OutboundMessage) -> str | None:
        return message.message_id


async def _deliver(ctx: DeskContext) -> None:
    """Deliver the demo's queued notices (this stops the clocks they answer, as a real send would)."""
    dispatcher = Dispatcher(ctx, {name: DemoSender(name) for name in ("email", "telegram")})
    while await dispatcher.run_once():
        pass


async def _escalate(ctx: DeskContext) -> int:
    """Stand in for the timer: one escalation for each clock already running past its limit."""
    now = ctx.now()
    async with ctx.sessions.begin() as session:
        late = (await session.execute(
            select(Clock, Ticket).join(Ticket, Clock.ticket_id == Ticket.id).where(Clock.stopped_at.is_(None), Clock.due_at < now)
        )).all()
        for clock, ticket in late:
            session.add(TimerEvent(
                ticket_id=ticket.id, clock_id=clock.id, kind="escalation", level=1, due_at=clock.due_at, created_at=now,
                detail=f"{ticket.number} {CLOCK_NAMES.get(clock.kind, clock.kind)}时限已过（{clock.due_at.astimezone(ctx.calendar.zone):%m-%d %H:%M}），上报会长办公会",
            ))
            ticket.escalation_level = max(ticket.escalation_level, 1)
    return len(late)
