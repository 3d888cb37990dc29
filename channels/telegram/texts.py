"""The bot's own short texts to members and staff, zh-CN first and English by the user's language code."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "welcome": (
        "您好！这里是{desk}的会员诉求受理通道。\n直接发送文字、图片或文件即可提交诉求，我们会回复受理编号。\n"
        "如需绑定会员身份，请点击下方按钮分享手机号，或使用秘书处发给您的邀请链接。\n/mytickets 查看我的诉求",
        "Hello! This is the grievance desk of the {desk}.\nSend text, photos or files to submit a grievance; "
        "you will get a ticket number.\nTo link your membership, share your phone number with the button below "
        "or open the invite link the secretariat sent you.\n/mytickets lists your grievances",
    ),
    "share_phone": ("分享手机号以绑定会员身份", "Share my phone number to link my membership"),
    "bound": ("已绑定会员：{member}。此后提交的诉求将按会员身份登记。", "Linked to member {member}. Your grievances will be registered as this member's."),
    "invite_invalid": (
        "该邀请链接无效、已使用或已过期，请联系秘书处重新获取。您仍可直接提交诉求（标记为未验证）。",
        "This invite link is invalid, used or expired; please ask the secretariat for a new one. "
        "You can still submit a grievance (marked unverified).",
    ),
    "contact_not_own": ("请分享您本人的手机号。", "Please share your own phone number."),
    "contact_unknown": (
        "会员名录中未找到该手机号。您仍可直接提交诉求（标记为未验证），或联系秘书处获取邀请链接。",
        "This number is not in the member directory. You can still submit a grievance (marked unverified) "
        "or ask the secretariat for an invite link.",
    ),
    "flood": ("您发送得太快了，请稍候片刻再发送，已收到的内容不会丢失。", "You are sending messages very quickly; please wait a moment. Nothing already received is lost."),
    "appended": ("已将您的补充内容记入诉求 {number}。", "Your message was added to grievance {number}."),
    "intake_failed": ("抱歉，系统暂时无法登记您的诉求，请稍后再试。", "Sorry, the desk could not register your grievance just now; please try again later."),
    "no_tickets": ("您还没有提交过诉求。", "You have not submitted any grievance yet."),
    "my_tickets": ("您的诉求：", "Your grievances:"),
    "due": ("期限", "due"),
    "satisfied": ("满意", "Satisfied"),
    "dissatisfied": ("不满意", "Dissatisfied"),
    "feedback_thanks": ("感谢您的评价，诉求 {number} 已办结归档。", "Thank you; grievance {number} is closed."),
    "feedback_reopened": ("已收到，诉求 {number} 已重新办理，秘书处将在3个工作日内再次答复。", "Noted; grievance {number} is reopened and will be answered again within 3 working days."),
    "feedback_refused": ("无法记录该评价：{reason}", "This answer could not be recorded: {reason}"),
    "comment_prompt": ("💬 {number}：如需补充意见，请直接回复本消息（可选）。", "💬 {number}: to add a comment, reply to this message (optional)."),
    "comment_saved": ("已记录您的意见。", "Your comment was recorded."),
    "file_too_big": ("（文件过大未能保存：{name}）", "(file too large to keep: {name})"),
    "attachment_only": ("（附件）", "(attachment)"),
    "help": (
        "直接发送文字、图片或文件即可提交诉求。\n/mytickets 查看我的诉求\n/start 绑定会员身份",
        "Send text, photos or files to submit a grievance.\n/mytickets lists your grievances\n/start links your membership",
    ),
}

STATUS: dict[str, tuple[str, str]] = {
    "received": ("已登记待审查", "received"),
    "accepted": ("已受理", "accepted"),
    "declined": ("不予受理", "declined"),
    "in_progress": ("办理中", "in progress"),
    "resolved": ("已办结待评价", "resolved, awaiting your view"),
    "reopened": ("重新办理中", "reopened"),
    "closed": ("已归档", "closed"),
}


def language_of(code: str | None) -> str:
    """The member's language from Telegram's language_code: English for `en*`, else Chinese."""
    return "en" if (code or "").lower().startswith("en") else "zh"


def text(key: str, language: str, **values: object) -> str:
    """One of the bot's texts in the language, filled in."""
    zh, en = TEXTS[key]
    return (en if language.startswith("en") else zh).format(**values)


def status_name(status: str, language: str) -> str:
    """A ticket status as a member reads it."""
    zh, en = STATUS.get(status, (status, status))
    return en if language.startswith("en") else zh
