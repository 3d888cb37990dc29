"""Builders for inbound messages and users used across the core tests."""

from __future__ import annotations

from datetime import datetime

from helpdesk.app import Desk
from helpdesk.domain.inbound import InboundMessage
from helpdesk.domain.roles import Actor
from helpdesk.services.accounts import add_user


def mail(desk: Desk, external_id: str = "<m1@qq.com>", text: str = "我司被拖欠货款三十万元，请商会协助。", **kw: object) -> InboundMessage:
    """An inbound e-mail as the email channel would hand it over."""
    values: dict[str, object] = {
        "channel": "email",
        "external_id": external_id,
        "received_at": desk.ctx.now(),
        "text": text,
        "sender_address": "zhang@example.cn",
        "sender_name": "张经理",
        "subject": "请求协助追讨货款",
    }
    values.update(kw)
    return InboundMessage(**values)  # type: ignore[arg-type]


async def staff(desk: Desk, name: str = "li", role: str = "staff") -> Actor:
    """A staff user in the store, as an Actor."""
    user = await add_user(desk.ctx, name, role, "pw-" + name)
    return Actor(name=user.name, role=user.role, user_id=user.id)


def at(text: str) -> datetime:
    """An aware datetime from ISO 8601."""
    return datetime.fromisoformat(text)
