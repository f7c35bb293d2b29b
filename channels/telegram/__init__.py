"""The Telegram channel (python-telegram-bot 22, long polling)."""

from channels.telegram.channel import TelegramChannel, TelegramStartError, run_telegram
from channels.telegram.sender import TRAITS, TelegramSender

__all__ = ["TRAITS", "TelegramChannel", "TelegramSender", "TelegramStartError", "run_telegram"]
