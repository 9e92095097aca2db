"""LEDs: the board's own, or one wired to a pin."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from .addon import fraction, need_driver, pin_word
from .base import Device

if TYPE_CHECKING:
    from ..board import Board

DIM_HZ = 1000  # PWM fast enough that no eye sees it flicker (the micro:bit's default 50 Hz does)


class LED(Device):
    """An LED. `board.led` is the board's own: the first RGB LED of the mPython board, the blue
    LED of an ESP32 DevKitC, or the centre of a micro:bit's 5×5 matrix; nothing to wire.

    `LED(board, pin)` is one you wire: its long leg (anode) to the pin through a 220 Ω
    resistor, its short leg (flat side, cathode) to GND. On a PWM pin it can also dim
    (`brightness`), and the board can blink it by itself (`blink`).

        led = LED(board, 0)
        led.on()
        led.blink(on_time=0.2, off_time=0.2, n=5)
    """

    def __init__(self, board: Board, pin: int | str = "led") -> None:
        if isinstance(pin, str):
            super().__init__(board, pin)
            self._pin: str | None = None
        else:
            self._pin = pin_word(board, pin, "out", "light an LED")
            super().__init__(board, f"LED on pin {pin}")
        self._blinking = False
        self._level = 0
        self._blink_end: float | None = None

    def on(self) -> None:
        self._set(1)

    def off(self) -> None:
        self._set(0)

    def toggle(self) -> None:
        self._set(0 if self.is_lit else 1)

    @property
    def is_lit(self) -> bool:
        """Whether it is lit (for a wired LED: dimmed above 0, or blinking)."""
        if self._pin is None:
            return self._ask("led") == "1"
        # reading the pin back would make it an input and put the LED out: remember instead
        if self._brightness is not None:
            return self._brightness > 0
        if self._blinking:
            return self._blink_end is None or time.monotonic() < self._blink_end
        return self._level == 1

    @property
    def value(self) -> int:
        return 1 if self.is_lit else 0

    @value.setter
    def value(self, value: int | bool) -> None:
        if value not in (0, 1, True, False):
            raise ValueError(f"LED value must be 0 or 1, not {value!r}")
        self._set(int(value))

    _brightness: float | None = None  # last brightness set by PWM, None when driven on/off

    @property
    def brightness(self) -> float:
        """0 (off) .. 1 (full); needs an LED on a PWM pin."""
        if self._brightness is not None:
            return self._brightness
        return float(self.value)

    @brightness.setter
    def brightness(self, level: float) -> None:
        pin = self._external("dim")
        pin_word(self.board, int(pin), "pwm", "dim an LED (PWM)")
        level = fraction(level, "brightness")
        self._stop_blinking()
        self._ask("pin", pin, "pwm", round(level * 1023), DIM_HZ)
        self._brightness = level

    def blink(self, on_time: float = 1.0, off_time: float = 1.0, n: int | None = None) -> None:
        """Blink `n` times (None: until on(), off() or close), `on_time` s lit, `off_time` s dark.
        The board keeps time, so it blinks evenly while your program does other things."""
        pin = self._external("blink")
        need_driver(self.board, "blink", "blink an LED by itself")
        for name, seconds in (("on_time", on_time), ("off_time", off_time)):
            if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0.001 <= seconds <= 60:
                raise ValueError(f"{name} must be 0.001..60 seconds, not {seconds!r}")
        if n is not None and (isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 30000):
            raise ValueError(f"n must be a whole number of blinks 1..30000, or None for ever, not {n!r}")
        self._ask("blink", pin, round(on_time * 1000), round(off_time * 1000), *([n] if n else []))
        self._brightness = None
        self._blinking = True
        self._blink_end = None if n is None else time.monotonic() + n * (on_time + off_time) - off_time

    def _set(self, level: int) -> None:
        if self._pin is None:
            self._ask("led", level)
            return
        if self._blinking:
            self._ask("blink", self._pin, 1000 if level else 0, 0)  # stops blinking, leaves it at `level`
        else:
            self._ask("pin", self._pin, "write", level)
        self._brightness = None
        self._blinking = False
        self._level = level

    def _stop_blinking(self) -> None:
        if self._blinking:
            self._blinking = False
            self._ask("blink", self._pin, 0, 0)

    def _external(self, what: str) -> str:
        if self._pin is None:
            raise ValueError(f"the board's own LED cannot {what}; wire an LED to a pin: LED(board, 0)")
        return self._pin
