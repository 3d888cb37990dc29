"""The console's security checks over HTTP: logins, roles, CSRF, identity from the session only, cookie flags."""

from __future__ import annotations

import httpx
from sqlalchemy import select, update

from helpdesk.services.accounts import ensure_first_admin
from helpdesk.services.queries import ticket_record
from helpdesk.store.schema import User
from helpdesk.web.app import build_web_app
from helpdesk.web.config import WebConfig
from tests.web.conftest import PASSWORD, csrf_of, ticket_with_proposal


async def test_an_anonymous_visitor_is_sent_to_the_login_page_and_cannot_post(desk, people, browser):
    number = await ticket_with_proposal(desk)
    for url in ("/queue", f"/t/{number}", "/register", "/members", "/board", "/reports", "/reports/2026-11/category.csv"):
        response = await browser.get(url)
        assert response.status_code == 303, url
        assert response.headers["location"].startswith("/login?next=")
    await browser.get("/login")  # an anonymous session with a valid token is still not a login
    response = await browser.post(f"/t/{number}/reply", {"text": "冒充答复"})
    assert response.status_code == 401
    assert all(e["action"] != "reply" for e in (await ticket_record(desk.ctx, number))["audit"])


async def test_a_role_without_the_permission_is_refused_on_the_server(desk, people, browser_factory):
    number = await ticket_with_proposal(desk)
    leader = browser_factory()
    await leader.login("chen")
    assert (await leader.get("/members")).status_code == 403
    assert (await leader.get("/register")).status_code == 403
    refused = await leader.post(f"/t/{number}/accept", {"category": "rights_protection", "tier": "general"})
    assert refused.status_code == 403
    assert (await ticket_record(desk.ctx, number))["status"] == "received"
    staff = browser_factory()
    await staff.login("li")
    assert (await staff.post("/board/escalations/1/acknowledge")).status_code == 403
    assert (await staff.get("/board")).status_code == 200


async def test_a_form_without_its_csrf_token_or_with_a_wrong_one_is_refused(desk, people, browser):
    number = await ticket_with_proposal(desk)
    await browser.login("li")
    missing = await browser.post(f"/t/{number}/reply", {"text": "没有令牌"}, token=False)
    wrong = await browser.post(f"/t/{number}/reply", {"text": "错误令牌", "csrf": "forged"})
    assert missing.status_code == wrong.status_code == 403
    assert all(e["action"] != "reply" for e in (await ticket_record(desk.ctx, number))["audit"])


async def test_one_staff_member_cannot_act_as_another(desk, people, browser_factory):
    number = await ticket_with_proposal(desk)
    li, wang = browser_factory(), browser_factory()
    await li.login("li")
    await wang.login("wang")
    # wang's token does not work in li's session, and names in the form are ignored
    assert (await li.post(f"/t/{number}/note", {"text": "x", "csrf": wang.token})).status_code == 403
    response = await li.post(f"/t/{number}/note", {"text": "已联系会员", "actor": "staff:wang", "as": "wang", "user": "wang", "user_id": "2"})
    assert response.status_code == 303
    audit = (await ticket_record(desk.ctx, number))["audit"]
    assert audit[-1]["action"] == "note" and audit[-1]["actor"] == "staff:li"


async def test_a_forged_or_foreign_session_cookie_is_no_login(desk, people, app):
    from itsdangerous import URLSafeTimedSerializer

    forged = URLSafeTimedSerializer("another-secret", salt="helpdesk-session").dumps({"c": "t", "u": 1, "f": "x"})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        client.cookies.set("hd_session", forged)
        assert (await client.get("/queue")).status_code == 303


async def test_login_attempts_are_limited_per_address_and_name(desk, people, browser):
    await browser.get("/login")
    for _ in range(3):
        assert (await browser.post("/login", {"name": "li", "password": "wrong"})).status_code == 401
    blocked = await browser.post("/login", {"name": "li", "password": PASSWORD})
    assert blocked.status_code == 429
    assert "hd_session" not in blocked.cookies or (await browser.get("/queue")).status_code == 303


async def test_session_cookies_are_httponly_and_samesite_and_secure_when_configured(desk, people):
    for secure in (False, True):
        app = build_web_app(desk.ctx, WebConfig(secret_key="k", cookie_secure=secure))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver") as client:
            response = await client.get("/login")
            cookie = response.headers["set-cookie"].lower()
            assert "httponly" in cookie and "samesite=lax" in cookie
            assert ("secure" in cookie) is secure
            assert response.headers["x-frame-options"] == "DENY"
            assert "default-src 'self'" in response.headers["content-security-policy"]


async def test_a_deactivated_user_is_logged_out_at_once(desk, people, browser):
    await browser.login("li")
    assert (await browser.get("/queue")).status_code == 200
    async with desk.ctx.sessions.begin() as session:
        await session.execute(update(User).where(User.name == "li").values(active=False))
    assert (await browser.get("/queue")).status_code == 303


async def test_the_first_admin_gets_a_one_time_password_and_must_change_it(desk, browser):
    password = await ensure_first_admin(desk.ctx)
    assert password and await ensure_first_admin(desk.ctx) is None
    response = await browser.login("admin", password)
    assert response.headers["location"] == "/password"
    assert (await browser.get("/queue")).headers["location"] == "/password"
    page = await browser.get("/password")
    assert "首次登录请设置新密码" in page.text
    short = await browser.post("/password", {"current": password, "new": "short", "repeat": "short"})
    assert short.status_code == 400
    done = await browser.post("/password", {"current": password, "new": "a-new-long-password", "repeat": "a-new-long-password"})
    assert done.status_code == 303
    assert (await browser.get("/queue")).status_code == 200
    async with desk.ctx.sessions() as session:
        assert (await session.scalar(select(User).where(User.name == "admin"))).must_change_password is False


async def test_login_never_redirects_off_site(desk, people, browser):
    page = await browser.get("/login?next=//evil.example/")
    token = csrf_of(page.text)
    response = await browser.post("/login", {"name": "li", "password": PASSWORD, "next": "//evil.example/", "csrf": token})
    assert response.headers["location"] == "/"


async def test_logout_ends_the_session(desk, people, browser):
    await browser.login("li")
    assert (await browser.post("/logout")).status_code == 303
    assert (await browser.get("/queue")).status_code == 303
