"""Add-on inputs read straight off a pin: MotionSensor (PIR) and AnalogSensor."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from .. import wire
from ..errors import KitTimeout
from ..streams import Source, Streamable, level_source
from .addon import fraction, need_driver, need_pin, poll_until
from .base import Device
from .registry import export

if TYPE_CHECKING:
    from ..board import Board

Callback = Callable[[], object]
VOLTS = 3.3  # what an analog reading of 1023 means on these boards


@export
class MotionSensor(Device):
    """A PIR motion sensor (HC-SR501, or a kit's "human body infrared" module): notices a warm
    body moving in front of it. The board reports each change as it happens.

    Wiring: VCC to 5V (3V3 for mini modules), GND to GND, OUT (S) to the pin. An HC-SR501 needs
    about a minute to settle after power-up, and holds its output high a few seconds after the
    motion ends (turn its "Tx" screw to change that).

        pir = MotionSensor(board, 13)
        pir.when_motion = lambda: print("someone is there")
        pir.wait_for_motion(timeout=30)
    """

    def __init__(self, board: Board, pin: int) -> None:
        need_pin(board, pin, "in", "read a motion sensor (digital in)")
        need_driver(board, "watch", "watch a motion sensor's pin")
        super().__init__(board, f"motion sensor on pin {pin}")
        self.pin = pin
        self.when_motion: Callback | None = None
        self.when_no_motion: Callback | None = None
        self._changed = threading.Condition()
        self._level = int(self._ask("watch", pin))
        board._client.add_handler(self._on_event)

    @property
    def motion_detected(self) -> bool:
        with self._changed:
            return self._level == 1

    @property
    def value(self) -> int:
        with self._changed:
            return self._level

    def wait_for_motion(self, timeout: float | None = None) -> None:
        """Return once there is motion (at once if there is); KitTimeout after `timeout` s."""
        self._wait(1, "no motion was detected", timeout)

    def wait_for_no_motion(self, timeout: float | None = None) -> None:
        """Return once the motion has ended (at once if there is none)."""
        self._wait(0, "the motion did not stop", timeout)

    def close(self) -> None:
        """Stop the board watching the pin."""
        self._ask("watch", self.pin, 0)

    def _wait(self, level: int, what: str, timeout: float | None) -> None:
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            while self._level != level:
                self.board.check()
                left = 0.1 if deadline is None else min(0.1, deadline - time.monotonic())
                if left <= 0:
                    raise KitTimeout(f"{what} on pin {self.pin} within {timeout:g} s")
                self._changed.wait(left)

    def _on_event(self, event: wire.Event) -> None:
        # runs on the event thread, so callbacks never delay replies
        if event.name != "pin" or event.args[:1] != (str(self.pin),) or len(event.args) != 2:
            return
        level = 1 if event.args[1] == "1" else 0
        with self._changed:
            if level == self._level:
                return
            self._level = level
            self._changed.notify_all()
        callback = self.when_motion if level else self.when_no_motion
        if callback is not None:
            callback()


@export
class AnalogSensor(Streamable, Device):
    """Any sensor that puts out a voltage: soil moisture, potentiometer (knob), flame, gas, water
    level, a light-dependent resistor divider. `value` is 0 (0 V) .. 1 (3.3 V), `raw` 0..1023.

    Wiring: the module's AO (A, S or OUT) to an analog pin, VCC to 3V3, GND to GND. A bare
    potentiometer: outer legs to 3V3 and GND, middle leg to the pin. Many soil sensors read
    *lower* in wetter soil: try it in dry and wet soil and note both.

        knob = AnalogSensor(board, 1)
        turned = knob.value
        knob.wait_for_above(0.5, timeout=10)
    """

    def __init__(self, board: Board, pin: int) -> None:
        need_pin(board, pin, "analog", "read an analog sensor")
        super().__init__(board, f"analog sensor on pin {pin}")
        self.pin = pin

    @property
    def raw(self) -> int:
        """0..1023, as the board's ADC reads it."""
        return int(self._ask("pin", self.pin, "analog"))

    def _stream_source(self) -> Source:
        """Samples with .value 0..1, as `value`."""
        return level_source("", self.pin, "value")

    @property
    def value(self) -> float:
        """0 (0 V) .. 1 (3.3 V)."""
        return round(self.raw / 1023, 4)

    @property
    def voltage(self) -> float:
        """Volts at the pin, 0..3.3."""
        return round(self.raw / 1023 * VOLTS, 3)

    def wait_for_above(self, level: float, timeout: float | None = None) -> float:
        """Wait until `value` rises above `level` (0..1); returns the value then."""
        level = fraction(level, "level")
        return poll_until(self.board, lambda: self.value, lambda v: v > level, timeout,
                          f"{self.name} did not rise above {level:g}")

    def wait_for_below(self, level: float, timeout: float | None = None) -> float:
        """Wait until `value` falls below `level` (0..1); returns the value then."""
        level = fraction(level, "level")
        return poll_until(self.board, lambda: self.value, lambda v: v < level, timeout,
                          f"{self.name} did not fall below {level:g}")
