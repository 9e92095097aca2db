"""The accelerometer (with gestures) and the compass on the board."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from .. import wire
from ..errors import KitTimeout
from ..streams import Source, Streamable, accel_source
from .base import Device
from .registry import onboard

if TYPE_CHECKING:
    from ..board import Board

GESTURES = ("shake", "face up", "face down", "freefall", "left", "right", "up", "down", "3g", "6g", "8g")


@onboard("accelerometer")
class Accelerometer(Streamable, Device):
    """The board's accelerometer: which way is down, and gestures (shake, tilt, face up/down,
    freefall). Nothing to wire. Lying flat, face up, it reads (0, 0, -1) g.

        acc = board.accelerometer
        xyz = acc.acceleration                      # (x, y, z) in g
        acc.when_shaken = lambda: print("shaken!")
        with acc.stream(hz=100) as samples:         # s.timestamp, s.x, s.y, s.z
            for s in samples: ...
    """

    def __init__(self, board: Board, name: str) -> None:
        super().__init__(board, name)
        self._bus = _i2c_pins(board)
        self._when_shaken: Callable[[], object] | None = None
        self._when_gesture: Callable[[str], object] | None = None
        self._changed = threading.Condition()
        self._seen = 0  # gestures seen since made
        self._recent: deque[tuple[int, str]] = deque(maxlen=50)  # (number, gesture)
        self._watching = False
        board._client.add_handler(self._on_event)

    @property
    def raw(self) -> tuple[int, int, int]:
        """(x, y, z) in thousandths of g, as the chip gives them."""
        x, y, z = (int(v) for v in self._ask("accel", "xyz", *self._bus).split())
        return x, y, z

    @property
    def acceleration(self) -> tuple[float, float, float]:
        """(x, y, z) in g (1 g = the pull of gravity)."""
        x, y, z = self.raw
        return x / 1000, y / 1000, z / 1000

    value = acceleration

    def _stream_source(self) -> Source:
        return accel_source(self._bus)

    @property
    def x(self) -> float:
        return self.acceleration[0]

    @property
    def y(self) -> float:
        return self.acceleration[1]

    @property
    def z(self) -> float:
        return self.acceleration[2]

    @property
    def gesture(self) -> str | None:
        """The gesture now: one of GESTURES, or None when the board is just held still."""
        word = self._ask("accel", "gesture", *self._bus)
        return None if word == "-" else word.replace("_", " ")

    @property
    def when_shaken(self) -> Callable[[], object] | None:
        """Called (with no arguments) each time the board is shaken."""
        return self._when_shaken

    @when_shaken.setter
    def when_shaken(self, callback: Callable[[], object] | None) -> None:
        self._when_shaken = callback
        self._watch()

    @property
    def when_gesture(self) -> Callable[[str], object] | None:
        """Called with the gesture's name (see GESTURES) each time a new gesture starts."""
        return self._when_gesture

    @when_gesture.setter
    def when_gesture(self, callback: Callable[[str], object] | None) -> None:
        self._when_gesture = callback
        self._watch()

    def wait_for_gesture(self, gesture: str, timeout: float | None = None) -> None:
        """Return once `gesture` (one of GESTURES) is seen; KitTimeout after `timeout` seconds."""
        if gesture not in GESTURES:
            raise ValueError(f"gesture must be one of: {', '.join(GESTURES)}; not {gesture!r}")
        with self._changed:
            start = self._seen
        self._watch(force=True)
        if self.gesture == gesture:
            return
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            while not any(n > start and g == gesture for n, g in self._recent):
                self.board.check()
                left = 0.1 if deadline is None else min(0.1, deadline - time.monotonic())
                if left <= 0:
                    raise KitTimeout(f"the board saw no {gesture!r} gesture within {timeout:g} s")
                self._changed.wait(left)

    def _watch(self, force: bool = False) -> None:
        if (force or self._when_shaken or self._when_gesture) and not self._watching:
            self._ask("accel", "watch", 1, *self._bus)
            self._watching = True

    def _on_event(self, event: wire.Event) -> None:
        # on the event thread, as Button's: a slow callback never delays replies
        if event.name == "boot":
            self._watching = False  # the board forgot; the next wait or callback asks again
            return
        if event.name != "gesture" or len(event.args) != 1:
            return
        gesture = event.args[0].replace("_", " ")
        with self._changed:
            self._seen += 1
            self._recent.append((self._seen, gesture))
            self._changed.notify_all()
        if gesture == "shake" and self._when_shaken is not None:
            self._when_shaken()
        if self._when_gesture is not None:
            self._when_gesture(gesture)


def _i2c_pins(board: Board) -> tuple[int, ...]:
    """ESP32 boards read their motion chips over I2C: the firmware needs the bus pin labels."""
    i2c = board.spec.devices.get("i2c") if board.spec.family == "esp32" else None
    return (i2c.params["scl_pin"], i2c.params["sda_pin"]) if i2c else ()


@onboard("compass")
class Compass(Device):
    """The board's magnetometer as a compass, for a board lying flat. Nothing to wire; keep it
    away from magnets and motors. The micro:bit asks to be calibrated once after each reset
    (tilt it to fill the screen); the mPython board's heading is not calibrated yet, so metal
    nearby can throw it off by tens of degrees.

        compass = board.compass
        compass.calibrate()
        heading = compass.heading        # 0 = north, 90 = east
    """

    def __init__(self, board: Board, name: str) -> None:
        super().__init__(board, name)
        self._bus = _i2c_pins(board)

    @property
    def heading(self) -> int:
        """Degrees clockwise from magnetic north that the board's top edge points, 0..359."""
        return int(self._ask("compass", *self._bus))

    value = heading

    def calibrate(self, timeout: float = 60) -> None:
        """Run the board's calibration: tilt the board until the game on its screen ends."""
        self.board.request("compass", "cal", timeout=timeout)
