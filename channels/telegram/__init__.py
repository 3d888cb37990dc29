"""The Telegram channel: a member bot, a staff chat that approves with one tap, and a leadership chat (aiogram 3)."""

from channels.telegram.bot import build_dispatcher, make_bot, telegram_desk
from channels.telegram.config import TelegramConfig
from channels.telegram.runner import run_telegram
from channels.telegram.sender import TelegramSender, telegram_sender

__all__ = ["TelegramConfig", "TelegramSender", "build_dispatcher", "make_bot", "run_telegram", "telegram_desk", "telegram_sender"]
