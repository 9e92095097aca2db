"""Touch pads: the mPython board's P, Y, T, H, O, N and the micro:bit v2's gold logo."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from .. import wire
from ..errors import KitTimeout
from .base import Device
from .registry import onboard

if TYPE_CHECKING:
    from ..board import Board

Callback = Callable[[], object]


class _Watch:
    """The pads of one board whose touches the firmware reports as events."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.keys: list[str] = []

    def add(self, key: str) -> None:
        if key not in self.keys:
            self.keys.append(key)
            self.board.request("touch", "watch", *self.keys)


class TouchPad(Device):
    """One touch pad. Put a finger on it; no wiring.

        pad = board.touch["P"]          # board.logo on a micro:bit v2
        pad.wait_for_touch(timeout=10)
        pad.when_touched = lambda: print("touched")
    """

    def __init__(self, board: Board, name: str, key: str, watch: _Watch) -> None:
        super().__init__(board, name)
        self.key = key  # a pin label, or "logo"
        self._watch = watch
        self._changed = threading.Condition()
        self._touches = 0
        self._releases = 0
        self._when_touched: Callback | None = None
        self._when_released: Callback | None = None
        board._client.add_handler(self._on_event)

    def _read(self) -> tuple[bool, int]:
        touched, raw = self._ask("touch", self.key).split()
        return touched == "1", int(raw)

    @property
    def is_touched(self) -> bool:
        return self._read()[0]

    value = is_touched

    @property
    def raw(self) -> int:
        """The ESP32's capacitance reading (lower = more finger; about 100 touched, 600 not); 0 on a micro:bit."""
        return self._read()[1]

    @property
    def when_touched(self) -> Callback | None:
        return self._when_touched

    @when_touched.setter
    def when_touched(self, callback: Callback | None) -> None:
        self._when_touched = callback
        if callback is not None:
            self._watch.add(self.key)

    @property
    def when_released(self) -> Callback | None:
        return self._when_released

    @when_released.setter
    def when_released(self, callback: Callback | None) -> None:
        self._when_released = callback
        if callback is not None:
            self._watch.add(self.key)

    def wait_for_touch(self, timeout: float | None = None) -> None:
        """Return once a finger is on the pad (at once if one is); KitTimeout after `timeout` s."""
        self._wait(True, timeout)

    def wait_for_release(self, timeout: float | None = None) -> None:
        """Return once no finger is on the pad (at once if none is)."""
        self._wait(False, timeout)

    def _wait(self, touched: bool, timeout: float | None) -> None:
        self._watch.add(self.key)
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            start = self._touches if touched else self._releases
        if self.is_touched == touched:
            return
        with self._changed:
            while (self._touches if touched else self._releases) == start:
                self.board.check()
                left = 0.1 if deadline is None else min(0.1, deadline - time.monotonic())
                if left <= 0:
                    what = "touched" if touched else "released"
                    raise KitTimeout(f"touch pad {self.name} was not {what} within {timeout:g} s")
                self._changed.wait(left)

    def _on_event(self, event: wire.Event) -> None:
        if event.name == "boot":
            self._watch.keys.clear()  # the board forgot
            return
        if event.name != "touch" or event.args[:1] != (self.key,) or len(event.args) != 2:
            return
        down = event.args[1] == "down"
        with self._changed:
            if down:
                self._touches += 1
            else:
                self._releases += 1
            self._changed.notify_all()
        callback = self._when_touched if down else self._when_released
        if callback is not None:
            callback()


@onboard("touch")
class TouchPads(Device):
    """The mPython board's six touch pads, by the letter printed beside each: P, Y, T, H, O, N.

        pads = board.touch
        if pads["P"].is_touched: print("P")
        pads["N"].when_touched = lambda: print("N")
    """

    def __init__(self, board: Board, name: str) -> None:
        super().__init__(board, name)
        params = board.spec.device(name).params
        watch = _Watch(board)
        self._pads = {letter: TouchPad(board, letter, str(label), watch)
                      for letter, label in zip(params["pads"], params["pins"])}

    def __getitem__(self, letter: str) -> TouchPad:
        try:
            return self._pads[letter]
        except KeyError:
            raise KeyError(f"no touch pad {letter!r}; pads: {', '.join(self._pads)}") from None

    def __iter__(self):
        return iter(self._pads.values())

    @property
    def touched(self) -> list[str]:
        """The letters of the pads a finger is on now."""
        return [letter for letter, pad in self._pads.items() if pad.is_touched]


@onboard("logo")
class TouchLogo(TouchPad):
    """The micro:bit v2's gold logo, a touch pad. Nothing to wire.

        board.logo.wait_for_touch(timeout=10)
        board.logo.when_touched = lambda: print("logo!")
        touched = board.logo.is_touched
    """

    def __init__(self, board: Board, name: str) -> None:
        super().__init__(board, name, "logo", _Watch(board))
