"""A ticket's card in the staff and leadership chats: pure functions from a ticket record to HTML and buttons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from channels.telegram.callbacks import LeaderAck, Signer, StaffAction
from channels.telegram.markup import esc
from channels.telegram.texts import status_name
from helpdesk.domain.errors import PolicyError
from helpdesk.domain.policy import Policy
from helpdesk.notices import format_due

OPEN = ("accepted", "in_progress", "reopened")
# Staff-chat labels (the secretariat works in Chinese).
LABELS = {
    "ok": "✅ 批准并发送",
    "ed": "✏️ 修改后发送",
    "rp": "✏️ 回复会员",
    "cc": "🏷 改分类",
    "ct": "⚖️ 改级别",
    "dc": "⛔ 不予受理",
    "me": "🙋 我来办",
    "nt": "📝 进展备注",
    "rs": "✔️ 办结",
    "bk": "↩️ 返回",
}
AUDIT_NAMES = {
    "registered": "登记", "proposal": "助理建议", "accept": "受理", "decline": "不予受理", "reply": "答复", "answer": "直接答复",
    "assign": "指派", "note": "备注", "resolve": "办结", "extend": "延期", "recategorise": "改分类/级别", "close": "归档",
    "satisfied": "会员满意", "dissatisfied": "会员不满意", "member_message": "会员补充", "acknowledge": "会长办公会已阅",
    "feedback_comment": "会员意见", "member_blocked_bot": "会员已屏蔽机器人", "delivery_failed": "发送失败", "link": "联名",
}


@dataclass(frozen=True)
class Card:
    """What a chat shows for a ticket: HTML text and its buttons (None: no buttons)."""

    text: str
    keyboard: InlineKeyboardMarkup | None


def _name(policy: Policy, kind: str, key: str | None) -> str:
    if not key:
        return "—"
    try:
        return getattr(policy, kind)(key).name("zh")
    except PolicyError:
        return key


def _clip(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def card_text(record: dict[str, Any], policy: Policy, zone: Any, *, leadership: bool = False) -> str:
    """The card's HTML: who, what, the assistant's proposal, the due time, the draft and the last step."""
    icon = "🏛" if leadership else "📋"
    who = record.get("organisation") or record.get("sender_name") or record.get("sender")
    member_no = f"（{esc(record['member'])}）" if record.get("member") else ""
    verified = "✅已验证会员" if record.get("verified") else "⚠️未验证"
    lines = [
        f"{icon} <b>{esc(record['number'])}</b> · {esc(status_name(record['status'], 'zh'))}",
        f"会员：{esc(who)}{member_no} {verified}",
        f"渠道：{esc(record['channel'])}",
    ]
    proposal = record.get("proposal")
    summary = (proposal or {}).get("summary") or record.get("subject") or ""
    lines.append(f"摘要：{esc(_clip(summary, 400))}")
    if record.get("category") or record.get("tier"):
        lines.append(f"分类/级别：{esc(_name(policy, 'category', record.get('category')))} / {esc(_name(policy, 'tier', record.get('tier')))}")
    if proposal:
        verdict = "可受理" if proposal["admissible"] else f"不予受理（{_name(policy, 'decline_reason', proposal.get('decline_reason'))}）"
        lines.append(
            f"助理建议：{esc(_name(policy, 'category', proposal['category']))} / {esc(_name(policy, 'tier', proposal['tier']))} / "
            f"{esc(verdict)} · 联名：{'是' if proposal['joint'] else '否'} · 置信度 {float(proposal['confidence']):.2f}"
        )
    else:
        lines.append("助理建议：（分析中）")
    if record.get("next_due_at"):
        due = format_due(datetime.fromisoformat(record["next_due_at"]), zone, "zh")
        left = record.get("working_days_left")
        warn = " ⏰已超期" if record.get("overdue") else (f"（剩余 {left} 个工作日）" if left is not None else "")
        lines.append(f"期限：{esc(due)}{warn}")
    if record.get("assignee"):
        lines.append(f"承办：{esc(record['assignee'])}")
    if proposal and record["status"] == "received" and proposal.get("draft_reply"):
        lines.append(f"答复草稿：\n<blockquote>{esc(_clip(proposal['draft_reply'], 1500))}</blockquote>")
    if record.get("result"):
        lines.append(f"办理结果：{esc(_clip(record['result'], 600))}")
    audit = [e for e in record.get("audit", []) if e["action"] != "proposal"]
    if audit:
        last = audit[-1]
        detail = f"：{esc(_clip(last['detail'], 200))}" if last.get("detail") and last["action"] not in ("registered",) else ""
        lines.append(f"最近：{esc(AUDIT_NAMES.get(last['action'], last['action']))} · {esc(last['actor'])}{detail}")
    return _clip("\n".join(lines), 4000)


def _button(signer: Signer, label: str, number: str, version: int, action: str, arg: str = "") -> InlineKeyboardButton:
    data = signer.pack(StaffAction(a=action, n=number, v=version, x=arg))
    return InlineKeyboardButton(text=label, callback_data=data)


def staff_keyboard(record: dict[str, Any], version: int, signer: Signer) -> InlineKeyboardMarkup | None:
    """The card's buttons for what the ticket's status allows."""
    number, status = record["number"], record["status"]

    def b(action: str) -> InlineKeyboardButton:
        return _button(signer, LABELS[action], number, version, action)

    if status == "received":
        rows = [[b("ok"), b("ed")], [b("cc"), b("ct")], [b("dc"), b("me")], [b("nt")]]
        if not record.get("proposal") and not (record.get("category") and record.get("tier")):
            rows[0] = [b("ed")]  # nothing to approve yet: no proposal and no category chosen
    elif status in OPEN:
        rows = [[b("rp"), b("nt")], [b("cc"), b("ct")], [b("me"), b("rs")]]
    elif status == "resolved":
        rows = [[b("nt")]]
    else:
        return None
    return InlineKeyboardMarkup(inline_keyboard=rows)


def picker_keyboard(kind: str, record: dict[str, Any], version: int, signer: Signer, policy: Policy) -> InlineKeyboardMarkup:
    """A choice of categories (`c`), tiers (`t`) or decline reasons (`d`), by index into the policy's lists."""
    items = {"c": policy.categories, "t": policy.tiers, "d": policy.decline_reasons}[kind]
    number = record["number"]
    buttons = [_button(signer, item.name("zh"), number, version, kind, str(i)) for i, item in enumerate(items)]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([_button(signer, LABELS["bk"], number, version, "bk")])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def staff_card(record: dict[str, Any], version: int, signer: Signer, policy: Policy, zone: Any) -> Card:
    """The staff chat's card."""
    return Card(card_text(record, policy, zone), staff_keyboard(record, version, signer))


