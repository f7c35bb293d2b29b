"""A fake Zalo Bot Platform on loopback for end-to-end tests (see server.py)."""

from tests.fake_zalo.server import FakeZalo, Sent, serving

__all__ = ["FakeZalo", "Sent", "serving"]
