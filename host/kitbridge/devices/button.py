"""Buttons A and B on the board."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import KitTimeout
from .base import Device

if TYPE_CHECKING:
    from ..board import Board

Callback = Callable[[], object]


class Button(Device):
    """An on-board push button (A or B). Nothing to wire.

        board.button_a.wait_for_press(timeout=5)
        board.button_a.when_pressed = lambda: print("A!")
        down = board.button_a.is_pressed
        while not board.button_a.was_pressed(): ...   # a quick press is never missed
    """

    def __init__(self, board: Board, name: str, letter: str) -> None:
        super().__init__(board, name)
        self.letter = letter
        self.when_pressed: Callback | None = None
        self.when_released: Callback | None = None
        self._changed = threading.Condition()
        self._presses = 0
        self._releases = 0
        self._presses_seen = 0  # by was_pressed()

    @property
    def is_pressed(self) -> bool:
        return self._ask("button", self.letter) == "1"

    def was_pressed(self) -> bool:
        """True if the button went down since the last call (or since the board connected).

        As micro:bit's button_a.was_pressed(): a loop that checks it now and then never
        misses a quick press, where is_pressed only sees the button while it is held.
        """
        self.board.check()
        with self._changed:
            pressed = self._presses > self._presses_seen
            self._presses_seen = self._presses
        return pressed

    def wait_for_press(self, timeout: float | None = None) -> None:
        """Return once the button is down (at once if it already is); KitTimeout after
        `timeout` seconds (None: no limit, but a lost board still ends the wait)."""
        self._wait("pressed", lambda: self._presses, True, timeout)

    def wait_for_release(self, timeout: float | None = None) -> None:
        """Return once the button is up (at once if it already is)."""
        self._wait("released", lambda: self._releases, False, timeout)

    def _wait(self, what: str, count: Callable[[], int], pressed: bool, timeout: float | None) -> None:
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            start = count()
        if self.is_pressed == pressed:
            return
        with self._changed:
            while count() == start:
                self.board.check()
                left = 0.1 if deadline is None else min(0.1, deadline - time.monotonic())
                if left <= 0:
                    raise KitTimeout(f"button {self.letter.upper()} was not {what} within {timeout:g} s")
                self._changed.wait(left)

    def _on_event(self, state: str) -> None:
        # runs on the event thread: callbacks too, so a slow one never delays replies
        with self._changed:
            if state == "down":
                self._presses += 1
            else:
                self._releases += 1
            self._changed.notify_all()
        callback = self.when_pressed if state == "down" else self.when_released
        if callback is not None:
            callback()
