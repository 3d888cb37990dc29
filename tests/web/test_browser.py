"""In a real browser (Debian's headless Chromium driven by Playwright): log in, approve a draft, register, see the charts."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from helpdesk.app import open_desk
from helpdesk.services.accounts import add_user
from helpdesk.services.members import import_members
from helpdesk.settings import Settings
from helpdesk.web.app import build_web_app
from helpdesk.web.config import WebConfig
from helpdesk.web.server import QuietServer
from tests.conftest import REPO
from tests.fakes import FakeClock
from tests.web.conftest import DRAFT, PASSWORD, ticket_with_proposal

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _install(*packages: str) -> bool:
    """apt-get the packages (we run as root in CI); False if that fails."""
    if shutil.which("apt-get") is None:
        return False
    env = {"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
    try:
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, capture_output=True, timeout=300)
        subprocess.run(["apt-get", "install", "-y", "-qq", *packages], check=True, env=env, capture_output=True, timeout=600)
    except (subprocess.SubprocessError, OSError):
        return False
    return True


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's chromium and a CJK font, installed if missing; the test skips only if that fails."""
    pytest.importorskip("playwright.sync_api", reason="Python's playwright package is not installed")
    missing = [] if CHROMIUM.exists() else ["chromium"]
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout if shutil.which("fc-list") else ""
    if not fonts.strip():
        missing.append("fonts-noto-cjk")
    if missing and not _install(*missing) and not CHROMIUM.exists():
        pytest.skip(f"could not apt-get install {' '.join(missing)}: no headless browser to test with")
    return CHROMIUM


def _spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ConsoleThread(threading.Thread):
    """The console on a spare loopback port in its own thread and event loop, over a SQLite desk with one proposal."""

    def __init__(self, settings: Settings, port: int) -> None:
        super().__init__(daemon=True)
        self.settings, self.port = settings, port
        self.ready = threading.Event()
        self.server: QuietServer | None = None
        self.number = ""
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            asyncio.run(self.serve())
        except BaseException as exc:  # reported to the test, which would otherwise wait for nothing
            self.error = exc
            self.ready.set()

    async def serve(self) -> None:
        import uvicorn

        clock = FakeClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
        async with open_desk(self.settings, now=clock) as desk:
            await add_user(desk.ctx, "li", "staff", PASSWORD, display_name="李秘书")
            await import_members(desk.ctx, "member_no,organisation,contact_name,emails\nM-1,华信精密机械有限公司,张经理,zhang@example.cn\n".encode())
            self.number = await ticket_with_proposal(desk)
            app = build_web_app(desk.ctx, WebConfig(secret_key="browser-test", port=self.port))
            self.server = QuietServer(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"))
            serving = asyncio.create_task(self.server.serve())
            while not self.server.started:
                await asyncio.sleep(0.05)
            self.ready.set()
            await serving


@pytest.fixture
def console(settings: Settings, tmp_path: Path):
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("the browser test drives the pages; the store is covered on PostgreSQL by the HTTP tests")
    thread = ConsoleThread(replace(settings, var_dir=tmp_path / "var"), _spare_port())
    thread.start()
    assert thread.ready.wait(30), "the console did not start"
    if thread.error:
        raise thread.error
    yield thread
    if thread.server:
        thread.server.should_exit = True
    thread.join(10)


def test_a_staff_member_logs_in_approves_a_draft_registers_a_visit_and_sees_the_charts(chromium, console):
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    base = f"http://127.0.0.1:{console.port}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), headless=True, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1360, "height": 900}, locale="zh-CN")
            page.set_default_timeout(15000)
            page.goto(f"{base}/queue")
            expect(page).to_have_url(f"{base}/login?next=/queue")
            page.fill("input[name=name]", "li")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            expect(page.locator("h1")).to_have_text("诉求队列")
            expect(page.locator(f"tr[data-number='{console.number}']")).to_contain_text("剩2个工作日")
            page.screenshot(path=str(ARTIFACTS / "1-queue.png"), full_page=True)

            page.click(f"a[href='/t/{console.number}']")
            draft = page.locator("#act-reply textarea[name=text]")
            expect(draft).to_have_value(DRAFT)
            expect(page.locator("section.side")).to_contain_text("权益保障类")
            page.screenshot(path=str(ARTIFACTS / "2-ticket-with-draft.png"), full_page=True)
            draft.fill(DRAFT + "\n（已核对合同编号）")
            page.click("#act-reply button[type=submit]")
            expect(page.locator(".flash.ok")).to_contain_text("reply")
            expect(page.locator("section.audit")).to_contain_text("staff:li")

            page.click("a[href='/register']")
            page.select_option("select[name=member_no]", "M-1")
            page.select_option("select[name=channel]", "visit")
            page.fill("input[name=subject]", "厂区门前道路施工影响货车进出")
            page.fill("textarea[name=text]", "走访时张经理反映：厂区门前道路施工已两个月，货车无法进出，请商会协调园区管委会。")
            page.screenshot(path=str(ARTIFACTS / "3-register.png"), full_page=True)
            page.click("form.card button[type=submit]")
            expect(page.locator("h1")).to_contain_text("厂区门前道路施工影响货车进出")
            expect(page.locator("dl.facts").first).to_contain_text("走访受理")

            page.goto(f"{base}/reports?month=2026-11")
            expect(page.locator("figure svg")).to_have_count(6)
            expect(page.locator("figure.chart-channel")).to_contain_text("走访受理")
            page.screenshot(path=str(ARTIFACTS / "4-reports.png"), full_page=True)
        finally:
            browser.close()
