"""The Zalo channel: the Zalo Bot Platform (a Telegram-like HTTP bot API) at the edge of the bot.

A thin client of our own on httpx (client.py), update parsing (updates.py), rendering for a
platform without buttons or edits (render.py), the outbox Sender (sender.py), the webhook and
chart server (server.py) and the channel that ties them to the Dispatcher (channel.py).
"""

from channels.zalo.sender import TRAITS

__all__ = ["TRAITS"]
