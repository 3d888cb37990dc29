"""The channel's dependencies, built once and handed to every handler through the Dispatcher's workflow data."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from channels.telegram.callbacks import Signer
from channels.telegram.card_sync import CardSync
from channels.telegram.config import TelegramConfig
from channels.telegram.staff_actions import CardDesk
from helpdesk.services.context import DeskContext
from helpdesk.services.decisions import StaffDesk
from helpdesk.services.intake import IntakeService


@dataclass
class TelegramDesk:
    """Everything a Telegram handler may use: the core's ports, the cards and the member intake."""

    ctx: DeskContext
    config: TelegramConfig
    intake: IntakeService
    staff: StaffDesk
    signer: Signer
    cards: CardSync
    card_desk: CardDesk
    hand_over: Callable[[list[Any]], Awaitable[Any]]
