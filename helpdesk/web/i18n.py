"""The console's own words in Chinese (default) and English, and the language a request asks for."""

from __future__ import annotations

from collections.abc import Callable

LANGUAGES = ("zh", "en")

# key -> (zh-CN, en). Names from the regulation (categories, tiers, reasons) come from the policy instead.
MESSAGES: dict[str, tuple[str, str]] = {
    "app.title": ("会员诉求处理台", "Member grievance desk"),
    "nav.queue": ("诉求队列", "Queue"),
    "nav.register": ("登记诉求", "Register"),
    "nav.members": ("会员名录", "Members"),
    "nav.board": ("会长办公会看板", "Leadership board"),
    "nav.reports": ("月度报表", "Reports"),
    "nav.logout": ("退出", "Log out"),
    "nav.password": ("修改密码", "Password"),
    "login.title": ("登录", "Log in"),
    "login.name": ("用户名", "User name"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Log in"),
    "login.failed": ("用户名或密码错误。", "Wrong name or password."),
    "login.limited": ("尝试次数过多，请稍后再试。", "Too many attempts; try again later."),
    "password.title": ("修改密码", "Change password"),
    "password.forced": ("首次登录请设置新密码。", "Please set a new password for your first login."),
    "password.current": ("当前密码", "Current password"),
    "password.new": ("新密码（至少10位）", "New password (10 characters or more)"),
    "password.repeat": ("再次输入新密码", "Repeat the new password"),
    "password.mismatch": ("两次输入不一致，或新密码太短。", "The passwords differ or the new one is too short."),
    "password.wrong": ("当前密码错误。", "The current password is wrong."),
    "password.done": ("密码已修改。", "Password changed."),
    "common.save": ("保存", "Save"),
    "common.filter": ("筛选", "Filter"),
    "common.all": ("全部", "All"),
    "common.none": ("无", "None"),
    "common.yes": ("是", "Yes"),
    "common.no": ("否", "No"),
    "common.csv": ("导出CSV", "CSV"),
    "common.done": ("已完成：", "Done: "),
    "common.error": ("未能完成：", "Not done: "),
    "common.forbidden": ("您的角色无权执行此操作。", "Your role may not do this."),
    "queue.title": ("诉求队列", "Grievance queue"),
    "queue.number": ("编号", "Number"),
    "queue.status": ("状态", "Status"),
    "queue.category": ("类别", "Category"),
    "queue.tier": ("分级", "Tier"),
    "queue.channel": ("渠道", "Channel"),
    "queue.assignee": ("承办人", "Assignee"),
    "queue.sender": ("诉求人", "Member"),
    "queue.subject": ("事由", "Subject"),
    "queue.left": ("剩余时限", "Time left"),
    "queue.overdue": ("已超期", "Overdue"),
    "queue.days_left": ("剩{n}个工作日", "{n} working day(s) left"),
    "queue.due_today": ("今日到期", "Due today"),
    "queue.unverified": ("未核实", "unverified"),
    "queue.empty": ("没有符合条件的诉求。", "No grievance matches."),
    "queue.open_only": ("仅未办结", "Open only"),
    "ticket.thread": ("往来记录", "Thread"),
    "ticket.proposal": ("助手建议", "Assistant's proposal"),
    "ticket.no_proposal": ("尚无助手建议。", "No proposal yet."),
    "ticket.draft": ("答复草稿", "Draft reply"),
    "ticket.clocks": ("时限", "Clocks"),
    "ticket.audit": ("办理记录（第十三条）", "Processing record (Art. 13)"),
    "ticket.actions": ("办理操作", "Actions"),
    "ticket.accept": ("受理", "Accept"),
    "ticket.decline": ("不予受理", "Decline"),
    "ticket.reason": ("理由", "Reason"),
    "ticket.reply": ("审核并发送答复", "Approve and send the reply"),
    "ticket.answer": ("直接答复并办结（简单诉求）", "Answer and resolve at once (simple)"),
    "ticket.assign": ("指派承办人", "Assign"),
    "ticket.note": ("办理进展", "Progress note"),
    "ticket.notify": ("同时告知会员", "Also tell the member"),
    "ticket.resolve": ("办结并反馈结果", "Resolve and send the result"),
    "ticket.extend": ("延期（重大诉求，一次）", "Extend (major, once)"),
    "ticket.link": ("并入联名诉求组", "Link into a joint group"),
    "ticket.link_numbers": ("其他诉求编号（逗号分隔）", "Other ticket numbers (comma-separated)"),
    "ticket.link_title": ("联名组名称", "Group title"),
    "ticket.close": ("归档", "Close"),
    "ticket.text": ("内容", "Text"),
    "ticket.result": ("办理结果", "Result"),
    "ticket.attachments": ("附件", "Attachments"),
    "ticket.confidence": ("置信度", "Confidence"),
    "ticket.rationale": ("依据", "Rationale"),
    "ticket.summary": ("摘要", "Summary"),
    "ticket.admissible": ("可受理", "Admissible"),
    "ticket.joint": ("联名", "Joint"),
    "ticket.member": ("会员", "Member"),
    "ticket.received": ("收到时间", "Received"),
    "ticket.satisfaction": ("满意度", "Satisfaction"),
    "ticket.running": ("计时中", "running"),
    "ticket.stopped": ("已停止", "stopped"),
    "ticket.due": ("到期", "due"),
    "ticket.in": ("会员来信", "From the member"),
    "ticket.out": ("发出", "Sent"),
    "ticket.group": ("联名组", "Joint group"),
    "register.title": ("登记线下诉求（第六条）", "Register an offline grievance (Art. 6)"),
    "register.member": ("会员（从名录中选择）", "Member (from the directory)"),
    "register.channel": ("受理方式", "Received"),
    "register.subject": ("事由", "Subject"),
    "register.text": ("诉求内容", "What the member asks"),
    "register.submit": ("登记", "Register"),
    "members.title": ("会员名录", "Member directory"),
    "members.no": ("会员编号", "Member no."),
    "members.organisation": ("单位", "Organisation"),
    "members.contact": ("联系人", "Contact"),
    "members.contacts": ("联系方式", "Contacts"),
    "members.import": ("导入CSV", "Import CSV"),
    "members.import_help": (
        "列：member_no, kind, organisation, contact_name, phones, emails, telegram_id, language（UTF-8或GB18030）",
        "Columns: member_no, kind, organisation, contact_name, phones, emails, telegram_id, language (UTF-8 or GB18030)",
    ),
    "members.report": ("导入结果：新增{added}，更新{updated}，错误{errors}", "Import: {added} added, {updated} updated, {errors} error(s)"),
    "members.line": ("行", "Line"),
    "members.invite": ("生成Telegram邀请链接", "Telegram invite link"),
    "members.invite_ready": ("邀请链接（7天内有效，仅可使用一次）：", "Invite link (valid 7 days, once):"),
    "members.search": ("搜索", "Search"),
    "board.title": ("会长办公会看板", "Leadership board"),
    "board.escalations": ("超期上报", "Escalations"),
    "board.acknowledge": ("确认阅知", "Acknowledge"),
    "board.acknowledged": ("已阅知", "Acknowledged"),
    "board.major": ("重大复杂诉求", "Major grievances"),
    "board.groups": ("联名诉求组", "Joint groups"),
    "board.none": ("暂无。", "None."),
    "reports.title": ("月度报表", "Monthly report"),
    "reports.month": ("月份", "Month"),
    "reports.by_category": ("按类别", "By category"),
    "reports.by_tier": ("按分级", "By tier"),
    "reports.by_channel": ("按渠道", "By channel"),
    "reports.on_time": ("按时答复率（按时限类型）", "Answered within the limit, per clock"),
    "reports.overdue": ("每日超期数", "Overdue per day"),
    "reports.satisfaction": ("满意度", "Satisfaction"),
    "reports.total": ("本月收到诉求", "Grievances received this month"),
    "reports.unset": ("未分类", "Not classified"),
    "ticket.when": ("时间", "When"),
    "ticket.who": ("操作人", "Who"),
    "ticket.what": ("操作", "What"),
    "reports.satisfied": ("满意", "Satisfied"),
    "reports.dissatisfied": ("不满意", "Dissatisfied"),
    "reports.no_answer": ("未评价", "No answer"),
    "reports.generated": ("生成时间", "Generated"),
}

STATUS = {
    "received": ("待审查", "Received"),
    "accepted": ("已受理", "Accepted"),
    "declined": ("不予受理", "Declined"),
    "in_progress": ("办理中", "In progress"),
    "resolved": ("已反馈待评价", "Resolved"),
    "reopened": ("重新办理", "Reopened"),
    "closed": ("已归档", "Closed"),
}
CHANNEL = {
    "email": ("电子邮件", "E-mail"),
    "telegram": ("Telegram", "Telegram"),
    "in_person": ("线下受理", "In person"),
    "meeting": ("会议受理", "At a meeting"),
    "visit": ("走访受理", "On a visit"),
}
CLOCK = {
    "review": ("受理审查", "Review"),
    "processing": ("办理", "Processing"),
    "result": ("结果反馈", "Result"),
    "reprocessing": ("重新办理", "Reprocessing"),
}
AUDIT = {
    "registered": ("登记", "registered"), "receive": ("收到", "received"), "proposal": ("助手建议", "proposal"),
    "accept": ("受理", "accepted"), "decline": ("不予受理", "declined"), "reply": ("答复", "replied"),
    "answer": ("直接答复", "answered"), "assign": ("指派", "assigned"), "note": ("办理进展", "note"),
    "resolve": ("办结", "resolved"), "extend": ("延期", "extended"), "recategorise": ("调整分类", "recategorised"),
    "close": ("归档", "closed"), "link": ("并入联名组", "linked"), "acknowledge": ("会长办公会阅知", "acknowledged"),
    "feedback": ("会员评价", "feedback"), "member_message": ("会员补充", "member wrote"), "feedback_unclear": ("评价不明", "unclear feedback"),
    "satisfied": ("会员满意", "satisfied"), "dissatisfied": ("会员不满意", "dissatisfied"), "handed_over": ("当面送达", "handed over"),
    "delivery_failed": ("发送失败", "delivery failed"), "calendar_warning": ("日历提示", "calendar warning"),
    "remind": ("到期提醒", "reminder"), "halftime": ("过半提醒", "half-time reminder"), "escalate": ("逾期上报", "escalated"),
    "triage_failed": ("助手建议失败", "triage failed"), "telegram_bound": ("绑定 Telegram", "Telegram bound"),
    "member_blocked_bot": ("会员已屏蔽机器人", "member blocked the bot"), "feedback_comment": ("评价意见", "feedback comment"),
}
KIND = {
    "grievance": ("诉求", "grievance"), "followup": ("补充", "follow-up"), "feedback": ("评价", "feedback"),
    "receipt": ("回执", "receipt"), "accepted": ("受理通知", "acceptance"), "declined": ("不予受理通知", "decline"),
    "reply": ("答复", "reply"), "result": ("办理结果", "result"), "progress": ("进展通报", "progress"),
    "extended": ("延期通知", "extension"), "reopened": ("重新办理通知", "reopened"),
}
ROLE = {"staff": ("秘书处", "Staff"), "leadership": ("会长办公会", "Leadership"), "admin": ("管理员", "Admin")}
TABLES = {"status": STATUS, "channel": CHANNEL, "clock": CLOCK, "role": ROLE, "audit": AUDIT, "kind": KIND}


def pick_language(query: str | None, cookie: str | None) -> str:
    """The query's `lang` if valid, else the cookie's, else Chinese."""
    for value in (query, cookie):
        if value in LANGUAGES:
            return value
    return "zh"


def translator(language: str) -> Callable[..., str]:
    """`t(key, **values)` in the language; an unknown key shows itself, so a gap is visible, not fatal."""
    index = 1 if language == "en" else 0

    def t(key: str, **values: object) -> str:
        pair = MESSAGES.get(key)
        text = pair[index] if pair else key
        return text.format(**values) if values else text

    return t


def label(language: str, table: str, key: str | None) -> str:
    """The name of a status, channel, clock kind or role."""
    if key is None:
        return "—"
    pair = TABLES[table].get(key)
    return pair[1 if language == "en" else 0] if pair else key