def acknowledgements(record: dict[str, Any]) -> list[str]:
    """Who in the president's office has acknowledged the ticket, in order."""
    return [e["actor"] for e in record.get("audit", []) if e["action"] == "acknowledge"]


def leadership_card(record: dict[str, Any], version: int, signer: Signer, policy: Policy, zone: Any) -> Card:
    """The leadership chat's card for a major grievance: the facts and an acknowledge button until someone has."""
    text = card_text(record, policy, zone, leadership=True)
    seen = acknowledgements(record)
    if seen:
        return Card(text + "\n" + esc(f"已阅：{', '.join(seen)}"), None)
    button = InlineKeyboardButton(text="👁 已阅 / Acknowledge", callback_data=signer.pack(LeaderAck(k="t", ref=record["number"], v=version)))
    return Card(text, InlineKeyboardMarkup(inline_keyboard=[[button]]))


def escalation_text(number: str, level: int, detail: str | None, acknowledged_by: str | None = None) -> str:
    """An escalation from the timer, as posted to the leadership chat."""
    text = f"⚠️ <b>督办 {esc(number)}</b>（第 {level} 级）\n{esc(detail or '')}"
    return text + (f"\n已阅：{esc(acknowledged_by)}" if acknowledged_by else "")


def escalation_keyboard(event_id: int, signer: Signer) -> InlineKeyboardMarkup:
    """The acknowledge button under an escalation."""
    data = signer.pack(LeaderAck(k="e", ref=str(event_id), v=0))
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="👁 已阅 / Acknowledge", callback_data=data)]])
