"""The board's own LED."""

from __future__ import annotations

from .base import Device


class LED(Device):
    """The LED on the board: the first RGB LED of the mPython board, the blue LED of an
    ESP32 DevKitC, or the centre of a micro:bit's 5×5 matrix. Nothing to wire.

        board.led.on()
        board.led.off()
        lit = board.led.is_lit
    """

    def on(self) -> None:
        self._ask("led", 1)

    def off(self) -> None:
        self._ask("led", 0)

    def toggle(self) -> None:
        self._ask("led", 0 if self.is_lit else 1)

    @property
    def is_lit(self) -> bool:
        return self._ask("led") == "1"

    @property
    def value(self) -> int:
        return 1 if self.is_lit else 0

    @value.setter
    def value(self, value: int | bool) -> None:
        if value not in (0, 1, True, False):
            raise ValueError(f"LED value must be 0 or 1, not {value!r}")
        self._ask("led", int(value))
