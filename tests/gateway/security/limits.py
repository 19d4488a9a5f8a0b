"""Helpers for tests of fixed-window limits."""

import time

from gateway.throttling import window_of


def fresh_window(seconds: int, need: int = 15) -> None:
    """Wait, if needed, until the current window has `need` seconds left, so a test's counts share one window."""
    _window, left = window_of(seconds)
    if left < need:
        time.sleep(left + 0.1)
