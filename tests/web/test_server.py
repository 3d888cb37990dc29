"""`run_web`: the first start prints the admin's one-time password once, serves on the address, and stops on the event."""

from __future__ import annotations

import asyncio
import socket

import httpx

from helpdesk.web import WebConfig, run_web
from helpdesk.web.config import SECRET_FILE


def _spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_web_section_is_read_with_defaults_and_the_secret_only_from_the_environment(tmp_path):
    config = WebConfig.from_section({}, env={})
    assert (config.host, config.port, config.cookie_secure, config.secret_key) == ("127.0.0.1", 8080, False, None)
    custom = WebConfig.from_section({"host": "0.0.0.0", "port": 9000, "cookie_secure": True, "secret_key": "in-file"}, env={"HELPDESK_SECRET_KEY": "env"})
    assert (custom.port, custom.cookie_secure, custom.secret_key) == (9000, True, "env")
    generated = WebConfig.from_section({}, env={}).resolve_secret(tmp_path)
    assert generated == WebConfig().resolve_secret(tmp_path) == (tmp_path / SECRET_FILE).read_text()


async def test_run_web_prints_the_first_admin_once_serves_and_stops(desk, capsys):
    config = WebConfig(secret_key="k", port=_spare_port())
    stop = asyncio.Event()
    task = asyncio.create_task(run_web(desk.ctx, config, stop))
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{config.port}") as client:
        for _ in range(100):
            try:
                response = await client.get("/healthz")
                break
            except httpx.TransportError:
                await asyncio.sleep(0.05)
        assert response.json()["database"] == "ok"
        assert (await client.get("/login")).status_code == 200
    stop.set()
    await asyncio.wait_for(task, 10)
    printed = capsys.readouterr().out
    assert "admin" in printed and "one-time password" in printed and config.address in printed
    second = asyncio.Event()
    second.set()
    await asyncio.wait_for(run_web(desk.ctx, config, second), 10)
    assert "one-time password" not in capsys.readouterr().out
