"""A pin on the board's edge connector, with the micro:bit's method names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..streams import Source, Streamable, analog_source
from .base import Device

if TYPE_CHECKING:
    from ..board import Board

PULLS = ("up", "down", "none")


class Pin(Streamable, Device):
    """A pin numbered as printed on the board (P0… on the mPython board, pin0… on the
    micro:bit, GPIO numbers on an ESP32 DevKitC). Wire a part between the pin and GND.

        pin = board.pin(0)
        pin.write_digital(1)
        level = board.pin(2).read_analog()
    """

    def __init__(self, board: Board, label: int) -> None:
        super().__init__(board, f"pin{label}")
        self.label = label
        self.spec = board.spec.pin(label)

    def _need(self, cap: str, what: str) -> None:
        if cap not in self.spec.caps:
            can = " ".join(str(p) for p in self.board.spec.pins_with(cap)) or "none"
            raise ValueError(f"pin {self.label} of the {self.board.spec.name} cannot {what}; pins that can: {can}")

    def read_digital(self) -> int:
        self._need("in", "read digital input")
        return int(self._ask("pin", self.label, "read"))

    def write_digital(self, value: int | bool) -> None:
        self._need("out", "write digital output")
        if value not in (0, 1, True, False):
            raise ValueError(f"write_digital takes 0 or 1, not {value!r}")
        self._ask("pin", self.label, "write", int(value))

    def read_analog(self) -> int:
        """0 (0 V) … 1023 (3.3 V)."""
        self._need("analog", "read analog input")
        return int(self._ask("pin", self.label, "analog"))

    def _stream_source(self) -> Source:
        """Samples with .value 0..1023, as read_analog()."""
        self._need("analog", "read analog values")
        return analog_source(self.label)

    def write_analog(self, value: int, frequency: int | None = None) -> None:
        """PWM duty 0 (always off) … 1023 (always on); frequency in Hz."""
        self._need("pwm", "write analog (PWM) output")
        if not isinstance(value, int) or not 0 <= value <= 1023:
            raise ValueError(f"write_analog takes a whole number 0..1023, not {value!r}")
        if frequency is None:
            self._ask("pin", self.label, "pwm", value)
            return
        top = self.board.spec.pwm_max_hz
        if not isinstance(frequency, int) or not 1 <= frequency <= top:
            raise ValueError(f"frequency must be a whole number of Hz in 1..{top}, not {frequency!r}")
        self._ask("pin", self.label, "pwm", value, frequency)

    def set_pull(self, pull: str) -> None:
        """'up', 'down' or 'none': what the pin reads when nothing drives it."""
        self._need("in", "take a pull resistor")
        if pull not in PULLS:
            raise ValueError(f"pull must be one of {', '.join(PULLS)}, not {pull!r}")
        self._ask("pin", self.label, "pull", pull)
