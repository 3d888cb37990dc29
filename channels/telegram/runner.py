"""`helpdesk run`'s Telegram service: long polling (or a webhook with a secret token) plus the card follower."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiogram import Bot, Dispatcher
from aiohttp import web

from channels.telegram.bot import build_dispatcher, make_bot, telegram_desk
from channels.telegram.config import TelegramConfig
from helpdesk.services.context import DeskContext
from helpdesk.services.heartbeat import record_poll

log = logging.getLogger(__name__)

HEARTBEAT_S = 60.0


async def run_telegram(desk_ctx: DeskContext, config: TelegramConfig, stop: asyncio.Event, bot: Bot | None = None) -> None:
    """Serve members, staff and leadership until `stop` is set; pass the sender's `bot` to share one HTTP session."""
    own_bot = bot is None
    bot = bot or make_bot(config)
    tg = telegram_desk(desk_ctx, config, bot)
    dispatcher = build_dispatcher(tg)
    try:
        me = await bot.get_me()
        log.info("Telegram bot @%s serving staff chat %s (%s mode)", me.username, config.staff_chat_id, config.mode)
    except Exception as exc:  # Telegram unreachable at start: polling retries with backoff on its own
        log.warning("Telegram bot not reachable yet (%s); carrying on", exc)
    cards = asyncio.create_task(tg.cards.run(stop), name="telegram-cards")
    beat = asyncio.create_task(_heartbeat(desk_ctx, bot, stop), name="telegram-heartbeat")
    try:
        if config.mode == "webhook":
            await _webhook(dispatcher, bot, config, stop)
        else:
            await _polling(dispatcher, bot, config, stop)
    finally:
        stop.set()
        for task in (cards, beat):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if own_bot:
            await bot.session.close()


async def _heartbeat(ctx: DeskContext, bot: Bot, stop: asyncio.Event, every_s: float = HEARTBEAT_S) -> None:
    """Ask the Bot API who we are now and then; a good answer is the channel's heartbeat on /healthz."""
    while not stop.is_set():
        try:
            await bot.get_me()
            await record_poll(ctx, "telegram")
        except Exception as exc:  # unreachable for now: the health page shows the last good beat
            log.warning("Telegram heartbeat failed: %s", exc)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every_s)


async def _polling(dispatcher: Dispatcher, bot: Bot, config: TelegramConfig, stop: asyncio.Event) -> None:
    await bot.delete_webhook(drop_pending_updates=False)  # polling and a webhook exclude each other
    polling = asyncio.create_task(
        dispatcher.start_polling(
            bot,
            polling_timeout=config.polling_timeout_s,
            handle_signals=False,
            close_bot_session=False,
            # One update at a time: Telegram is told an update was received (the next offset) only
            # after intake has committed it, so a crash means Telegram delivers it again.
            handle_as_tasks=False,
        ),
        name="telegram-polling",
    )
    stopper = asyncio.create_task(stop.wait())
    await asyncio.wait({polling, stopper}, return_when=asyncio.FIRST_COMPLETED)
    stopper.cancel()
    if polling.done():
        await polling  # polling ended on its own: surface its error
        return
    try:
        await dispatcher.stop_polling()
    except RuntimeError:  # not started yet
        polling.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await polling


async def _webhook(dispatcher: Dispatcher, bot: Bot, config: TelegramConfig, stop: asyncio.Event) -> None:
    from aiogram.webhook.aiohttp_server import SimpleRequestHandler

    app = web.Application()
    SimpleRequestHandler(dispatcher=dispatcher, bot=bot, secret_token=config.webhook_secret).register(app, path=config.webhook_path)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, config.webhook_host, config.webhook_port)
    await site.start()
    try:
        assert config.webhook_url is not None
        await bot.set_webhook(
            url=config.webhook_url, secret_token=config.webhook_secret, allowed_updates=dispatcher.resolve_used_update_types()
        )
        log.info("Telegram webhook on %s:%s%s", config.webhook_host, config.webhook_port, config.webhook_path)
        await stop.wait()
    finally:
        await runner.cleanup()
