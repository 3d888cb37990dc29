"""Fixtures for the console: the app over a test desk, logged-in clients per role, a ticket with a proposal."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from helpdesk.app import Desk
from helpdesk.domain.proposal import Proposal
from helpdesk.services.accounts import add_user
from helpdesk.services.triage_queue import TriageQueue
from helpdesk.web.app import build_web_app
from helpdesk.web.config import WebConfig
from tests.core.helpers import mail
from tests.fakes import FixedTriage

PASSWORD = "correct-horse-battery"
DRAFT = "张经理您好：您反映的货款拖欠问题已收到，秘书处将于三个工作日内联系对方企业协调。"


def csrf_of(html: str) -> str:
    """The CSRF token in a page's forms."""
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


@pytest.fixture
def web_config() -> WebConfig:
    return WebConfig(secret_key="test-secret", login_attempts=3)


@pytest.fixture
def app(desk: Desk, web_config: WebConfig):
    return build_web_app(desk.ctx, web_config)


class Browser:
    """An httpx client over the ASGI app that knows how to log in and post forms with the page's token."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.token = ""

    async def get(self, url: str, **kw) -> httpx.Response:
        response = await self.client.get(url, **kw)
        if 'name="csrf"' in response.text:
            self.token = csrf_of(response.text)
        return response

    async def post(self, url: str, data: dict | None = None, *, token: bool = True, **kw) -> httpx.Response:
        if token and not self.token:
            await self.get("/login")
        form = dict(data or {})
        if token:
            form.setdefault("csrf", self.token)
        return await self.client.post(url, data=form, **kw)

    async def login(self, name: str, password: str = PASSWORD) -> httpx.Response:
        await self.get("/login")
        response = await self.post("/login", {"name": name, "password": password})
        await self.get("/queue")
        return response


@pytest.fixture
async def browser(app) -> AsyncIterator[Browser]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("127.0.0.9", 5555)), base_url="http://testserver") as client:
        yield Browser(client)


@pytest.fixture
def browser_factory(app):
    clients: list[httpx.AsyncClient] = []

    def make() -> Browser:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
        clients.append(client)
        return Browser(client)

    yield make


async def add_people(desk: Desk) -> None:
    """A staff member, a second staff member, a leader and an admin, all with the test password."""
    for name, role in (("li", "staff"), ("wang", "staff"), ("chen", "leadership"), ("root", "admin")):
        await add_user(desk.ctx, name, role, PASSWORD)


@pytest.fixture
async def people(desk: Desk) -> None:
    await add_people(desk)


def proposal(**kw) -> Proposal:
    values = dict(
        category="rights_protection", tier="general", admissible=True, decline_reason=None, joint=False,
        summary="会员反映货款被拖欠", handling_method="rights_assistance", draft_reply=DRAFT, confidence=0.82,
        rationale="关键词：拖欠货款", engine="fixed",
    )
    values.update(kw)
    return Proposal(**values)


async def ticket_with_proposal(desk: Desk, external_id: str = "<w1@qq.com>", **kw) -> str:
    """A received e-mail grievance that the (fixed) assistant has proposed for."""
    result = await desk.intake.receive(mail(desk, external_id=external_id, **kw))
    await TriageQueue(desk.ctx, FixedTriage(proposal())).run_once()
    assert result.ticket_number
    return result.ticket_number
