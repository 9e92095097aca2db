"""On-board sensors read as one number: light, sound level, temperature."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import KitTimeout
from ..streams import Source, Streamable, level_source
from .base import Device
from .registry import onboard

if TYPE_CHECKING:
    from ..board import Board

POLL = 0.05  # seconds between readings while waiting for a level


def _fraction(value: float, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(f"{what} must be a number 0..1, not {value!r}")
    return float(value)


class _Level(Streamable, Device):
    """A sensor whose reading the board gives as a raw number, shown to students as 0..1.

    Where the board definition puts the sensor on an analog pin, the raw value is that pin's
    0..1023; otherwise the firmware's `sense` verb reads the board's own sensor (0..255)."""

    QUANTITY = ""

    def __init__(self, board: Board, name: str) -> None:
        super().__init__(board, name)
        self._pin = board.spec.device(name).params.get("pin")
        self.full_scale = 1023 if self._pin is not None else 255

    @property
    def raw(self) -> int:
        """The reading as the board gives it: 0..1023 from an analog pin, 0..255 otherwise."""
        if self._pin is not None:
            return int(self._ask("pin", self._pin, "analog"))
        return int(self._ask("sense", self.QUANTITY))

    @property
    def level(self) -> float:
        """0 (none) .. 1 (the most the sensor can tell)."""
        return self.raw / self.full_scale

    value = level

    def _stream_source(self) -> Source:
        """Samples with .level 0..1, as `level`."""
        return level_source(self.QUANTITY, self._pin)

    def _wait(self, test: Callable[[float], bool], what: str, timeout: float | None) -> float:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            level = self.level
            if test(level):
                return level
            if deadline is not None and time.monotonic() >= deadline:
                raise KitTimeout(f"the {self.name} sensor did not read {what} within {timeout:g} s (last {level:.2f})")
            self.board.check()
            time.sleep(POLL)  # the pace of the readings, not a guess at when they change


@onboard("light")
class LightSensor(_Level):
    """The board's light sensor: a phototransistor on the mPython board (P4), the LED matrix
    itself on a micro:bit. Nothing to wire; point it at the light.

        light = board.light
        level = light.level             # 0 dark .. 1 bright
        light.wait_for_dark(threshold=0.2, timeout=10)
    """

    QUANTITY = "light"

    def wait_for_light(self, threshold: float = 0.5, timeout: float | None = None) -> float:
        """Return the level once it is at least `threshold` (0..1); KitTimeout after `timeout` s."""
        threshold = _fraction(threshold, "threshold")
        return self._wait(lambda v: v >= threshold, f"{threshold:g} or brighter", timeout)

    def wait_for_dark(self, threshold: float = 0.5, timeout: float | None = None) -> float:
        """Return the level once it is below `threshold` (0..1); KitTimeout after `timeout` s."""
        threshold = _fraction(threshold, "threshold")
        return self._wait(lambda v: v < threshold, f"darker than {threshold:g}", timeout)


@onboard("sound")
class SoundSensor(_Level):
    """The board's microphone as a loudness meter: on the mPython board (P10) and the
    micro:bit v2. Nothing to wire; clap near it.

        mic = board.sound
        level = mic.level               # 0 quiet .. 1 loud
        mic.wait_for_sound(threshold=0.6, timeout=10)
    """

    QUANTITY = "sound"

    def wait_for_sound(self, threshold: float = 0.5, timeout: float | None = None) -> float:
        """Return the level once it is at least `threshold` (0..1); KitTimeout after `timeout` s."""
        threshold = _fraction(threshold, "threshold")
        return self._wait(lambda v: v >= threshold, f"{threshold:g} or louder", timeout)


@onboard("temperature")
class TemperatureSensor(Device):
    """The micro:bit's temperature sensor, inside its chip: it reads the air a few degrees warm.
    Nothing to wire.

        thermometer = board.temperature
        celsius = thermometer.celsius
        fahrenheit = thermometer.fahrenheit
    """

    @property
    def celsius(self) -> float:
        """Degrees Celsius, in whole degrees as the chip gives them."""
        return float(self._ask("sense", "temp"))

    raw = celsius
    value = celsius

    @property
    def fahrenheit(self) -> float:
        return self.celsius * 9 / 5 + 32
